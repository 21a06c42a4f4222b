//! The stats socket of the real binary, over Unix and TCP sockets: HAProxy's CLI protocol,
//! levels, `show stat` and the commands that change where traffic goes.

use std::collections::BTreeMap;
use std::time::Duration;
use switchyard_tests::{parse_stat, wait_until, Backend, CliAddr, CliSetup as Setup};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/haproxy-2.6");

fn count(servers: &[String], name: &str) -> usize {
    servers.iter().filter(|s| *s == name).count()
}

#[test]
fn show_stat_header_is_haproxy_s_and_counters_follow_the_requests() {
    let webs = [Backend::start("web1"), Backend::start("web2")];
    let setup = Setup::start(&[&webs[0], &webs[1]]);
    setup.servers_of(10);
    let answer = setup.admin().command("show stat");
    let fixture = std::fs::read_to_string(format!("{FIXTURES}/showstat.csv")).unwrap();
    assert_eq!(answer.lines().next(), fixture.lines().next());
    assert!(
        answer.ends_with(",\n\n"),
        "the answer ends with an empty line"
    );
    let stat = parse_stat(&answer);
    for server in ["pool/web1", "pool/web2"] {
        let row = &stat[server];
        assert_eq!(row["stot"], "5", "{server}");
        assert_eq!(row["lbtot"], "5", "{server}");
        assert_eq!(row["hrsp_2xx"], "5", "{server}");
        assert_eq!(row["type"], "2");
        assert_eq!(row["status"], "no check");
    }
    let backend = &stat["pool/BACKEND"];
    assert_eq!(backend["req_tot"], "10");
    assert_eq!(backend["hrsp_2xx"], "10");
    assert_eq!(backend["lbtot"], "10");
    let frontend = &stat["fe/FRONTEND"];
    assert_eq!(frontend["req_tot"], "10");
    assert_eq!(frontend["hrsp_2xx"], "10");
    assert_eq!(frontend["status"], "OPEN");
    assert!(frontend["bin"].parse::<u64>().unwrap() > 0);
    assert!(frontend["bout"].parse::<u64>().unwrap() > frontend["bin"].parse().unwrap());
    assert_eq!(frontend["dreq"], "0");
    assert_eq!(
        frontend["dresp"], "",
        "a column Switchyard does not track stays empty"
    );
}

#[test]
fn show_stat_typed_json_and_filters_answer_haproxy_s_forms() {
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    setup.servers_of(2);
    let cli = setup.admin();
    let typed = cli.command("show stat typed");
    assert!(
        typed.starts_with("F.2.0.0.pxname.1:KNS:str:fe\n"),
        "{typed}"
    );
    assert!(typed.contains("S.3.1.40.hrsp_2xx.1:MCP:u64:2\n"), "{typed}");
    let json: serde_json::Value = serde_json::from_str(&cli.command("show stat json")).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[1][1]["value"]["value"], "web1");
    let servers_only = cli.command("show stat pool 4 -1");
    let stat = parse_stat(&servers_only);
    assert_eq!(stat.keys().collect::<Vec<_>>(), ["pool/web1"]);
    cli.command("disable server pool/web1");
    assert!(!parse_stat(&cli.command("show stat no-maint")).contains_key("pool/web1"));
    assert!(!parse_stat(&cli.command("show stat up")).contains_key("pool/web1"));
}

