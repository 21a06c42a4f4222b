//! One backend's upstream connections: the idle ones of each server, and opening new ones with
//! `timeout connect` and `TCP_NODELAY`. HAProxy keeps idle server connections the same way
//! (its `pool-max-conn`/`pool-purge-delay` tuning is fixed here).

use super::body::Release;
use super::{PooledBody, UpstreamError};
use crate::proxy::ProxyBody;
use crate::runtime::ServerState;
use arc_swap::ArcSwap;
use http::header::CONNECTION;
use http::{HeaderMap, Request, Response};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The most idle connections kept per server; more are closed when their response ends.
const MAX_IDLE_PER_SERVER: usize = 1024;
/// The longest an idle connection is kept (less when `timeout server` is shorter).
const MAX_IDLE_TIME: Duration = Duration::from_secs(10);

/// The sending half of one upstream connection.
pub(super) type Sender = SendRequest<ProxyBody>;

/// An idle connection: its sender, where it goes and since when it is idle.
pub(super) struct Idle {
    pub(super) sender: Sender,
    pub(super) addr: SocketAddr,
    pub(super) since: Instant,
}

/// The idle connections of one server, most recently used at the back.
pub(super) struct ServerPool {
    idle: Mutex<VecDeque<Idle>>,
    idle_time: Duration,
}

impl ServerPool {
    /// The most recently used idle connection to `addr` that is not too old.
    fn take(&self, addr: SocketAddr) -> Option<Idle> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(connection) = idle.pop_back() {
            if connection.addr == addr && connection.since.elapsed() < self.idle_time {
                return Some(connection);
            }
        }
        None
    }

    /// Keeps `connection` for the next request, dropping the ones idle for too long.
    pub(super) fn put(&self, connection: Idle) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while idle
            .front()
            .is_some_and(|oldest| oldest.since.elapsed() >= self.idle_time)
        {
            idle.pop_front();
        }
        if idle.len() < MAX_IDLE_PER_SERVER {
            idle.push_back(connection);
        }
    }
}

/// A server's response head, and how long connecting took (zero on a reused connection:
/// HAProxy's `ctime`).
pub(crate) struct Sent {
    pub(crate) response: Response<PooledBody>,
    pub(crate) connect_time: Duration,
}

/// Why [`Upstream::send`] failed, with the request when it never left (no connection could be
/// made), so that a retry can reuse its head.
pub(crate) struct SendError {
    pub(crate) error: UpstreamError,
    pub(crate) unsent: Option<Request<ProxyBody>>,
}

impl From<UpstreamError> for SendError {
    fn from(error: UpstreamError) -> SendError {
        SendError {
            error,
            unsent: None,
        }
    }
}

/// The upstream connections of one backend's servers (indexed by server id; a server added at
/// run time gets its pool on its first request).
pub(crate) struct Upstream {
    servers: ArcSwap<Vec<Arc<ServerPool>>>,
    idle_time: Duration,
    connect_timeout: Option<Duration>,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("servers", &self.servers.load().len())
            .finish_non_exhaustive()
    }
}

impl Upstream {
    /// Empty pools for `servers` servers, connecting within `connect_timeout` and keeping idle
    /// connections no longer than `server_timeout` (and 10s).
    pub(crate) fn new(
        servers: usize,
        connect_timeout: Option<Duration>,
        server_timeout: Option<Duration>,
    ) -> Upstream {
        let idle_time = server_timeout.map_or(MAX_IDLE_TIME, |t| t.min(MAX_IDLE_TIME));
        let upstream = Upstream {
            servers: ArcSwap::default(),
            idle_time,
            connect_timeout,
        };
        upstream.grow(servers);
        upstream
    }

    /// The pool of the server with id `index`.
    fn pool(&self, index: usize) -> Arc<ServerPool> {
        if let Some(pool) = self.servers.load().get(index) {
            return Arc::clone(pool);
        }
        self.grow(index + 1);
        let pools = self.servers.load();
        // `grow` made at least `index + 1` pools and pools are never removed.
        pools.get(index).map_or_else(|| self.new_pool(), Arc::clone)
    }

