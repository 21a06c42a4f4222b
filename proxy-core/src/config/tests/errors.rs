//! Broken configurations and the exact messages they produce.

use super::*;

#[test]
fn an_unknown_keyword_suggests_the_closest_one() {
    let errors = errors_of(&proxies("", "  sevrer web1 127.0.0.1:9002"));
    assert_eq!(
        errors,
        ["t.cfg:11: unknown keyword 'sevrer' in 'backend b' section (did you mean 'server'?)"]
    );
}

#[test]
fn an_unknown_keyword_far_from_any_gets_no_suggestion() {
    let errors = errors_of("global\n  frobnicate-everything\n");
    assert_eq!(
        errors,
        ["t.cfg:2: unknown keyword 'frobnicate-everything' in 'global' section"]
    );
}

#[test]
fn a_keyword_in_the_wrong_section_is_refused() {
    let errors = errors_of(&proxies("  server s 127.0.0.1:9001", ""));
    assert_eq!(
        errors,
        ["t.cfg:8: 'server' is not allowed in 'frontend f' section"]
    );
    let errors = errors_of("defaults\n  bind :80\n  use_backend x\n");
    assert_eq!(
        errors,
        [
            "t.cfg:2: 'bind' is not allowed in 'defaults' section",
            "t.cfg:3: 'use_backend' is not allowed in 'defaults' section"
        ]
    );
    let errors = errors_of("global\n  timeout client 5s\n");
    assert_eq!(
        errors,
        ["t.cfg:2: 'timeout' is not allowed in 'global' section"]
    );
}

#[test]
fn behaviour_changing_keywords_are_not_supported_yet() {
    let errors = errors_of(&proxies("", "  stick-table type ip size 1m"));
    assert_eq!(
        errors,
        ["t.cfg:11: 'stick-table' is not supported yet (in 'backend b' section)"]
    );
    let errors = errors_of(&proxies("  mode tcp", "  option abortonclose"));
    assert_eq!(
        errors,
        [
            "t.cfg:8: 'mode tcp' is not supported yet (in 'frontend f' section)",
            "t.cfg:11: 'option abortonclose' is not supported yet (in 'backend b' section)",
        ]
    );
    let errors = errors_of(&proxies("  http-request use-service lua.hello", ""));
    assert_eq!(
        errors,
        ["t.cfg:8: 'http-request use-service': service 'lua.hello' is not supported yet (in 'frontend f' section)"]
    );
    let errors = errors_of(&proxies("  stats scope f", ""));
    assert_eq!(
        errors,
        ["t.cfg:8: 'stats scope' is not supported yet (in 'frontend f' section)"]
    );
    let errors = errors_of(&proxies("  stats admin", ""));
    assert_eq!(
        errors,
        ["t.cfg:8: 'stats admin': expects 'if' or 'unless' followed by a condition (in 'frontend f' section)"]
    );
}

#[test]
fn tuning_knobs_are_warnings() {
    let warnings =
        warnings_of("global\n  tune.bufsize 32768\n  spread-checks 5\n  maxcompcpuusage 50\n");
    assert_eq!(
        warnings,
        [
            "t.cfg:2: 'tune.bufsize' is a tuning knob Switchyard ignores",
            "t.cfg:3: 'spread-checks' is a tuning knob Switchyard ignores",
            "t.cfg:4: 'maxcompcpuusage' is a tuning knob Switchyard ignores",
        ]
    );
    let warnings = warnings_of(&proxies(
        "  stats uri /s\n  stats show-legends\n  option http-use-htx",
        "",
    ));
    assert!(
        warnings.contains(
            &"t.cfg:9: 'stats show-legends' is a tuning knob Switchyard ignores".to_string()
        ),
        "{warnings:?}"
    );
    assert!(warnings.contains(&"t.cfg:10: 'option http-use-htx' is accepted but ignored by Switchyard (in 'frontend f' section)".to_string()), "{warnings:?}");
}

#[test]
fn old_timeout_keywords_point_to_their_replacement() {
    let errors = errors_of("defaults\n  contimeout 5000\n");
    assert_eq!(errors, ["t.cfg:2: 'contimeout' was removed from HAProxy; use 'timeout connect' (in 'defaults' section)"]);
}

#[test]
fn every_error_of_a_file_is_reported_in_one_run() {
    let text = "global\n  maxconn lots\n\
                defaults\n  mode http\n  timeout client 5x\n\
                frontend f\n  bind 127.0.0.1:99999\n  use_backend nowhere if missing_acl\n  default_backend nowhere\n\
                backend b\n  balance rdp-cookie\n  server s1 127.0.0.1:9001 weight 300\n  server s1 127.0.0.1:9002\n";
    let errors = errors_of(text);
    assert_eq!(
        errors,
        [
            "t.cfg:2: 'maxconn': expects an integer from 1 to 4294967295, got 'lots' (in 'global' section)",
            "t.cfg:5: 'timeout client': invalid time '5x' (expected a number with an optional unit: us, ms, s, m, h or d) (in 'defaults' section)",
            "t.cfg:7: 'bind': invalid port '99999' in '127.0.0.1:99999' (expected 1 to 65535) (in 'frontend f' section)",
            "t.cfg:8: 'use_backend': unknown ACL 'missing_acl' in condition (ACLs must be declared before use) (in 'frontend f' section)",
            "t.cfg:9: 'default_backend': no backend named 'nowhere' (in 'frontend f' section)",
            "t.cfg:11: 'balance rdp-cookie' is not supported yet (in 'backend b' section)",
            "t.cfg:12: 'server ... weight': expects an integer from 0 to 256, got '300' (in 'backend b' section)",
            "t.cfg:13: duplicate server name 's1' in 'backend b' section (first declared at line 12)",
        ]
    );
}

