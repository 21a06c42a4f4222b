//! The `tracing` span an embedding application sees for each proxied request. This file holds
//! one test so that it can install the process-wide subscriber.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use http_body_util::Empty;
use std::sync::{Arc, Mutex};
use switchyard_core::model::{Backend, Config};
use switchyard_core::Proxy;
use switchyard_tests::{runtime, Backend as TestBackend};
use tower::ServiceExt;

/// A log sink the test reads back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn each_request_has_a_span_naming_its_backend_and_server() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .init();
    let a = TestBackend::start("a");
    let config = Config::builder()
        .backend(Backend::builder("app").server("a", a.addr()))
        .build()
        .unwrap();
    let proxy = Proxy::from_config(config).unwrap();
    let client = proxy.client("app").unwrap();
    let request = http::Request::get("/hello")
        .body(Empty::<bytes::Bytes>::new())
        .unwrap();
    let status = runtime()
        .block_on(client.oneshot(request))
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let text = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    let span = text
        .lines()
        .find(|line| line.contains(" request{"))
        .unwrap_or_default();
    for field in [
        r#"backend="app""#,
        r#"server="a""#,
        "method=GET",
        r#"path="/hello""#,
    ] {
        assert!(span.contains(field), "{field} missing in: {text}");
    }
    // Its target, for filters (the binary's default filter leaves the span out by it).
    assert!(
        span.contains(switchyard_core::proxy::REQUEST_SPAN_TARGET),
        "{text}"
    );
}
