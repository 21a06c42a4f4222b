//! Taking a server slot, waiting in the backend's queue while every usable server is full.
//!
//! HAProxy queues a request when the chosen server has reached its `maxconn`, and answers 503
//! when `timeout queue` (by default `timeout connect`) elapses first. Switchyard keeps one queue
//! per backend: a waiting request is woken whenever a slot is given back or the servers' states
//! change, and then asks the balancer again.

use super::ProxyError;
use crate::balance::PickCtx;
use crate::runtime::{BackendState, Counters, ServerId, ServerSlot, ServerState};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// A request slot on a server that wakes the backend's queue when given back.
#[derive(Debug)]
pub(crate) struct QueueSlot {
    /// Always `Some` until dropped.
    slot: Option<ServerSlot>,
    server: Arc<ServerState>,
    backend: Arc<BackendState>,
}

impl QueueSlot {
    /// The server this slot belongs to.
    pub(crate) fn server(&self) -> &Arc<ServerState> {
        &self.server
    }
}

impl Drop for QueueSlot {
    fn drop(&mut self) {
        // The slot must be free before waiters look for one.
        drop(self.slot.take());
        self.backend.counters.close_session();
        self.backend.queue().notify_waiters();
    }
}

/// Takes a slot on the server the balancer picks (avoiding `avoid` if possible), waiting up to
/// `max_wait` (forever when `None`) while every usable server is full. Also returns when the
/// slot was taken: `asked`, the time it was asked for, when one was free at once (the clock is
/// not read again), else the time the wait ended.
pub(crate) async fn acquire_slot(
    backend: &Arc<BackendState>,
    ctx: &PickCtx<'_>,
    avoid: Option<ServerId>,
    max_wait: Option<Duration>,
    asked: Instant,
) -> Result<(QueueSlot, Instant), ProxyError> {
    if let Some(slot) = try_take(backend, ctx, avoid) {
        return Ok((slot, asked));
    }
    let deadline = max_wait.map(|wait| Instant::now() + wait);
    let _queued = QueuedMark::new(&backend.counters);
    loop {
        if !backend.has_usable_server() {
            return Err(ProxyError::NoServer);
        }
        let mut woken = pin!(backend.queue().notified());
        // Registered before looking again, so a slot freed in between still wakes us.
        woken.as_mut().enable();
        if let Some(slot) = try_take(backend, ctx, avoid) {
            return Ok((slot, Instant::now()));
        }
        match deadline {
            Some(deadline) => {
                if tokio::time::timeout_at(deadline, woken).await.is_err() {
                    return Err(ProxyError::QueueTimeout);
                }
            }
            None => woken.await,
        }
    }
}

fn try_take(
    backend: &Arc<BackendState>,
    ctx: &PickCtx<'_>,
    avoid: Option<ServerId>,
) -> Option<QueueSlot> {
    let server = backend.pick(ctx, avoid)?;
    let slot = server.try_acquire()?;
    backend.counters.open_session();
    Some(QueueSlot {
        server,
        slot: Some(slot),
        backend: Arc::clone(backend),
    })
}

/// Counts a request in the backend's current queue for as long as it lives.
struct QueuedMark<'a>(&'a Counters);

impl<'a> QueuedMark<'a> {
    fn new(counters: &'a Counters) -> QueuedMark<'a> {
        counters.enter_queue();
        QueuedMark(counters)
    }
}

impl Drop for QueuedMark<'_> {
    fn drop(&mut self) {
        self.0.leave_queue();
    }
}
