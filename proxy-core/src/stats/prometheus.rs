//! Prometheus metrics with HAProxy's exporter names (`haproxy_frontend_*`, `haproxy_backend_*`,
//! `haproxy_server_*`, labels `proxy` and `server`), recorded through the `metrics` facade.
//!
//! [`record_metrics`] publishes the runtime's current values to whatever `metrics` recorder is
//! in force, so an embedding application sees them in its own. The exporter service
//! (`http-request use-service prometheus-exporter`) records them into a private Prometheus
//! recorder and answers its text exposition.

use super::rows::{self, Kind, Row, Value};
use crate::runtime::Runtime;
use bytes::Bytes;
use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use http::Response;
use metrics::Label;
use metrics_exporter_prometheus::PrometheusBuilder;

/// How a `show stat` column is exported: column, metric name suffix, whether it is a counter.
const METRICS: &[(&str, &str, bool)] = &[
    ("qcur", "current_queue", false),
    ("qmax", "max_queue", false),
    ("scur", "current_sessions", false),
    ("smax", "max_sessions", false),
    ("slim", "limit_sessions", false),
    ("stot", "sessions_total", true),
    ("bin", "bytes_in_total", true),
    ("bout", "bytes_out_total", true),
    ("econ", "connection_errors_total", true),
    ("eresp", "response_errors_total", true),
    ("wretr", "retry_warnings_total", true),
    ("wredis", "redispatch_warnings_total", true),
    ("weight", "weight", false),
    ("act", "active_servers", false),
    ("bck", "backup_servers", false),
    ("lastchg", "check_last_change_seconds", false),
    ("lbtot", "loadbalanced_total", true),
    ("rate_max", "max_session_rate", false),
    ("req_rate_max", "http_requests_rate_max", false),
    ("req_tot", "http_requests_total", true),
    ("conn_rate_max", "connections_rate_max", false),
    ("conn_tot", "connections_total", true),
    ("uweight", "uweight", false),
];

/// Which row types HAProxy's exporter gives each metric (frontend, backend, server).
fn exported(kind: Kind, suffix: &str) -> bool {
    match suffix {
        "current_queue"
        | "max_queue"
        | "connection_errors_total"
        | "response_errors_total"
        | "retry_warnings_total"
        | "redispatch_warnings_total"
        | "weight"
        | "uweight"
        | "loadbalanced_total"
        | "check_last_change_seconds" => kind != Kind::Frontend,
        "active_servers" | "backup_servers" => kind == Kind::Backend,
        "http_requests_total" => kind != Kind::Server,
        "http_requests_rate_max" | "connections_rate_max" | "connections_total" => {
            kind == Kind::Frontend
        }
        _ => true,
    }
}

/// The server states HAProxy's exporter labels `haproxy_server_status` with.
const SERVER_STATES: &[&str] = &["DOWN", "UP", "MAINT", "DRAIN", "NOLB"];

/// Publishes every frontend, backend and server metric to the current `metrics` recorder.
///
/// ```
/// use switchyard_core::{model, runtime::Runtime, stats};
/// let runtime = Runtime::from_model(&model::Config::default()).unwrap();
/// stats::record_metrics(&runtime); // no recorder installed: a no-op
/// ```
pub fn record_metrics(runtime: &Runtime) {
    for row in rows::rows(runtime) {
        record_row(&row);
    }
}

fn record_row(row: &Row) {
    let prefix = match row.kind {
        Kind::Frontend => "haproxy_frontend_",
        Kind::Backend => "haproxy_backend_",
        Kind::Server => "haproxy_server_",
    };
    let mut labels = vec![Label::new("proxy", row.text_of("pxname"))];
    if row.kind == Kind::Server {
        labels.push(Label::new("server", row.text_of("svname")));
    }
    for (column, suffix, counter) in METRICS {
        let Some(Value::Num(value)) = row.value(column) else {
            continue;
        };
        if !exported(row.kind, suffix) {
            continue;
        }
        let name = format!("{prefix}{suffix}");
        let value = u64::try_from(*value).unwrap_or(0);
        if *counter {
            metrics::counter!(name, labels.clone()).absolute(value);
        } else {
            metrics::gauge!(name, labels.clone()).set(value as f64);
        }
    }
    let classes = [
        ("1xx", "hrsp_1xx"),
        ("2xx", "hrsp_2xx"),
        ("3xx", "hrsp_3xx"),
    ]
    .into_iter()
    .chain([
        ("4xx", "hrsp_4xx"),
        ("5xx", "hrsp_5xx"),
        ("other", "hrsp_other"),
    ]);
    for (code, column) in classes {
        if let Some(Value::Num(value)) = row.value(column) {
            let mut labels = labels.clone();
            labels.push(Label::new("code", code));
            let name = format!("{prefix}http_responses_total");
            metrics::counter!(name, labels).absolute(u64::try_from(*value).unwrap_or(0));
        }
    }
    if row.kind != Kind::Frontend {
        let status = row.text_of("status");
        let states: &[&str] = if row.kind == Kind::Backend {
            &["DOWN", "UP"]
        } else {
            SERVER_STATES
        };
        for state in states {
            let mut labels = labels.clone();
            labels.push(Label::new("state", *state));
            // A server without checks is taken as UP, as HAProxy's exporter does.
            let on = status.starts_with(state) || (*state == "UP" && status == "no check");
            metrics::gauge!(format!("{prefix}status"), labels).set(if on { 1.0 } else { 0.0 });
        }
    }
}

/// The exporter's answer: the Prometheus text exposition of every metric.
pub(crate) fn exporter_response(runtime: &Runtime) -> Response<Bytes> {
    let recorder = PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, || record_metrics(runtime));
    let mut response = Response::new(Bytes::from(handle.render()));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
