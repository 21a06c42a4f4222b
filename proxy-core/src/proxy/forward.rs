//! Sending one request to a server of a backend: slot, connect retries, redispatch, timeouts.
//!
//! `retries N` (HAProxy's default 3) sends a request again after a failure that `retry-on` lists
//! (by default only `conn-failure`; also `empty-response`, `junk-response`, `response-timeout`
//! and response statuses). A connection retry to the same server waits `min(timeout connect,
//! 1s)` first, as HAProxy does. Only a request whose body is empty can be tried again, because
//! bodies stream through and are not kept. With `option redispatch [interval]` some retries go
//! to another server: HAProxy's interval semantics (a positive P redispatches every P-th retry,
//! a negative N the N-th retry before the last, -1 being the last). Each retry counts in
//! `wretr` of the backend and of the server that failed, each move in their `wredis`; every
//! outcome is reported to the server's passive observation (`observe`).

use super::body::Guarded;
use super::body::Observed;
use super::counted::{CountOn, Direction, Target, Times, TimesOnDrop};
use super::cut::{CutWatch, Cuttable};
use super::outgoing::Outgoing;
use super::plan::BackendPlan;
use super::queue::acquire_slot;
use super::trace::Trace;
use super::tunnel;
use super::upstream::UpstreamError;
use super::{box_body, BoxError, ProxyBody, ProxyError};
use crate::balance::PickCtx;
use crate::model::RetryOn;
use crate::runtime::{BackendState, Counters, Outcome, ServerState};
use bytes::Bytes;
use http::request::Parts;
use http::Response;
use http_body::Body;
use http_body_util::{Either, Empty};
use std::future::Future;
use std::net::IpAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use tracing::instrument::Instrumented;
use tracing::{Instrument, Span};

/// The longest pause before a connection attempt is retried.
const MAX_TURNAROUND: Duration = Duration::from_secs(1);

/// Forwards the request (`parts` already rewritten by the rules) to a server of `backend`,
/// returning the server's response with its body streaming. The server slot is held until the
/// response body is dropped.
///
/// `close_upstream` asks the server to close its connection after this response
/// (`option http-server-close` / `httpclose`), so it is never reused. `trace` receives the
/// server, the time queued and to the response head, and the retries, for the access log.
/// The future runs in `span`.
///
/// A plain function: wrapping the future in its span inside the caller's `async fn` would keep
/// two copies of it in the caller's state (a temporary lives until the end of its statement,
/// across the `.await`), and copies of the request's state cost a copy each.
#[allow(clippy::too_many_arguments)]
pub(crate) fn forward<'a, B>(
    backend: &'a Arc<BackendState>,
    plan: &'a BackendPlan,
    parts: Parts,
    client_ip: Option<IpAddr>,
    body: B,
    close_upstream: bool,
    trace: &'a mut Trace,
    span: Span,
) -> Instrumented<impl Future<Output = Result<Response<ProxyBody>, ProxyError>> + 'a>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    attempts(backend, plan, parts, client_ip, body, close_upstream, trace).instrument(span)
}

/// What the balancer looks at for the request of `parts` from `client_ip`.
fn pick_ctx(parts: &Parts, client_ip: Option<IpAddr>) -> PickCtx<'_> {
    PickCtx {
        client_ip,
        uri: parts.uri.path_and_query().map_or("/", |pq| pq.as_str()),
        headers: &parts.headers,
    }
}

