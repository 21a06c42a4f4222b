//! Failures a client can meet, through the real binary: 503 (no usable server, or the server
//! refuses connections, as HAProxy answers), 502 (server cuts its response), 504 (server too slow),
//! 408 (request head too slow) and 400 (malformed request). After each, a normal request on a new connection still succeeds.

use std::time::Duration;
use switchyard_tests::{
    free_port, get, raw_exchange, Backend, BackendOptions, ProxyProcess, RawBackend, TEST_DEFAULTS,
};

/// A proxy where `/broken...` goes to a backend made of `broken_servers` (with
/// `broken_backend_lines`), and everything else to the healthy server `ok`.
fn proxy_with_broken_backend(
    ok: &Backend,
    broken_servers: &str,
    frontend_lines: &str,
    broken_backend_lines: &str,
) -> ProxyProcess {
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n{frontend_lines}\
         \x20   acl to_broken path_beg /broken\n    use_backend broken if to_broken\n\
         \x20   default_backend healthy\n\n\
         backend healthy\n{}\n\
         backend broken\n{broken_backend_lines}{broken_servers}",
        ok.server_line("")
    );
    ProxyProcess::start(&config, port)
}

fn assert_still_serving(proxy: &ProxyProcess) {
    let reply = get(&proxy.url("/"));
    assert_eq!((reply.status, reply.server()), (200, Some("ok")));
}

#[test]
fn backend_without_a_usable_server_answers_503() {
    let ok = Backend::start("ok");
    let down = Backend::start("down");
    let proxy = proxy_with_broken_backend(&ok, &down.server_line("disabled"), "", "");
    assert_eq!(get(&proxy.url("/broken")).status, 503);
    assert_eq!(down.hits(), 0);
    assert_still_serving(&proxy);
}

#[test]
fn server_refusing_connections_answers_503_after_its_retries() {
    let ok = Backend::start("ok");
    let closed_port = free_port();
    let proxy = proxy_with_broken_backend(
        &ok,
        &format!("    server gone 127.0.0.1:{closed_port}\n"),
        "",
        "    retries 1\n",
    );
    assert_eq!(get(&proxy.url("/broken")).status, 503);
    assert_still_serving(&proxy);
}

#[test]
fn server_cutting_its_response_answers_502() {
    let ok = Backend::start("ok");
    let cut = RawBackend::start(b"HTTP/1.1 200 OK\r\nContent-Le");
    let proxy = proxy_with_broken_backend(&ok, &cut.server_line("cut"), "", "");
    assert_eq!(get(&proxy.url("/broken")).status, 502);
    let garbage = RawBackend::start(b"this is not HTTP\r\n\r\n");
    let proxy = proxy_with_broken_backend(&ok, &garbage.server_line("garbage"), "", "");
    assert_eq!(get(&proxy.url("/broken")).status, 502);
    assert_still_serving(&proxy);
}

#[test]
fn server_slower_than_timeout_server_answers_504() {
    let ok = Backend::start("ok");
    let slow = Backend::with_options(
        "slow",
        BackendOptions {
            delay: Duration::from_secs(2),
            ..BackendOptions::default()
        },
    );
    let proxy =
        proxy_with_broken_backend(&ok, &slow.server_line(""), "", "    timeout server 300ms\n");
    let started = std::time::Instant::now();
    assert_eq!(get(&proxy.url("/broken")).status, 504);
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_still_serving(&proxy);
}

#[test]
fn request_head_slower_than_timeout_http_request_answers_408() {
    let ok = Backend::start("ok");
    let proxy = proxy_with_broken_backend(&ok, "", "    timeout http-request 300ms\n", "");
    // The head never ends: no empty line after the last header.
    let answer = raw_exchange(
        proxy.addr(),
        b"GET / HTTP/1.1\r\nHost: example.com\r\n",
        Duration::from_secs(3),
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "got {answer:?}");
    assert_eq!(ok.hits(), 0);
    assert_still_serving(&proxy);
}

#[test]
fn malformed_request_line_answers_400() {
    let ok = Backend::start("ok");
    let proxy = proxy_with_broken_backend(&ok, "", "", "");
    let answer = raw_exchange(
        proxy.addr(),
        b"THIS IS NOT HTTP\r\n\r\n",
        Duration::from_secs(3),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "got {answer:?}");
    assert_eq!(ok.hits(), 0);
    assert_still_serving(&proxy);
}
