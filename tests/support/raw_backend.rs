//! A server that answers every connection with fixed bytes, then closes or goes silent: for
//! broken responses (a cut-off head, garbage instead of HTTP, a body that stops) that a real
//! HTTP server library cannot produce.

use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A listener on `127.0.0.1` that reads the request, writes its bytes, and closes. Stops on drop.
#[derive(Debug)]
pub struct RawBackend {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl RawBackend {
    /// Starts answering every connection with `reply`, then closing it.
    pub fn start(reply: &'static [u8]) -> RawBackend {
        RawBackend::answering(reply, false)
    }

    /// Starts answering every connection with `reply`, then sending nothing more while keeping
    /// it open until the proxy closes it.
    pub fn stalling(reply: &'static [u8]) -> RawBackend {
        RawBackend::answering(reply, true)
    }

    fn answering(reply: &'static [u8], stall: bool) -> RawBackend {
        let listener = super::runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let task = super::runtime().spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = stream.read(&mut request).await;
                    let _ = stream.write_all(reply).await;
                    while stall && matches!(stream.read(&mut request).await, Ok(n) if n > 0) {}
                });
            }
        });
        RawBackend { addr, task }
    }

    /// A `server` line for a config: `    server <name> 127.0.0.1:<port>`.
    pub fn server_line(&self, name: &str) -> String {
        format!("    server {name} {}\n", self.addr)
    }
}

impl Drop for RawBackend {
    fn drop(&mut self) {
        self.task.abort();
    }
}