#[test]
fn a_missing_backend_suggests_a_close_name() {
    let errors = errors_of(&proxies("  use_backend bb", ""));
    assert_eq!(errors, ["t.cfg:8: 'use_backend': no backend named 'bb' (in 'frontend f' section) (did you mean 'b'?)"]);
}

#[test]
fn duplicate_proxy_names_are_refused() {
    let errors = errors_of("backend b\nbackend b\nlisten b\n  bind :80\n");
    assert_eq!(
        errors,
        [
            "t.cfg:2: 'backend b' has the same name as 'backend b' declared at t.cfg:1",
            "t.cfg:3: 'listen b' has the same name as 'backend b' declared at t.cfg:1",
        ]
    );
}

#[test]
fn a_frontend_without_bind_is_refused() {
    let errors = errors_of("frontend f\n  mode http\n");
    assert_eq!(
        errors,
        ["t.cfg:1: 'frontend f' has no 'bind' line (declare it as a backend if that was meant)"]
    );
}

#[test]
fn a_frontend_without_any_backend_is_accepted() {
    let config = config_of("frontend f\n  bind :8080\n");
    assert_eq!(config.frontends[0].default_backend, None);
}

#[test]
fn bad_addresses_are_refused() {
    let errors = errors_of(&proxies(
        "  bind *:80-90\n  bind 127.0.0.1:8080 accept-proxy",
        "  server s9 127.0.0.1\n  server s8 127.0.0.1:0",
    ));
    assert_eq!(
        errors,
        [
            "t.cfg:8: 'bind': port range '80-90' in '*:80-90' is not supported yet (in 'frontend f' section)",
            "t.cfg:9: 'bind ... accept-proxy' is not supported yet (in 'frontend f' section)",
            "t.cfg:12: 'server s9': server address '127.0.0.1' needs a port (e.g. '127.0.0.1:80') (in 'backend b' section)",
            "t.cfg:13: 'server s8': invalid port '0' in '127.0.0.1:0' (expected 1 to 65535) (in 'backend b' section)",
        ]
    );
}

#[test]
fn unsupported_server_options_are_refused() {
    let errors = errors_of(&proxies(
        "",
        "  server s2 127.0.0.1:9002 ssl verify none\n  server s3 127.0.0.1:9003 chekc",
    ));
    assert_eq!(
        errors,
        [
            "t.cfg:11: 'server ... ssl' is not supported yet (in 'backend b' section)",
            "t.cfg:12: unknown 'server' option 'chekc' in 'backend b' section (did you mean 'check'?)",
        ]
    );
}

#[test]
fn a_bad_regex_is_reported_at_its_line() {
    let errors = errors_of(&proxies("  acl bad path_reg ^/(unclosed", ""));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("t.cfg:8: 'acl bad': invalid regex '^/(unclosed': "),
        "{errors:?}"
    );
}

#[test]
fn an_unknown_acl_criterion_suggests_the_closest() {
    let errors = errors_of(&proxies("  acl a pathbeg /x", ""));
    assert_eq!(
        errors,
        ["t.cfg:8: 'acl a': unknown or unsupported ACL criterion 'pathbeg' (did you mean 'path_beg'?) (in 'frontend f' section)"]
    );
}

#[test]
fn unsupported_header_samples_are_refused() {
    let errors = errors_of(&proxies(
        "  http-request set-header X-Tls %[ssl_fc_sni]",
        "",
    ));
    assert_eq!(
        errors,
        ["t.cfg:8: 'http-request set-header': sample fetch 'ssl_fc_sni' is not supported yet (supported: src, path, url, method, ssl_fc, req.hdr(<name>), url_param(<name>)) (in 'frontend f' section)"]
    );
}

#[test]
fn unsupported_and_unknown_http_actions_are_told_apart() {
    let errors = errors_of(&proxies(
        "  http-request tarpit\n  http-request set-headr X y",
        "",
    ));
    assert_eq!(
        errors,
        [
            "t.cfg:8: 'http-request tarpit' is not supported yet (in 'frontend f' section)",
            "t.cfg:9: unknown 'http-request' action 'set-headr' in 'frontend f' section (did you mean 'set-header'?)",
        ]
    );
}

#[test]
fn lines_outside_sections_and_unsupported_sections_are_refused() {
    let errors = errors_of("maxconn 10\nuserlist admins\n  user a password x\nresolvers dns\n");
    assert_eq!(
        errors,
        [
            "t.cfg:1: 'maxconn' appears before any section ('global', 'defaults', 'frontend', 'backend' or 'listen')",
            "t.cfg:2: 'userlist' sections are not supported yet",
            "t.cfg:4: 'resolvers' sections are not supported yet",
        ]
    );
}

#[test]
fn a_proxy_without_a_name_is_refused() {
    assert_eq!(
        errors_of("backend\n  server s 127.0.0.1:9001\n"),
        ["t.cfg:1: 'backend' needs a name"]
    );
}

#[test]
fn from_must_name_an_earlier_defaults_section() {
    let errors = errors_of("backend b from nothing\n");
    assert_eq!(errors, ["t.cfg:1: 'backend b' inherits from 'defaults nothing', which is not declared before it"]);
}

#[test]
fn duplicate_explicit_server_ids_are_refused() {
    let errors =
        errors_of("backend b\n  server a 127.0.0.1:9001 id 4\n  server c 127.0.0.1:9002 id 4\n");
    assert_eq!(
        errors,
        ["t.cfg:3: server 'c': id 4 is already used by another server of backend 'b'"]
    );
}
