//! Upstream connections: HTTP/1.1 to the servers, one request at a time per connection, kept
//! open afterwards in a per-server pool of idle connections for the next request to that server
//! (HAProxy's server connection reuse, `http-reuse safe`: a connection is only ever given to one
//! request at a time, and an idle one is only reused for a new request).
//!
//! The client side of HTTP/1.1 is written here rather than taken from hyper's client: a request
//! is written, and its response read, by the task that serves the client's connection, with no
//! task of its own per server connection, no channel between the two, and no buffer held by an
//! idle connection. On the proxy's hot path that halves the tasks woken per request and the
//! memory per server connection (measured in docs/performance.md). The parsing is httparse's,
//! the same parser hyper uses.

mod body;
mod conn;
mod exchange;
mod head;
mod pool;

pub(crate) use body::PooledBody;
pub(crate) use conn::Upgraded;
pub(crate) use pool::Upstream;

use std::io;

/// The lengths of the two heads of an exchange as they went over the wire (status or request
/// line, fields, blank line), for the `bin`/`bout` counters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeadLens {
    pub(crate) request: usize,
    pub(crate) response: usize,
}

/// Why a request could not be sent to a server, or its response not received.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UpstreamError {
    /// The TCP connection could not be opened (refused, unreachable, `timeout connect`).
    #[error("connect: {0}")]
    Connect(#[source] io::Error),
    /// The server closed (or reset) the connection before sending any byte of a response.
    #[error("connection closed by the server before a response")]
    Closed,
    /// The connection broke while the request or the response was on its way.
    #[error("connection broken: {0}")]
    Broken(#[source] io::Error),
    /// The response head was not complete within `timeout server`.
    #[error("no response head within 'timeout server'")]
    Late,
    /// The server sent nothing of its response body for `timeout server`.
    #[error("response body stalled for longer than 'timeout server'")]
    Stalled,
    /// What the server sent is not a valid HTTP/1 response.
    #[error("invalid response: {0}")]
    Invalid(&'static str),
    /// The client's request body failed while it was being sent.
    #[error("request body: {0}")]
    RequestBody(#[source] super::BoxError),
}

impl From<crate::h1::Malformed> for UpstreamError {
    fn from(malformed: crate::h1::Malformed) -> UpstreamError {
        UpstreamError::Invalid(malformed.0)
    }
}

impl UpstreamError {
    /// Whether the failure happened while connecting (`retry-on conn-failure`).
    pub(crate) fn is_connect(&self) -> bool {
        matches!(self, UpstreamError::Connect(_))
    }

    /// Whether the server's response was not valid HTTP (`retry-on junk-response`).
    pub(crate) fn is_parse(&self) -> bool {
        matches!(self, UpstreamError::Invalid(_))
    }

    /// Whether the client's request body failed because the client sent nothing of it for
    /// `timeout client`.
    pub(crate) fn is_client_silence(&self) -> bool {
        matches!(self, UpstreamError::RequestBody(error) if error.is::<crate::frontend::ClientSilent>())
    }
}
