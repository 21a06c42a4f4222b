//! The binary as a process: it stops gracefully on SIGTERM, reports a busy port clearly, writes
//! its `pidfile`, and `chroot`s and switches to `global` `user`/`group` as HAProxy does when
//! started as root.

use std::io::Write;
use std::time::Duration;
use switchyard_tests::{
    free_port, get, run_to_exit, wait_until, Backend, ProxyProcess, TEST_DEFAULTS,
};

fn config_for(port: u16, backend: &Backend, global: &str) -> String {
    format!(
        "global\n{global}\n{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    \
         default_backend app\nbackend app\n{}",
        backend.server_line("")
    )
}

fn config_file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".cfg").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

#[test]
fn sigterm_stops_the_proxy_with_exit_code_0() {
    let app = Backend::start("app");
    let port = free_port();
    let proxy = ProxyProcess::start(&config_for(port, &app, "    daemon"), port);
    assert_eq!(get(&proxy.url("/")).status, 200);
    assert!(proxy.stderr().contains(&format!("127.0.0.1:{port}")));

    let (status, stderr) = proxy.terminate();
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert!(
        stderr.contains("daemon"),
        "no warning about daemon:\n{stderr}"
    );
}

#[test]
fn busy_port_exits_1_naming_the_address() {
    let app = Backend::start("app");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let file = config_file(&config_for(port, &app, ""));

    let output = run_to_exit(&["-f".as_ref(), file.path().as_os_str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.contains(&format!("127.0.0.1:{port}")),
        "stderr:\n{stderr}"
    );
}

#[test]
fn unknown_user_is_an_error_as_root_and_a_warning_otherwise() {
    let app = Backend::start("app");
    let port = free_port();
    let config = config_for(port, &app, "    user no-such-user-switchyard");
    if running_as_root() {
        let file = config_file(&config);
        let output = run_to_exit(&["-f".as_ref(), file.path().as_os_str()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
        assert!(
            stderr.contains("user 'no-such-user-switchyard' not found"),
            "{stderr}"
        );
    } else {
        let proxy = ProxyProcess::start(&config, port);
        assert!(proxy.stderr().contains("ignored"), "{}", proxy.stderr());
    }
}

/// The real and effective ids of process `pid` on a `Uid:` or `Gid:` line of its status.
fn ids_of(pid: u32, line: &str) -> Vec<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(line))
        .unwrap()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn as_root_the_proxy_runs_as_global_user_and_group_once_bound() {
    let app = Backend::start("app");
    let port = free_port();
    let config = config_for(port, &app, "    user nobody\n    group nogroup");
    let proxy = ProxyProcess::start(&config, port);
    assert_eq!(get(&proxy.url("/")).status, 200);
    if running_as_root() {
        let nobody = vec!["65534".to_owned(); 4];
        assert_eq!(ids_of(proxy.pid(), "Uid:"), nobody, "{}", proxy.stderr());
        assert_eq!(ids_of(proxy.pid(), "Gid:"), nobody, "{}", proxy.stderr());
        assert!(proxy.stderr().contains("running as uid 65534 gid 65534"));
    } else {
        assert!(proxy.stderr().contains("ignored"), "{}", proxy.stderr());
    }
}

#[test]
fn the_pidfile_holds_the_process_id() {
    let app = Backend::start("app");
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("switchyard.pid");
    let global = format!("    pidfile {}", pidfile.display());
    let proxy = ProxyProcess::start(&config_for(port, &app, &global), port);
    let expected = format!("{}\n", proxy.pid());
    assert!(
        wait_until(Duration::from_secs(2), || {
            std::fs::read_to_string(&pidfile).is_ok_and(|written| written == expected)
        }),
        "{:?}",
        std::fs::read_to_string(&pidfile)
    );
}

#[test]
fn as_root_the_proxy_chroots_once_bound_and_refuses_reloads_after() {
    let app = Backend::start("app");
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(port, &app, &format!("    chroot {}", dir.path().display()));
    if !running_as_root() {
        let file = config_file(&config);
        let output = run_to_exit(&["-f".as_ref(), file.path().as_os_str()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
        assert!(stderr.contains("cannot chroot into"), "{stderr}");
        println!("not root: only the refusal to chroot is checked");
        return;
    }
    let proxy = ProxyProcess::start(&config, port);
    assert_eq!(get(&proxy.url("/")).status, 200);
    let root = std::fs::read_link(format!("/proc/{}/root", proxy.pid())).unwrap();
    assert_eq!(root, dir.path().canonicalize().unwrap());
    proxy.reload(&config);
    assert!(
        wait_until(Duration::from_secs(5), || proxy.stderr().contains(
            "reload refused, the running configuration is kept: the process is chrooted"
        )),
        "{}",
        proxy.stderr()
    );
    assert_eq!(get(&proxy.url("/")).status, 200);
}
