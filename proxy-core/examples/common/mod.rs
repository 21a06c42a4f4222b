//! What the examples share: small loopback upstream servers that say who they are, a
//! `--requests N` argument, and a plain HTTP client to send requests with.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::convert::Infallible;
use std::error::Error;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The error type of the examples' `main`.
pub(crate) type BoxError = Box<dyn Error + Send + Sync>;

/// Starts `count` upstream servers on loopback; server `i` (from 1) answers every request with
/// `server <i>`. Returns their addresses.
pub(crate) async fn start_upstreams(count: usize) -> Result<Vec<SocketAddr>, BoxError> {
    let mut addrs = Vec::with_capacity(count);
    for index in 1..=count {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        addrs.push(listener.local_addr()?);
        tokio::spawn(serve_upstream(listener, format!("server {index}")));
    }
    Ok(addrs)
}

/// Serves `listener` forever, answering `name` to every request.
async fn serve_upstream(listener: TcpListener, name: String) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let name = name.clone();
        tokio::spawn(async move {
            let service = service_fn(move |_request| {
                let body = Full::new(Bytes::from(name.clone()));
                async move { Ok::<_, Infallible>(http::Response::new(body)) }
            });
            // A client that goes away mid-request is not the example's concern.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The value of `--requests N`, if given: how many requests the example sends before exiting.
/// Without it the example keeps serving until Ctrl-C.
pub(crate) fn requests_arg() -> Result<Option<u32>, BoxError> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--requests" {
            let value = args.next().ok_or("--requests needs a number")?;
            return Ok(Some(value.parse()?));
        }
    }
    Ok(None)
}

/// Sends `GET url` and returns the status and the body as text.
#[allow(dead_code)] // client_side sends its requests through the balanced client instead
pub(crate) async fn get(url: &str) -> Result<(u16, String), BoxError> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let response = client.get(url.parse()?).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}
