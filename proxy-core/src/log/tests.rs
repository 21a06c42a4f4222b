//! Formats and the never-blocking queue.

use super::*;
use std::time::{Duration, UNIX_EPOCH};

fn record() -> LogRecord {
    LogRecord {
        client: Some("192.0.2.7:50000".parse().unwrap()),
        accepted: UNIX_EPOCH + Duration::from_millis(1_795_307_464_123),
        frontend: Arc::from("fe"),
        backend: Some("pool".into()),
        server: Some("web1".into()),
        queue_ms: 0,
        connect_ms: 0,
        response_ms: 3,
        total_ms: 5,
        status: 200,
        bytes: 42,
        termination: "----",
        process_conns: 2,
        frontend_conns: 1,
        backend_conns: 1,
        server_conns: 1,
        retries: 0,
        server_queue: 0,
        backend_queue: 0,
        method: "GET".into(),
        uri: "/a?b=1".into(),
        version: "HTTP/1.1".into(),
    }
}

#[test]
fn httplog_line_has_haproxy_s_fields_and_no_empty_captures() {
    let line = Format::compile(format::HTTPLOG).unwrap().render(&record());
    assert_eq!(
        line,
        "192.0.2.7:50000 [22/Nov/2026:00:31:04.123] fe pool/web1 0/0/0/3/5 200 42 - - ---- \
         2/1/1/1/0 0/0 \"GET /a?b=1 HTTP/1.1\""
    );
}

#[test]
fn default_format_is_haproxy_s_tcp_style_line() {
    let line = Format::compile(format::DEFAULT).unwrap().render(&record());
    assert_eq!(
        line,
        "192.0.2.7:50000 [22/Nov/2026:00:31:04.123] fe pool/web1 0/0/5 42 -- 2/1/1/1/0 0/0"
    );
}

#[test]
fn unknown_variables_are_refused_by_name() {
    let error = Format::compile("%ci %[src]").unwrap_err();
    assert_eq!(error, "log-format variable '%[src' is not supported yet");
    assert!(Format::compile("%{+E}r").is_err());
}

#[test]
fn a_full_queue_drops_lines_and_counts_them_without_waiting() {
    let text =
        "defaults\n mode http\n timeout client 1s\n timeout server 1s\n timeout connect 1s\n\
        frontend fe\n bind 127.0.0.1:17080\n log stdout local0\n";
    let config = crate::config::load_str("t.cfg", text).unwrap().config;
    let runtime = Runtime::from_model(&config).unwrap();
    let logs = Arc::new(Logs::new(&config, Arc::clone(&runtime)).unwrap());
    let access = AccessLog::new(&logs, &config.frontends[0].logging)
        .unwrap()
        .unwrap();
    // No writer runs: the queue fills, then every further line is dropped at once.
    for _ in 0..QUEUE + 10 {
        access.log(&record());
    }
    assert_eq!(runtime.dropped_logs(), 10);
}

#[test]
fn targets_above_info_level_get_no_access_logs() {
    let text =
        "defaults\n mode http\n timeout client 1s\n timeout server 1s\n timeout connect 1s\n\
        frontend fe\n bind 127.0.0.1:17080\n log stdout local0 notice\n";
    let config = crate::config::load_str("t.cfg", text).unwrap().config;
    let runtime = Runtime::from_model(&config).unwrap();
    let logs = Arc::new(Logs::new(&config, runtime).unwrap());
    assert!(AccessLog::new(&logs, &config.frontends[0].logging)
        .unwrap()
        .is_none());
}
