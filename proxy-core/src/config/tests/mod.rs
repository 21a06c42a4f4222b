//! Tests of the whole loader: example files, multiple files, defaults, listen, and messages.

mod errorfile;
mod errors;
mod health;
mod keywords;
mod tls;

use super::*;
use crate::model::Config;

/// Loads `text` as `t.cfg`, panicking with every error if it is refused.
fn load_ok(text: &str) -> Loaded {
    match load_str("t.cfg", text) {
        Ok(loaded) => loaded,
        Err(errors) => panic!("unexpected errors:\n{errors}"),
    }
}

fn config_of(text: &str) -> Config {
    load_ok(text).config
}

/// The error messages (`file:line: message`) of a refused configuration.
fn errors_of(text: &str) -> Vec<String> {
    match load_str("t.cfg", text) {
        Ok(_) => panic!("expected errors, the configuration was accepted"),
        Err(errors) => errors.errors.iter().map(ToString::to_string).collect(),
    }
}

fn warnings_of(text: &str) -> Vec<String> {
    load_ok(text)
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// A minimal valid configuration around `frontend` and `backend` bodies.
fn proxies(frontend: &str, backend: &str) -> String {
    format!(
        "defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n\
         frontend f\n  bind 127.0.0.1:8080\n{frontend}\n  default_backend b\n\
         backend b\n{backend}\n  server s1 127.0.0.1:9001\n"
    )
}

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../config-examples")
}

#[test]
fn every_example_config_is_valid() {
    let mut count = 0;
    for entry in std::fs::read_dir(examples_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "cfg") {
            count += 1;
            if let Err(errors) = load(std::slice::from_ref(&path)) {
                panic!("{} is refused:\n{errors}", path.display());
            }
        }
    }
    assert!(count >= 11, "only {count} examples found");
}

#[test]
fn the_cluster_example_has_the_documented_topology() {
    let loaded = load(&[examples_dir().join("haproxy-cluster.cfg")]).unwrap();
    let config = loaded.config;
    assert_eq!(config.global.maxconn, Some(4096));
    assert_eq!(config.global.user.as_deref(), Some("haproxy"));
    assert!(config.global.daemon);
    let front = config.frontend("http_front").unwrap();
    assert_eq!(front.binds[0].addr, "0.0.0.0:80".parse().unwrap());
    assert_eq!(front.stats.as_ref().unwrap().uri, "/haproxy?stats");
    assert_eq!(front.default_backend.as_deref(), Some("http_back"));
    assert!(front.logging.httplog && front.logging.dontlognull);
    assert_eq!(front.logging.targets[0].address, "127.0.0.1");
    let back = config.backend("http_back").unwrap();
    assert_eq!(back.servers.len(), 4);
    assert_eq!(back.servers[3].addr, "192.168.1.104:8080".parse().unwrap());
    assert!(back
        .servers
        .iter()
        .all(|s| s.check.enabled && s.check.rise == 2 && s.check.fall == 3));
    assert_eq!(
        back.servers[0].check.inter,
        std::time::Duration::from_millis(2000)
    );
    let check = back.health_check.as_ref().unwrap();
    assert_eq!(
        (check.method.as_str(), check.uri.as_str()),
        ("GET", "/health")
    );
    assert_eq!(
        back.timeouts.connect,
        Some(std::time::Duration::from_secs(5))
    );
    let daemon_warning = loaded
        .warnings
        .iter()
        .find(|w| w.message.contains("'daemon'"))
        .unwrap();
    assert!(daemon_warning.to_string().ends_with("haproxy-cluster.cfg:6: 'daemon' is ignored: Switchyard stays in the foreground (run it under a service manager)"));
}

#[test]
fn the_demo_example_runs_on_loopback_with_an_admin_socket() {
    let config = load(&[examples_dir().join("demo.cfg")]).unwrap().config;
    assert_eq!(
        config.frontends[0].binds[0].addr,
        "127.0.0.1:8080".parse().unwrap()
    );
    let ports: Vec<u16> = config.backends[0]
        .servers
        .iter()
        .map(|s| s.addr.port())
        .collect();
    assert_eq!(ports, [9001, 9002, 9003, 9004]);
    let socket = &config.global.stats_sockets[0];
    assert_eq!(socket.mode, Some(0o600));
    assert_eq!(socket.level, crate::model::StatsLevel::Admin);
    assert!(!config.global.daemon && config.global.user.is_none());
}

