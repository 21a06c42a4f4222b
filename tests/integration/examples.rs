//! The library's examples (`proxy-core/examples/`) run as a user would run them, with
//! `--requests N`: each starts its own upstream servers on loopback, sends N requests and exits.
//! The tests check the answers are spread evenly over the upstreams.

use std::collections::BTreeMap;
use switchyard_tests::{example_bin, run_program_to_exit};

/// Runs `example --requests <requests>` and returns its stdout, failing on a non-zero exit.
fn run_example(name: &str, requests: u32) -> String {
    let output = run_program_to_exit(&example_bin(name), &["--requests", &requests.to_string()]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name} failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// How many `200 server <n>` answers each upstream gave, from lines ending in them.
fn answers_per_server(stdout: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for line in stdout.lines() {
        if let Some((_, server)) = line.split_once("200 server ") {
            *counts.entry(format!("server {server}")).or_default() += 1;
        }
    }
    counts
}

/// Asserts `stdout` shows `servers` upstreams answering `each` requests apiece.
fn assert_balanced(stdout: &str, servers: usize, each: usize) {
    let counts = answers_per_server(stdout);
    assert_eq!(counts.len(), servers, "{stdout}");
    assert!(counts.values().all(|&n| n == each), "{stdout}");
}

#[test]
fn axum_fallback_serves_local_routes_and_balances_the_rest() {
    let stdout = run_example("axum_fallback", 6);
    assert!(stdout.contains("/healthz: served by axum"), "{stdout}");
    assert_balanced(&stdout, 3, 2);
}

#[test]
fn client_side_spreads_requests_over_the_pool() {
    assert_balanced(&run_example("client_side", 8), 4, 2);
}

#[test]
fn from_config_file_serves_like_the_binary() {
    assert_balanced(&run_example("from_config_file", 6), 3, 2);
}
