//! A response body that writes the request's access-log line once it is finished (sent or
//! abandoned), with the bytes it carried, the total time, and how it ended: HAProxy's
//! termination states for the data phase, `SD` (the server broke the body), `sD` (the server
//! sent nothing for `timeout server`), `KD` (`shutdown sessions server`) and `CD` (the client
//! went away before the end).

use super::cut::SessionCut;
use super::plan::FrontendPlan;
use super::trace::Trace;
use super::upstream::UpstreamError;
use super::{BoxError, ProxyBody};
use crate::log::LogRecord;
use bytes::Bytes;
use http::{Method, Request};
use http_body::{Body, Frame, SizeHint};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant, SystemTime};

/// What is known of a request before it is proxied.
pub(crate) struct Pending {
    plan: Arc<FrontendPlan>,
    started: Instant,
    accepted: SystemTime,
    client: Option<SocketAddr>,
    method: String,
    uri: String,
    version: String,
}

impl Pending {
    /// Notes the request line of `request` from `client`, received now.
    pub(crate) fn of<B>(
        plan: &Arc<FrontendPlan>,
        request: &Request<B>,
        client: Option<SocketAddr>,
    ) -> Pending {
        Pending {
            plan: Arc::clone(plan),
            started: Instant::now(),
            accepted: SystemTime::now(),
            client,
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            version: format!("{:?}", request.version()),
        }
    }
}

/// Counts a response body's bytes, notes how it ended, and writes the request's log line when
/// dropped (with the body, once sent or abandoned).
struct LogOnDrop {
    bytes: u64,
    status: u16,
    trace: Trace,
    pending: Pending,
    /// The body was read to its end (or has none to send: a `HEAD` answer).
    ended: bool,
}

pin_project_lite::pin_project! {
    /// A response body that writes its request's access-log line once finished.
    pub(crate) struct Logged {
        #[pin]
        inner: ProxyBody,
        log: LogOnDrop,
    }
}

/// Wraps a response body with status `status` and the `trace` dispatch attached.
pub(crate) fn logged(inner: ProxyBody, status: u16, trace: Trace, pending: Pending) -> Logged {
    let ended = inner.is_end_stream() || pending.method == Method::HEAD.as_str();
    Logged {
        inner,
        log: LogOnDrop {
            bytes: 0,
            status,
            trace,
            pending,
            ended,
        },
    }
}

impl Body for Logged {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let mut this = self.project();
        let frame = ready!(this.inner.as_mut().poll_frame(cx));
        let log = this.log;
        match &frame {
            Some(Ok(frame)) => {
                let len = frame.data_ref().map_or(0, Bytes::len);
                log.bytes += u64::try_from(len).unwrap_or(u64::MAX);
                log.ended |= this.inner.is_end_stream();
            }
            Some(Err(error)) => log.trace.end_in_data(data_termination(error)),
            None => log.ended = true,
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The termination state of a body that failed with `error`: the server's, or the client's
/// when its upload failed while the answer was coming.
fn data_termination(error: &BoxError) -> &'static str {
    match error.downcast_ref::<UpstreamError>() {
        Some(UpstreamError::Stalled) => "sD--",
        Some(error) if error.is_client_silence() => "cD--",
        Some(UpstreamError::RequestBody(_)) => "CD--",
        Some(_) => "SD--",
        None if error.is::<SessionCut>() => "KD--",
        None => "SD--",
    }
}

impl Drop for LogOnDrop {
    fn drop(&mut self) {
        if !self.ended {
            self.trace.end_in_data("CD--");
        }
        write_log(&self.pending, &self.trace, self.status, self.bytes);
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn write_log(pending: &Pending, trace: &Trace, status: u16, bytes: u64) {
    let Some(log) = &pending.plan.access_log else {
        return;
    };
    let current = |c: &crate::runtime::Counters| c.current.load(Ordering::Relaxed);
    let record = LogRecord {
        client: pending.client,
        accepted: pending.accepted,
        frontend: Arc::clone(&pending.plan.name),
        backend: trace.backend.as_ref().map(|b| b.name().to_owned()),
        server: trace
            .server
            .as_ref()
            .map(|s| s.name.to_string())
            .or_else(|| trace.applet.map(str::to_owned)),
        queue_ms: millis(trace.queue),
        connect_ms: trace.connect.map_or(-1, millis),
        response_ms: trace.response.map_or(-1, millis),
        total_ms: millis(pending.started.elapsed()),
        status,
        bytes,
        termination: trace.termination,
        process_conns: pending.plan.runtime.current_connections(),
        frontend_conns: current(&pending.plan.frontend.counters),
        backend_conns: trace.backend.as_ref().map_or(0, |b| current(&b.counters)),
        server_conns: trace.server.as_ref().map_or(0, |s| current(&s.counters)),
        retries: trace.retries,
        server_queue: 0,
        backend_queue: trace.backend.as_ref().map_or(0, |b| b.queued()),
        method: pending.method.clone(),
        uri: pending.uri.clone(),
        version: pending.version.clone(),
    };
    log.log(&record);
}
