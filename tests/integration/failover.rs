//! Failover that loses no request, through the library API so the counters can be read: a
//! backend killed under keep-alive load is hidden from clients by `retries` + `option
//! redispatch` + `retry-on all-retryable-errors`, and `retry-on 503` moves a request away from
//! a server that answers 503; a request queued for a full server that goes DOWN is served by the
//! backup.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_tests::{
    free_port, get, wait_until, Backend, BackendOptions, EmbeddedProxy, Load, TEST_DEFAULTS,
};

fn embedded(backend_lines: &str, servers: &str) -> EmbeddedProxy {
    let port = free_port();
    EmbeddedProxy::start(&format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    default_backend be\n\n\
         backend be\n{backend_lines}{servers}"
    ))
}

#[test]
fn a_backend_killed_under_load_costs_no_client_a_single_error() {
    let web1 = Backend::start("web1");
    let mut web2 = Backend::start("web2");
    let web3 = Backend::start("web3");
    let proxy = embedded(
        "    retries 3\n    option redispatch\n    retry-on all-retryable-errors\n\
         \x20   default-server check inter 100 fall 2 rise 2\n",
        &(web1.server_line("") + &web2.server_line("") + &web3.server_line("")),
    );
    let progress = Arc::new(AtomicUsize::new(0));
    let load = Load {
        addr: proxy.addr(),
        connections: 20,
        per_connection: 100,
        deadline: Duration::from_secs(20),
    };
    let counter = progress.clone();
    let running = std::thread::spawn(move || load.run(counter));

    // Kill web2 once a quarter of the requests are answered.
    let start = Instant::now();
    while progress.load(Ordering::SeqCst) < 500 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(2));
    }
    web2.stop();
    let report = running.join().unwrap();

    assert!(
        report.errors.is_empty(),
        "client errors: {:?}",
        report.errors
    );
    assert_eq!(
        report.statuses.get(&200),
        Some(&2000),
        "{:?}",
        report.statuses
    );
    let backend = proxy.backend("be");
    let server = proxy.server("be", "web2");
    assert!(!server.is_up(), "the health checks took web2 out");
    let retries = backend.counters.retries.load(Ordering::Relaxed);
    let redispatches = backend.counters.redispatches.load(Ordering::Relaxed);
    assert!(
        retries > 0 && redispatches > 0,
        "wretr {retries}, wredis {redispatches}"
    );
    assert_eq!(server.counters.retries.load(Ordering::Relaxed), retries);
    assert_eq!(
        server.counters.redispatches.load(Ordering::Relaxed),
        redispatches
    );
    // What an operator reads with `show stat`.
    for row in ["BACKEND", "web2"] {
        assert_eq!(proxy.stat("be", row, "wretr"), retries.to_string());
        assert_eq!(proxy.stat("be", row, "wredis"), redispatches.to_string());
    }
}

#[test]
fn retry_on_503_sends_the_request_to_another_server() {
    let unavailable = Backend::with_options(
        "unavailable",
        BackendOptions {
            status: 503,
            ..BackendOptions::default()
        },
    );
    let web2 = Backend::start("web2");
    let proxy = embedded(
        "    retries 1\n    option redispatch\n    retry-on 503\n",
        &(unavailable.server_line("") + &web2.server_line("")),
    );
    for _ in 0..4 {
        let reply = get(&proxy.url("/"));
        assert_eq!((reply.status, reply.server()), (200, Some("web2")));
    }
    // Round robin alternates picks, so each request tried `unavailable` first, then moved.
    assert_eq!(unavailable.hits(), 4);
    let counters = &proxy.server("be", "unavailable").counters;
    assert_eq!(counters.redispatches.load(Ordering::Relaxed), 4);
}

#[test]
fn without_retry_on_a_503_reaches_the_client() {
    let unavailable = Backend::with_options(
        "unavailable",
        BackendOptions {
            status: 503,
            ..BackendOptions::default()
        },
    );
    let proxy = embedded(
        "    retries 3\n    option redispatch\n",
        &unavailable.server_line(""),
    );
    assert_eq!(get(&proxy.url("/")).status, 503);
    assert_eq!(unavailable.hits(), 1);
}

#[test]
fn a_request_queued_for_a_server_that_goes_down_is_served_by_the_backup() {
    let slow = Backend::with_options(
        "slow",
        BackendOptions {
            delay: Duration::from_millis(1500),
            ..BackendOptions::default()
        },
    );
    let spare = Backend::start("spare");
    let proxy = embedded(
        "    timeout queue 10s\n    option httpchk GET /health\n\
         \x20   default-server check inter 100 fall 1 rise 1\n",
        &(slow.server_line("maxconn 1") + &spare.server_line("backup")),
    );
    let backend = proxy.backend("be");
    let url = proxy.url("/");
    let first = {
        let url = url.clone();
        std::thread::spawn(move || get(&url))
    };
    assert!(wait_until(Duration::from_secs(2), || slow.hits() == 1));
    // `slow` is full and still UP, so this request waits in the queue.
    let queued = std::thread::spawn(move || get(&url));
    assert!(wait_until(Duration::from_secs(2), || backend.queued() == 1));

    slow.set_health_status(500);
    let reply = queued.join().unwrap();
    assert_eq!((reply.status, reply.server()), (200, Some("spare")));
    assert_eq!(first.join().unwrap().server(), Some("slow"));
    assert_eq!(slow.hits(), 1);
}
