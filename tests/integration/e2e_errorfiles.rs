//! `errorfile` through the real binary: the proxy's own answers (503 with no server up, a
//! `deny`, a 408, a 400 to a malformed request) carry the file's status line, headers and body,
//! the backend's page before the frontend's, a server's own 400 passes unchanged, and a reload
//! picks up an edited file.

use std::path::Path;
use std::time::Duration;
use switchyard_tests::{
    free_port, get, raw_exchange, wait_until, Backend, ProxyProcess, RawBackend, TEST_DEFAULTS,
};

const PAGE_503: &str = "HTTP/1.0 503 Sorry, Down\r\nCache-Control: no-cache\r\n\
                        Connection: close\r\nX-Custom: maintenance\r\n\
                        Content-Type: text/html\r\n\r\n<html><body>Back soon.</body></html>\n";
const PAGE_403: &str =
    "HTTP/1.0 403 Go Away\r\nX-Custom: denied\r\nContent-Type: text/plain\r\n\r\n\
                        Not for you.\n";
const PAGE_408: &str = "HTTP/1.0 408 Too Slow\r\nX-Custom: slow\r\n\r\nHurry up.\n";
const PAGE_400: &str = "HTTP/1.0 400 Bad Manners\r\nConnection: close\r\n\r\nSpeak HTTP.\n";

/// A proxy whose `defaults` has the 400, 403 and 408 pages, whose backend `down` (every server
/// disabled, for `/down`) has the 503 page, and whose frontend denies `/admin`.
fn proxy_with_error_files(dir: &Path, ok: &Backend) -> (ProxyProcess, String) {
    let pages = [
        ("400", PAGE_400),
        ("403", PAGE_403),
        ("408", PAGE_408),
        ("503", PAGE_503),
    ];
    for (name, page) in pages {
        std::fs::write(dir.join(format!("{name}.http")), page).unwrap();
    }
    let port = free_port();
    let dir = dir.display();
    let config = format!(
        "{TEST_DEFAULTS}    timeout http-request 300ms\n\
         \x20   errorfile 400 {dir}/400.http\n    errorfile 403 {dir}/403.http\n\
         \x20   errorfile 408 {dir}/408.http\n\n\
         frontend fe\n    bind 127.0.0.1:{port}\n\
         \x20   http-request deny if {{ path_beg /admin }}\n\
         \x20   use_backend down if {{ path_beg /down }}\n    default_backend healthy\n\n\
         backend healthy\n{}\n\
         backend down\n    errorfile 503 {dir}/503.http\n    server gone 127.0.0.1:9 disabled\n",
        ok.server_line("")
    );
    (ProxyProcess::start(&config, port), config)
}

/// A proxy from [`proxy_with_error_files`] with its files and its `ok` server.
struct Running {
    dir: tempfile::TempDir,
    ok: Backend,
    proxy: ProxyProcess,
    config: String,
}

fn running() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let ok = Backend::start("ok");
    let (proxy, config) = proxy_with_error_files(dir.path(), &ok);
    Running {
        dir,
        ok,
        proxy,
        config,
    }
}

/// What the proxy writes back to `bytes` sent on a new connection, until it closes.
fn raw_answer(proxy: &ProxyProcess, bytes: &[u8]) -> String {
    raw_exchange(proxy.addr(), bytes, Duration::from_secs(3))
}

/// The response head of `answer`, with header names in lower case (hyper writes them so).
fn head_and_body(answer: &str) -> (&str, &str) {
    answer.split_once("\r\n\r\n").unwrap_or((answer, ""))
}

#[test]
fn a_backend_with_no_server_up_answers_its_errorfile_503_byte_for_byte() {
    let run = running();
    let answer = raw_answer(
        &run.proxy,
        b"GET /down HTTP/1.1\r\nHost: example.com\r\n\r\n",
    );
    let (head, body) = head_and_body(&answer);
    let mut lines = head.lines();
    assert_eq!(lines.next(), Some("HTTP/1.1 503 Sorry, Down"), "{answer}");
    let headers: Vec<&str> = lines.collect();
    for expected in [
        "cache-control: no-cache",
        "connection: close",
        "x-custom: maintenance",
        "content-type: text/html",
    ] {
        assert!(headers.contains(&expected), "{expected} missing: {answer}");
    }
    assert_eq!(body, "<html><body>Back soon.</body></html>\n");
    assert_eq!(get(&run.proxy.url("/")).server(), Some("ok"));
}

#[test]
fn a_denied_request_gets_the_errorfile_403_inherited_from_defaults() {
    let run = running();
    let reply = get(&run.proxy.url("/admin"));
    assert_eq!(reply.status, 403);
    assert_eq!(reply.header("x-custom"), Some("denied"));
    assert_eq!(reply.header("content-type"), Some("text/plain"));
    assert_eq!(reply.body, "Not for you.\n");
    assert_eq!(run.ok.hits(), 0);
}

#[test]
fn a_request_head_too_slow_gets_the_errorfile_408_as_written() {
    let run = running();
    // The head never ends: no empty line after the last header.
    let answer = raw_answer(&run.proxy, b"GET / HTTP/1.1\r\nHost: example.com\r\n");
    assert_eq!(
        answer,
        "HTTP/1.1 408 Too Slow\r\nX-Custom: slow\r\n\r\nHurry up.\n"
    );
}

#[test]
fn a_reload_serves_the_edited_error_file() {
    let run = running();
    assert_eq!(get(&run.proxy.url("/admin")).body, "Not for you.\n");
    let edited = PAGE_403.replace("Not for you.", "Still not.");
    std::fs::write(run.dir.path().join("403.http"), edited).unwrap();
    run.proxy.reload(&run.config);
    let reloaded = wait_until(Duration::from_secs(5), || {
        get(&run.proxy.url("/admin")).body == "Still not.\n"
    });
    assert!(
        reloaded,
        "the edited page is not served:\n{}",
        run.proxy.stderr()
    );
}

#[test]
fn a_malformed_request_gets_the_errorfile_400_instead_of_the_bare_one() {
    let run = running();
    let answer = raw_answer(&run.proxy, b"THIS IS NOT HTTP\r\n\r\n");
    let page = "HTTP/1.1 400 Bad Manners\r\nConnection: close\r\n\r\nSpeak HTTP.\n";
    assert_eq!(answer, page);
    assert_eq!(get(&run.proxy.url("/")).server(), Some("ok"));
}

#[test]
fn a_servers_own_400_passes_unchanged_on_a_kept_alive_connection() {
    let dir = tempfile::tempdir().unwrap();
    let refusing =
        RawBackend::start(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 7\r\n\r\nserver!");
    let port = free_port();
    std::fs::write(dir.path().join("400.http"), PAGE_400).unwrap();
    let config = format!(
        "{TEST_DEFAULTS}    errorfile 400 {}/400.http\n\nfrontend fe\n    bind 127.0.0.1:{port}\n\
         \x20   default_backend refusing\n\nbackend refusing\n{}",
        dir.path().display(),
        refusing.server_line("refusing")
    );
    let proxy = ProxyProcess::start(&config, port);
    let request = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    let twice = [&request[..], &request[..]].concat();
    let answer = raw_exchange(proxy.addr(), &twice, Duration::from_secs(2));
    assert_eq!(answer.matches("\r\n\r\nserver!").count(), 2, "{answer}");
    assert!(!answer.contains("Speak HTTP"), "{answer}");
}
