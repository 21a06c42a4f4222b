//! Upstream connections: kept between requests, replaced when the server closed it, never kept
//! when the connection mode closes it; and the ways a server's response can be delimited.

use super::support::*;
use crate::model::ConnMode;
use http::{Request, Response};
use std::sync::atomic::Ordering;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
async fn a_reused_connection_keeps_timeout_server_for_each_request() {
    use std::time::Duration;
    // `/slow` answers long after the timeout, `/` after two thirds of it.
    let (addr, accepted) = counting_backend(|request: Request<hyper::body::Incoming>| async move {
        let delay = if request.uri().path() == "/slow" {
            2000
        } else {
            200
        };
        tokio::time::sleep(Duration::from_millis(delay)).await;
        Response::new(text("ok"))
    })
    .await;
    let mut config = config(vec![server("a", addr)]);
    config.backends[0].timeouts.server = Some(Duration::from_millis(300));
    let proxy = start(config).await;
    // Each request on the kept connection has the whole timeout: together they take longer.
    for _ in 0..3 {
        assert_eq!(get(proxy.addr, "/").await, (200, "ok".to_owned()));
    }
    assert_eq!(accepted.load(Ordering::Relaxed), 1);
    let started = std::time::Instant::now();
    assert_eq!(get(proxy.addr, "/slow").await.0, 504);
    assert!(started.elapsed() < Duration::from_millis(1500));
    // The late connection is given up; the next request has a new one and its full time.
    assert_eq!(get(proxy.addr, "/").await, (200, "ok".to_owned()));
    assert_eq!(accepted.load(Ordering::Relaxed), 2);
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

#[tokio::test]
async fn a_request_meeting_a_connection_the_server_just_closed_is_sent_again_on_a_new_one() {
    // Each connection answers one request, then closes as the next one arrives.
    let (addr, accepted) =
        scripted_backend(&[b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"]).await;
    let mut config = config(vec![server("a", addr)]);
    config.backends[0].retries = 0;
    let proxy = start(config).await;
    for _ in 0..3 {
        assert_eq!(get(proxy.addr, "/").await, (200, "ok".to_owned()));
    }
    assert_eq!(accepted.load(Ordering::Relaxed), 3);
}

#[tokio::test]
async fn chunked_and_close_delimited_bodies_reach_the_client_whole() {
    let chunked = raw_backend(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\n\r\n",
    )
    .await;
    let proxy = start(config(vec![server("a", chunked)])).await;
    assert_eq!(get(proxy.addr, "/").await, (200, "abcdefg".to_owned()));

    let until_close = raw_backend(b"HTTP/1.0 200 OK\r\n\r\nuntil the end").await;
    let proxy = start(config(vec![server("a", until_close)])).await;
    assert_eq!(
        get(proxy.addr, "/").await,
        (200, "until the end".to_owned())
    );
}

#[tokio::test]
async fn a_body_cut_short_by_the_server_is_not_passed_off_as_complete() {
    let short = raw_backend(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort").await;
    let proxy = start(config(vec![server("a", short)])).await;
    let answer = raw_exchange(proxy.addr, b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").await;
    // The client connection is cut: at most the 5 bytes that came, never a whole response.
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    assert!(body.len() < 10, "{answer}");
}

#[tokio::test]
async fn a_server_answering_before_the_request_body_is_in_is_heard() {
    // Reads the head only, refuses the body and closes.
    let refusing = raw_backend(
        b"HTTP/1.1 413 Payload Too Large\r\ncontent-length: 3\r\nconnection: close\r\n\r\nbig",
    )
    .await;
    let proxy = start(config(vec![server("a", refusing)])).await;
    let mut request =
        b"POST /upload HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 300000\r\n\r\n"
            .to_vec();
    request.extend(std::iter::repeat_n(b'x', 300_000));
    let answer = raw_exchange(proxy.addr, &request).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.ends_with("big"), "{answer}");
}

#[tokio::test]
async fn a_response_to_head_ends_with_its_head() {
    let (addr, accepted) = counting_backend(ok).await;
    let proxy = start(config(vec![server("a", addr)])).await;
    let head = Request::head("/").body(Default::default()).unwrap();
    assert_eq!(send(proxy.addr, head).await, (200, String::new()));
    assert_eq!(get(proxy.addr, "/").await, (200, "ok".to_owned()));
    assert_eq!(
        accepted.load(Ordering::Relaxed),
        1,
        "the connection was reused after HEAD"
    );
}

/// A proxy (its config changed by `configure`) in front of a server that sends half of its
/// response body, then nothing, keeping the connection open; and a client that asked for `/`.
async fn stalled_body(
    configure: impl FnOnce(&mut crate::model::Config),
) -> (Running, tokio::net::TcpStream) {
    let (stalling, _) =
        scripted_backend(&[b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort"]).await;
    let mut config = config(vec![server("a", stalling)]);
    configure(&mut config);
    let proxy = start(config).await;
    let mut client = tokio::net::TcpStream::connect(proxy.addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    (proxy, client)
}

#[tokio::test]
async fn a_body_the_server_stops_sending_is_cut_after_timeout_server() {
    let (_proxy, mut client) = stalled_body(|config| {
        config.backends[0].timeouts.server = Some(std::time::Duration::from_millis(100));
    })
    .await;
    let mut answer = Vec::new();
    // Well past the 100 ms: the proxy closes the client connection rather than wait on.
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        client.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "still waiting on the stalled body");
    let answer = String::from_utf8_lossy(&answer);
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    assert!(body.len() < 10, "{answer}");
}

#[tokio::test]
async fn a_body_in_flight_is_cut_by_shutdown_sessions_server() {
    let (proxy, mut client) = stalled_body(|_| {}).await;
    let mut answer = Vec::new();
    while !String::from_utf8_lossy(&answer).ends_with("short") {
        let mut piece = [0u8; 256];
        let read = client.read(&mut piece).await.unwrap();
        assert!(read > 0, "closed before the first half of the body");
        answer.extend_from_slice(&piece[..read]);
    }
    let backend = proxy.proxy.runtime().backend("be").unwrap();
    backend.servers()[0].shutdown_sessions();
    // No `timeout server`: only the shut-down ends the wait.
    let rest = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        client.read_to_end(&mut answer),
    )
    .await;
    assert!(rest.is_ok(), "still waiting on the stalled body");
    assert!(String::from_utf8_lossy(&answer).ends_with("\r\n\r\nshort"));
}
