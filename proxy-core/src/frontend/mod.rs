//! Listeners: each `bind` of each frontend served by Switchyard's HTTP/1.1 server side
//! (`http1`), with HAProxy's client-side timeouts, `maxconn` and graceful shutdown.
//!
//! * `maxconn` (the frontend's and the global one, see [`crate::runtime::ConnLimit`]) is taken
//!   *before* `accept`, so connections beyond the limit wait in the kernel's accept backlog, as
//!   in HAProxy.
//! * Timeouts: see the `http1` module (408 on `timeout http-request`, silent close on
//!   `timeout http-keep-alive`, cut on `timeout client`).
//! * A malformed request head gets the 400 page and the connection is closed; other
//!   connections are unaffected.
//! * Shutdown: listeners stop accepting, requests in flight finish with `Connection: close`, and
//!   connections still open after [`GRACE_PERIOD`] are cut.

mod http1;
mod tls;
pub(crate) use http1::{ClientSilent, ClientTimeouts};
pub(crate) use tls::{TlsError, TlsSlot};

use crate::admin::AdminSockets;
use crate::proxy::ProxyService;
use crate::routing::Peer;
use crate::runtime::{ConnPermit, FrontendState};
use http1::serve_connection;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The fallback of a listener's [`ProxyService`]: a request no backend takes gets HAProxy's 503
/// (see [`ProxyService::serve_connection_request`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct NoBackend;

/// How long shutdown waits for requests in flight before closing their connections.
pub const GRACE_PERIOD: Duration = Duration::from_secs(10);

/// The listen backlog of a frontend without `maxconn` in a process without one.
const DEFAULT_BACKLOG: u32 = 1024;

/// Binds a listener on `addr` whose accept backlog holds `backlog` connections (HAProxy passes
/// the frontend's `maxconn` to `listen()`; the system may cap it, at `net.core.somaxconn` on
/// Linux). A burst of connections larger than the backlog would see the kernel drop the end of
/// their handshakes, and their first requests wait for it to be retried.
pub(crate) fn listen(addr: SocketAddr, backlog: Option<u32>) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog.unwrap_or(DEFAULT_BACKLOG))
}

/// A pause after a failed `accept` (e.g. out of file descriptors), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Every bound address of every frontend, ready to serve. Made by [`crate::Proxy::bind`].
#[derive(Debug)]
pub struct Listeners {
    listeners: Vec<Listener>,
    admin: AdminSockets,
}

/// One bound address of a frontend.
#[derive(Debug)]
pub(crate) struct Listener {
    pub(crate) frontend: Arc<FrontendState>,
    pub(crate) socket: TcpListener,
    pub(crate) service: ProxyService<NoBackend>,
    /// `ssl crt`: the TLS settings connections are accepted with.
    pub(crate) tls: Option<Arc<TlsSlot>>,
}

impl Listeners {
    pub(crate) fn new(listeners: Vec<Listener>, admin: AdminSockets) -> Listeners {
        Listeners { listeners, admin }
    }

    /// The frontend name and local address of each listener (the real port when a `bind`
    /// asked for port 0).
    pub fn local_addrs(&self) -> Vec<(String, SocketAddr)> {
        self.listeners
            .iter()
            .filter_map(|l| Some((l.frontend.name().to_owned(), l.socket.local_addr().ok()?)))
            .collect()
    }

    /// Serves every listener and stats socket until `shutdown` completes, then stops
    /// gracefully: no new connections, requests in flight finish (for at most
    /// [`GRACE_PERIOD`]); stats socket sessions are closed.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), switchyard_core::Error> {
    /// let proxy = switchyard_core::Proxy::from_config_file("haproxy.cfg")?;
    /// let listeners = proxy.bind().await?;
    /// listeners.serve(async { let _ = tokio::signal::ctrl_c().await; }).await
    /// # }
    /// ```
    pub async fn serve(self, shutdown: impl Future<Output = ()>) -> Result<(), crate::Error> {
        let (stop, stopped) = watch::channel(false);
        let mut loops = JoinSet::new();
        for listener in self.listeners {
            loops.spawn(accept_loop(listener, stopped.clone()));
        }
        loops.spawn(self.admin.serve(stopped.clone()));
        shutdown.await;
        // Receivers live in the tasks; a send error only means they all ended already.
        let _ = stop.send(true);
        let drained = tokio::time::timeout(GRACE_PERIOD, async {
            while loops.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("connections still open after the grace period are closed");
            loops.abort_all();
        }
        Ok(())
    }
}

/// Accepts connections on one listener until `stop` turns true, then waits for its connections.
async fn accept_loop(listener: Listener, mut stop: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            () = stopped(&mut stop) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            // Unconstrained by tokio's per-poll budget: a burst of new connections is accepted
            // at once (as far as `maxconn` allows), not 128 per turn behind every busy task.
            accepted = tokio::task::unconstrained(accept_within_limits(&listener)) => match accepted {
                Ok((stream, peer, permits)) => {
                    let mut service = listener.service.clone();
                    let stopped = stop.clone();
                    let timeouts = service.plan().timeouts.clone();
                    let frontend = Arc::clone(&listener.frontend);
                    let session = frontend.open_connection(peer);
                    let tls = listener.tls.as_ref().map(|slot| slot.acceptor());
                    connections.spawn(async move {
                        // Responses are small writes; don't let Nagle's algorithm hold them back.
                        if let Err(error) = stream.set_nodelay(true) {
                            tracing::debug!(%peer, %error, "cannot set TCP_NODELAY");
                        }
                        match tls {
                            None => {
                                let halves = stream.into_split();
                                let peer = Peer::plain(peer);
                                serve_connection(halves, frontend, peer, service, timeouts, stopped).await;
                            }
                            Some(acceptor) => {
                                let Some(stream) = handshake(acceptor, stream, peer, &timeouts).await else {
                                    return;
                                };
                                let halves = tokio::io::split(stream);
                                let peer = Peer { addr: peer, tls: true };
                                serve_connection(halves, frontend, peer, service, timeouts, stopped).await;
                            }
                        }
                        drop(session);
                        drop(permits);
                    });
                }
                Err(error) => {
                    tracing::warn!(frontend = listener.frontend.name(), %error, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
    drop(listener.socket);
    while connections.join_next().await.is_some() {}
}

/// The TLS handshake of a new connection, within `timeout client` (HAProxy's limit for it);
/// `None` when it fails or takes too long (logged at debug level: scanners do that a lot).
async fn handshake(
    acceptor: tokio_rustls::TlsAcceptor,
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    timeouts: &ClientTimeouts,
) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
    let accepting = acceptor.accept(stream);
    let outcome = match timeouts.client {
        Some(limit) => tokio::time::timeout(limit, accepting).await.ok(),
        None => Some(accepting.await),
    };
    match outcome {
        Some(Ok(stream)) => Some(stream),
        Some(Err(error)) => {
            tracing::debug!(%peer, %error, "TLS handshake failed");
            None
        }
        None => {
            tracing::debug!(%peer, "TLS handshake timed out");
            None
        }
    }
}

/// Completes once `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // An error means the sender is gone, which also means stop.
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// Waits for a free place under the frontend's and the global `maxconn`, then accepts one
/// connection.
async fn accept_within_limits(
    listener: &Listener,
) -> std::io::Result<(tokio::net::TcpStream, SocketAddr, [ConnPermit; 2])> {
    let [frontend, global] = listener.frontend.limits();
    let permits = [frontend.acquire().await, global.acquire().await];
    let (stream, peer) = listener.socket.accept().await?;
    Ok((stream, peer, permits))
}
