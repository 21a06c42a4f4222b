//! Serving one client connection: Switchyard's own HTTP/1.1 server side.
//!
//! The connection's task reads a request head, hands the request to the frontend's
//! [`ProxyService`], and writes the response back, then waits for the next request on the same
//! connection (keep-alive, pipelined requests included). It holds no buffer while it waits, and
//! no task or channel of its own; on the proxy's hot path the same task also talks to the
//! server (see `proxy::upstream`), so a request wakes one task.
//!
//! Timeouts, as HAProxy applies them on the client side:
//!
//! * waiting for the first request, or receiving a request head: `timeout http-request` (HAProxy
//!   falls back to `timeout client`). When it elapses the client receives a 408 page and the
//!   connection closes. As in HAProxy without `option http-ignore-probes`, a connection that
//!   sends nothing at all also gets the 408.
//! * idle between two requests: `timeout http-keep-alive`, else `timeout http-request`, else
//!   `timeout client`; the connection is closed silently.
//! * a response not accepted by the client for `timeout client`: the connection is cut.
//!
//! A malformed request head gets the 400 page (the `errorfile 400` one if any) and the
//! connection closes; its first bytes are kept for `show errors`. A request with
//! `Expect: 100-continue` gets `100 Continue` when its body is first read. A `101` answer hands
//! the connection over to a tunnel (WebSocket).

mod body;
mod io;
mod request;
mod response;
mod timeouts;

pub(crate) use body::{ClientSilent, RequestBody};
pub(crate) use timeouts::ClientTimeouts;

use self::io::{ClientReader, ClientWriter};
use crate::h1::send::Sending;
use crate::h1::Malformed;
use crate::proxy::{ListenerUpgrade, ProxyService};
use crate::routing::Peer;
use crate::runtime::{Counters, FrontendState};
use body::{Held, Reading};
use bytes::BytesMut;
use http::{Method, Request, Response, StatusCode};
use request::{parse_request, RequestHead};
use response::{encode_response, Asked};
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::time::Duration;
use timeouts::{Expiry, Wait};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::{Instant, Sleep};

/// The most bytes of a malformed request head kept for `show errors`.
const MAX_CAPTURE: usize = 2048;

/// What came on the way to the next request.
// Made once per request and matched at once: boxing the head would cost an allocation.
#[allow(clippy::large_enum_variant)]
enum Next {
    Request(RequestHead),
    /// The client left, was idle too long, or the proxy is stopping.
    Closed,
    /// The request head did not come within `timeout http-request`.
    Late,
    Malformed(Malformed),
}

/// Serves HTTP/1.1 requests read from `source`, answered on `sink`, until the client leaves, a
/// timeout closes the connection, or `stop` turns true (then the request in flight finishes
/// with `Connection: close`).
pub(crate) async fn serve_connection<R, W>(
    (source, sink): (R, W),
    frontend: Arc<FrontendState>,
    peer: Peer,
    mut service: ProxyService<super::NoBackend>,
    timeouts: ClientTimeouts,
    stop: watch::Receiver<bool>,
) where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let mut reading = Reading::new(ClientReader::new(source, Arc::clone(&frontend)));
    let mut sink = ClientWriter::new(sink, Arc::clone(&frontend), timeouts.client);
    let mut wait = Wait::First;
    // Made once for the connection, so that waiting for each request does not register anew.
    let mut stopping_receiver = stop.clone();
    let stopping = super::stopped(&mut stopping_receiver);
    tokio::pin!(stopping);
    // One timer for every wait: moving its deadline later costs no new registration.
    let timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(timer);
    loop {
        let waiting = next_request(
            &mut reading,
            &timeouts,
            wait,
            timer.as_mut(),
            stopping.as_mut(),
        );
        let head = match waiting.await {
            Next::Request(head) => head,
            Next::Closed => return,
            Next::Late => {
                refuse(&frontend, StatusCode::REQUEST_TIMEOUT, None);
                let _ = sink.write_all(&timeouts.request_timeout_page).await;
                return;
            }
            Next::Malformed(malformed) => {
                tracing::debug!(peer = %peer.addr, %malformed, "malformed request");
                let head = &reading.inbox.bytes;
                let captured = &head[..head.len().min(MAX_CAPTURE)];
                refuse(&frontend, StatusCode::BAD_REQUEST, Some((captured, peer)));
                let _ = sink.write_all(&timeouts.bad_request_page).await;
                return;
            }
        };
        wait = Wait::KeepAlive;
        let RequestHead {
            mut parts,
            body,
            keep_alive,
            expects_continue,
            asks_upgrade,
        } = head;
        let upgrade = asks_upgrade.then(|| {
            let (ticket, handover) = ListenerUpgrade::new();
            parts.extensions.insert(ticket);
            handover
        });
        let asked = Asked {
            version: parts.version,
            head: parts.method == Method::HEAD,
            keep_alive,
        };
        let (body, held) = RequestBody::lend(reading, body, expects_continue, timeouts.client);
        // Pinned where it is made: moving the request's future (several kilobytes) into another
        // future would copy it for every request.
        let request = Request::from_parts(parts, body);
        let answering = pin!(service.serve_connection_request(request, peer));
        let Ok(response) = answer(answering, &held, &mut sink).await;
        let asked = Asked {
            keep_alive: asked.keep_alive && !*stop.borrow(),
            ..asked
        };
        let Some((keep_alive, switched)) = send_response(response, asked, &mut sink).await else {
            return;
        };
        // The body not read to its end leaves the connection where nothing can be read.
        let Some(back) = held.take_back() else {
            return;
        };
        reading = back;
        if switched {
            if let Some(handover) = upgrade {
                let client = reading.rejoin(|source| tokio::io::join(source, sink));
                let _ = handover.send(Box::new(client));
            }
            return;
        }
        if !keep_alive {
            let _ = sink.shutdown().await;
            return;
        }
        // The request is gone: its head's buffer is free for the next read, of this
        // connection or another one.
        reading.inbox.idle();
    }
}

