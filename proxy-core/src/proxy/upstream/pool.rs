//! One backend's upstream connections: the idle ones of each server, opening new ones with
//! `timeout connect` and `TCP_NODELAY`, and sending a request on one of them. HAProxy keeps idle
//! server connections the same way (its `pool-max-conn`/`pool-purge-delay` tuning is fixed here).

use super::body::Release;
use super::conn::{Conn, Upgraded};
use super::exchange::{exchange, Answer};
use super::head::asks_upgrade;
use super::{HeadLens, PooledBody, UpstreamError};
use crate::proxy::{full_body, ProxyBody};
use crate::runtime::clock::coarse_ms;
use crate::runtime::ServerState;
use arc_swap::ArcSwap;
use http::{Method, Request, Response};
use http_body::Body;
use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The most idle connections kept per server; more are closed when their response ends.
const MAX_IDLE_PER_SERVER: usize = 1024;
/// The longest an idle connection is kept (less when `timeout server` is shorter).
const MAX_IDLE_TIME: Duration = Duration::from_secs(10);

/// An idle connection: where it goes and since when it is idle ([`coarse_ms`]).
struct Idle {
    conn: Conn,
    addr: SocketAddr,
    since: u64,
}

impl Idle {
    /// Whether it has been idle for `limit` or longer at `now` ([`coarse_ms`]).
    fn idle_for(&self, limit: Duration, now: u64) -> bool {
        Duration::from_millis(now.saturating_sub(self.since)) >= limit
    }
}

/// The idle connections of one server, most recently used at the back.
pub(super) struct ServerPool {
    idle: Mutex<VecDeque<Idle>>,
    idle_time: Duration,
}

impl ServerPool {
    /// The most recently used idle connection to `addr` that is not too old and still open.
    fn take(&self, addr: SocketAddr) -> Option<Conn> {
        let now = coarse_ms();
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(connection) = idle.pop_back() {
            let fresh = !connection.idle_for(self.idle_time, now);
            if connection.addr == addr && fresh && connection.conn.is_usable() {
                return Some(connection.conn);
            }
        }
        None
    }

    /// Keeps `conn` for the next request to `addr`, dropping the ones idle for too long.
    pub(super) fn put(&self, conn: Conn, addr: SocketAddr) {
        let Some(conn) = conn.into_idle() else {
            return; // the server sent more than its response: not trusted again
        };
        let now = coarse_ms();
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while idle
            .front()
            .is_some_and(|oldest| oldest.idle_for(self.idle_time, now))
        {
            idle.pop_front();
        }
        if idle.len() < MAX_IDLE_PER_SERVER {
            idle.push_back(Idle {
                conn,
                addr,
                since: now,
            });
        }
    }
}

/// A server's response head, how long connecting took (zero on a reused connection:
/// HAProxy's `ctime`), and after a `101` the connection, now carrying the other protocol.
pub(crate) struct Sent {
    pub(crate) response: Response<PooledBody>,
    pub(crate) head_lens: HeadLens,
    pub(crate) connect_time: Duration,
    pub(crate) upgraded: Option<Upgraded>,
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
    /// `timeout server`: the longest a response body may stall.
    server_timeout: Option<Duration>,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("servers", &self.servers.load().len())
            .finish_non_exhaustive()
    }
}

impl Upstream {
    /// Empty pools for `servers` servers, connecting within `connect_timeout`, ending response
    /// bodies that stall for `server_timeout`, and keeping idle connections no longer than
    /// `server_timeout` (and 10s).
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
            server_timeout,
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

    /// Sends `request` to `server` (at `addr`, its address when the request was made) on an
    /// idle connection, or a new one when none is left. When
    /// a reused connection turns out closed by the server before any response (it may close
    /// an idle connection at any time), a request without a body is sent again on another.
    /// The connection goes back to the pool once the response has ended, unless `reuse` is
    /// false or either side asked to close. The response head must be complete at `deadline`
    /// (`timeout server`; connecting is limited by `timeout connect` alone).
    pub(crate) async fn send(
        &self,
        server: &ServerState,
        addr: SocketAddr,
        request: Request<ProxyBody>,
        reuse: bool,
        deadline: Option<Instant>,
    ) -> Result<Sent, SendError> {
        let pool = self.pool(server.id.index());
        let (parts, body) = request.into_parts();
        let to_head = parts.method == Method::HEAD;
        let reuse = reuse && !asks_upgrade(&parts);
        let replayable = body.is_end_stream();
        let mut body = Some(body);
        let answer = loop {
            let (conn, connect_time, reused) = match pool.take(addr) {
                Some(conn) => (conn, Duration::ZERO, true),
                None => {
                    let connecting = Instant::now();
                    // Boxed: with pooled connections it is rare, and it would otherwise add its
                    // size to the state of every request.
                    match Box::pin(self.connect(addr)).await {
                        Ok(conn) => (conn, connecting.elapsed(), false),
                        Err(error) => {
                            let body = body.unwrap_or_else(|| full_body(""));
                            let unsent = Some(Request::from_parts(parts, body));
                            return Err(SendError { error, unsent });
                        }
                    }
                }
            };
            // Only a request without a body is sent a second time.
            let upload = super::head::upload(&parts, body.take().unwrap_or_else(|| full_body("")));
            // Made where it is awaited: a future moved to its await is copied first.
            match pin!(exchange(conn, upload, to_head, deadline)).await {
                Ok(answer) => break (answer, connect_time),
                Err(UpstreamError::Closed) if reused && replayable => {
                    tracing::debug!(%addr, "idle connection closed by the server: sent again");
                }
                Err(error) => return Err(error.into()),
            }
        };
        let (answer, connect_time) = answer;
        let release = reuse.then(|| Release { pool, addr });
        Ok(respond(answer, connect_time, release, self.server_timeout))
    }

    /// A new connection to `addr`.
    async fn connect(&self, addr: SocketAddr) -> Result<Conn, UpstreamError> {
        let connecting = TcpStream::connect(addr);
        let stream = match self.connect_timeout {
            Some(limit) => tokio::time::timeout(limit, connecting)
                .await
                .unwrap_or_else(|_| Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"))),
            None => connecting.await,
        }
        .map_err(UpstreamError::Connect)?;
        stream.set_nodelay(true).map_err(UpstreamError::Connect)?;
        Ok(Conn::new(stream))
    }
}

/// The response of `answer`, its body giving the connection back through `release` once it
/// has ended and failing when the server sends nothing for `stall_limit`; after a `101` the
/// connection goes with it instead.
fn respond(
    answer: Answer,
    connect_time: Duration,
    release: Option<Release>,
    stall_limit: Option<Duration>,
) -> Sent {
    let Answer {
        response,
        head_lens,
        body,
        keep_alive,
        conn,
        upload,
    } = answer;
    if response.status() == http::StatusCode::SWITCHING_PROTOCOLS {
        let upgraded = Some(conn.upgraded());
        let response = response.map(|()| PooledBody::empty());
        return Sent {
            response,
            head_lens,
            connect_time,
            upgraded,
        };
    }
    let release = release.filter(|_| keep_alive);
    let response = response.map(|()| PooledBody::new(conn, body, upload, release, stall_limit));
    Sent {
        response,
        head_lens,
        connect_time,
        upgraded: None,
    }
}
