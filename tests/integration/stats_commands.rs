//! The stats socket commands that change the running proxy beyond server states, over the real
//! Unix socket of the binary: `add server`/`del server`, `shutdown sessions server`, `enable`/
//! `disable health`, `set maxconn frontend|global`, and the diagnostics `show sess`, `show
//! errors` and `show info json|typed`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use switchyard_tests::{
    free_port, get, raw_exchange, send, wait_until, Backend, BackendOptions, CliSetup, RequestSpec,
};

fn slow(name: &str, delay: Duration) -> Backend {
    Backend::with_options(
        name,
        BackendOptions {
            delay,
            ..BackendOptions::default()
        },
    )
}

/// A client connection that sent one keep-alive request, got its answer, and stays open.
fn idle_connection(setup: &CliSetup) -> TcpStream {
    let mut stream = TcpStream::connect(setup.proxy.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut buffer = [0u8; 1024];
    let n = stream.read(&mut buffer).unwrap();
    assert!(buffer[..n].starts_with(b"HTTP/1.1 200"));
    stream
}

#[test]
fn added_servers_take_traffic_once_enabled_and_deleted_ones_stop() {
    let web1 = Backend::start("web1");
    let web2 = Backend::start("web2");
    let setup = CliSetup::start(&[&web1]);
    let cli = setup.admin();
    let add = format!("add server pool/web2 {} weight 1", web2.addr());
    assert_eq!(cli.command(&add), "New server registered.\n\n");
    assert_eq!(setup.stat()["pool/web2"]["status"], "MAINT");
    assert!(setup.servers_of(4).iter().all(|s| s == "web1"));

    assert_eq!(cli.command("enable server pool/web2"), "\n");
    assert!(setup.servers_of(10).iter().any(|s| s == "web2"));
    assert_eq!(setup.stat()["pool/web2"]["sid"], "2");

    assert_eq!(
        cli.command(&add),
        "Already exists a server with the same name in backend.\n\n"
    );
    assert_eq!(
        cli.command("del server pool/web2"),
        "Only servers in maintenance mode can be deleted.\n\n"
    );
    cli.command("disable server pool/web2");
    assert_eq!(cli.command("del server pool/web2"), "Server deleted.\n\n");
    assert!(!setup.stat().contains_key("pool/web2"));
    assert!(setup.servers_of(4).iter().all(|s| s == "web1"));
    assert_eq!(cli.command("del server pool/web2"), "No such server.\n\n");
    assert_eq!(
        cli.command("add server nope/web3 127.0.0.1:1"),
        "No such backend.\n\n"
    );
    assert_eq!(
        setup.socket("operator.sock").command(&add),
        "Permission denied\n\n"
    );
}

#[test]
fn an_added_server_with_check_is_checked_once_health_is_enabled() {
    let web1 = Backend::start("web1");
    let setup = CliSetup::start(&[&web1]);
    let cli = setup.admin();
    let closed = format!("127.0.0.1:{}", free_port());
    let add = format!("add server pool/web3 {closed} check inter 100 fall 1 rise 1");
    assert_eq!(cli.command(&add), "New server registered.\n\n");
    assert_eq!(cli.command("enable server pool/web3"), "\n");
    // Its checks wait for `enable health`, as in HAProxy: the closed port is not noticed.
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(setup.stat()["pool/web3"]["check_status"], "");
    assert_eq!(cli.command("enable health pool/web3"), "\n");
    assert!(wait_until(Duration::from_secs(3), || {
        let stat = setup.stat();
        stat["pool/web3"]["status"] == "DOWN" && stat["pool/web3"]["check_status"] == "L4CON"
    }));
    assert!(setup.servers_of(6).iter().all(|s| s == "web1"));
}

#[test]
fn a_server_with_requests_in_flight_cannot_be_deleted_and_its_sessions_can_be_shut_down() {
    let web1 = slow("web1", Duration::from_secs(3));
    let setup = CliSetup::start(&[&web1]);
    let cli = setup.admin();
    let url = setup.proxy.url("/");
    let client = std::thread::spawn(move || get(&url).status);
    assert!(wait_until(Duration::from_secs(2), || {
        setup.stat()["pool/web1"]["scur"] == "1"
    }));
    cli.command("disable server pool/web1");
    assert_eq!(
        cli.command("del server pool/web1"),
        "Server still has connections attached to it, cannot remove it.\n\n"
    );
    assert_eq!(cli.command("shutdown sessions server pool/web1"), "\n");
    // The cut request is answered by the proxy, not by the server's delayed 200.
    assert_eq!(client.join().unwrap(), 503);
    assert!(wait_until(Duration::from_secs(2), || {
        setup.stat()["pool/web1"]["scur"] == "0"
    }));
    assert_eq!(cli.command("del server pool/web1"), "Server deleted.\n\n");
}

#[test]
fn disable_health_ignores_failing_checks_until_enable_health() {
    let web1 = Backend::start("web1");
    web1.set_health_status(500);
    let setup = CliSetup::start_custom(
        "",
        "    balance roundrobin\n    option httpchk GET /health\n",
        &[(&web1, "check inter 100 fall 1 rise 1")],
    );
    let cli = setup.admin();
    let status = || setup.stat()["pool/web1"]["status"].clone();
    assert!(wait_until(Duration::from_secs(3), || status() == "DOWN"));
    assert_eq!(cli.command("disable health pool/web1"), "\n");
    assert_eq!(status(), "no check");
    assert_eq!(get(&setup.proxy.url("/")).status, 200);
    assert_eq!(cli.command("enable health pool/web1"), "\n");
    assert!(wait_until(Duration::from_secs(3), || status() == "DOWN"));
    assert_eq!(get(&setup.proxy.url("/")).status, 503);
}

#[test]
fn health_commands_need_a_checked_server() {
    let web1 = Backend::start("web1");
    let setup = CliSetup::start(&[&web1]);
    assert_eq!(
        setup.admin().command("disable health pool/web1"),
        "Health check was not configured on this server, cannot disable.\n\n"
    );
}

#[test]
fn set_maxconn_frontend_and_global_change_the_limits_live() {
    let web1 = Backend::start("web1");
    let setup = CliSetup::start_custom("    maxconn 100\n", "", &[(&web1, "")]);
    let cli = setup.admin();
    assert_eq!(cli.command("set maxconn frontend fe 1"), "\n");
    assert_eq!(setup.stat()["fe/FRONTEND"]["slim"], "1");
    let held = idle_connection(&setup);
    let short = RequestSpec::get(&setup.proxy.url("/")).timeout(Duration::from_millis(500));
    assert!(send(short.clone()).is_err(), "the only place is taken");
    assert_eq!(cli.command("set maxconn frontend fe 2"), "\n");
    assert_eq!(send(short).unwrap().status, 200);
    drop(held);
    assert_eq!(
        cli.command("set maxconn frontend nope 1"),
        "No such frontend.\n\n"
    );

    assert_eq!(
        cli.command("set maxconn global 200"),
        "Value out of range.\n\n"
    );
    assert_eq!(cli.command("set maxconn global 50"), "\n");
    assert!(cli.command("show info").contains("\nMaxconn: 50\n"));
    assert_eq!(cli.command("set maxconn global 0"), "\n");
    assert!(cli.command("show info").contains("\nMaxconn: 100\n"));
}

#[test]
fn show_sess_lists_open_connections_to_operators() {
    let web1 = Backend::start("web1");
    let setup = CliSetup::start(&[&web1]);
    let held = idle_connection(&setup);
    let client = held.local_addr().unwrap();
    let sessions = setup.socket("operator.sock").command("show sess");
    let line = sessions
        .lines()
        .find(|l| l.contains(&format!("src={client} ")))
        .unwrap_or_else(|| panic!("{sessions}"));
    assert!(
        line.contains("proto=tcpv4") && line.contains("fe=fe age="),
        "{line}"
    );
    assert_eq!(
        setup.socket("user.sock").command("show sess"),
        "Permission denied\n\n"
    );
}

#[test]
fn show_errors_shows_the_last_malformed_request() {
    let web1 = Backend::start("web1");
    let setup = CliSetup::start(&[&web1]);
    let cli = setup.admin();
    assert!(cli
        .command("show errors")
        .contains("Total events captured on ["));
    let answer = raw_exchange(
        setup.proxy.addr(),
        b"GE\x01T /bad HTTP/1.1\r\nHost: t\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let errors = cli.command("show errors");
    assert!(errors.contains("] : 1\n"), "{errors}");
    assert!(
        errors.contains("] frontend fe (#2): invalid request\n"),
        "{errors}"
    );
    assert!(
        errors.contains("  00000  GE\\x01T /bad HTTP/1.1\\r\\n\n"),
        "{errors}"
    );
    assert!(cli
        .command("show errors nope")
        .starts_with("No such proxy."));
}

#[test]
fn show_info_answers_json_and_typed() {
    let web1 = Backend::start("web1");
    let setup = CliSetup::start(&[&web1]);
    let cli = setup.admin();
    let typed = cli.command("show info typed");
    assert!(
        typed.starts_with("0.Name.1:POS:str:Switchyard\n"),
        "{typed}"
    );
    assert!(typed.contains("\n8.Uptime_sec.1:MDP:u32:"), "{typed}");
    let json: serde_json::Value = serde_json::from_str(&cli.command("show info json")).unwrap();
    let pid = json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"]["name"] == "Pid")
        .unwrap();
    assert_eq!(pid["field"]["pos"], 6);
    assert_eq!(pid["value"]["value"], setup.proxy.pid());
}

#[test]
fn show_stat_desc_ends_each_typed_line_with_a_quoted_description() {
    let web1 = Backend::start("web1");
    let setup = CliSetup::start(&[&web1]);
    let cli = setup.admin();
    let plain = cli.command("show stat typed");
    let described = cli.command("show stat typed desc");
    assert_eq!(plain.lines().count(), described.lines().count());
    let scur = described
        .lines()
        .find(|l| l.starts_with("S.") && l.contains(".4.scur.1:"))
        .expect(&described);
    assert_eq!(
        scur.split_once(":MGP:u32:0:").map(|(_, d)| d),
        Some("\"sessions in progress now\""),
        "{scur}"
    );
    for line in described.lines().filter(|l| !l.is_empty()) {
        assert!(line.ends_with('"'), "{line}");
        assert!(
            line.rsplit_once(":\"").is_some_and(|(_, d)| d.len() > 2),
            "{line}"
        );
    }
    assert_eq!(
        cli.command("show stat desc"),
        cli.command("show stat"),
        "desc only changes the typed form"
    );
}