/// [`forward`], outside its span.
async fn attempts<B>(
    backend: &Arc<BackendState>,
    plan: &BackendPlan,
    mut parts: Parts,
    client_ip: Option<IpAddr>,
    body: B,
    close_upstream: bool,
    trace: &mut Trace,
) -> Result<Response<ProxyBody>, ProxyError>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let model = &plan.model;
    let timeouts = model.timeouts;
    let queue_wait = timeouts.queue.or(timeouts.connect);
    let started = Instant::now();
    let ctx = pick_ctx(&parts, client_ip);
    // Each attempt's start: for the first, the end of the queueing.
    let (mut slot, mut sending) = acquire_slot(backend, &ctx, None, queue_wait, started).await?;
    trace.queue = sending - started;
    let retries = if body.is_end_stream() {
        model.retries
    } else {
        0
    };
    // Whether a retry may need the request head after the upstream took it: a failed connection
    // hands it back unsent, the other retried failures do not.
    let copy_for_retry = retries > 0 && Outgoing::retried_after_sending(&model.retry_on);
    let mut body = Some(body);
    let mut retry = 0;
    loop {
        let server = Arc::clone(slot.server());
        super::span::record_server(&server.name);
        trace.server = Some(Arc::clone(&server));
        let target = Target {
            backend: Arc::clone(backend),
            server: Arc::clone(&server),
        };
        // The client's body on the first attempt, nothing on a retry (only an empty body is
        // retried); boxed once, with its byte counter when it has bytes to count. A body with
        // nothing left to send goes as `Empty`, which boxes without allocating.
        let attempt_body = match body.take() {
            Some(body) => Either::Left(body),
            None => Either::Right(Empty::new()),
        };
        let upstream_body = if attempt_body.is_end_stream() {
            box_body(Empty::<Bytes>::new())
        } else {
            let count = CountOn {
                target: target.clone(),
                direction: Direction::ToServer,
                head: 0,
                then_times: None,
            };
            box_body(Observed::new(attempt_body, count))
        };
        let addr = server.addr();
        let keep = copy_for_retry && retry < retries;
        let (request, outgoing) =
            Outgoing::request(&mut parts, keep, addr, upstream_body, close_upstream)?;
        let mut unsent = None;
        if retry > 0 {
            sending = Instant::now();
        }
        // The futures are pinned where they are made: each move of a future held across an
        // await can keep a copy of it in the request's state, made again for each request.
        // Polled in order (`biased`): a response that came is taken before a cut is looked
        // at, and no random order is drawn for every request. The deadline is kept by the
        // server connection's own timer (`Conn::poll_deadline`).
        let deadline = timeouts.server.map(|limit| sending + limit);
        let mut exchange =
            pin!(plan
                .upstream
                .send(&server, addr, request, !close_upstream, deadline));
        let mut cut = pin!(CutWatch::new(&server));
        let outcome = tokio::select! {
            biased;
            result = exchange.as_mut() => {
                result.map_err(|error| {
                    unsent = error.unsent;
                    Failure::of(error.error)
                })
            }
            _cut = cut.as_mut() => Err(Failure::Killed),
        };
        let failure = match outcome {
            Ok(sent) => {
                let (response, connect_time, heads) =
                    (sent.response, sent.connect_time, sent.head_lens);
                let status = response.status().as_u16();
                server.observe(Outcome::Status(status));
                server.count_response_metric(backend.shared_name(), status);
                if retry >= retries || !model.retry_on.statuses.contains(&status) {
                    let response_time = sending.elapsed().saturating_sub(connect_time);
                    trace.response = Some(response_time);
                    trace.connect = Some(connect_time);
                    target.count(Direction::ToServer, wire_len(heads.request));
                    server.counters.count_response(status);
                    let times = Times {
                        started,
                        queue: trace.queue,
                        connect: connect_time,
                        response: response_time,
                    };
                    if let Some(server) = sent.upgraded {
                        if let Some(client) =
                            tunnel::ClientUpgrade::take_from(&mut parts.extensions)
                        {
                            let idle = timeouts.tunnel.or(timeouts.server);
                            target.count(Direction::ToClient, wire_len(heads.response));
                            let times = TimesOnDrop {
                                target: target.clone(),
                                times,
                            };
                            tunnel::spawn(client, server, idle, target, (slot, times));
                            return Ok(response.map(|_| box_body(Empty::new())));
                        }
                    }
                    return Ok(response.map(|body| {
                        let body = Cuttable::new(body, &server);
                        let body = Guarded::new(body, slot);
                        // The head's bytes are counted with the body's first data.
                        let count = CountOn {
                            target,
                            direction: Direction::ToClient,
                            head: wire_len(heads.response),
                            then_times: Some(times),
                        };
                        box_body(Observed::new(body, count))
                    }));
                }
                tracing::debug!(backend = backend.name(), server = %server.name, status, retry, "retrying after this status");
                None
            }
            Err(failure) => {
                match failure.outcome() {
                    Some(Outcome::ConnectFailed) => {
                        server.observe(Outcome::ConnectFailed);
                        count_on_both(backend, &server, |c| &c.connect_errors);
                    }
                    Some(outcome) => {
                        server.observe(outcome);
                        count_on_both(backend, &server, |c| &c.response_errors);
                    }
                    None => {}
                }
                if retry >= retries || !failure.retryable(&model.retry_on) {
                    return Err(failure.into_error());
                }
                if !keep {
                    match unsent.take() {
                        Some(unsent) => outgoing.take_back(&mut parts, unsent),
                        None => return Err(failure.into_error()),
                    }
                }
                tracing::debug!(backend = backend.name(), server = %server.name, %failure, retry, "retrying");
                Some(failure)
            }
        };
        retry += 1;
        trace.retries = retry;
        count_on_both(backend, &server, |c| &c.retries);
        if !redispatch_now(model.redispatch, retry, retries) {
            if let Some(Failure::Connect(_)) = failure {
                // HAProxy's turn-around: an immediate new connection to the same server would
                // most likely fail the same way.
                tokio::time::sleep(
                    timeouts
                        .connect
                        .map_or(MAX_TURNAROUND, |c| c.min(MAX_TURNAROUND)),
                )
                .await;
            }
            continue;
        }
        drop(slot);
        let queued = Instant::now();
        let ctx = pick_ctx(&parts, client_ip);
        let (next, taken) =
            acquire_slot(backend, &ctx, Some(server.id), queue_wait, queued).await?;
        slot = next;
        trace.queue += taken - queued;
        if slot.server().id != server.id {
            count_on_both(backend, &server, |c| &c.redispatches);
        }
    }
}

