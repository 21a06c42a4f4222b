//! Per-backend traffic counters: plain atomics written by the data path, read by stats.
//!
//! These are the first of HAProxy's `show stat` columns (`req_tot`, `hrsp_1xx`..`hrsp_5xx`,
//! `econ`, `wretr`, `wredis`, `qcur`) and the per-server `econ`, `wretr`, `wredis`; more arrive
//! with the stats module.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of one backend. Every field is updated with relaxed atomics: they are statistics,
/// not synchronisation.
#[derive(Debug, Default)]
pub struct BackendCounters {
    /// Requests sent to this backend (HAProxy's `req_tot`).
    pub requests: AtomicU64,
    /// Responses by status class: index 0 is 1xx ... index 4 is 5xx; index 5 counts other codes.
    responses: [AtomicU64; 6],
    /// Failed connection attempts to a server (HAProxy's `econ`).
    pub connect_errors: AtomicU64,
    /// Connection attempts tried again (HAProxy's `wretr`).
    pub retries: AtomicU64,
    /// Retries sent to another server (HAProxy's `wredis`).
    pub redispatches: AtomicU64,
    /// Requests waiting in the queue right now (HAProxy's `qcur`).
    pub queued: AtomicU64,
}

impl BackendCounters {
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

    /// Adds one to a counter.
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Counters of one server (HAProxy's per-server `econ`, `wretr`, `wredis`).
#[derive(Debug, Default)]
pub struct ServerCounters {
    /// Failed connection attempts to this server (`econ`).
    pub connect_errors: AtomicU64,
    /// Requests tried again on this server after a failure (`wretr`).
    pub retries: AtomicU64,
    /// Requests moved from this server to another one (`wredis`).
    pub redispatches: AtomicU64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_counted_by_status_class() {
        let counters = BackendCounters::default();
        counters.count_response(200);
        counters.count_response(204);
        counters.count_response(503);
        counters.count_response(999);
        assert_eq!(counters.responses(2), 2);
        assert_eq!(counters.responses(5), 1);
        assert_eq!(counters.responses(4), 0);
        assert_eq!(counters.responses(0), 1);
    }
}
