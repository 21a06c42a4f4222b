//! What an embedding application's own telemetry sees: `metrics` counters in its recorder.
//! (Spans are tested in `tests/tracing_spans.rs`, which can own the global subscriber.)

use super::support::*;
use metrics_exporter_prometheus::PrometheusBuilder;

#[tokio::test(flavor = "current_thread")]
async fn the_applications_recorder_counts_responses_by_backend_and_server() {
    let recorder = PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    // A local recorder sees what this thread records; a current-thread runtime keeps the
    // request on this thread.
    let _installed = metrics::set_default_local_recorder(&recorder);
    let a = named_backend("a").await;
    let proxy = start(config(vec![server("a", a)])).await;
    for _ in 0..3 {
        assert_eq!(get(proxy.addr, "/").await.0, 200);
    }
    let text = handle.render();
    assert!(
        text.contains(r#"switchyard_backend_responses_total{backend="be",code="2xx"} 3"#),
        "{text}"
    );
    assert!(
        text.contains(r#"switchyard_server_responses_total{backend="be",server="a",code="2xx"} 3"#),
        "{text}"
    );
}