/// Why one attempt failed, in `retry-on`'s terms.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// `conn-failure`.
    #[error("connection failed: {0}")]
    Connect(#[source] UpstreamError),
    /// `empty-response`: the connection closed (or broke) before a response head.
    #[error("no response: {0}")]
    Empty(#[source] UpstreamError),
    /// `junk-response`: the response head was not valid HTTP.
    #[error("invalid response: {0}")]
    Junk(#[source] UpstreamError),
    /// `response-timeout`.
    #[error("no response within 'timeout server'")]
    Timeout,
    /// The client's request body failed (the client left, sent a malformed body or nothing for
    /// `timeout client`): never retried, and not the server's fault.
    #[error("request body: {0}")]
    Client(#[source] UpstreamError),
    /// `shutdown sessions server` ended the wait (never retried).
    #[error("session shut down from the stats socket")]
    Killed,
}

impl Failure {
    fn of(error: UpstreamError) -> Failure {
        match error {
            UpstreamError::RequestBody(_) => return Failure::Client(error),
            UpstreamError::Late => return Failure::Timeout,
            _ => {}
        }
        if error.is_connect() {
            return Failure::Connect(error);
        }
        if error.is_parse() {
            Failure::Junk(error)
        } else {
            Failure::Empty(error)
        }
    }

    fn retryable(&self, retry_on: &RetryOn) -> bool {
        match self {
            Failure::Connect(_) => retry_on.conn_failure,
            Failure::Empty(_) => retry_on.empty_response,
            Failure::Junk(_) => retry_on.junk_response,
            Failure::Timeout => retry_on.response_timeout,
            Failure::Killed | Failure::Client(_) => false,
        }
    }

    /// What passive observation sees; nothing when an operator or the client ended the
    /// request.
    fn outcome(&self) -> Option<Outcome> {
        match self {
            Failure::Connect(_) => Some(Outcome::ConnectFailed),
            Failure::Empty(_) | Failure::Junk(_) => Some(Outcome::BadResponse),
            Failure::Timeout => Some(Outcome::Timeout),
            Failure::Killed | Failure::Client(_) => None,
        }
    }

    /// The error the client's answer is made from, once no retry is left.
    fn into_error(self) -> ProxyError {
        match self {
            Failure::Connect(error) => ProxyError::Connect(error),
            Failure::Empty(error) | Failure::Junk(error) => ProxyError::BadResponse(error),
            Failure::Timeout => ProxyError::ServerTimeout,
            Failure::Killed => ProxyError::Killed,
            Failure::Client(error) => ProxyError::ClientBody(error),
        }
    }
}

/// A byte count for the counters.
fn wire_len(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// Adds one to the same counter of the backend and of `server` (HAProxy counts `econ`,
/// `eresp`, `wretr` and `wredis` on both rows).
fn count_on_both(
    backend: &BackendState,
    server: &ServerState,
    counter: impl Fn(&Counters) -> &std::sync::atomic::AtomicU64,
) {
    Counters::bump(counter(&backend.counters));
    Counters::bump(counter(&server.counters));
}

/// Whether retry number `retry` (1-based, of `retries`) goes to another server.
fn redispatch_now(interval: Option<i32>, retry: u32, retries: u32) -> bool {
    match interval {
        None | Some(0) => false,
        Some(every) if every > 0 => retry % every.unsigned_abs() == 0,
        Some(before_last) => i64::from(retry) == i64::from(retries) + 1 + i64::from(before_last),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn redispatch_minus_one_moves_only_the_last_retry() {
        let moved: Vec<bool> = (1..=3).map(|r| redispatch_now(Some(-1), r, 3)).collect();
        assert_eq!(moved, [false, false, true]);
    }

    #[test]
    fn redispatch_two_moves_every_second_retry() {
        let moved: Vec<bool> = (1..=4).map(|r| redispatch_now(Some(2), r, 4)).collect();
        assert_eq!(moved, [false, true, false, true]);
        assert!(!redispatch_now(None, 3, 3));
    }
}
