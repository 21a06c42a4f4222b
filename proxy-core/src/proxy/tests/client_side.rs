//! What a client sees of a listener's HTTP/1.1: pipelining, request bodies in chunks,
//! `100 Continue`, HTTP/1.0 keep-alive, and the answers to heads the proxy refuses.

use super::support::*;
use crate::proxy::box_body;
use http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A backend that answers each request with its body.
async fn echo_backend() -> std::net::SocketAddr {
    backend(
        |request: Request<Incoming>| async move { Response::new(box_body(request.into_body())) },
    )
    .await
}

/// [`raw_exchange`], checking that the proxy closed the connection (the test client would give
/// up only after 5 s).
async fn exchange_until_closed(proxy: std::net::SocketAddr, raw: &[u8]) -> String {
    let started = std::time::Instant::now();
    let answer = raw_exchange(proxy, raw).await;
    let closed_in_time = started.elapsed() < Duration::from_secs(4);
    assert!(
        closed_in_time,
        "the proxy kept the connection open: {answer}"
    );
    answer
}

/// Reads from `stream` until `until` has been received (at most 5 s); what was received.
async fn read_until(stream: &mut TcpStream, until: &str) -> String {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let reading = async {
        while !String::from_utf8_lossy(&received).contains(until) {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), reading).await;
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order_on_one_connection() {
    let (a, b) = (named_backend("a").await, named_backend("b").await);
    let proxy = start(config(vec![server("a", a), server("b", b)])).await;
    let answer = raw_exchange(
        proxy.addr,
        b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(answer.matches("HTTP/1.1 200 OK\r\n").count(), 3, "{answer}");
    let names: Vec<&str> = answer
        .split("\r\n\r\n")
        .skip(1)
        .filter_map(|body| body.lines().next())
        .collect();
    assert_eq!(names, ["a", "b", "a"], "{answer}");
    assert!(answer.contains("connection: close\r\n"), "{answer}");
}

#[tokio::test]
async fn a_chunked_request_body_reaches_the_server_whole() {
    let proxy = start(config(vec![server("echo", echo_backend().await)])).await;
    let answer = raw_exchange(
        proxy.addr,
        b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    let body: String = answer
        .split_once("\r\n\r\n")
        .unwrap()
        .1
        .split("\r\n")
        .filter(|line| !line.chars().all(|c| c.is_ascii_hexdigit()))
        .collect();
    assert_eq!(body, "hello world", "{answer}");
}

#[tokio::test]
async fn a_client_expecting_100_continue_gets_it_before_sending_its_body() {
    let proxy = start(config(vec![server("echo", echo_backend().await)])).await;
    let mut stream = TcpStream::connect(proxy.addr).await.unwrap();
    stream
        .write_all(
            b"PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
        )
        .await
        .unwrap();
    let interim = read_until(&mut stream, "\r\n\r\n").await;
    assert_eq!(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(b"hello").await.unwrap();
    let answer = read_until(&mut stream, "hello").await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nhello"), "{answer}");
}

#[tokio::test]
async fn an_http_1_0_client_keeps_its_connection_only_when_it_asks() {
    let proxy = start(config(vec![server("a", named_backend("a").await)])).await;
    let mut stream = TcpStream::connect(proxy.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .await
        .unwrap();
    let kept = read_until(&mut stream, "a\n").await;
    assert!(kept.contains("connection: keep-alive\r\n"), "{kept}");
    stream.write_all(b"GET / HTTP/1.0\r\n\r\n").await.unwrap();
    let mut last = String::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut last));
    assert!(closed.await.is_ok(), "the connection stayed open");
    assert!(last.contains("connection: close\r\n"), "{last}");
}

#[tokio::test]
async fn a_head_larger_than_the_first_read_is_read_whole() {
    let proxy = start(config(vec![server("a", named_backend("a").await)])).await;
    let mut request = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Fill: ".to_vec();
    request.resize(request.len() + 20_000, b'f');
    request.extend_from_slice(b"\r\n\r\n");
    let answer = raw_exchange(proxy.addr, &request).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains(&format!("x-fill: {}", "f".repeat(20_000))));
}

#[tokio::test]
async fn a_head_too_large_gets_400_and_the_proxy_keeps_serving() {
    let proxy = start(config(vec![server("a", named_backend("a").await)])).await;
    let mut huge = b"GET / HTTP/1.1\r\nHost: x\r\nX-Fill: ".to_vec();
    huge.resize(70 * 1024, b'a');
    let answer = raw_exchange(proxy.addr, &huge).await;
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    let frontend = &proxy.proxy.runtime().frontends()[0];
    let refused = frontend.counters.request_errors.load(Ordering::Relaxed);
    assert_eq!(refused, 1);
    assert_eq!(get(proxy.addr, "/").await.0, 200);
}

#[tokio::test]
async fn a_request_read_two_ways_is_answered_then_its_connection_closed() {
    let proxy = start(config(vec![server("echo", echo_backend().await)])).await;
    // Chunked and a length: read as chunks (HAProxy does the same), and not trusted further.
    let answer = raw_exchange(
        proxy.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n\
          2\r\nok\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await;
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    assert!(answer.contains("\r\n\r\n2\r\nok\r\n0\r\n\r\n"), "{answer}");
    assert!(answer.contains("connection: close\r\n"), "{answer}");
}

#[tokio::test]
async fn a_body_the_server_did_not_wait_for_ends_the_connection_after_the_answer() {
    let early = raw_backend(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await;
    let proxy = start(config(vec![server("early", early)])).await;
    // 10 of the 100 bytes announced: what follows can't be told from the body.
    let answer = exchange_until_closed(
        proxy.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nok"), "{answer}");
}

/// A server that answers once it has the whole body (with that body).
async fn collecting_backend() -> std::net::SocketAddr {
    backend(|request: Request<Incoming>| async move {
        let body = request.into_body().collect().await.map(|b| b.to_bytes());
        Response::new(text(body.unwrap_or_default()))
    })
    .await
}

/// The `eresp` count of the only server of backend `be`.
fn server_response_errors(proxy: &Running) -> u64 {
    let backend = proxy.proxy.runtime().backend("be").unwrap();
    let servers = backend.servers();
    servers[0].counters.response_errors.load(Ordering::Relaxed)
}

#[tokio::test]
async fn a_malformed_chunked_body_gets_400_and_is_not_the_servers_fault() {
    let proxy = start(config(vec![server(
        "collecting",
        collecting_backend().await,
    )]))
    .await;
    let answer = raw_exchange(
        proxy.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n",
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert_eq!(server_response_errors(&proxy), 0);
}

/// A proxy with `timeout client 300ms` in front of `server`, and its answer to a request that
/// sends 3 of the 10 body bytes it announces, then nothing.
async fn stalled_upload(server_addr: std::net::SocketAddr) -> (Running, String) {
    let mut config = config(vec![server("s", server_addr)]);
    config.frontends[0].timeouts.client = Some(Duration::from_millis(300));
    let proxy = start(config).await;
    let request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc";
    let answer = exchange_until_closed(proxy.addr, request).await;
    (proxy, answer)
}

#[tokio::test]
async fn a_body_the_client_stops_sending_gets_408_after_timeout_client_and_is_not_the_servers_fault(
) {
    let (proxy, answer) = stalled_upload(collecting_backend().await).await;
    let timed_out = answer.starts_with("HTTP/1.1 408 Request Timeout\r\n");
    assert!(timed_out, "{answer}");
    assert_eq!(server_response_errors(&proxy), 0);
    assert_eq!(get(proxy.addr, "/").await.0, 200);
}

#[tokio::test]
async fn a_server_answering_before_a_body_that_stops_has_its_answer_cut_after_timeout_client() {
    // The echo begins with the head and the 3 bytes; the server would wait for the other 7
    // forever, so both connections end.
    let (_proxy, answer) = stalled_upload(echo_backend().await).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nabc"), "{answer}");
}
