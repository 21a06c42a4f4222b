//! Server states and check fields as the runtime API exposes them for the stats (HAProxy's
//! `status`, `check_status`, `check_code`, `chkfail`, `chkdown`, `downtime`...), TCP checks, and
//! the `slowstart` weight ramp, read from a proxy run through the library API.

use std::time::{Duration, Instant};
use switchyard_core::runtime::{CheckStatus, ServerState};
use switchyard_tests::{free_port, wait_until, Backend, EmbeddedProxy, TEST_DEFAULTS};

fn embedded(backend_lines: &str, servers: &str) -> EmbeddedProxy {
    let port = free_port();
    EmbeddedProxy::start(&format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    default_backend be\n\n\
         backend be\n{backend_lines}{servers}"
    ))
}

/// Polls `server.status()` until it reads `last` (at most `limit`); returns every distinct
/// status seen, in order.
fn statuses_until(server: &ServerState, last: &str, limit: Duration) -> Vec<String> {
    let start = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    while start.elapsed() < limit {
        let status = server.status();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == last {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    seen
}

#[test]
fn transitional_states_and_check_fields_follow_haproxy() {
    let web1 = Backend::start("web1");
    let web2 = Backend::start("web2");
    let proxy = embedded(
        "    option httpchk GET /health\n    default-server check inter 100 fall 3 rise 2\n",
        &(web1.server_line("") + &web2.server_line("")),
    );
    let server = proxy.server("be", "web1");
    let limit = Duration::from_secs(3);
    // A server starts UP, one failure away from DOWN, until its first check passes.
    assert_eq!(statuses_until(&server, "UP", limit).last().unwrap(), "UP");
    assert_eq!(server.check_info().check_status, CheckStatus::L7Ok);
    assert_eq!(server.check_info().check_code, Some(200));

    web1.set_health_status(500);
    assert_eq!(
        statuses_until(&server, "DOWN", limit),
        ["UP", "UP 2/3", "UP 1/3", "DOWN"]
    );
    let info = server.check_info();
    assert_eq!(info.check_status, CheckStatus::L7Status);
    assert_eq!(info.check_status.as_str(), "L7STS");
    assert_eq!(info.check_code, Some(500));
    assert_eq!(info.check_desc, "Internal Server Error");
    assert!(info.check_duration.is_some());
    assert_eq!((info.chkfail, info.chkdown), (3, 1));

    web1.set_health_status(200);
    assert_eq!(
        statuses_until(&server, "UP", limit),
        ["DOWN", "DOWN 1/2", "UP"]
    );
    let info = server.check_info();
    let now = tokio::time::Instant::now();
    assert!(info.downtime(now) >= Duration::from_millis(100));
    assert!(info.lastchg(now) < info.downtime(now) + Duration::from_secs(1));
    assert_eq!(info.chkdown, 1);
}

#[test]
fn tcp_checks_report_l4ok_for_a_listening_server_and_l4con_for_a_closed_port() {
    let web1 = Backend::start("web1");
    let closed = free_port();
    let proxy = embedded(
        "    default-server check inter 100 fall 1 rise 1\n",
        &format!(
            "{}    server gone 127.0.0.1:{closed}\n",
            web1.server_line("")
        ),
    );
    let gone = proxy.server("be", "gone");
    statuses_until(&gone, "DOWN", Duration::from_secs(3));
    assert_eq!(gone.check_info().check_status, CheckStatus::L4Conn);
    let web1 = proxy.server("be", "web1");
    wait_until(Duration::from_secs(3), || {
        web1.check_info().check_status != CheckStatus::Init
    });
    assert_eq!(web1.check_info().check_status, CheckStatus::L4Ok);
    assert_eq!(web1.status(), "UP");
}

#[test]
fn slowstart_ramps_a_recovered_servers_weight_up_to_its_configured_weight() {
    let web1 = Backend::start("web1");
    let web2 = Backend::start("web2");
    let proxy = embedded(
        "    option httpchk GET /health\n    default-server check inter 100 fall 1 rise 1 weight 100\n",
        &(web1.server_line("slowstart 2s") + &web2.server_line("")),
    );
    let server = proxy.server("be", "web1");
    web1.set_health_status(500);
    statuses_until(&server, "DOWN", Duration::from_secs(3));
    web1.set_health_status(200);
    statuses_until(&server, "UP", Duration::from_secs(3));

    let start = Instant::now();
    let mut weights = vec![server.effective_weight()];
    while *weights.last().unwrap() < 100 && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
        let weight = server.effective_weight();
        if weights.last() != Some(&weight) {
            weights.push(weight);
        }
    }
    assert!(weights[0] < 100, "ramp starts low: {weights:?}");
    assert_eq!(weights.last(), Some(&100), "{weights:?}");
    assert!(
        weights.len() >= 3,
        "at least one step in between: {weights:?}"
    );
    assert!(weights.windows(2).all(|w| w[0] < w[1]), "{weights:?}");
    assert_eq!(server.weight(), 100);
}
