//! Bounded keep-alive load: a few connections, each sending a fixed number of `GET`s one after
//! the other, all within a deadline. Every request that gets no complete answer is reported.

use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// What a load run saw.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// How many answers had each status.
    pub statuses: BTreeMap<u16, usize>,
    /// Requests without a complete answer, with the reason.
    pub errors: Vec<String>,
}

impl LoadReport {
    /// How many requests got a complete answer.
    pub fn answered(&self) -> usize {
        self.statuses.values().sum()
    }
}

/// The shape of a load run.
#[derive(Debug, Clone)]
pub struct Load {
    /// Where to send the requests (the proxy).
    pub addr: SocketAddr,
    /// Concurrent keep-alive connections.
    pub connections: usize,
    /// Requests sent on each connection, one after the other.
    pub per_connection: usize,
    /// The whole run is cut at this deadline; unsent requests count as errors.
    pub deadline: Duration,
}

impl Load {
    /// Runs the load (blocking), counting answered requests in `progress` as they complete.
    pub fn run(&self, progress: Arc<AtomicUsize>) -> LoadReport {
        let report = Arc::new(Mutex::new(LoadReport::default()));
        let load = self.clone();
        let shared = report.clone();
        crate::runtime().block_on(async move {
            let mut workers = JoinSet::new();
            for _ in 0..load.connections {
                workers.spawn(worker(load.clone(), shared.clone(), progress.clone()));
            }
            let finished = tokio::time::timeout(load.deadline, async {
                while workers.join_next().await.is_some() {}
            })
            .await;
            if finished.is_err() {
                workers.abort_all();
            }
        });
        let mut report = std::mem::take(&mut *report.lock().unwrap());
        let missing = self.connections * self.per_connection - report.answered();
        if missing > report.errors.len() {
            let unsent = missing - report.errors.len();
            report.errors.push(format!(
                "{unsent} requests not answered before the deadline"
            ));
        }
        report
    }
}

async fn worker(load: Load, report: Arc<Mutex<LoadReport>>, progress: Arc<AtomicUsize>) {
    let mut sent = 0;
    while sent < load.per_connection {
        let stream = match TcpStream::connect(load.addr).await {
            Ok(stream) => stream,
            Err(e) => {
                report.lock().unwrap().errors.push(format!("connect: {e}"));
                sent += 1;
                continue;
            }
        };
        let Ok((mut sender, connection)) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
        else {
            report
                .lock()
                .unwrap()
                .errors
                .push("handshake failed".into());
            sent += 1;
            continue;
        };
        tokio::spawn(connection);
        // Keep using this connection until it breaks or the work is done.
        while sent < load.per_connection {
            sent += 1;
            let request = Request::get("/")
                .header("host", load.addr.to_string())
                .body(Empty::<Bytes>::new())
                .unwrap();
            let answer = async {
                let response = sender.send_request(request).await?;
                let status = response.status().as_u16();
                response.into_body().collect().await?;
                Ok::<u16, hyper::Error>(status)
            };
            match answer.await {
                Ok(status) => {
                    *report.lock().unwrap().statuses.entry(status).or_default() += 1;
                    progress.fetch_add(1, Ordering::SeqCst);
                }
                Err(e) => {
                    report.lock().unwrap().errors.push(format!("request: {e}"));
                    break;
                }
            }
        }
    }
}
