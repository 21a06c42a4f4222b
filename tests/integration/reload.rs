//! The binary's reload: SIGUSR2 reads the configuration files again and applies them to the
//! running proxy (`ProxyHandle::apply`), or keeps the running configuration and says why.

use std::time::Duration;
use switchyard_tests::{free_port, get, wait_until, Backend, ProxyProcess};

/// A configuration whose frontend listens on `port`, sends `/api` to backend `api` when
/// `api` has servers, and everything else to backend `app`.
fn config(port: u16, app: &[&Backend], api: &[&Backend]) -> String {
    let servers = |backends: &[&Backend]| -> String {
        backends
            .iter()
            .map(|b| format!("    server {} {}\n", b.name(), b.addr()))
            .collect()
    };
    let mut text = format!(
        "defaults\n    mode http\n    timeout connect 1s\n\n\
         frontend www\n    bind 127.0.0.1:{port}\n"
    );
    if !api.is_empty() {
        text += "    acl is_api path_beg /api\n    use_backend api if is_api\n";
    }
    text += "    default_backend app\n\nbackend app\n";
    text += &servers(app);
    if !api.is_empty() {
        text += "\nbackend api\n";
        text += &servers(api);
    }
    text
}

/// Waits until the proxy's stderr has `count` lines containing `needle`.
fn logged(proxy: &ProxyProcess, needle: &str, count: usize) -> bool {
    wait_until(Duration::from_secs(5), || {
        proxy.stderr().matches(needle).count() >= count
    })
}

#[test]
fn sigusr2_applies_new_servers_backends_and_rules_without_a_restart() {
    let [web1, web2, web3] = ["web1", "web2", "web3"].map(Backend::start);
    let port = free_port();
    let proxy = ProxyProcess::start(&config(port, &[&web1], &[]), port);
    assert_eq!(get(&proxy.url("/api/x")).body, "web1");

    proxy.reload(&config(port, &[&web2], &[&web3]));
    assert!(logged(&proxy, "change(s) applied", 1), "{}", proxy.stderr());
    let stderr = proxy.stderr();
    for line in [
        "frontend 'www' changed",
        "backend 'api' added",
        "server 'app/web2' added",
        "server 'app/web1' removed",
    ] {
        assert!(stderr.contains(line), "{line} not in:\n{stderr}");
    }
    assert_eq!(get(&proxy.url("/")).body, "web2");
    assert_eq!(get(&proxy.url("/api/x")).body, "web3");
    assert_eq!(web1.hits(), 1);
}

#[test]
fn a_reload_with_errors_or_new_binds_is_refused_and_the_proxy_keeps_serving() {
    let web1 = Backend::start("web1");
    let port = free_port();
    let running = config(port, &[&web1], &[]);
    let proxy = ProxyProcess::start(&running, port);

    proxy.reload(&running.replace("backend app\n", "backend app\n    balance nosuch\n"));
    assert!(
        logged(&proxy, "the running configuration is kept", 1),
        "{}",
        proxy.stderr()
    );
    assert!(proxy.stderr().contains("nosuch"), "{}", proxy.stderr());
    assert_eq!(get(&proxy.url("/")).body, "web1");

    let other_port = free_port();
    proxy.reload(&config(other_port, &[&web1], &[]));
    assert!(logged(&proxy, "need a restart", 1), "{}", proxy.stderr());
    assert!(
        proxy
            .stderr()
            .contains("the binds of frontend 'www' changed"),
        "{}",
        proxy.stderr()
    );
    assert_eq!(get(&proxy.url("/")).status, 200);

    proxy.reload(&running);
    assert!(
        logged(&proxy, "reload: nothing changed", 1),
        "{}",
        proxy.stderr()
    );
}
