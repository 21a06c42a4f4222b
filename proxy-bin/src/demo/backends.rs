//! The demo's four web servers: `webN` on `127.0.0.1:900N` answers `Hello from webN` with the
//! header `X-Server: webN`, and `/health` with `200 OK`.

use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use tokio::net::TcpListener;
use tracing::debug;

/// The demo servers' names and ports; `config-examples/demo.cfg` points at the same ports.
pub(crate) const SERVERS: [(&str, u16); 4] = [
    ("web1", 9001),
    ("web2", 9002),
    ("web3", 9003),
    ("web4", 9004),
];

/// Bind all four servers and run them in the background for the life of the process.
pub(crate) async fn start() -> anyhow::Result<()> {
    for (name, port) in SERVERS {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| {
                format!("demo server {name} cannot listen on 127.0.0.1:{port} (is a demo already running?)")
            })?;
        tokio::spawn(serve(listener, name));
    }
    Ok(())
}

async fn serve(listener: TcpListener, name: &'static str) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                debug!("demo server {name}: accept failed: {error}");
                continue;
            }
        };
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| answer(name, req));
            if let Err(error) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                debug!("demo server {name}: connection ended: {error}");
            }
        });
    }
}

async fn answer(
    name: &'static str,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = if req.uri().path() == "/health" {
        "OK\n".to_string()
    } else {
        format!("Hello from {name}\n")
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    response
        .headers_mut()
        .insert("x-server", hyper::header::HeaderValue::from_static(name));
    Ok(response)
}
