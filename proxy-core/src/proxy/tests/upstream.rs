//! Upstream connection reuse: kept between requests, replaced when the server closed it, never
//! kept when the connection mode closes it.

use super::support::*;
use crate::model::ConnMode;
use http::{Request, Response};
use std::sync::atomic::Ordering;

async fn ok(_: Request<hyper::body::Incoming>) -> TestResponse {
    Response::new(text("ok"))
}

#[tokio::test]
async fn sequential_requests_to_one_server_share_one_upstream_connection() {
    let (addr, accepted) = counting_backend(ok).await;
    let proxy = start(config(vec![server("a", addr)])).await;
    for _ in 0..3 {
        assert_eq!(get(proxy.addr, "/").await, (200, "ok".to_owned()));
    }
    assert_eq!(accepted.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn http_server_close_opens_a_connection_per_request() {
    let (addr, accepted) = counting_backend(ok).await;
    let mut config = config(vec![server("a", addr)]);
    config.backends[0].http.conn_mode = ConnMode::ServerClose;
    let proxy = start(config).await;
    for _ in 0..3 {
        assert_eq!(get(proxy.addr, "/").await, (200, "ok".to_owned()));
    }
    assert_eq!(accepted.load(Ordering::Relaxed), 3);
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_replaced_without_an_error() {
    // Answers as if it kept the connection, then closes it.
    let addr = raw_backend(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await;
    let mut config = config(vec![server("a", addr)]);
    config.backends[0].retries = 0;
    let proxy = start(config).await;
    for _ in 0..3 {
        assert_eq!(get(proxy.addr, "/").await, (200, "ok".to_owned()));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_server_added_at_run_time_reuses_its_connections_too() {
    let (first, _) = counting_backend(ok).await;
    let (added, accepted) = counting_backend(ok).await;
    let proxy = start(config(vec![server("a", first)])).await;
    let handle = proxy.proxy.handle();
    let b = crate::model::Server::builder("b", added)
        .build_alone()
        .unwrap();
    handle.add_server("be", &b).unwrap();
    handle
        .set_server_state("be", "a", crate::runtime::AdminState::Maint)
        .unwrap();
    handle
        .set_server_state("be", "b", crate::runtime::AdminState::Ready)
        .unwrap();
    for _ in 0..3 {
        assert_eq!(get(proxy.addr, "/").await, (200, "ok".to_owned()));
    }
    assert_eq!(accepted.load(Ordering::Relaxed), 1);
}
