//! A response body that writes the request's access-log line once it is finished (sent or
//! abandoned), with the bytes it carried and the total time.

use super::body::{Observed, OnData};
use super::plan::FrontendPlan;
use super::trace::Trace;
use crate::log::LogRecord;
use http::Request;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
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

/// Counts a response body's bytes and writes the request's log line when dropped (with the
/// body, once sent or abandoned).
pub(crate) struct LogOnDrop {
    bytes: u64,
    status: u16,
    trace: Trace,
    pending: Pending,
}

/// A response body that writes its request's access-log line once finished.
pub(crate) type Logged<B> = Observed<B, LogOnDrop>;

/// Wraps a response body with status `status` and the `trace` dispatch attached.
pub(crate) fn logged<B>(inner: B, status: u16, trace: Trace, pending: Pending) -> Logged<B> {
    Observed::new(
        inner,
        LogOnDrop {
            bytes: 0,
            status,
            trace,
            pending,
        },
    )
}

impl OnData for LogOnDrop {
    fn on_data(&mut self, len: u64) {
        self.bytes += len;
    }
}

impl Drop for LogOnDrop {
    fn drop(&mut self) {
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
