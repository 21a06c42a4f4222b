//! Failures of the data path and the one function that turns them into HTTP responses.
//!
//! HAProxy answers its own errors with a short HTML page, `Cache-Control: no-cache` and
//! `Content-Type: text/html`; Switchyard does the same with its own wording, unless an
//! `errorfile` replaces the page (see `error_pages`).

use super::error_pages::{page_for, ErrorPages};
use super::upstream::UpstreamError;
use super::{full_body, ProxyBody};
use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use http::{Response, StatusCode};

/// Why a request could not be forwarded, or why its response could not be received.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProxyError {
    /// No server of the backend is usable (all down, in maintenance or at weight 0).
    #[error("no server is usable")]
    NoServer,
    /// Every usable server stayed full for `timeout queue`.
    #[error("timed out in the queue waiting for a free server")]
    QueueTimeout,
    /// Connecting to the server failed, after every allowed retry.
    #[error("could not connect to the server: {0}")]
    Connect(#[source] UpstreamError),
    /// The server's response head was invalid, or the connection broke before it was complete.
    #[error("the server sent no valid response: {0}")]
    BadResponse(#[source] UpstreamError),
    /// `timeout server` elapsed before the response head arrived.
    #[error("the server did not answer within 'timeout server'")]
    ServerTimeout,
    /// The client's request body failed before the response head: the client left, sent a
    /// malformed body, or nothing of it for `timeout client`.
    #[error("the request body could not be read: {0}")]
    ClientBody(#[source] UpstreamError),
    /// `shutdown sessions server` ended the request before its response head.
    #[error("the session was shut down from the stats socket")]
    Killed,
    /// The request could not be rewritten for the server (its target is not a valid URI).
    #[error("the request cannot be forwarded: {0}")]
    Unforwardable(#[source] http::Error),
}

impl ProxyError {
    /// HAProxy's termination state for this failure (`%tsc`): who ended it and in which phase.
    pub(crate) fn termination(&self) -> &'static str {
        match self {
            ProxyError::NoServer | ProxyError::Connect(_) => "SC--",
            ProxyError::QueueTimeout => "sQ--",
            ProxyError::BadResponse(_) => "SH--",
            ProxyError::ServerTimeout => "sH--",
            ProxyError::Unforwardable(_) => "PR--",
            ProxyError::Killed => "KH--",
            ProxyError::ClientBody(_) if self.client_timed_out() => "cD--",
            ProxyError::ClientBody(_) => "CD--",
        }
    }

    /// The status the client receives for this failure.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            // HAProxy answers 503 when it cannot connect after its retries (termination `SC`).
            ProxyError::NoServer
            | ProxyError::QueueTimeout
            | ProxyError::Connect(_)
            | ProxyError::Killed => StatusCode::SERVICE_UNAVAILABLE,
            ProxyError::BadResponse(_) => StatusCode::BAD_GATEWAY,
            ProxyError::ServerTimeout => StatusCode::GATEWAY_TIMEOUT,
            ProxyError::Unforwardable(_) => StatusCode::BAD_REQUEST,
            ProxyError::ClientBody(_) if self.client_timed_out() => StatusCode::REQUEST_TIMEOUT,
            ProxyError::ClientBody(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// Whether the client sent nothing of its request body for `timeout client`.
    fn client_timed_out(&self) -> bool {
        matches!(self, ProxyError::ClientBody(error) if error.is_client_silence())
    }
}

/// The response a client receives for a data-path failure: the `errorfile` page of the first
/// of `pages` that has one for its status, else the built-in page.
pub(crate) fn error_response(error: &ProxyError, pages: &[&ErrorPages]) -> Response<ProxyBody> {
    tracing::debug!(%error, "answering with an error page");
    page_for(error.status(), pages)
}

/// A small HTML page for `status`, with HAProxy's headers for generated errors.
pub(crate) fn error_page(status: StatusCode) -> Response<ProxyBody> {
    let mut response = Response::new(full_body(error_html(status)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

/// The HTML body of a generated error page.
pub(crate) fn error_html(status: StatusCode) -> String {
    let explanation = match status.as_u16() {
        400 => "The request could not be understood.",
        408 => "The request was not received completely in time.",
        500 => "The proxy failed to handle this request.",
        502 => "The server returned an invalid or incomplete response.",
        503 => "No server is available to handle this request.",
        504 => "The server did not respond in time.",
        _ => "The request could not be served.",
    };
    format!(
        "<html><body><h1>{} {}</h1>\n{}\n</body></html>\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        explanation
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_maps_to_haproxys_status() {
        assert_eq!(ProxyError::NoServer.status(), 503);
        assert_eq!(ProxyError::QueueTimeout.status(), 503);
        assert_eq!(ProxyError::ServerTimeout.status(), 504);
    }

    #[test]
    fn error_page_is_short_uncacheable_html() {
        let page = error_page(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(page.headers()[CACHE_CONTROL], "no-cache");
        assert_eq!(page.headers()[CONTENT_TYPE], "text/html");
        assert_eq!(
            error_html(StatusCode::SERVICE_UNAVAILABLE),
            "<html><body><h1>503 Service Unavailable</h1>\n\
             No server is available to handle this request.\n</body></html>\n"
        );
    }
}
