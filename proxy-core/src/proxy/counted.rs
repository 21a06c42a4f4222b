//! Byte counting and timings of the messages exchanged with a server: the heads (as HTTP/1.1
//! writes them) and each data frame of the bodies add their length to the server's and the
//! backend's `bin` (requests) or `bout` (responses), two relaxed atomic additions each, as HAProxy
//! counts whole messages; when the response is finished the request's queue, response and total
//! times go into their `qtime`/`rtime`/`ttime` averages.

use super::body::OnData;
use crate::runtime::{BackendState, Counters, RequestTimes, ServerState};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
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

    /// Counts `len` bytes going `direction`.
    pub(crate) fn count(&self, direction: Direction, len: u64) {
        for counters in self.counters() {
            Counters::add(counter(counters, direction), len);
        }
    }
}

fn counter(counters: &Counters, direction: Direction) -> &AtomicU64 {
    match direction {
        Direction::ToServer => &counters.bytes_in,
        Direction::ToClient => &counters.bytes_out,
    }
}

/// Counts the data bytes of a body going `direction` on `target`, with `head` bytes (its
/// message's head) added to the first count; for a response body, also records the request's
/// times on `target` when dropped (once the response is sent or abandoned), so that one owner
/// of the server and backend serves both.
#[derive(Debug)]
pub(crate) struct CountOn {
    pub(crate) target: Target,
    pub(crate) direction: Direction,
    /// Bytes not counted yet: the head's, until the first data.
    pub(crate) head: u64,
    pub(crate) then_times: Option<Times>,
}

impl OnData for CountOn {
    fn on_data(&mut self, len: u64) {
        self.target
            .count(self.direction, std::mem::take(&mut self.head) + len);
    }
}

impl Drop for CountOn {
    fn drop(&mut self) {
        if self.head > 0 {
            self.target.count(self.direction, self.head);
        }
        if let Some(times) = &self.then_times {
            times.record(&self.target);
        }
    }
}

/// A request's times, from when it reached the backend.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Times {
    /// When the request reached the backend.
    pub(crate) started: Instant,
    pub(crate) queue: Duration,
    pub(crate) connect: Duration,
    pub(crate) response: Duration,
}

impl Times {
    /// Records the times, the total ending now, on `target`'s server and backend.
    fn record(&self, target: &Target) {
        let times = RequestTimes {
            queue: RequestTimes::millis(self.queue),
            connect: RequestTimes::millis(self.connect),
            response: RequestTimes::millis(self.response),
            total: RequestTimes::millis(self.started.elapsed()),
        };
        for counters in target.counters() {
            counters.times.record(times);
        }
    }
}

/// Records a request's times on its server and backend when dropped (with a tunnel, once it
/// has ended).
#[derive(Debug)]
pub(crate) struct TimesOnDrop {
    pub(crate) target: Target,
    pub(crate) times: Times,
}

impl Drop for TimesOnDrop {
    fn drop(&mut self) {
        self.times.record(&self.target);
    }
}
