//! The statistics page of the real binary (`stats uri`): HTML, `;csv`, `;json`, `stats auth`,
//! `stats refresh`, and a screenshot of the HTML in headless Chromium.

use std::process::Command;
use switchyard_tests::{free_port, get, send, Backend, ProxyProcess, RequestSpec, TEST_DEFAULTS};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/haproxy-2.6");

/// A proxy whose frontend serves the page at `/haproxy?stats` with `stats_lines`, in front of
/// `pool` with web1 (UP, no check), web2 (in maintenance) and web3 (a backup).
fn proxy(stats_lines: &str, webs: &[Backend; 3]) -> ProxyProcess {
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    stats uri /haproxy?stats\n{stats_lines}\
         \n    default_backend pool\n\nbackend pool\n{}{}{}",
        webs[0].server_line(""),
        webs[1].server_line("disabled"),
        webs[2].server_line("backup"),
    );
    ProxyProcess::start(&config, port)
}

fn webs() -> [Backend; 3] {
    ["web1", "web2", "web3"].map(Backend::start)
}

#[test]
fn csv_variant_is_the_show_stat_csv_without_the_final_empty_line() {
    let webs = webs();
    let proxy = proxy("", &webs);
    for _ in 0..3 {
        assert_eq!(get(&proxy.url("/")).status, 200);
    }
    let reply = get(&proxy.url("/haproxy?stats;csv"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/plain"));
    let reference = std::fs::read_to_string(format!("{FIXTURES}/statpage.csv")).unwrap();
    assert_eq!(reply.body.lines().next(), reference.lines().next());
    assert!(reply.body.ends_with(",\n") && !reply.body.ends_with("\n\n"));
    let web1 = reply
        .body
        .lines()
        .find(|l| l.starts_with("pool,web1,"))
        .unwrap();
    let header: Vec<&str> = reference.lines().next().unwrap().split(',').collect();
    let fields: Vec<&str> = web1.split(',').collect();
    assert_eq!(fields.len(), header.len());
    let stot = header.iter().position(|c| *c == "stot").unwrap();
    assert_eq!(fields[stot], "3");
}

#[test]
fn json_variant_is_the_show_stat_json() {
    let webs = webs();
    let proxy = proxy("", &webs);
    let reply = get(&proxy.url("/haproxy?stats;json"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let rows: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let names: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[1]["value"]["value"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["FRONTEND", "web1", "web2", "web3", "BACKEND"]);
}

#[test]
fn html_page_shows_each_server_with_its_state_and_refreshes() {
    let webs = webs();
    let proxy = proxy("    stats refresh 5s", &webs);
    let reply = get(&proxy.url("/haproxy?stats"));
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(reply.header("refresh"), Some("5"));
    let html = &reply.body;
    assert!(html.contains("<h2>pool</h2>"));
    assert!(html.contains("<tr class=\"nocheck\"><td class=\"name\">web1</td><td>no check</td>"));
    assert!(html.contains("<tr class=\"maint\"><td class=\"name\">web2</td><td>MAINT</td>"));
    assert!(
        !html.contains("http://") && !html.contains("<script"),
        "no external assets"
    );
    let norefresh = get(&proxy.url("/haproxy?stats;norefresh"));
    assert_eq!(norefresh.header("refresh"), None);
    let up_only = get(&proxy.url("/haproxy?stats;up;csv"));
    assert!(!up_only.body.contains("pool,web2,"));
}

#[test]
fn stats_auth_asks_for_and_checks_credentials() {
    let webs = webs();
    let proxy = proxy("    stats auth admin:s3cret\n    stats realm Ops", &webs);
    let denied = get(&proxy.url("/haproxy?stats"));
    assert_eq!(denied.status, 401);
    assert_eq!(
        denied.header("www-authenticate"),
        Some("Basic realm=\"Ops\"")
    );
    let wrong = send(
        RequestSpec::get(&proxy.url("/haproxy?stats;csv"))
            .header("authorization", "Basic YWRtaW46d3Jvbmc="),
    )
    .unwrap();
    assert_eq!(wrong.status, 401);
    // base64("admin:s3cret")
    let allowed = send(
        RequestSpec::get(&proxy.url("/haproxy?stats;csv"))
            .header("authorization", "Basic YWRtaW46czNjcmV0"),
    )
    .unwrap();
    assert_eq!(allowed.status, 200);
    assert!(allowed.body.starts_with("# pxname,"));
    assert_eq!(
        get(&proxy.url("/other")).status,
        200,
        "other paths are proxied"
    );
}

#[test]
fn headless_chromium_renders_the_page() {
    let Ok(_) = Command::new("chromium").arg("--version").output() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium must be installed in CI (.ci/run installs it)"
        );
        eprintln!("chromium is not installed; skipping");
        return;
    };
    let webs = webs();
    let proxy = proxy("", &webs);
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("stats.png");
    let headless = |extra: &[&str]| {
        Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=1400,700",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .args(extra)
            .arg(proxy.url("/haproxy?stats"))
            .output()
            .unwrap()
    };
    let dom = headless(&["--dump-dom"]);
    let text = String::from_utf8_lossy(&dom.stdout);
    assert!(
        text.contains("<td class=\"name\">web3</td>"),
        "the browser built the tables: {text} {}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let output = headless(&[&format!("--screenshot={}", shot.display())]);
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}): {output:?}"));
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // A blank page compresses to a few kilobytes; coloured tables of text do not.
    assert!(
        png.len() > 10_000,
        "screenshot of {} bytes looks blank",
        png.len()
    );
    if let Ok(keep) = std::env::var("SWITCHYARD_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// A form POST of `form` to the page, as a browser sends it.
fn post_form(proxy: &ProxyProcess, form: &str) -> switchyard_tests::Reply {
    send(
        RequestSpec::get(&proxy.url("/haproxy?stats"))
            .method("POST")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form),
    )
    .unwrap()
}

#[test]
fn stats_admin_form_puts_a_checked_server_in_maintenance() {
    let webs = webs();
    let proxy = proxy(
        "    acl local src 127.0.0.1\n    stats admin if local",
        &webs,
    );
    let page = get(&proxy.url("/haproxy?stats")).body;
    assert!(page.contains("<form method=\"post\" action=\"/haproxy?stats\">"));
    assert!(page.contains("<input type=\"checkbox\" name=\"s\" value=\"web1\">"));
    let stat = switchyard_tests::parse_stat(&get(&proxy.url("/haproxy?stats;csv")).body);
    let iid = &stat["pool/BACKEND"]["iid"];
    assert!(page.contains(&format!(
        "<input type=\"hidden\" name=\"b\" value=\"#{iid}\">"
    )));
    assert!(page.contains("<option value=\"maint\">"));
    assert!(!page.contains("<script"), "a plain form, no script");
    assert_eq!(get(&proxy.url("/")).server(), Some("web1"));

    let done = post_form(&proxy, &format!("s=web1&action=maint&b=%23{iid}"));
    assert_eq!(done.status, 303);
    assert_eq!(done.header("location"), Some("/haproxy?stats;st=DONE"));
    let csv = get(&proxy.url("/haproxy?stats;csv")).body;
    let web1 = csv.lines().find(|l| l.starts_with("pool,web1,")).unwrap();
    assert!(web1.contains(",MAINT,"), "{web1}");
    let after = get(&proxy.url("/haproxy?stats;st=DONE")).body;
    assert!(after.contains("<tr class=\"maint\"><td><input type=\"checkbox\" name=\"s\" value=\"web1\"></td><td class=\"name\">web1</td><td>MAINT</td>"));
    assert!(after.contains("Action processed successfully."));
    // web2 is disabled in the config and web1 is now in maintenance: only the backup is left.
    for _ in 0..3 {
        assert_eq!(get(&proxy.url("/")).server(), Some("web3"));
    }

    let by_name = post_form(&proxy, "s=web1&s=nope&action=ready&b=pool");
    assert_eq!(by_name.header("location"), Some("/haproxy?stats;st=PART"));
    assert_eq!(get(&proxy.url("/")).server(), Some("web1"));
    let unknown = post_form(&proxy, "s=web1&action=maint&b=%2399");
    assert_eq!(unknown.header("location"), Some("/haproxy?stats;st=ERRP"));
    assert_eq!(get(&proxy.url("/")).server(), Some("web1"));
}

#[test]
fn without_stats_admin_rights_the_page_has_no_form_and_posts_are_denied() {
    let webs = webs();
    let proxy = proxy("    stats admin if FALSE", &webs);
    let page = get(&proxy.url("/haproxy?stats")).body;
    assert!(!page.contains("<form") && !page.contains("type=\"checkbox\""));
    let denied = post_form(&proxy, "s=web1&action=maint&b=%232");
    assert_eq!(denied.status, 303);
    assert_eq!(denied.header("location"), Some("/haproxy?stats;st=DENY"));
    assert!(get(&proxy.url("/haproxy?stats;st=DENY"))
        .body
        .contains("Action denied"));
    let csv = get(&proxy.url("/haproxy?stats;csv")).body;
    let web1 = csv.lines().find(|l| l.starts_with("pool,web1,")).unwrap();
    assert!(!web1.contains(",MAINT,"), "{web1}");
    assert_eq!(get(&proxy.url("/")).server(), Some("web1"));
}
