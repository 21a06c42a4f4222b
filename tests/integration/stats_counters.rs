//! The `show stat` counters that follow traffic beyond sessions and statuses: `bin`/`bout` of
//! servers and backends, `ereq`, `dreq`, `qcur`/`qmax`, the `qtime`/`rtime`/`ttime` averages,
//! `lastsess`, the backend's `chkdown`/`lastchg`/`downtime` and `check_health`, read from a proxy
//! run through the library API.

use std::time::Duration;
use switchyard_core::runtime::AdminState;
use switchyard_tests::{
    free_port, get, raw_exchange, wait_until, Backend, BackendOptions, EmbeddedProxy, TEST_DEFAULTS,
};

fn embedded(frontend_lines: &str, backend_lines: &str, servers: &[&Backend]) -> EmbeddedProxy {
    let port = free_port();
    let servers: String = servers.iter().map(|s| s.server_line("")).collect();
    EmbeddedProxy::start(&format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n{frontend_lines}    default_backend be\n\n\
         backend be\n{backend_lines}{servers}"
    ))
}

fn number(proxy: &EmbeddedProxy, row: &str, column: &str) -> i64 {
    let text = proxy.stat("be", row, column);
    text.parse()
        .unwrap_or_else(|_| panic!("{row} {column} = {text:?}"))
}

#[test]
fn bin_and_bout_count_heads_and_bodies_through_servers_and_backends() {
    let web1 = Backend::start("web1");
    let proxy = embedded("", "", &[&web1]);
    let body = "x".repeat(1000);
    let request = format!(
        "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{body}"
    );
    let answer = raw_exchange(proxy.addr(), request.as_bytes(), Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The test backend answers its name, `web1`, after a head of at least
    // `HTTP/1.1 200 OK\r\n\r\n`; the request's head is at least `POST /upload HTTP/1.1\r\n\r\n`.
    assert!(wait_until(Duration::from_secs(2), || number(
        &proxy, "web1", "bout"
    ) >= 4 + 19));
    let web1 = (
        number(&proxy, "web1", "bin"),
        number(&proxy, "web1", "bout"),
    );
    assert!((1000 + 25..1000 + 200).contains(&web1.0), "{web1:?}");
    assert!((4 + 19..4 + 300).contains(&web1.1), "{web1:?}");
    let backend = (
        number(&proxy, "BACKEND", "bin"),
        number(&proxy, "BACKEND", "bout"),
    );
    assert_eq!(backend, web1);
}

#[test]
fn a_malformed_request_counts_in_ereq_and_hrsp_4xx() {
    let web1 = Backend::start("web1");
    let proxy = embedded("", "", &[&web1]);
    let answer = raw_exchange(
        proxy.addr(),
        b"GE\x01T / HTTP/1.1\r\nHost: t\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(wait_until(Duration::from_secs(2), || {
        proxy.stat("fe", "FRONTEND", "ereq") == "1"
    }));
    assert_eq!(proxy.stat("fe", "FRONTEND", "hrsp_4xx"), "1");
    assert!(
        proxy.stat("be", "BACKEND", "ereq").is_empty(),
        "a frontend column"
    );
}

#[test]
fn http_request_deny_counts_in_dreq_of_the_frontend_and_the_backend() {
    let web1 = Backend::start("web1");
    let proxy = embedded(
        "    acl admin path_beg /admin\n    http-request deny if admin\n",
        "    acl secret path_beg /secret\n    http-request deny if secret\n",
        &[&web1],
    );
    assert_eq!(get(&proxy.url("/admin")).status, 403);
    assert_eq!(proxy.stat("fe", "FRONTEND", "dreq"), "1");
    assert_eq!(proxy.stat("be", "BACKEND", "dreq"), "0");
    assert_eq!(get(&proxy.url("/secret")).status, 403);
    assert_eq!(get(&proxy.url("/open")).status, 200);
    assert_eq!(proxy.stat("fe", "FRONTEND", "dreq"), "2");
    assert_eq!(proxy.stat("be", "BACKEND", "dreq"), "1");
    assert!(
        proxy.stat("be", "web1", "dreq").is_empty(),
        "not a server column"
    );
}

