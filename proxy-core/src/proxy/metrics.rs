//! What the data path reports to the embedding application: counters through the `metrics`
//! facade (seen by whatever recorder the application installs; free when none is) and one
//! `tracing` span per request. Stats pages and the stats socket read the runtime's atomics
//! instead; these exist so an application's own telemetry sees the proxy's traffic.
//!
//! - `switchyard_backend_responses_total{backend, code}`: every answer of a backend, including
//!   the 502/503/504 the proxy makes up, by status class (`2xx`...).
//! - `switchyard_server_responses_total{backend, server, code}`: answers that came from a server.
//! - span `request` with fields `backend`, `server` (recorded once picked), `method`, `path`.

use http::request::Parts;
use metrics::SharedString;
use std::sync::Arc;
use tracing::Span;

/// The `code` label of a status: `1xx` to `5xx`, or `other`.
fn class(status: u16) -> &'static str {
    match status / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        5 => "5xx",
        _ => "other",
    }
}

/// The span of one request sent to `backend`.
pub(crate) fn request_span(backend: &str, parts: &Parts) -> Span {
    tracing::info_span!(
        "request",
        backend,
        server = tracing::field::Empty,
        method = %parts.method,
        path = parts.uri.path(),
    )
}

/// Records the server the balancer picked on the current request span.
pub(crate) fn record_server(server: &str) {
    Span::current().record("server", server);
}

/// Counts a backend's answer. Names are shared, not copied, into the labels.
pub(crate) fn backend_response(backend: &Arc<str>, status: u16) {
    metrics::counter!(
        "switchyard_backend_responses_total",
        "backend" => SharedString::from(Arc::clone(backend)),
        "code" => class(status),
    )
    .increment(1);
}

/// Counts an answer a server sent.
pub(crate) fn server_response(backend: &Arc<str>, server: &Arc<str>, status: u16) {
    metrics::counter!(
        "switchyard_server_responses_total",
        "backend" => SharedString::from(Arc::clone(backend)),
        "server" => SharedString::from(Arc::clone(server)),
        "code" => class(status),
    )
    .increment(1);
}

#[cfg(test)]
mod tests {
    #[test]
    fn statuses_are_counted_by_class() {
        assert_eq!(super::class(204), "2xx");
        assert_eq!(super::class(503), "5xx");
        assert_eq!(super::class(999), "other");
    }
}
