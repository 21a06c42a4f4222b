//! Serving one client connection with hyper's HTTP/1.1 server.

use super::counting_io::CountingIo;
use super::timed_io::{Activity, ClientTimeouts, ResponseDone, TimedIo};
use crate::proxy::{unrouted_response, Guarded, ProxyBody, ProxyService};
use crate::routing::Peer;
use crate::runtime::{Counters, FrontendState};
use futures_util::future::{ready, Ready};
use http::{Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;

/// The fallback of a listener's [`ProxyService`]: a request no backend takes gets HAProxy's 503.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NoBackend;

impl tower_service::Service<Request<Incoming>> for NoBackend {
    type Response = Response<ProxyBody>;
    type Error = Infallible;
    type Future = Ready<Result<Response<ProxyBody>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _request: Request<Incoming>) -> Self::Future {
        ready(Ok(unrouted_response()))
    }
}

/// Serves HTTP/1.1 requests from `stream` until the client leaves, a timeout closes the
/// connection, or `stop` turns true (then the request in flight finishes with
/// `Connection: close`).
pub(crate) async fn serve_connection<S>(
    stream: CountingIo<S>,
    peer: Peer,
    service: ProxyService<NoBackend>,
    timeouts: ClientTimeouts,
    mut stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::new());
    let frontend = Arc::clone(stream.frontend());
    let io = TokioIo::new(TimedIo::new(stream, timeouts, Arc::clone(&activity)));
    let request_activity = Arc::clone(&activity);
    // hyper keeps the future of the request in flight in one allocation per connection, so it
    // is not boxed again for each request.
    let handler = hyper::service::service_fn(move |request: Request<Incoming>| {
        let activity = &request_activity;
        activity.request_started();
        let done = ResponseDone::new(Arc::clone(activity));
        let service = service.clone();
        // Made inside the async block: a future made outside and moved in would be kept twice.
        async move {
            let response = service.serve_connection_request(request, peer).await?;
            let done = if response.status() == http::StatusCode::SWITCHING_PROTOCOLS {
                done.into_tunnel()
            } else {
                done
            };
            Ok::<_, Infallible>(response.map(|body| Guarded::new(body, done)))
        }
    });
    let mut builder = http1::Builder::new();
    builder.keep_alive(true).header_read_timeout(None);
    // With upgrades, a `101` answer hands the connection over to a tunnel (WebSocket).
    let mut connection = pin!(builder.serve_connection(io, handler).with_upgrades());
    let outcome = tokio::select! {
        outcome = connection.as_mut() => outcome,
        () = super::stopped(&mut stop) => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = &outcome {
        tracing::debug!(peer = %peer.addr, %error, "client connection ended with an error");
    }
    count_request_error(&frontend, &activity, outcome.err().as_ref(), peer.addr);
}

/// Counts a request the frontend could not read in `ereq` and in its 4xx responses: a
/// malformed head (hyper answered 400, or 431 for a head too large; the head is kept for `show
/// errors`) or `timeout http-request` (408).
fn count_request_error(
    frontend: &FrontendState,
    activity: &Activity,
    error: Option<&hyper::Error>,
    peer: SocketAddr,
) {
    let status = match error {
        Some(error) if error.is_parse_too_large() => 431,
        Some(error) if error.is_parse() => 400,
        _ if activity.timed_out() => 408,
        _ => return,
    };
    Counters::bump(&frontend.counters.request_errors);
    frontend.counters.count_response(status);
    if status != 408 {
        frontend.capture_error(peer, activity.captured_head());
    }
}