#[test]
fn disable_enable_drain_and_weight_change_where_traffic_goes() {
    let webs = [Backend::start("web1"), Backend::start("web2")];
    let setup = Setup::start(&[&webs[0], &webs[1]]);
    let cli = setup.admin();
    assert_eq!(cli.command("disable server pool/web1"), "\n");
    assert_eq!(count(&setup.servers_of(6), "web2"), 6);
    assert_eq!(cli.command("enable server pool/web1"), "\n");
    assert_eq!(count(&setup.servers_of(6), "web1"), 3);
    assert_eq!(cli.command("set server pool/web1 state drain"), "\n");
    assert_eq!(count(&setup.servers_of(4), "web2"), 4);
    let stat = parse_stat(&cli.command("show stat"));
    assert_eq!(stat["pool/web1"]["status"], "DRAIN");
    assert_eq!(cli.command("set server pool/web1 state ready"), "\n");
    assert_eq!(cli.command("set weight pool/web1 3"), "\n");
    assert_eq!(cli.command("get weight pool/web1"), "3 (initial 1)\n\n");
    let servers = setup.servers_of(8);
    assert_eq!((count(&servers, "web1"), count(&servers, "web2")), (6, 2));
    assert_eq!(cli.command("set server pool/web2 weight 0"), "\n");
    assert_eq!(count(&setup.servers_of(4), "web1"), 4);
    assert_eq!(cli.command("set server pool/web1 state maint"), "\n");
    assert_eq!(
        parse_stat(&cli.command("show stat"))["pool/web1"]["status"],
        "MAINT"
    );
    assert_eq!(cli.command("get weight pool/nope"), "No such server.\n\n");
    assert_eq!(cli.command("get weight nope/web1"), "No such backend.\n\n");
    assert_eq!(
        cli.command("get weight web1"),
        "Require 'backend/server'.\n\n"
    );
    assert_eq!(
        cli.command("set weight pool/web1 300"),
        "Absolute weight can only be between 0 and 256 inclusive.\n\n"
    );
}

#[test]
fn set_server_addr_sends_the_next_requests_to_the_new_address() {
    let web1 = Backend::start("web1");
    let elsewhere = Backend::start("elsewhere");
    let setup = Setup::start(&[&web1]);
    let answer = setup.admin().command(&format!(
        "set server pool/web1 addr 127.0.0.1 port {}",
        elsewhere.port()
    ));
    assert_eq!(
        answer,
        format!(
            "no need to change the addr, port changed from '{}' to '{}' by 'stats socket command'\n\n",
            web1.port(),
            elsewhere.port()
        )
    );
    assert_eq!(count(&setup.servers_of(3), "elsewhere"), 3);
    let stat = parse_stat(&setup.admin().command("show stat"));
    assert_eq!(stat["pool/web1"]["addr"], elsewhere.addr().to_string());
}

#[test]
fn levels_allow_reading_to_users_clearing_to_operators_and_changes_to_admins() {
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    let user = setup.socket("user.sock");
    let operator = setup.socket("operator.sock");
    assert_eq!(user.command("show cli level"), "user\n\n");
    assert!(user.command("show stat").starts_with("# pxname,"));
    assert_eq!(user.command("clear counters"), "Permission denied\n\n");
    assert_eq!(
        user.command("disable server pool/web1"),
        "Permission denied\n\n"
    );
    assert_eq!(operator.command("show cli level"), "operator\n\n");
    assert_eq!(operator.command("clear counters"), "\n");
    assert_eq!(
        operator.command("clear counters all"),
        "Permission denied\n\n"
    );
    assert_eq!(
        operator.command("set weight pool/web1 2"),
        "Permission denied\n\n"
    );
    assert_eq!(user.command("operator"), "Permission denied\n\n");
    // An admin session can lower itself, and then is refused what it lowered away.
    assert_eq!(
        setup.admin().command("user; disable server pool/web1"),
        "\nPermission denied\n\n"
    );
    setup.servers_of(2);
    assert_eq!(setup.admin().command("clear counters all"), "\n");
    let stat = parse_stat(&setup.admin().command("show stat"));
    assert_eq!(stat["pool/web1"]["stot"], "0");
    assert_eq!(stat["pool/web1"]["lbtot"], "0");
}

#[test]
fn tcp_socket_serves_the_same_commands() {
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    let tcp = CliAddr::tcp(setup.tcp);
    assert_eq!(tcp.command("show backend"), "# name\npool\n\n");
    assert_eq!(tcp.command("set server pool/web1 state maint"), "\n");
    let stat = parse_stat(&setup.admin().command("show stat"));
    assert_eq!(stat["pool/web1"]["status"], "MAINT");
}

#[test]
fn commands_chained_with_semicolons_answer_in_order() {
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    let answer = setup
        .admin()
        .command("show backend;get weight pool/web1;show cli level");
    assert_eq!(answer, "# name\npool\n\n1 (initial 1)\n\nadmin\n\n");
}