/// Reads until a request head is complete, within the timeout of `wait` (kept by `timer`); a
/// connection still waiting for its request closes when `stopping` completes.
async fn next_request<R: AsyncRead + Unpin>(
    reading: &mut Reading<R>,
    timeouts: &ClientTimeouts,
    wait: Wait,
    mut timer: Pin<&mut Sleep>,
    mut stopping: Pin<&mut impl Future<Output = ()>>,
) -> Next {
    let waiting_since = Instant::now();
    let mut head_since = None;
    loop {
        match parse_request(&mut reading.inbox.bytes) {
            Ok(Some(head)) => return Next::Request(head),
            Ok(None) => {}
            Err(malformed) => return Next::Malformed(malformed),
        }
        if head_since.is_none() && !reading.inbox.is_empty() {
            head_since = Some(Instant::now());
        }
        let (deadline, expiry) = match head_since {
            Some(since) => timeouts.receiving_head(since),
            None => timeouts.waiting(wait, waiting_since),
        }
        .unzip();
        if let Some(deadline) = deadline.filter(|&deadline| deadline != timer.deadline()) {
            timer.as_mut().reset(deadline);
        }
        let idle = head_since.is_none();
        let filled = tokio::select! {
            biased;
            filled = poll_fn(|cx| reading.poll_fill(cx)) => filled,
            () = timer.as_mut(), if deadline.is_some() => {
                return match expiry {
                    Some(Expiry::Answer408) => Next::Late,
                    _ => Next::Closed,
                };
            }
            () = stopping.as_mut(), if idle => return Next::Closed,
        };
        match filled {
            Ok(0) | Err(_) => return Next::Closed,
            Ok(_) => {}
        }
    }
}

/// The response to a request whose body is `held`: `100 Continue` is written when the body
/// waits for it (only a client that asked for it makes it wait).
async fn answer<R, W, F>(
    mut answering: Pin<&mut F>,
    held: &Held<R>,
    sink: &mut ClientWriter<W>,
) -> F::Output
where
    F: Future,
    W: AsyncWrite + Unpin,
{
    let Some(loan) = held.loan() else {
        return answering.await;
    };
    let mut asked = false;
    loop {
        tokio::select! {
            biased;
            response = answering.as_mut() => return response,
            () = poll_fn(|_| loan.continue_wanted()), if !asked => {
                asked = true;
                if let Err(error) = sink.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await {
                    tracing::debug!(%error, "100 Continue not sent");
                }
            }
        }
    }
}

/// Writes `response`: whether the connection stays open after it, and whether it switched
/// protocols; `None` when it could not be sent whole (the connection then closes).
async fn send_response<W: AsyncWrite + Unpin>(
    response: Response<crate::proxy::ProxyBody>,
    asked: Asked,
    sink: &mut ClientWriter<W>,
) -> Option<(bool, bool)> {
    let (parts, body) = response.into_parts();
    let mut head = BytesMut::new();
    let (framing, keep_alive) = encode_response(&parts, &body, asked, &mut head);
    let switched = parts.status == StatusCode::SWITCHING_PROTOCOLS;
    let mut sending = Sending::new(head, framing, body);
    match poll_fn(|cx| sending.poll_send(sink, cx)).await {
        Ok(()) => Some((keep_alive, switched)),
        Err(error) => {
            tracing::debug!(%error, "response not sent whole");
            None
        }
    }
}

/// Counts a request the frontend refused before reading it whole in `ereq` and in its 4xx
/// responses: a malformed head (kept for `show errors`) or `timeout http-request` (408).
fn refuse(frontend: &FrontendState, status: StatusCode, malformed: Option<(&[u8], Peer)>) {
    Counters::bump(&frontend.counters.request_errors);
    frontend.counters.count_response(status.as_u16());
    if let Some((head, peer)) = malformed {
        frontend.capture_error(peer.addr, head.to_vec());
    }
}