    /// Makes sure there are pools for `count` servers.
    fn grow(&self, count: usize) {
        self.servers.rcu(|pools| {
            let mut grown = Vec::clone(pools);
            grown.resize_with(count.max(pools.len()), || self.new_pool());
            grown
        });
    }

    fn new_pool(&self) -> Arc<ServerPool> {
        Arc::new(ServerPool {
            idle: Mutex::default(),
            idle_time: self.idle_time,
        })
    }

    /// Sends `request` to `server` on an idle connection, or a new one when none is left (or
    /// the idle ones turn out closed by the server). The connection goes back to the pool once
    /// the response body has ended, unless `reuse` is false or the server asked to close.
    pub(crate) async fn send(
        &self,
        server: &ServerState,
        mut request: Request<ProxyBody>,
        reuse: bool,
    ) -> Result<Sent, SendError> {
        let addr = server.addr();
        let pool = self.pool(server.id.index());
        while let Some(mut idle) = pool.take(addr) {
            if idle.sender.ready().await.is_err() {
                continue;
            }
            match idle.sender.try_send_request(request).await {
                Ok(response) => {
                    let response = pooled(response, idle.sender, addr, &pool, reuse);
                    return Ok(Sent {
                        response,
                        connect_time: Duration::ZERO,
                    });
                }
                // Closed by the server before the request went out: try another connection.
                Err(mut error) => match error.take_message() {
                    Some(unsent) => request = unsent,
                    None => return Err(UpstreamError::Http(error.into_error()).into()),
                },
            }
        }
        let connecting = Instant::now();
        // Boxed: with pooled connections it is rare, and it would otherwise add its size to
        // the state of every request.
        let mut sender = match Box::pin(self.connect(addr)).await {
            Ok(sender) => sender,
            Err(error) => {
                let unsent = Some(request);
                return Err(SendError { error, unsent });
            }
        };
        let connect_time = connecting.elapsed();
        let response = sender
            .send_request(request)
            .await
            .map_err(UpstreamError::Http)?;
        Ok(Sent {
            response: pooled(response, sender, addr, &pool, reuse),
            connect_time,
        })
    }

    /// A new connection to `addr`, its I/O driven by a task of its own.
    async fn connect(&self, addr: SocketAddr) -> Result<Sender, UpstreamError> {
        let connecting = TcpStream::connect(addr);
        let stream = match self.connect_timeout {
            Some(limit) => tokio::time::timeout(limit, connecting)
                .await
                .unwrap_or_else(|_| Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"))),
            None => connecting.await,
        }
        .map_err(UpstreamError::Connect)?;
        stream.set_nodelay(true).map_err(UpstreamError::Connect)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(UpstreamError::Http)?;
        tokio::spawn(async move {
            // With upgrades, a `101` hands the connection over to a tunnel instead of ending it.
            if let Err(error) = connection.with_upgrades().await {
                tracing::debug!(%error, "upstream connection ended");
            }
        });
        Ok(sender)
    }
}

/// The response, its body returning the connection to `pool` once it has ended when reuse is
/// allowed.
fn pooled(
    response: Response<hyper::body::Incoming>,
    sender: Sender,
    addr: SocketAddr,
    pool: &Arc<ServerPool>,
    reuse: bool,
) -> Response<PooledBody> {
    // A connection switched to another protocol (`101`) is never given back.
    let switched = response.status() == http::StatusCode::SWITCHING_PROTOCOLS;
    let release = (reuse && !switched && !asks_to_close(response.headers())).then(|| Release {
        pool: Arc::clone(pool),
        sender,
        addr,
    });
    response.map(|body| PooledBody::new(body, release))
}

/// Whether the server's `Connection` header says `close`.
fn asks_to_close(headers: &HeaderMap) -> bool {
    headers.get_all(CONNECTION).iter().any(|value| {
        value
            .as_bytes()
            .split(|&b| b == b',')
            .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"close"))
    })
}
