//! `http-request use-service prometheus-exporter` on the real binary: HAProxy's exporter metric
//! names and labels, with values that follow the traffic.

use std::collections::BTreeMap;
use switchyard_tests::{free_port, get, Backend, ProxyProcess, TEST_DEFAULTS};

/// Parses the text exposition into `name{labels} -> value`, checking every line's shape.
fn parse(text: &str) -> BTreeMap<String, f64> {
    let mut samples = BTreeMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            let words: Vec<&str> = comment.split_whitespace().collect();
            assert!(matches!(words.first(), Some(&"TYPE" | &"HELP")), "{line}");
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "metric name {name}"
        );
        samples.insert(series.to_owned(), value.parse().unwrap());
    }
    samples
}

#[test]
fn exporter_serves_haproxy_metric_names_with_values_from_the_traffic() {
    let webs = [Backend::start("web1"), Backend::start("web2")];
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n    acl metrics path /metrics\n    \
         http-request use-service prometheus-exporter if metrics\n    default_backend pool\n\n\
         backend pool\n{}{}",
        webs[0].server_line(""),
        webs[1].server_line("disabled"),
    );
    let proxy = ProxyProcess::start(&config, port);
    for _ in 0..4 {
        assert_eq!(get(&proxy.url("/")).status, 200);
    }
    let reply = get(&proxy.url("/metrics"));
    assert_eq!(reply.status, 200);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let samples = parse(&reply.body);
    let value = |series: &str| {
        *samples
            .get(series)
            .unwrap_or_else(|| panic!("{series} missing from:\n{}", reply.body))
    };
    assert_eq!(
        value(r#"haproxy_server_sessions_total{proxy="pool",server="web1"}"#),
        4.0
    );
    assert_eq!(
        value(r#"haproxy_server_loadbalanced_total{proxy="pool",server="web1"}"#),
        4.0
    );
    assert_eq!(
        value(r#"haproxy_server_current_sessions{proxy="pool",server="web1"}"#),
        0.0
    );
    assert_eq!(
        value(r#"haproxy_server_http_responses_total{proxy="pool",server="web1",code="2xx"}"#),
        4.0
    );
    assert_eq!(
        value(r#"haproxy_server_status{proxy="pool",server="web1",state="UP"}"#),
        1.0
    );
    assert_eq!(
        value(r#"haproxy_server_status{proxy="pool",server="web2",state="MAINT"}"#),
        1.0
    );
    assert_eq!(
        value(r#"haproxy_server_status{proxy="pool",server="web2",state="UP"}"#),
        0.0
    );
    assert_eq!(
        value(r#"haproxy_backend_http_requests_total{proxy="pool"}"#),
        4.0
    );
    assert_eq!(
        value(r#"haproxy_backend_active_servers{proxy="pool"}"#),
        1.0
    );
    // The scrape itself is a request of the frontend, counted before it is answered.
    assert_eq!(
        value(r#"haproxy_frontend_http_requests_total{proxy="fe"}"#),
        5.0
    );
    assert!(value(r#"haproxy_frontend_bytes_in_total{proxy="fe"}"#) > 0.0);
    assert!(
        !samples
            .keys()
            .any(|k| k.starts_with("haproxy_frontend_loadbalanced_total")),
        "metrics HAProxy does not export for frontends are absent"
    );
}
