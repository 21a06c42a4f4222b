//! Health-check and resilience keywords: `observe`, `error-limit`, `on-error`, `slowstart`,
//! `retry-on`.

use super::*;
use crate::model::*;
use std::time::Duration;

fn backend_of(lines: &str) -> Backend {
    let text = format!(
        "defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n\
         frontend f\n  bind 127.0.0.1:8080\n  default_backend b\n\
         backend b\n{lines}\n"
    );
    config_of(&text).backends.remove(0)
}

#[test]
fn passive_check_options_and_slowstart_are_read_from_server_and_default_server() {
    let backend = backend_of(
        "  default-server observe layer7 error-limit 5 on-error sudden-death slowstart 30s\n\
         \x20 server s1 127.0.0.1:9001 check\n\
         \x20 server s2 127.0.0.1:9002 check observe layer4 on-error mark-down",
    );
    let first = &backend.servers[0].check;
    assert_eq!(
        (
            first.observe,
            first.error_limit,
            first.on_error,
            first.slowstart
        ),
        (
            Some(Observe::Layer7),
            5,
            OnError::SuddenDeath,
            Some(Duration::from_secs(30))
        )
    );
    let second = &backend.servers[1].check;
    assert_eq!(
        (second.observe, second.on_error),
        (Some(Observe::Layer4), OnError::MarkDown)
    );
}

#[test]
fn passive_checks_default_to_ten_errors_and_fail_check() {
    let check = &backend_of("  server s1 127.0.0.1:9001 check").servers[0].check;
    assert_eq!(
        (
            check.observe,
            check.error_limit,
            check.on_error,
            check.slowstart
        ),
        (None, 10, OnError::FailCheck, None)
    );
}

#[test]
fn a_bad_observe_or_on_error_value_is_refused() {
    let errors = errors_of(&proxies("", "  server s2 127.0.0.1:9002 observe layer5"));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("expects 'layer4', 'layer7' or 'none'"),
        "{errors:?}"
    );
    let errors = errors_of(&proxies("", "  server s2 127.0.0.1:9002 on-error explode"));
    assert!(
        errors[0].contains("'fastinter', 'fail-check'"),
        "{errors:?}"
    );
}

#[test]
fn retry_on_reads_keywords_statuses_and_all_retryable_errors() {
    let default = backend_of("  server s1 127.0.0.1:9001").retry_on;
    assert_eq!(default, RetryOn::default());
    assert!(default.conn_failure && !default.empty_response);

    let some = backend_of("  retry-on empty-response 503 404\n  server s1 127.0.0.1:9001").retry_on;
    assert!(!some.conn_failure && some.empty_response);
    assert_eq!(some.statuses, [404, 503]);

    let all = backend_of("  retry-on all-retryable-errors\n  server s1 127.0.0.1:9001").retry_on;
    assert!(all.conn_failure && all.empty_response && all.junk_response && all.response_timeout);
    assert_eq!(all.statuses, [500, 502, 503, 504]);

    assert_eq!(
        backend_of("  retry-on none\n  server s1 127.0.0.1:9001").retry_on,
        RetryOn::none()
    );
}

#[test]
fn retry_on_refuses_unknown_keywords_and_statuses() {
    let errors = errors_of(&proxies("", "  retry-on 200"));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("unknown keyword '200'"), "{errors:?}");
    let errors = errors_of(&proxies("", "  retry-on none conn-failure"));
    assert!(
        errors[0].contains("'none' cannot be combined"),
        "{errors:?}"
    );
}
