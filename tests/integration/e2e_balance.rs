//! Load balancing through the real binary: roundrobin weights, leastconn, source and uri
//! stickiness, and backup servers.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use switchyard_tests::{
    free_port, get, send, Backend, BackendOptions, ProxyProcess, RequestSpec, TEST_DEFAULTS,
};

/// A proxy with one frontend on a free port whose default backend `pool` has `balance` and one
/// server line per `(backend, options)`.
fn proxy_over(balance: &str, servers: &[(&Backend, &str)]) -> ProxyProcess {
    let port = free_port();
    let mut config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    default_backend pool\n\n\
         backend pool\n    balance {balance}\n"
    );
    for (backend, options) in servers {
        config.push_str(&backend.server_line(options));
    }
    ProxyProcess::start(&config, port)
}

fn answered_by(spec: RequestSpec) -> String {
    let reply = send(spec).unwrap();
    assert_eq!(reply.status, 200, "body: {}", reply.body);
    reply.server().unwrap().to_string()
}

#[test]
fn roundrobin_weights_1_2_3_4_give_exact_shares_over_100_requests() {
    let webs = ["web1", "web2", "web3", "web4"].map(Backend::start);
    let proxy = proxy_over(
        "roundrobin",
        &[
            (&webs[0], "weight 1"),
            (&webs[1], "weight 2"),
            (&webs[2], "weight 3"),
            (&webs[3], "weight 4"),
        ],
    );
    for _ in 0..100 {
        assert_eq!(get(&proxy.url("/")).status, 200);
    }
    let hits: Vec<usize> = webs.iter().map(Backend::hits).collect();
    assert_eq!(hits, vec![10, 20, 30, 40]);
}

#[test]
fn leastconn_sends_fewer_requests_to_the_slow_server() {
    let slow = Backend::with_options(
        "slow",
        BackendOptions {
            delay: Duration::from_millis(300),
            ..BackendOptions::default()
        },
    );
    let fast1 = Backend::start("fast1");
    let fast2 = Backend::start("fast2");
    let proxy = proxy_over("leastconn", &[(&slow, ""), (&fast1, ""), (&fast2, "")]);

    // Six clients in parallel, eight requests each: the slow server keeps its connections
    // busy, so leastconn should send most requests to the fast ones.
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                for _ in 0..8 {
                    assert_eq!(get(&proxy.url("/")).status, 200);
                }
            });
        }
    });
    assert_eq!(slow.hits() + fast1.hits() + fast2.hits(), 48);
    assert!(
        slow.hits() < fast1.hits().min(fast2.hits()),
        "slow {} fast1 {} fast2 {}",
        slow.hits(),
        fast1.hits(),
        fast2.hits()
    );
}

#[test]
fn source_balancing_keeps_each_client_address_on_one_server() {
    let webs = ["web1", "web2", "web3", "web4"].map(Backend::start);
    let servers: Vec<(&Backend, &str)> = webs.iter().map(|w| (w, "")).collect();
    let proxy = proxy_over("source", &servers);

    let mut servers_per_source: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for host in 2..=9 {
        let source = format!("127.0.0.{host}");
        for _ in 0..3 {
            let server = answered_by(RequestSpec::get(&proxy.url("/")).from_ip(&source));
            servers_per_source
                .entry(source.clone())
                .or_default()
                .insert(server);
        }
    }
    for (source, servers) in &servers_per_source {
        assert_eq!(servers.len(), 1, "{source} went to {servers:?}");
    }
    let used: BTreeSet<_> = servers_per_source.values().flatten().collect();
    assert!(used.len() >= 2, "every source went to {used:?}");
}

#[test]
fn uri_balancing_keeps_each_path_on_one_server() {
    let webs = ["web1", "web2", "web3", "web4"].map(Backend::start);
    let servers: Vec<(&Backend, &str)> = webs.iter().map(|w| (w, "")).collect();
    let proxy = proxy_over("uri", &servers);

    let mut servers_per_path: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for page in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        let path = format!("/static/{page}.png");
        for _ in 0..3 {
            let server = answered_by(RequestSpec::get(&proxy.url(&path)));
            servers_per_path
                .entry(path.clone())
                .or_default()
                .insert(server);
        }
    }
    for (path, servers) in &servers_per_path {
        assert_eq!(servers.len(), 1, "{path} went to {servers:?}");
    }
    let used: BTreeSet<_> = servers_per_path.values().flatten().collect();
    assert!(used.len() >= 2, "every path went to {used:?}");
}

#[test]
fn backup_server_stays_idle_while_an_active_server_is_usable() {
    let active = Backend::start("active");
    let spare = Backend::start("spare");
    let proxy = proxy_over("roundrobin", &[(&active, ""), (&spare, "backup")]);
    for _ in 0..6 {
        assert_eq!(answered_by(RequestSpec::get(&proxy.url("/"))), "active");
    }
    assert_eq!(spare.hits(), 0);
}

// Health checks come in a later version, so "every active server is down" is set up with
// `disabled` (administrative maintenance), the one state the current proxy knows at start-up.
#[test]
fn backup_server_takes_over_when_every_active_server_is_disabled() {
    let web1 = Backend::start("web1");
    let web2 = Backend::start("web2");
    let spare = Backend::start("spare");
    let proxy = proxy_over(
        "roundrobin",
        &[(&web1, "disabled"), (&web2, "disabled"), (&spare, "backup")],
    );
    for _ in 0..4 {
        assert_eq!(answered_by(RequestSpec::get(&proxy.url("/"))), "spare");
    }
    assert_eq!(web1.hits() + web2.hits(), 0);
}