#[test]
fn a_directory_is_read_in_lexical_order_and_sections_continue_across_files() {
    let dir = std::env::temp_dir().join(format!("switchyard-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("20-backend.cfg"), "    server s2 127.0.0.1:9002\n").unwrap();
    std::fs::write(
        dir.join("10-front.cfg"),
        "defaults\n  mode http\nfrontend f\n  bind :8080\n  default_backend b\nbackend b\n  server s1 127.0.0.1:9001\n",
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "this is not configuration").unwrap();
    let loaded = load(std::slice::from_ref(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
    let config = loaded.unwrap().config;
    let names: Vec<&str> = config.backends[0]
        .servers
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["s1", "s2"]);
}

#[test]
fn several_files_are_read_in_the_order_given_and_name_their_errors() {
    let dir = std::env::temp_dir().join(format!("switchyard-config-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b) = (dir.join("b.cfg"), dir.join("a.cfg"));
    std::fs::write(
        &a,
        "defaults\n  mode http\nbackend b\n  server s1 127.0.0.1:9001\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "frontend f\n  bind :8080\n  default_backend b\n  sevrer x\n",
    )
    .unwrap();
    let result = load(&[a, b.clone()]);
    std::fs::remove_dir_all(&dir).unwrap();
    let errors = result.unwrap_err();
    assert_eq!(errors.errors.len(), 1);
    assert_eq!(
        errors.errors[0].to_string(),
        format!(
            "{}:4: unknown keyword 'sevrer' in 'frontend f' section (did you mean 'server'?)",
            b.display()
        )
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let errors = load(&[PathBuf::from("/nonexistent/switchyard.cfg")]).unwrap_err();
    assert!(errors
        .to_string()
        .starts_with("/nonexistent/switchyard.cfg:0: cannot read the file"));
}

#[test]
fn environment_variables_expand_and_unset_ones_are_reported() {
    let env = |name: &str| (name == "FRONT_PORT").then(|| "8081".to_string());
    let text = "frontend f\n  bind \"127.0.0.1:${FRONT_PORT}\"\n  bind 127.0.0.1:${BACK_PORT}\n";
    let errors = load_str_with_env("t.cfg", text, &env).unwrap_err();
    assert_eq!(
        errors.errors[0].to_string(),
        "t.cfg:3: environment variable 'BACK_PORT' is not set"
    );
    let ok = load_str_with_env(
        "t.cfg",
        "frontend f\n  bind 127.0.0.1:${FRONT_PORT}\n",
        &env,
    )
    .unwrap();
    assert_eq!(ok.config.frontends[0].binds[0].addr.port(), 8081);
}

#[test]
fn a_new_defaults_section_replaces_the_previous_one() {
    let config = config_of(
        "defaults\n  mode http\n  timeout connect 1s\n  balance leastconn\n  option httplog\n\
         backend one\n  server s 127.0.0.1:9001\n\
         defaults\n  mode http\n  timeout server 9s\n\
         backend two\n  server s 127.0.0.1:9001\n",
    );
    let (one, two) = (
        config.backend("one").unwrap(),
        config.backend("two").unwrap(),
    );
    assert_eq!(
        one.timeouts.connect,
        Some(std::time::Duration::from_secs(1))
    );
    assert_eq!(one.balance, crate::model::Balance::LeastConn);
    assert!(one.logging.httplog);
    assert_eq!(two.timeouts.connect, None);
    assert_eq!(two.timeouts.server, Some(std::time::Duration::from_secs(9)));
    assert_eq!(two.balance, crate::model::Balance::RoundRobin);
    assert!(!two.logging.httplog);
}

#[test]
fn named_defaults_are_chosen_with_from() {
    let config = config_of(
        "defaults slow\n  mode http\n  timeout server 60s\n\
         defaults fast\n  mode http\n  timeout server 1s\n\
         backend a from slow\n  server s 127.0.0.1:9001\n\
         backend b\n  server s 127.0.0.1:9001\n",
    );
    assert_eq!(
        config.backend("a").unwrap().timeouts.server,
        Some(std::time::Duration::from_secs(60))
    );
    assert_eq!(
        config.backend("b").unwrap().timeouts.server,
        Some(std::time::Duration::from_secs(1))
    );
}

#[test]
fn defaults_pass_servers_settings_options_and_logs_to_proxies() {
    let config = config_of(
        "global\n  log 127.0.0.1:514 local0 info\n\
         defaults\n  mode http\n  log global\n  retries 5\n  option redispatch\n  option http-server-close\n\
         \x20 hash-type consistent djb2\n  default-server check inter 5s weight 7\n  maxconn 99\n\
         frontend f\n  bind :8080\n  default_backend b\n\
         backend b\n  server s1 127.0.0.1:9001\n  server s2 127.0.0.1:9002 weight 3\n",
    );
    let back = config.backend("b").unwrap();
    assert_eq!((back.retries, back.redispatch), (5, Some(1)));
    assert_eq!(back.http.conn_mode, crate::model::ConnMode::ServerClose);
    assert_eq!(back.hash_type.method, crate::model::HashMethod::Consistent);
    assert_eq!(back.hash_type.function, crate::model::HashFunction::Djb2);
    assert_eq!((back.servers[0].weight, back.servers[1].weight), (7, 3));
    assert!(back.servers[1].check.enabled);
    assert_eq!(
        back.servers[1].check.inter,
        std::time::Duration::from_secs(5)
    );
    assert_eq!(back.logging.targets[0].level.as_deref(), Some("info"));
    assert_eq!(config.frontend("f").unwrap().maxconn, Some(99));
}

#[test]
fn a_listen_section_is_a_frontend_and_a_backend_of_the_same_name() {
    let config = config_of(
        "defaults\n  mode http\nlisten web\n  bind :8080\n  stats enable\n  balance source\n  server s1 127.0.0.1:9001\n",
    );
    let front = config.frontend("web").unwrap();
    assert_eq!(front.default_backend.as_deref(), Some("web"));
    assert_eq!(front.stats.as_ref().unwrap().uri, "/haproxy?stats");
    let back = config.backend("web").unwrap();
    assert_eq!(back.balance, crate::model::Balance::Source);
    assert_eq!(back.servers[0].name, "s1");
}

#[test]
fn a_default_backend_in_defaults_is_checked_only_for_frontends() {
    let text = "defaults\n  mode http\n  default_backend b\nfrontend f\n  bind :80\nbackend b\nbackend c\n";
    assert_eq!(
        config_of(text).frontends[0].default_backend.as_deref(),
        Some("b")
    );
    let errors = errors_of("defaults\n  default_backend nope\nfrontend f\n  bind :80\nbackend c\n");
    assert_eq!(
        errors,
        ["t.cfg:2: 'default_backend': no backend named 'nope' (in 'frontend f' section)"]
    );
}

#[test]
fn a_frontend_and_a_backend_may_share_a_name() {
    let config = config_of("frontend app\n  bind :8080\n  default_backend app\nbackend app\n  server s 127.0.0.1:9001\n");
    assert_eq!(config.frontends.len() + config.backends.len(), 2);
}

#[test]
fn missing_timeouts_and_mode_are_warned_about_like_haproxy() {
    let warnings = warnings_of("frontend f\n  bind :8080\n  default_backend b\nbackend b\n  mode http\n  timeout connect 1s\n  server s 127.0.0.1:9001\n");
    assert!(warnings.contains(&"t.cfg:1: missing timeouts for 'frontend f': set 'timeout client'; without them, stalled connections are kept forever".to_string()), "{warnings:?}");
    assert!(warnings.contains(&"t.cfg:4: missing timeouts for 'backend b': set 'timeout server'; without them, stalled connections are kept forever".to_string()), "{warnings:?}");
    assert!(warnings
        .iter()
        .any(|w| w.starts_with("t.cfg:1: 'frontend f' has no 'mode http'")));
    assert!(!warnings
        .iter()
        .any(|w| w.starts_with("t.cfg:4: 'backend b' has no 'mode http'")));
}

#[test]
fn diagnostics_display_as_file_line_message_one_per_line() {
    let errors = load_str("x.cfg", "global\n  maxconn x\n  nbthread 0\n").unwrap_err();
    assert_eq!(
        errors.to_string(),
        "x.cfg:2: 'maxconn': expects an integer from 1 to 4294967295, got 'x' (in 'global' section)\n\
         x.cfg:3: 'nbthread': expects an integer from 1 to 4096, got '0' (in 'global' section)"
    );
    let as_error: &dyn std::error::Error = &errors;
    assert!(as_error.source().is_none());
}

#[test]
fn errors_are_listed_by_line_whichever_check_found_them() {
    let text = "frontend www\n  bind :80\n  default_backend nowhere\n\
                backend app\n  balance nosuch\n";
    let errors = load_str("x.cfg", text).unwrap_err();
    let lines: Vec<usize> = errors.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 5], "{errors}");
}
