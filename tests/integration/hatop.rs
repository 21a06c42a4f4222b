//! hatop, the HAProxy console, against Switchyard's stats socket: its own connection, parsing
//! and hotkey commands (driven headless by `tests/tools/hatop_probe.py`) see the proxies, servers
//! and states a user would see on its screen.

use serde_json::Value;
use switchyard_tests::{Backend, CliSetup};

/// What hatop shows after sending `command` (if any) the way its hotkeys do.
fn hatop(setup: &CliSetup, command: Option<&str>) -> Value {
    let probe = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/hatop_probe.py");
    let mut run = std::process::Command::new("python3");
    run.arg(probe).arg(setup.admin_path());
    if let Some(command) = command {
        run.arg(command);
    }
    let output = run.output().expect("python3 runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "hatop probe failed:\n{stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// hatop's view of one row: (status, weight).
fn row(view: &Value, pxname: &str, svname: &str) -> (String, String) {
    let rows = view["rows"].as_array().unwrap();
    let row = rows
        .iter()
        .find(|r| r["pxname"] == pxname && r["svname"] == svname)
        .unwrap_or_else(|| panic!("no {pxname}/{svname} in {view}"));
    (
        row["status"].as_str().unwrap().to_owned(),
        row["weight"].to_string(),
    )
}

#[test]
fn hatop_reads_info_and_every_proxy_and_server() {
    let (web1, web2) = (Backend::start("web1"), Backend::start("web2"));
    let setup = CliSetup::start_with(&[(&web1, "check inter 100"), (&web2, "")]);
    setup.servers_of(4);
    let view = hatop(&setup, None);
    assert_eq!(view["name"], "Switchyard", "{view}");
    // Proxies fe and pool; services FRONTEND, web1, web2, BACKEND.
    assert_eq!(view["pxcount"], 2, "{view}");
    assert_eq!(view["svcount"], 4, "{view}");
    assert_eq!(row(&view, "pool", "web1"), ("UP".into(), "1".into()));
    // hatop shows a server without `check` as `-`.
    assert_eq!(row(&view, "pool", "web2").0, "-");
    assert_eq!(row(&view, "fe", "FRONTEND").0, "OPEN");
}

#[test]
fn hatop_hotkey_commands_change_the_servers_it_shows() {
    let (web1, web2) = (Backend::start("web1"), Backend::start("web2"));
    let setup = CliSetup::start(&[&web1, &web2]);
    let view = hatop(&setup, Some("disable server pool/web2"));
    assert_eq!(row(&view, "pool", "web2").0, "MAINT", "{view}");
    let view = hatop(&setup, Some("set weight pool/web1 50"));
    assert_eq!(row(&view, "pool", "web1").1, "50", "{view}");
    assert!(setup.servers_of(4).iter().all(|s| s == "web1"));
}
