//! Events per second over a sliding second, as HAProxy's `freq_ctr`: the count of the current
//! second plus the previous second's count weighted by how much of it the sliding window still
//! covers. Lock-free; a race at a second boundary may lose a tick, which a statistic tolerates.

use super::clock::coarse_ms;
use super::counters::raise;
use std::sync::atomic::{AtomicU64, Ordering};

/// A per-second event rate and the highest rate seen.
#[derive(Debug, Default)]
pub struct Rate {
    /// The second (of [`coarse_ms`], plus one) that `current` counts; 0 = none yet.
    second: AtomicU64,
    current: AtomicU64,
    previous: AtomicU64,
    max: AtomicU64,
}

impl Rate {
    /// Counts one event now.
    pub fn tick(&self) {
        self.tick_at(coarse_ms());
    }

    /// Counts one event at `now` (milliseconds of [`coarse_ms`]), for a caller that read
    /// the clock already.
    pub(super) fn tick_at(&self, now: u64) {
        let second = now / 1000 + 1;
        let seen = self.second.load(Ordering::Acquire);
        if seen != second
            && self
                .second
                .compare_exchange(seen, second, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            let ended = self.current.swap(0, Ordering::AcqRel);
            let carried = if seen + 1 == second { ended } else { 0 };
            self.previous.store(carried, Ordering::Release);
        }
        self.current.fetch_add(1, Ordering::AcqRel);
        raise(&self.max, self.read_at(now));
    }

    /// Events over the last second.
    pub fn read(&self) -> u64 {
        self.read_at(coarse_ms())
    }

    fn read_at(&self, now: u64) -> u64 {
        let second = now / 1000 + 1;
        let left = 1000 - now % 1000;
        let seen = self.second.load(Ordering::Acquire);
        let current = self.current.load(Ordering::Acquire);
        if seen == second {
            current + self.previous.load(Ordering::Acquire) * left / 1000
        } else if seen + 1 == second {
            current * left / 1000
        } else {
            0
        }
    }

    /// The highest rate seen since start or the last [`Rate::clear_max`].
    pub fn max(&self) -> u64 {
        self.max.load(Ordering::Relaxed)
    }

    /// Restarts the maximum from the current rate (`clear counters`).
    pub fn clear_max(&self) {
        self.max.store(self.read(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_in_the_current_second_are_the_rate() {
        let rate = Rate::default();
        for _ in 0..5 {
            rate.tick();
        }
        // The second may turn between ticks; the count is then split, never lost entirely.
        assert!((1..=5).contains(&rate.read()));
        assert!(rate.max() >= 1);
    }

    #[test]
    fn an_unused_rate_reads_zero() {
        assert_eq!(Rate::default().read(), 0);
    }
}
