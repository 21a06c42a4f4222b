//! End-to-end tests of the data path: a real listener, real backends on 127.0.0.1:0.

mod client_side;
mod lifecycle;
mod observability;
mod streaming;
mod support;
mod upstream;

use crate::model::ForwardFor;
use crate::runtime::{AdminState, ServerId};
use http::{Request, Response};
use http_body_util::Full;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

#[tokio::test]
async fn a_request_reaches_one_of_two_servers_and_its_answer_comes_back() {
    let (a, b) = (named_backend("a").await, named_backend("b").await);
    let proxy = start(config(vec![server("a", a), server("b", b)])).await;
    let (status, body) = get(proxy.addr, "/hello").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("a\n") || body.starts_with("b\n"), "{body}");
}

#[tokio::test]
async fn roundrobin_alternates_between_two_servers() {
    let (a, b) = (named_backend("a").await, named_backend("b").await);
    let proxy = start(config(vec![server("a", a), server("b", b)])).await;
    let mut names = Vec::new();
    for _ in 0..4 {
        let (_, body) = get(proxy.addr, "/").await;
        names.push(body.lines().next().unwrap_or_default().to_owned());
    }
    assert_ne!(names[0], names[1]);
    assert_eq!(names[0], names[2]);
    assert_eq!(names[1], names[3]);
}

#[tokio::test]
async fn the_clients_host_header_is_kept() {
    let a = named_backend("a").await;
    let proxy = start(config(vec![server("a", a)])).await;
    let request = Request::get("/")
        .header("host", "shop.example")
        .body(Full::default())
        .unwrap();
    let (_, body) = send(proxy.addr, request).await;
    assert!(body.contains("host: shop.example\n"), "{body}");
}

#[tokio::test]
async fn hop_by_hop_headers_are_removed_both_ways() {
    let echo = backend(|request: Request<hyper::body::Incoming>| async move {
        let seen: Vec<String> = request.headers().keys().map(|k| k.to_string()).collect();
        Response::builder()
            .header("connection", "x-server-private")
            .header("x-server-private", "1")
            .header("keep-alive", "timeout=5")
            .header("x-seen", seen.join(","))
            .body(text("ok"))
            .unwrap()
    })
    .await;
    let proxy = start(config(vec![server("a", echo)])).await;
    let raw = raw_exchange(
        proxy.addr,
        b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close, x-client-private\r\n\
          x-client-private: 1\r\nkeep-alive: 300\r\nproxy-connection: keep-alive\r\n\
          te: trailers\r\nx-kept: yes\r\n\r\n",
    )
    .await
    .to_ascii_lowercase();
    let seen = raw
        .lines()
        .find(|l| l.starts_with("x-seen:"))
        .unwrap_or_default();
    assert!(seen.contains("x-kept"), "{raw}");
    for private in [
        "x-client-private",
        "keep-alive",
        "proxy-connection",
        "te",
        "connection",
    ] {
        assert!(
            !seen.split([',', ' ']).any(|h| h == private),
            "{private} forwarded: {seen}"
        );
    }
    assert!(!raw.contains("x-server-private"), "{raw}");
    assert!(!raw.contains("keep-alive: timeout"), "{raw}");
}

#[tokio::test]
async fn option_forwardfor_adds_the_client_address() {
    let a = named_backend("a").await;
    let mut config = config(vec![server("a", a)]);
    config.backends[0].http.forwardfor = Some(ForwardFor {
        header: "X-Forwarded-For".into(),
        except: None,
        if_none: false,
    });
    let proxy = start(config).await;
    let (_, body) = get(proxy.addr, "/").await;
    assert!(body.contains("x-forwarded-for: 127.0.0.1\n"), "{body}");
}

#[tokio::test]
async fn no_usable_server_gives_503_and_the_proxy_recovers() {
    let a = named_backend("a").await;
    let proxy = start(config(vec![server("a", a)])).await;
    let backend = proxy.proxy.runtime().backend("be").unwrap();
    backend.set_admin_state(ServerId(0), AdminState::Maint);
    let (status, body) = get(proxy.addr, "/").await;
    assert_eq!(status, 503);
    assert!(body.contains("<h1>503 Service Unavailable</h1>"), "{body}");
    backend.set_admin_state(ServerId(0), AdminState::Ready);
    assert_eq!(get(proxy.addr, "/").await.0, 200);
}

#[tokio::test]
async fn refused_connection_gives_503_after_every_retry() {
    let mut config = config(vec![server("gone", closed_port())]);
    config.backends[0].retries = 2;
    config.backends[0].timeouts.connect = Some(Duration::from_millis(50));
    let proxy = start(config).await;
    let (status, body) = get(proxy.addr, "/").await;
    assert_eq!(status, 503);
    assert!(body.contains("503 Service Unavailable"), "{body}");
    let counters = &proxy.proxy.runtime().backend("be").unwrap().counters;
    assert_eq!(counters.retries.load(Ordering::Relaxed), 2);
    assert_eq!(counters.connect_errors.load(Ordering::Relaxed), 3);
}

