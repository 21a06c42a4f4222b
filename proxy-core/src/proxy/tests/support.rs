//! Small backends, a model builder and clients for the data-path tests.

use crate::model::{self, Backend, BackendBuilder, Frontend, Server, ServerBuilder};
use crate::Proxy;
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub(super) type TestResponse = Response<crate::ProxyBody>;

/// Starts an HTTP/1.1 server on 127.0.0.1:0 answering with `handler`.
pub(super) async fn backend<F, Fut>(handler: F) -> SocketAddr
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = TestResponse> + Send + 'static,
{
    counting_backend(handler).await.0
}

/// [`backend`], with the number of connections it has accepted.
pub(super) async fn counting_backend<F, Fut>(handler: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = TestResponse> + Send + 'static,
{
    each_connection(move |stream| {
        let handler = handler.clone();
        async move {
            let service = hyper::service::service_fn(move |request| {
                let handler = handler.clone();
                async move { Ok::<_, Infallible>(handler(request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        }
    })
    .await
}

/// Listens on 127.0.0.1:0 and runs `serve` in a task for each connection; with the number of
/// connections accepted.
async fn each_connection<F, Fut>(serve: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(serve(stream));
        }
    });
    (addr, accepted)
}

/// A body of these bytes.
pub(super) fn text(body: impl Into<Bytes>) -> crate::ProxyBody {
    crate::proxy::full_body(body)
}

/// A backend that answers its `name`, with the request headers as `name: value` lines.
pub(super) async fn named_backend(name: &'static str) -> SocketAddr {
    backend(move |request: Request<Incoming>| async move {
        let mut lines = format!("{name}\n");
        for (header, value) in request.headers() {
            lines.push_str(&format!("{header}: {}\n", value.to_str().unwrap_or("?")));
        }
        Response::new(text(lines))
    })
    .await
}

/// A server that accepts connections and writes `raw` on each, then closes.
pub(super) async fn raw_backend(raw: &'static [u8]) -> SocketAddr {
    each_connection(move |mut stream| async move {
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf).await;
        let _ = stream.write_all(raw).await;
    })
    .await
    .0
}

/// A server that, on each connection, answers one request with each of `answers` in turn, then
/// reads one more request and closes without answering it; with the number of connections.
pub(super) async fn scripted_backend(
    answers: &'static [&'static [u8]],
) -> (SocketAddr, Arc<AtomicUsize>) {
    each_connection(move |mut stream| async move {
        let mut buf = [0u8; 4096];
        for answer in answers {
            let _ = stream.read(&mut buf).await;
            let _ = stream.write_all(answer).await;
        }
        let _ = stream.read(&mut buf).await;
    })
    .await
}

/// A port nothing listens on: tcpmux's, privileged and unused. (A port bound to 0 and then
/// closed could be handed to another test's socket before it is used.)
pub(super) fn closed_port() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 1))
}

/// One server line with the defaults.
pub(super) fn server(name: &str, addr: SocketAddr) -> ServerBuilder {
    Server::builder(name, addr)
}

/// Frontend `fe` on 127.0.0.1:0 with `default_backend be`, and backend `be` over `servers`.
pub(super) fn config(servers: Vec<ServerBuilder>) -> model::Config {
    let backend = servers
        .into_iter()
        .fold(Backend::builder("be"), BackendBuilder::server_with);
    let frontend = Frontend::builder("fe")
        .bind("127.0.0.1:0".parse().unwrap())
        .default_backend("be");
    model::Config::builder()
        .frontend(frontend)
        .backend(backend)
        .build()
        .unwrap()
}

/// A running proxy for `config`: its address and the proxy (for runtime access).
pub(super) struct Running {
    pub(super) addr: SocketAddr,
    pub(super) proxy: std::sync::Arc<Proxy>,
}

pub(super) async fn start(config: model::Config) -> Running {
    let proxy = std::sync::Arc::new(Proxy::from_config(config).unwrap());
    let listeners = proxy.bind().await.unwrap();
    let addr = listeners.local_addrs()[0].1;
    tokio::spawn(listeners.serve(std::future::pending()));
    Running { addr, proxy }
}

/// Sends `request` (target path only) to `proxy` and returns status and body.
pub(super) async fn send(proxy: SocketAddr, request: Request<Full<Bytes>>) -> (u16, String) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let (mut parts, body) = request.into_parts();
    parts.uri = format!("http://{proxy}{}", parts.uri).parse().unwrap();
    let response = client
        .request(Request::from_parts(parts, body))
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// GET `path` through the proxy.
pub(super) async fn get(proxy: SocketAddr, path: &str) -> (u16, String) {
    send(proxy, Request::get(path).body(Full::default()).unwrap()).await
}

/// Writes `raw` on a fresh connection and reads until the proxy closes it (at most 5 s).
pub(super) async fn raw_exchange(proxy: SocketAddr, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(proxy).await.unwrap();
    stream.write_all(raw).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}
