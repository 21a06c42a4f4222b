//! Request timings averaged over the last 1024 requests: HAProxy's `qtime`, `ctime`, `rtime`
//! and `ttime` columns. A request sent on a reused upstream connection counts a connect time of
//! zero, as in HAProxy.
//!
//! HAProxy keeps a sliding sum per timing (`swrate_add_dynamic` in `freq_ctr.h`): while fewer
//! than 1024 samples were seen the sum simply accumulates and the average is `sum / samples`;
//! afterwards each new sample first removes one 1024th of the sum. The average is rounded up.
//! Each update is one compare-and-swap loop on an atomic, so the data path never blocks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How many recent samples the averages cover (HAProxy's `TIME_STATS_SAMPLES`).
pub const TIME_SAMPLES: u64 = 1024;

/// The timings of one finished request, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestTimes {
    /// Waiting for a server slot (`qtime`).
    pub queue: u64,
    /// Connecting to the server; zero on a reused connection (`ctime`).
    pub connect: u64,
    /// From sending the request to the response head (`rtime`).
    pub response: u64,
    /// From receiving the request to the end of the response (`ttime`).
    pub total: u64,
}

impl RequestTimes {
    /// Milliseconds in `duration`, saturating.
    pub fn millis(duration: Duration) -> u64 {
        u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
    }
}

/// The sliding averages of a backend or a server.
#[derive(Debug, Default)]
pub struct TimeAverages {
    samples: AtomicU64,
    queue: AtomicU64,
    connect: AtomicU64,
    response: AtomicU64,
    total: AtomicU64,
}

/// Adds `value` to the sliding sum `sum` of a window of `window` samples (0: no decay yet).
/// A sum the sample leaves as it is (a zero sum and a zero sample, or a sample equal to the
/// decay) is not written: that costs no atomic read-modify-write.
fn slide(sum: &AtomicU64, window: u64, value: u64) {
    let _ = sum.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
        let decay = old
            .saturating_add(window.saturating_sub(1))
            .checked_div(window)
            .unwrap_or(0);
        let new = old.saturating_sub(decay).saturating_add(value);
        (new != old).then_some(new)
    });
}

impl TimeAverages {
    /// Adds one request's timings.
    pub fn record(&self, times: RequestTimes) {
        let seen = self.samples.fetch_add(1, Ordering::Relaxed);
        let window = if seen >= TIME_SAMPLES {
            TIME_SAMPLES
        } else {
            0
        };
        slide(&self.queue, window, times.queue);
        slide(&self.connect, window, times.connect);
        slide(&self.response, window, times.response);
        slide(&self.total, window, times.total);
    }

    fn average(&self, sum: &AtomicU64) -> u64 {
        let samples = self.samples.load(Ordering::Relaxed).min(TIME_SAMPLES);
        if samples == 0 {
            return 0;
        }
        sum.load(Ordering::Relaxed).saturating_add(samples - 1) / samples
    }

    /// The averages in milliseconds; zeros before any request.
    pub fn averages(&self) -> RequestTimes {
        RequestTimes {
            queue: self.average(&self.queue),
            connect: self.average(&self.connect),
            response: self.average(&self.response),
            total: self.average(&self.total),
        }
    }

    /// Forgets every sample (`clear counters all`).
    pub fn clear(&self) {
        for counter in [
            &self.samples,
            &self.queue,
            &self.connect,
            &self.response,
            &self.total,
        ] {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(total: u64) -> RequestTimes {
        RequestTimes {
            total,
            ..RequestTimes::default()
        }
    }

    #[test]
    fn few_samples_average_exactly_rounded_up() {
        let averages = TimeAverages::default();
        assert_eq!(averages.averages().total, 0);
        averages.record(times(10));
        averages.record(times(21));
        assert_eq!(averages.averages().total, 16);
    }

    #[test]
    fn past_the_window_old_samples_fade() {
        let averages = TimeAverages::default();
        for _ in 0..TIME_SAMPLES {
            averages.record(times(100));
        }
        assert_eq!(averages.averages().total, 100);
        for _ in 0..4 * TIME_SAMPLES {
            averages.record(times(0));
        }
        assert!(averages.averages().total < 5);
    }
}