#[tokio::test]
async fn redispatch_sends_the_last_retry_to_another_server_with_the_clients_headers() {
    let good = named_backend("good").await;
    let mut config = config(vec![server("gone", closed_port()), server("good", good)]);
    config.backends[0].retries = 1;
    config.backends[0].redispatch = Some(-1);
    config.backends[0].timeouts.connect = Some(Duration::from_millis(50));
    let proxy = start(config).await;
    for _ in 0..2 {
        let request = Request::get("/").header("x-client", "7");
        let (status, body) = send(proxy.addr, request.body(Full::default()).unwrap()).await;
        assert_eq!(status, 200);
        assert!(body.starts_with("good\n"), "{body}");
        assert!(body.contains("x-client: 7\n"), "{body}");
        assert_eq!(body.matches("host: ").count(), 1, "{body}");
    }
}

#[tokio::test]
async fn a_server_closing_in_the_middle_of_its_response_head_gives_502() {
    let cut = raw_backend(b"HTTP/1.1 200 OK\r\nContent-Le").await;
    let proxy = start(config(vec![server("cut", cut)])).await;
    assert_eq!(get(proxy.addr, "/").await.0, 502);
    assert_eq!(get(proxy.addr, "/").await.0, 502);
}

#[tokio::test]
async fn a_server_slower_than_timeout_server_gives_504() {
    let slow = backend(|_request| async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        Response::new(text("late"))
    })
    .await;
    let mut config = config(vec![server("slow", slow)]);
    config.backends[0].timeouts.server = Some(Duration::from_millis(200));
    let proxy = start(config).await;
    let (status, body) = get(proxy.addr, "/").await;
    assert_eq!(status, 504);
    assert!(body.contains("504 Gateway Timeout"), "{body}");
}

#[tokio::test]
async fn an_incomplete_request_head_gets_408_after_timeout_http_request() {
    let a = named_backend("a").await;
    let mut config = config(vec![server("a", a)]);
    config.frontends[0].timeouts.http_request = Some(Duration::from_millis(200));
    let proxy = start(config).await;
    let started = std::time::Instant::now();
    let answer = raw_exchange(proxy.addr, b"GET / HTTP/1.1\r\nhost: x\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("<h1>408 Request Timeout</h1>"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(get(proxy.addr, "/").await.0, 200);
}

#[tokio::test]
async fn a_malformed_request_gets_400_and_the_proxy_keeps_serving() {
    let a = named_backend("a").await;
    let proxy = start(config(vec![server("a", a)])).await;
    let answer = raw_exchange(proxy.addr, b"GET / HTTP/1.1\r\nbad header line\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert_eq!(get(proxy.addr, "/").await.0, 200);
}

/// A backend that takes `delay` per request and records the most requests it saw at once.
async fn counting_backend(delay: Duration) -> (std::net::SocketAddr, Arc<AtomicU32>) {
    let current = Arc::new(AtomicU32::new(0));
    let peak = Arc::new(AtomicU32::new(0));
    let seen_peak = Arc::clone(&peak);
    let addr = backend(move |_request| {
        let (current, peak) = (Arc::clone(&current), Arc::clone(&peak));
        async move {
            let now = current.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(delay).await;
            current.fetch_sub(1, Ordering::SeqCst);
            Response::new(text("done"))
        }
    })
    .await;
    (addr, seen_peak)
}

#[tokio::test]
async fn with_server_maxconn_1_a_second_request_waits_in_the_queue_then_succeeds() {
    let (addr, peak) = counting_backend(Duration::from_millis(200)).await;
    let mut config = config(vec![super::tests::support::server("a", addr)]);
    config.backends[0].servers[0].maxconn = Some(1);
    config.backends[0].timeouts.queue = Some(Duration::from_secs(2));
    let proxy = start(config).await;
    let (first, second) = tokio::join!(get(proxy.addr, "/1"), get(proxy.addr, "/2"));
    assert_eq!((first.0, second.0), (200, 200));
    assert_eq!(peak.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_request_queued_longer_than_timeout_queue_gets_503() {
    let (addr, _) = counting_backend(Duration::from_millis(600)).await;
    let mut config = config(vec![server("a", addr)]);
    config.backends[0].servers[0].maxconn = Some(1);
    config.backends[0].timeouts.queue = Some(Duration::from_millis(100));
    let proxy = start(config).await;
    let slow = get(proxy.addr, "/1");
    let queued = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        get(proxy.addr, "/2").await
    };
    let (first, second) = tokio::join!(slow, queued);
    assert_eq!(first.0, 200);
    assert_eq!(second.0, 503);
    let backend = proxy.proxy.runtime().backend("be").unwrap();
    assert_eq!(backend.queued(), 0);
}
