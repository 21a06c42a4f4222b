//! Traffic counters of a frontend, a backend or a server: plain atomics written by the data path,
//! read by stats (HAProxy's `show stat` columns `scur`, `smax`, `stot`, `req_tot`, `hrsp_*`,
//! `dreq`, `ereq`, `econ`, `eresp`, `wretr`, `wredis`, `qcur`, `qmax`, `bin`, `bout`, `lastsess`,
//! the per-second rates and the `qtime`/`rtime`/`ttime` averages).

use super::clock::coarse_ms;
use super::rate::Rate;
use super::timing::TimeAverages;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of one proxy or server. Every field is updated with relaxed atomics: they are
/// statistics, not synchronisation. Which fields a row of `show stat` shows depends on its type.
#[derive(Debug, Default)]
pub struct Counters {
    /// Sessions open now (HAProxy's `scur`): connections on a frontend, requests being served
    /// on a backend or a server.
    pub current: AtomicU64,
    /// Highest `current` seen (`smax`).
    pub max_current: AtomicU64,
    /// Sessions since start (`stot`).
    pub total: AtomicU64,
    /// Sessions started over the last second (`rate`, `rate_max`).
    pub session_rate: Rate,
    /// HTTP requests (`req_tot`), with their rate (`req_rate`, `req_rate_max`).
    pub requests: AtomicU64,
    /// Requests started over the last second.
    pub request_rate: Rate,
    /// Responses by status class: index 0 is 1xx ... index 4 is 5xx; index 5 counts other codes.
    responses: [AtomicU64; 6],
    /// Bytes received from clients (`bin`).
    pub bytes_in: AtomicU64,
    /// Bytes sent to clients (`bout`).
    pub bytes_out: AtomicU64,
    /// Failed connection attempts to a server (`econ`).
    pub connect_errors: AtomicU64,
    /// Invalid, cut or timed-out server responses (`eresp`).
    pub response_errors: AtomicU64,
    /// Connection attempts tried again (`wretr`).
    pub retries: AtomicU64,
    /// Retries sent to another server (`wredis`).
    pub redispatches: AtomicU64,
    /// Requests waiting in the queue right now (`qcur`).
    pub queued: AtomicU64,
    /// Highest `queued` seen (`qmax`).
    pub max_queued: AtomicU64,
    /// Requests refused by an `http-request deny` rule (`dreq`).
    pub denied_requests: AtomicU64,
    /// Requests that could not be read: malformed (400) or too slow (408) (`ereq`).
    pub request_errors: AtomicU64,
    /// Queue, response and total times of the last 1024 requests (`qtime`, `rtime`, `ttime`).
    pub times: TimeAverages,
    /// When the last session started, in seconds on the process clock plus one; 0 = never.
    last_session: AtomicU64,
}

/// Raises the maximum `max` to `value` if it is higher. Most events leave a maximum as it is:
/// only those that raise it pay for an atomic read-modify-write.
pub(super) fn raise(max: &AtomicU64, value: u64) {
    if value > max.load(Ordering::Relaxed) {
        max.fetch_max(value, Ordering::Relaxed);
    }
}

impl Counters {
    /// Counts one response with this status code.
    pub fn count_response(&self, status: u16) {
        let class = match status {
            100..=599 => usize::from(status / 100 - 1),
            _ => 5,
        };
        self.responses[class].fetch_add(1, Ordering::Relaxed);
    }

    /// Responses counted with a status of class `class` (1 to 5, e.g. 5 for 5xx); 0 for others.
    pub fn responses(&self, class: u8) -> u64 {
        let index = match class {
            1..=5 => usize::from(class - 1),
            _ => 5,
        };
        self.responses[index].load(Ordering::Relaxed)
    }

    /// Counts one HTTP request and its rate.
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.request_rate.tick();
    }

    /// A session starts: `current`, `max_current`, `total` and the session rate move.
    pub fn open_session(&self) {
        let now = self.current.fetch_add(1, Ordering::Relaxed) + 1;
        raise(&self.max_current, now);
        self.total.fetch_add(1, Ordering::Relaxed);
        // One reading of the clock for both.
        let now = coarse_ms();
        self.session_rate.tick_at(now);
        self.last_session.store(now / 1000 + 1, Ordering::Relaxed);
    }

    /// Seconds since the last session started (`lastsess`); `None` if none has.
    pub fn last_session_age(&self) -> Option<u64> {
        match self.last_session.load(Ordering::Relaxed) {
            0 => None,
            started => Some((coarse_ms() / 1000 + 1).saturating_sub(started)),
        }
    }

    /// A session ends.
    pub fn close_session(&self) {
        // Saturating: a `clear counters all` while sessions are open must not wrap around.
        let _ = self
            .current
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }

    /// A request enters the queue.
    pub fn enter_queue(&self) {
        let now = self.queued.fetch_add(1, Ordering::Relaxed) + 1;
        raise(&self.max_queued, now);
    }

    /// A request leaves the queue.
    pub fn leave_queue(&self) {
        let _ = self
            .queued
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }

    /// HAProxy's `clear counters`: the maximums restart from the current values; with `all`,
    /// every cumulative counter restarts from zero too. Gauges (`current`, `queued`) are kept.
    pub fn clear(&self, all: bool) {
        let current = self.current.load(Ordering::Relaxed);
        self.max_current.store(current, Ordering::Relaxed);
        self.max_queued
            .store(self.queued.load(Ordering::Relaxed), Ordering::Relaxed);
        self.session_rate.clear_max();
        self.request_rate.clear_max();
        if !all {
            return;
        }
        let cumulative = [
            &self.total,
            &self.requests,
            &self.bytes_in,
            &self.bytes_out,
            &self.connect_errors,
            &self.response_errors,
            &self.retries,
            &self.redispatches,
            &self.denied_requests,
            &self.request_errors,
            &self.last_session,
        ];
        self.times.clear();
        for counter in cumulative.into_iter().chain(&self.responses) {
            counter.store(0, Ordering::Relaxed);
        }
    }

    /// Adds one to a counter.
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds `n` to a counter.
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_counted_by_status_class() {
        let counters = Counters::default();
        counters.count_response(200);
        counters.count_response(204);
        counters.count_response(503);
        counters.count_response(999);
        assert_eq!(counters.responses(2), 2);
        assert_eq!(counters.responses(5), 1);
        assert_eq!(counters.responses(4), 0);
        assert_eq!(counters.responses(0), 1);
    }

    #[test]
    fn sessions_track_current_max_and_total() {
        let counters = Counters::default();
        counters.open_session();
        counters.open_session();
        counters.close_session();
        assert_eq!(counters.current.load(Ordering::Relaxed), 1);
        assert_eq!(counters.max_current.load(Ordering::Relaxed), 2);
        assert_eq!(counters.total.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn clear_resets_maximums_and_clear_all_resets_totals() {
        let counters = Counters::default();
        counters.open_session();
        counters.open_session();
        counters.close_session();
        counters.count_response(200);
        counters.clear(false);
        assert_eq!(counters.max_current.load(Ordering::Relaxed), 1);
        assert_eq!(counters.total.load(Ordering::Relaxed), 2);
        counters.clear(true);
        assert_eq!(counters.total.load(Ordering::Relaxed), 0);
        assert_eq!(counters.responses(2), 0);
        assert_eq!(counters.current.load(Ordering::Relaxed), 1);
    }
}