#[test]
fn prompt_mode_keeps_the_session_open_until_quit() {
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    let mut session = setup.admin().interactive();
    assert_eq!(session.send("show backend"), "# name\npool\n");
    assert_eq!(session.send("get weight pool/web1"), "1 (initial 1)\n");
    assert!(session.send("show stat").starts_with("# pxname,svname,"));
    let unknown = session.send("shwo stat");
    assert!(unknown.starts_with("Unknown command"), "{unknown}");
    assert_eq!(
        session.send("show cli level"),
        "admin\n",
        "the session survives"
    );
    session.send_only("quit");
    assert!(session.is_closed(), "quit closes at once, with no prompt");
}

#[test]
fn unknown_commands_get_suggestions_and_help_lists_the_commands() {
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    let cli = setup.admin();
    let answer = cli.command("show stta");
    assert!(
        answer.starts_with(
            "Unknown command, but maybe one of the following ones is a better match:\n"
        ),
        "{answer}"
    );
    assert!(
        answer.contains("\n  show stat [desc|json|no-maint|typed|up]*: "),
        "{answer}"
    );
    assert_eq!(
        cli.command("show backend"),
        "# name\npool\n\n",
        "the socket stays usable"
    );
    let help = cli.command("help");
    assert!(help.starts_with("The following commands are valid at this level:\n"));
    let reference = std::fs::read_to_string(format!("{FIXTURES}/help.txt")).unwrap();
    for line in help.lines().skip(1).filter(|l| !l.is_empty()) {
        assert_eq!(
            line.find(": "),
            Some(42),
            "usage column as HAProxy's: {line}"
        );
        let name: String = line[2..42]
            .split_whitespace()
            .take_while(|w| !w.starts_with(['<', '[']))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            reference.lines().any(|r| r.trim_start().starts_with(&name)),
            "HAProxy has '{name}'"
        );
    }
}

