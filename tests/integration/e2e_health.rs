//! Health checks through the real binary, against backends whose `/health` can be broken: a
//! failing server goes DOWN after `fall` checks and gets no more requests, comes back after
//! `rise`; backups take over and give back; passive `observe layer7` marks a server down; and a
//! backend with every server down answers 503 at once. Transitions are read from the log, in
//! HAProxy's words.

use std::time::Duration;
use switchyard_tests::{
    free_port, get, send, wait_until, Backend, BackendOptions, ProxyProcess, RequestSpec,
    TEST_DEFAULTS,
};

/// Slack for scheduling on a busy machine, on top of the delays HAProxy's rules allow.
const SLACK: Duration = Duration::from_secs(1);

/// A proxy on a free port whose default backend `be` has `backend_lines` and `servers`.
fn proxy(backend_lines: &str, servers: &str) -> ProxyProcess {
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    default_backend be\n\n\
         backend be\n    option httpchk GET /health\n{backend_lines}{servers}"
    );
    ProxyProcess::start(&config, port)
}

/// Waits (at most `limit`) until the proxy's log contains `needle`.
fn wait_for_log(proxy: &ProxyProcess, needle: &str, limit: Duration) -> bool {
    wait_until(limit, || proxy.stderr().contains(needle))
}

/// The servers that answered `count` requests, in order.
fn answering(proxy: &ProxyProcess, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| get(&proxy.url("/")).server().unwrap_or("?").to_string())
        .collect()
}

#[test]
fn a_failing_server_is_down_within_fall_checks_gets_nothing_then_is_up_after_rise_checks() {
    let web1 = Backend::start("web1");
    let web2 = Backend::start("web2");
    let proxy = proxy(
        "    default-server check inter 200 fall 3 rise 2\n",
        &(web1.server_line("") + &web2.server_line("")),
    );
    // Let the first checks pass so both servers are fully UP.
    std::thread::sleep(Duration::from_millis(500));
    let inter = Duration::from_millis(200);

    web1.set_health_status(500);
    let down = wait_for_log(&proxy, "Server be/web1 is DOWN", 4 * inter + SLACK);
    assert!(down, "web1 not DOWN in time:\n{}", proxy.stderr());
    assert!(proxy.stderr().contains(
        "Server be/web1 is DOWN, reason: Layer7 wrong status, code: 500, info: \"Internal Server Error\", check duration: "
    ));
    assert!(proxy.stderr().contains(
        "1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue."
    ));
    let hits_when_down = web1.hits();
    assert_eq!(answering(&proxy, 10), vec!["web2"; 10]);
    assert_eq!(web1.hits(), hits_when_down);

    web1.set_health_status(200);
    let up = wait_for_log(&proxy, "Server be/web1 is UP", 3 * inter + SLACK);
    assert!(up, "web1 not UP in time:\n{}", proxy.stderr());
    assert!(proxy.stderr().contains(
        "Server be/web1 is UP, reason: Layer7 check passed, code: 200, info: \"OK\", check duration: "
    ));
    assert!(answering(&proxy, 4).contains(&"web1".to_string()));
}

#[test]
fn a_backup_takes_over_when_the_active_server_fails_and_gives_back_when_it_recovers() {
    let web1 = Backend::start("web1");
    let spare = Backend::start("spare");
    let proxy = proxy(
        "    default-server check inter 100 fall 2 rise 2\n",
        &(web1.server_line("") + &spare.server_line("backup")),
    );
    assert_eq!(answering(&proxy, 3), vec!["web1"; 3]);

    web1.set_health_status(503);
    assert!(wait_for_log(
        &proxy,
        "Server be/web1 is DOWN",
        Duration::from_secs(3)
    ));
    assert!(proxy
        .stderr()
        .contains("0 active and 1 backup servers left. Running on backup."));
    assert_eq!(answering(&proxy, 3), vec!["spare"; 3]);

    web1.set_health_status(200);
    assert!(wait_for_log(
        &proxy,
        "Server be/web1 is UP",
        Duration::from_secs(3)
    ));
    assert_eq!(answering(&proxy, 3), vec!["web1"; 3]);
}

#[test]
fn passive_layer7_observation_marks_a_server_down_after_error_limit_errors() {
    let broken = Backend::with_options(
        "broken",
        BackendOptions {
            status: 500,
            ..BackendOptions::default()
        },
    );
    let web2 = Backend::start("web2");
    // Active checks pass (`/health` answers 200) and run rarely: only live traffic can fail it.
    let proxy = proxy(
        "",
        &(broken.server_line("check inter 10s observe layer7 error-limit 3 on-error mark-down")
            + &web2.server_line("check inter 10s")),
    );
    for _ in 0..6 {
        get(&proxy.url("/"));
    }
    assert!(
        wait_for_log(&proxy, "Server be/broken is DOWN", Duration::from_secs(2)),
        "{}",
        proxy.stderr()
    );
    assert!(proxy.stderr().contains(
        "reason: Health analyze, info: \"Detected 3 consecutive errors, last one was: Wrong http response\""
    ));
    let hits = broken.hits();
    assert_eq!(answering(&proxy, 6), vec!["web2"; 6]);
    assert_eq!(broken.hits(), hits);
}

#[test]
fn a_backend_whose_servers_are_all_down_answers_503_without_waiting_for_the_queue() {
    let web1 = Backend::start("web1");
    web1.set_health_status(500);
    let proxy = proxy(
        "    timeout queue 30s\n",
        &web1.server_line("check inter 100 fall 1 rise 1"),
    );
    assert!(wait_for_log(
        &proxy,
        "backend be has no server available!",
        Duration::from_secs(3)
    ));
    // Far shorter than `timeout queue`: the answer must not wait for a server.
    let reply = send(RequestSpec::get(&proxy.url("/")).timeout(Duration::from_secs(5))).unwrap();
    assert_eq!(reply.status, 503);
    assert!(reply.body.contains("<h1>503 Service Unavailable</h1>"));
    assert_eq!(web1.hits(), 0);
}
