//! A response body that writes the request's access-log line once it is finished (sent or
//! abandoned), with the bytes it carried and the total time.

use super::plan::FrontendPlan;
use super::trace::Trace;
use super::ClientAddr;
use crate::log::LogRecord;
use bytes::{Buf, Bytes};
use http::Request;
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
    /// Notes the request line and client of `request`, received now.
    pub(crate) fn of<B>(plan: &Arc<FrontendPlan>, request: &Request<B>) -> Pending {
        Pending {
            plan: Arc::clone(plan),
            started: Instant::now(),
            accepted: SystemTime::now(),
            client: request.extensions().get::<ClientAddr>().map(|c| c.0),
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            version: format!("{:?}", request.version()),
        }
    }
}

pin_project_lite::pin_project! {
    /// `inner`, logging the request when dropped.
    pub(crate) struct Logged<B> {
        #[pin]
        inner: B,
        bytes: u64,
        status: u16,
        trace: Trace,
        pending: Option<Pending>,
    }

    impl<B> PinnedDrop for Logged<B> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(pending) = this.pending.take() {
                write_log(pending, this.trace, *this.status, *this.bytes);
            }
        }
    }
}

impl<B> Logged<B> {
    /// Wraps a response body with status `status` and the `trace` dispatch attached.
    pub(crate) fn new(inner: B, status: u16, trace: Trace, pending: Pending) -> Logged<B> {
        Logged {
            inner,
            bytes: 0,
            status,
            trace,
            pending: Some(pending),
        }
    }
}

impl<B: Body<Data = Bytes>> Body for Logged<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        if let Some(Ok(frame)) = &frame {
            if let Some(data) = frame.data_ref() {
                *this.bytes += u64::try_from(data.remaining()).unwrap_or(u64::MAX);
            }
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

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn write_log(pending: Pending, trace: &Trace, status: u16, bytes: u64) {
    let Some(log) = &pending.plan.access_log else {
        return;
    };
    let current = |c: &crate::runtime::Counters| c.current.load(Ordering::Relaxed);
    let record = LogRecord {
        client: pending.client,
        accepted: pending.accepted,
        frontend: Arc::clone(&pending.plan.name),
        backend: trace.backend.as_ref().map(|b| b.name().to_owned()),
        server: trace.server.as_ref().map(|s| s.name.clone()),
        queue_ms: millis(trace.queue),
        connect_ms: 0,
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
        method: pending.method,
        uri: pending.uri,
        version: pending.version,
    };
    log.log(&record);
}
