//! Bodies stream through the proxy in both directions, and the layer's fallback.

use super::support::*;
use crate::proxy::{box_body, ClientAddr};
use bytes::Bytes;
use futures_util::StreamExt;
use http::{Request, Response};
use http_body::Frame;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::convert::Infallible;
use tokio::sync::mpsc;
use tower::ServiceExt;

#[tokio::test]
async fn a_post_body_streams_to_the_server_and_its_echo_streams_back() {
    let echo = backend(|request: Request<hyper::body::Incoming>| async move {
        Response::new(box_body(request.into_body()))
    })
    .await;
    let proxy = start(config(vec![server("echo", echo)])).await;

    let (chunks, receiver) = mpsc::channel::<Bytes>(4);
    let stream = tokio_stream_of(receiver).map(|chunk| Ok::<_, Infallible>(Frame::data(chunk)));
    let client = Client::builder(TokioExecutor::new()).build_http();
    let request = Request::post(format!("http://{}/upload", proxy.addr))
        .body(StreamBody::new(stream))
        .unwrap();
    let response_future = tokio::spawn(client.request(request));

    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    chunks.send(chunk.clone()).await.unwrap();
    let response = response_future.await.unwrap().unwrap();
    let mut body = response.into_body();
    // The first chunk comes back while the upload is still open: nothing waits for the whole body.
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first[0], b'x');
    let mut received = first.len();
    for _ in 0..63 {
        chunks.send(chunk.clone()).await.unwrap();
    }
    drop(chunks);
    while let Some(frame) = body.frame().await {
        received += frame.unwrap().into_data().map_or(0, |d| d.len());
    }
    assert_eq!(received, 64 * 64 * 1024);
}

fn tokio_stream_of(
    mut receiver: mpsc::Receiver<Bytes>,
) -> impl futures_util::Stream<Item = Bytes> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

#[tokio::test]
async fn the_layer_hands_requests_no_rule_routes_to_the_fallback() {
    let mut config = config(vec![]);
    config.frontends[0].default_backend = None;
    let proxy = crate::Proxy::from_config(config).unwrap();
    let layer = proxy.layer("fe").unwrap();
    let fallback = tower::service_fn(|_request: Request<Full<Bytes>>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(
            b"from the app",
        ))))
    });
    let service = tower::ServiceBuilder::new().layer(layer).service(fallback);
    let mut request = Request::new(Full::default());
    request
        .extensions_mut()
        .insert(ClientAddr("127.0.0.1:1".parse().unwrap()));
    let response = service.oneshot(request).await.unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "from the app");
}