#[test]
fn a_full_server_queues_requests_and_timings_average_them() {
    let delay = Duration::from_millis(300);
    let slow = Backend::with_options(
        "slow",
        BackendOptions {
            delay,
            ..BackendOptions::default()
        },
    );
    let port = free_port();
    let proxy = EmbeddedProxy::start(&format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    default_backend be\n\n\
         backend be\n    timeout queue 5s\n{}",
        slow.server_line("maxconn 1")
    ));
    let url = proxy.url("/");
    let clients: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || get(&url).status)
        })
        .collect();
    assert!(
        wait_until(Duration::from_secs(3), || number(&proxy, "BACKEND", "qcur")
            == 1),
        "the second request waits for the only slot"
    );
    for client in clients {
        assert_eq!(client.join().unwrap(), 200);
    }
    assert_eq!(number(&proxy, "BACKEND", "qcur"), 0);
    assert_eq!(number(&proxy, "BACKEND", "qmax"), 1);
    assert_eq!(
        proxy.stat("be", "slow", "qcur"),
        "",
        "queues are per backend"
    );
    // Each response head came after the backend's delay; one request also waited in the queue.
    let floor = i64::try_from(delay.as_millis()).unwrap();
    for row in ["slow", "BACKEND"] {
        let rtime = number(&proxy, row, "rtime");
        assert!(rtime >= floor, "{row} rtime {rtime}");
        assert!(number(&proxy, row, "ttime") >= rtime, "{row}");
        assert!(number(&proxy, row, "qtime") > 0, "{row}");
        // Loopback connects take well under a millisecond, but the column is measured.
        assert!(number(&proxy, row, "ctime") >= 0, "{row}");
    }
}

#[test]
fn lastsess_and_the_backend_s_down_history_follow_its_servers() {
    let web1 = Backend::start("web1");
    let web2 = Backend::start("web2");
    let proxy = embedded("", "", &[&web1, &web2]);
    assert_eq!(number(&proxy, "web1", "lastsess"), -1, "never used");
    assert_eq!(number(&proxy, "BACKEND", "chkdown"), 0);
    assert_eq!(get(&proxy.url("/")).status, 200);
    let used = [
        number(&proxy, "web1", "lastsess"),
        number(&proxy, "web2", "lastsess"),
    ];
    assert!(
        used.contains(&-1) && used.iter().any(|s| (0..5).contains(s)),
        "{used:?}"
    );
    assert!((0..5).contains(&number(&proxy, "BACKEND", "lastsess")));

    let backend = proxy.backend("be");
    for server in backend.servers() {
        backend.set_admin_state(server.id, AdminState::Maint);
    }
    assert_eq!(proxy.stat("be", "BACKEND", "status"), "DOWN");
    assert_eq!(number(&proxy, "BACKEND", "chkdown"), 1);
    assert!(number(&proxy, "BACKEND", "lastchg") < 5);
    backend.set_admin_state(proxy.server("be", "web1").id, AdminState::Ready);
    assert_eq!(proxy.stat("be", "BACKEND", "status"), "UP");
    assert_eq!(number(&proxy, "BACKEND", "chkdown"), 1);
    assert!((0..5).contains(&number(&proxy, "BACKEND", "downtime")));
}

#[test]
fn check_health_shows_the_rise_fall_level() {
    let web1 = Backend::start("web1");
    let port = free_port();
    let proxy = EmbeddedProxy::start(&format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    default_backend be\n\n\
         backend be\n{}",
        web1.server_line("check inter 100 rise 2 fall 3")
    ));
    // A checked server starts one failure away from DOWN (health = rise), then settles UP.
    assert!(wait_until(Duration::from_secs(3), || {
        proxy.stat("be", "web1", "check_health") == "4"
    }));
    assert_eq!(proxy.stat("be", "web1", "check_status"), "L4OK");
    assert_eq!(proxy.stat("be", "BACKEND", "check_health"), "");
}
