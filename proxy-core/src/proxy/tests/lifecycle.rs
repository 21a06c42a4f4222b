//! Connection modes and graceful shutdown, seen from the client.

use super::support::*;
use crate::model::ConnMode;
use http::Response;
use std::time::Duration;
use tokio::net::TcpStream;

#[tokio::test]
async fn option_httpclose_answers_with_connection_close() {
    let a = named_backend("a").await;
    let mut config = config(vec![server("a", a)]);
    config.frontends[0].http.conn_mode = ConnMode::Close;
    let proxy = start(config).await;
    let answer = raw_exchange(proxy.addr, b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert!(says_connection_close(&answer), "{answer}");
}

#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish_with_connection_close() {
    let slow = backend(|_request| async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Response::new(text("finished"))
    })
    .await;
    let proxy = crate::Proxy::from_config(config(vec![server("slow", slow)])).unwrap();
    let listeners = proxy.bind().await.unwrap();
    let addr = listeners.local_addrs()[0].1;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(listeners.serve(async {
        let _ = stopped.await;
    }));
    let in_flight = tokio::spawn(raw_exchange(addr, b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let answer = in_flight.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert!(says_connection_close(&answer), "{answer}");
    assert!(answer.ends_with("finished"), "{answer}");
    tokio::time::timeout(Duration::from_secs(2), serving)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_silently_after_timeout_http_keep_alive() {
    let a = named_backend("a").await;
    let mut config = config(vec![server("a", a)]);
    config.frontends[0].timeouts.http_keep_alive = Some(Duration::from_millis(150));
    config.frontends[0].timeouts.http_request = Some(Duration::from_secs(10));
    let proxy = start(config).await;
    let started = std::time::Instant::now();
    let answer = raw_exchange(proxy.addr, b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert!(started.elapsed() < Duration::from_secs(2), "kept open");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
}

/// Whether a raw HTTP/1.1 answer carries `Connection: close`.
fn says_connection_close(answer: &str) -> bool {
    answer
        .to_ascii_lowercase()
        .contains("connection: close\r\n")
}
