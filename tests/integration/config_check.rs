//! `switchyard -c`: every shipped example is valid, and broken configurations are refused with
//! `file:line:` messages naming the problem.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use switchyard_tests::run_to_exit;

fn check(path: &Path) -> Output {
    run_to_exit(&["-c".as_ref(), "-f".as_ref(), path.as_os_str()])
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Write `text` to a temporary `.cfg` file (kept alive by the returned handle).
fn config_file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".cfg").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

/// Check `text` and expect it to be refused with an error at `line` that mentions every one of
/// `words`. Returns stderr for further assertions.
fn assert_refused_at(text: &str, line: usize, words: &[&str]) -> String {
    let file = config_file(text);
    let output = check(file.path());
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    let location = format!("{}:{line}:", file.path().display());
    let alert = stderr
        .lines()
        .find(|l| l.starts_with("[ALERT]") && l.contains(&location))
        .unwrap_or_else(|| panic!("no [ALERT] at {location} in:\n{stderr}"));
    for word in words {
        assert!(alert.contains(word), "'{word}' not in {alert:?}");
    }
    stderr
}

const VALID_TOP: &str = "\
defaults
    mode http
    timeout connect 1s
frontend fe
    bind 127.0.0.1:18080
    default_backend app
backend app
";

fn example_configs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config-examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "cfg"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_config_is_valid() {
    let files = example_configs();
    assert!(!files.is_empty(), "config-examples/ has no .cfg file");
    for file in files {
        let output = check(&file);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{} refused:\n{}",
            file.display(),
            stderr(&output)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("Configuration file is valid"), "{stdout}");
    }
}

#[test]
fn unknown_keyword_is_refused_with_a_suggestion() {
    let text = format!("{VALID_TOP}    balanse roundrobin\n    server a 127.0.0.1:9001\n");
    assert_refused_at(&text, 8, &["balanse", "balance"]);
}

#[test]
fn use_backend_naming_a_missing_backend_is_refused() {
    let text = "\
frontend fe
    bind 127.0.0.1:18080
    use_backend nowhere if TRUE
    default_backend app
backend app
    server a 127.0.0.1:9001
";
    assert_refused_at(text, 3, &["nowhere"]);
}

#[test]
fn duplicate_server_name_is_refused() {
    let text = format!("{VALID_TOP}    server a 127.0.0.1:9001\n    server a 127.0.0.1:9002\n");
    assert_refused_at(&text, 9, &["a"]);
}

#[test]
fn unparsable_server_address_is_refused() {
    let text = format!("{VALID_TOP}    server a 127.0.0.1:notaport\n");
    assert_refused_at(&text, 8, &["notaport"]);
}

#[test]
fn weight_above_256_is_refused() {
    let text = format!("{VALID_TOP}    server a 127.0.0.1:9001 weight 300\n");
    assert_refused_at(&text, 8, &["weight", "300"]);
}

#[test]
fn several_errors_are_all_reported_in_one_run() {
    let text = format!(
        "{VALID_TOP}    balanse roundrobin\n    server a 127.0.0.1:9001 weight 300\n    \
         server b 127.0.0.1:notaport\n"
    );
    let stderr = assert_refused_at(&text, 8, &["balanse"]);
    let alerts_with_lines = stderr
        .lines()
        .filter(|l| l.starts_with("[ALERT]") && (l.contains(":9:") || l.contains(":10:")))
        .count();
    assert_eq!(alerts_with_lines, 2, "stderr:\n{stderr}");
}

#[test]
fn known_but_unsupported_keyword_is_refused_by_name() {
    let text = format!(
        "{VALID_TOP}    stick-table type ip size 200k expire 30m\n    server a 127.0.0.1:9001\n"
    );
    assert_refused_at(&text, 8, &["stick-table"]);
}

#[test]
fn missing_file_is_refused() {
    let output = check(Path::new("/nonexistent/switchyard.cfg"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("/nonexistent/switchyard.cfg"));
}

#[test]
fn dump_prints_the_model_as_json_with_the_backend_names() {
    let file = config_file(&format!(
        "{VALID_TOP}    server a 127.0.0.1:9001\nbackend other\n    server b 127.0.0.1:9002\n"
    ));
    let output = run_to_exit(&[
        "-c".as_ref(),
        "--dump".as_ref(),
        "-f".as_ref(),
        file.path().as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let model: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = model["backends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|backend| backend["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app", "other"]);
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    for args in [
        &[][..],
        &["-f"][..],
        &["--dump", "-f", "x.cfg"][..],
        &["--bogus"][..],
    ] {
        let output = run_to_exit(args);
        assert_eq!(output.status.code(), Some(2), "args {args:?}");
        assert!(
            stderr(&output).contains("Usage: switchyard"),
            "args {args:?}"
        );
    }
}

#[test]
fn debians_stock_haproxy_cfg_is_accepted_with_warnings_only() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/debian");
    let stock = std::fs::read_to_string(fixture.join("haproxy.cfg")).unwrap();
    let errors = format!("{}/", fixture.join("errors").display());
    let file = config_file(&stock.replace("/etc/haproxy/errors/", &errors));
    let output = check(file.path());
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(!stderr.contains("[ALERT]"), "{stderr}");
    assert!(
        stderr.contains("rustls has no cipher suite DHE-RSA-AES128-GCM-SHA256"),
        "{stderr}"
    );
}