#[test]
fn show_info_servers_state_and_version_use_haproxy_s_shapes() {
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    setup.servers_of(3);
    let cli = setup.admin();
    let info = cli.command("show info");
    let reference = std::fs::read_to_string(format!("{FIXTURES}/showinfo.txt")).unwrap();
    let keys: Vec<&str> = reference
        .lines()
        .filter_map(|l| l.split(": ").next())
        .collect();
    let ours: BTreeMap<&str, &str> = info.lines().filter_map(|l| l.split_once(": ")).collect();
    for key in ours.keys() {
        assert!(keys.contains(key), "HAProxy's show info has '{key}'");
    }
    assert_eq!(ours["CumReq"], "3");
    assert_eq!(ours["Process_num"], "1");
    assert!(ours["Uptime"].starts_with("0d 0h00m0"));
    let state = cli.command("show servers state");
    let reference = std::fs::read_to_string(format!("{FIXTURES}/servers_state.txt")).unwrap();
    let lines: Vec<&str> = state.lines().collect();
    assert_eq!(lines[0], "1");
    assert_eq!(lines[1], reference.lines().nth(1).unwrap());
    let fields: Vec<&str> = lines[2].split(' ').collect();
    assert_eq!(fields.len(), 25);
    assert_eq!(&fields[..5], ["3", "pool", "1", "web1", "127.0.0.1"]);
    assert_eq!(fields[18], web.port().to_string());
    assert_eq!(
        cli.command("show servers state nope"),
        "Can't find backend.\n\n"
    );
    assert_eq!(
        cli.command("show version"),
        format!("{}\n\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn set_maxconn_server_limits_the_server() {
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    assert_eq!(
        setup.admin().command("set maxconn server pool/web1 7"),
        "\n"
    );
    let stat = parse_stat(&setup.admin().command("show stat"));
    assert_eq!(stat["pool/web1"]["slim"], "7");
    assert_eq!(
        setup.admin().command("set maxconn server pool/web1 x"),
        "Require <maxconn>.\n\n"
    );
}

#[test]
fn a_stale_socket_file_is_replaced_and_gets_the_requested_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // A socket file left behind by a process that is gone.
    drop(std::os::unix::net::UnixListener::bind(dir.path().join("admin.sock")).unwrap());
    let web = Backend::start("web1");
    let setup = Setup::start_in(dir, &[(&web, "")]);
    assert_eq!(setup.admin().command("show backend"), "# name\npool\n\n");
    let mode = std::fs::metadata(setup.admin_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn concurrent_clients_are_served_while_traffic_flows() {
    let webs = [Backend::start("web1"), Backend::start("web2")];
    let setup = Setup::start(&[&webs[0], &webs[1]]);
    std::thread::scope(|scope| {
        let traffic = scope.spawn(|| setup.servers_of(40));
        let readers: Vec<_> = (0..4)
            .map(|i| {
                let cli = if i % 2 == 0 {
                    setup.admin()
                } else {
                    CliAddr::tcp(setup.tcp)
                };
                scope.spawn(move || {
                    for _ in 0..15 {
                        let stat = parse_stat(&cli.command("show stat"));
                        assert_eq!(stat.len(), 4);
                    }
                })
            })
            .collect();
        assert_eq!(traffic.join().unwrap().len(), 40);
        for reader in readers {
            reader.join().unwrap();
        }
    });
    let stat = parse_stat(&setup.admin().command("show stat"));
    assert_eq!(stat["pool/BACKEND"]["req_tot"], "40");
    assert_eq!(stat["pool/web1"]["stot"], "20");
}

#[test]
fn socat_reads_show_stat_from_the_unix_socket() {
    let socat = std::process::Command::new("socat").arg("-V").output();
    if socat.is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "socat must be installed in CI (.ci/run installs it)"
        );
        eprintln!("socat is not installed; skipping");
        return;
    }
    let web = Backend::start("web1");
    let setup = Setup::start(&[&web]);
    // Make sure the socket exists before the shell pipes into it.
    setup.admin().command("show version");
    let script = format!(
        "echo \"show stat\" | socat stdio {}",
        setup.admin_path().display()
    );
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(parse_stat(&text).contains_key("pool/web1"), "{text}");
}

#[test]
fn health_check_results_show_in_show_stat_and_servers_state() {
    let web1 = Backend::start("web1");
    let mut web2 = Backend::start("web2");
    web2.stop();
    let setup = Setup::start_with(&[(&web1, "check inter 100"), (&web2, "check inter 100")]);
    let cli = setup.admin();
    let settled = wait_until(Duration::from_secs(5), || {
        let stat = parse_stat(&cli.command("show stat"));
        stat["pool/web2"]["status"] == "DOWN" && stat["pool/web1"]["check_status"] == "L4OK"
    });
    assert!(settled, "{}", cli.command("show stat"));
    let stat = parse_stat(&cli.command("show stat"));
    let web2_row = &stat["pool/web2"];
    assert_eq!(web2_row["check_status"], "L4CON");
    assert_eq!(web2_row["check_desc"], "Layer4 connection problem");
    assert_eq!(web2_row["chkdown"], "1");
    assert_eq!(
        (
            web2_row["check_rise"].as_str(),
            web2_row["check_fall"].as_str()
        ),
        ("2", "3")
    );
    assert_eq!(stat["pool/web1"]["status"], "UP");
    let state = cli.command("show servers state pool");
    let web2_line: Vec<&str> = state.lines().nth(3).unwrap().split(' ').collect();
    assert_eq!(
        &web2_line[3..6],
        ["web2", "127.0.0.1", "0"],
        "stopped: op state 0"
    );
    assert_eq!(&web2_line[10..12], ["8", "2"], "L4CON, failed");
}

#[test]
fn nbthread_sets_the_worker_count_show_info_reports() {
    let web = Backend::start("web1");
    // One worker runs tokio's current-thread scheduler, more the multi-thread one.
    for threads in ["1", "2"] {
        let global = format!("    nbthread {threads}\n");
        let setup = Setup::start_custom(&global, "    balance roundrobin\n", &[(&web, "")]);
        assert_eq!(setup.servers_of(4).len(), 4);
        let info = setup.admin().command("show info");
        assert!(info.contains(&format!("\nNbthread: {threads}\n")), "{info}");
        assert!(info.contains("\nCumReq: 4\n"), "{info}");
    }
}
