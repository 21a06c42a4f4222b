//! Upstream connections: one HTTP/1.1 connection per request in flight, kept open afterwards in
//! a per-server pool of idle connections for the next request to that server (HAProxy's server
//! connection reuse, `http-reuse safe`: a connection is only ever given to one request at a
//! time, and an idle one is only reused for a new request).

mod body;
mod pool;

pub(crate) use body::PooledBody;
pub(crate) use pool::Upstream;

/// Why a request could not be sent to a server, or its response head not received.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UpstreamError {
    /// The TCP connection could not be opened (refused, unreachable, `timeout connect`).
    #[error("connect: {0}")]
    Connect(#[source] std::io::Error),
    /// The connection broke, or the server answered something that is not HTTP.
    #[error("{0}")]
    Http(#[source] hyper::Error),
}

impl UpstreamError {
    /// Whether the failure happened while connecting (`retry-on conn-failure`).
    pub(crate) fn is_connect(&self) -> bool {
        matches!(self, UpstreamError::Connect(_))
    }

    /// Whether the server's response head was not valid HTTP (`retry-on junk-response`).
    pub(crate) fn is_parse(&self) -> bool {
        matches!(self, UpstreamError::Http(error) if error.is_parse())
    }
}
