//! Byte counting and timings of the bodies exchanged with a server: each data frame adds its
//! length to the server's and the backend's `bin` (request bodies) or `bout` (response bodies),
//! two relaxed atomic additions per frame; when the response is finished the request's queue,
//! response and total times go into their `qtime`/`rtime`/`ttime` averages.

use crate::runtime::{BackendState, Counters, RequestTimes, ServerState};
use bytes::{Buf, Bytes};
use http_body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

/// Which way a body goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Direction {
    /// From the client to the server (`bin`).
    ToServer,
    /// From the server to the client (`bout`).
    ToClient,
}

/// The server and backend a body's bytes count on.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) backend: Arc<BackendState>,
    pub(crate) server: Arc<ServerState>,
}

impl Target {
    fn counters(&self) -> [&Counters; 2] {
        [&self.backend.counters, &self.server.counters]
    }
}

fn counter(counters: &Counters, direction: Direction) -> &AtomicU64 {
    match direction {
        Direction::ToServer => &counters.bytes_in,
        Direction::ToClient => &counters.bytes_out,
    }
}

pin_project_lite::pin_project! {
    /// `inner`, with the length of each data frame counted on `target`.
    pub(crate) struct Counted<B> {
        #[pin]
        inner: B,
        target: Target,
        direction: Direction,
    }
}

impl<B> Counted<B> {
    /// Counts the bytes of `inner` going `direction` on `target`.
    pub(crate) fn new(inner: B, target: Target, direction: Direction) -> Counted<B> {
        Counted {
            inner,
            target,
            direction,
        }
    }
}

impl<B: Body<Data = Bytes>> Body for Counted<B> {
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
                let n = u64::try_from(data.remaining()).unwrap_or(u64::MAX);
                for counters in this.target.counters() {
                    Counters::add(counter(counters, *this.direction), n);
                }
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

/// Records a request's times on its server and backend when dropped (with the response body,
/// once it is sent or abandoned).
#[derive(Debug)]
pub(crate) struct TimesOnDrop {
    pub(crate) target: Target,
    /// When the request reached the backend.
    pub(crate) started: Instant,
    pub(crate) queue: Duration,
    pub(crate) response: Duration,
}

impl Drop for TimesOnDrop {
    fn drop(&mut self) {
        let times = RequestTimes {
            queue: RequestTimes::millis(self.queue),
            response: RequestTimes::millis(self.response),
            total: RequestTimes::millis(self.started.elapsed()),
        };
        for counters in self.target.counters() {
            counters.times.record(times);
        }
    }
}
