//! What the data path reports to the embedding application besides its `metrics` counters
//! (made by `runtime::telemetry`): one `tracing` span per request, `request`, with fields
//! `backend`, `server` (recorded once picked), `method` and `path`. Stats pages and the stats
//! socket read the runtime's atomics instead; these exist so an application's own telemetry
//! sees the proxy's traffic.

use http::request::Parts;
use tracing::Span;

/// The `tracing` target of the `request` span, for filters: `switchyard::request=warn` leaves
/// the span out (an enabled span costs its fields' formatting on every request).
pub const REQUEST_SPAN_TARGET: &str = "switchyard::request";

/// The span of one request sent to `backend`.
pub(crate) fn request_span(backend: &str, parts: &Parts) -> Span {
    tracing::info_span!(
        target: REQUEST_SPAN_TARGET,
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
