//! A cheap clock for what needs no better than a few milliseconds: per-second rates, the age
//! of idle connections. The kernel keeps it at each tick (4 ms at 250 Hz); reading it costs
//! about 3 ns, where the precise monotonic clock costs about 22 ns (measured on the benchmark
//! machine), and a request would read it six times. Timers, log timings and statistics'
//! times keep the precise clock.

/// Milliseconds on a monotonic clock of kernel-tick resolution; only differences mean
/// anything.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub(crate) fn coarse_ms() -> u64 {
    use rustix::time::{clock_gettime, ClockId};
    let now = clock_gettime(ClockId::MonotonicCoarse);
    let seconds = u64::try_from(now.tv_sec).unwrap_or(0);
    let millis = u64::try_from(now.tv_nsec / 1_000_000).unwrap_or(0);
    seconds * 1000 + millis
}

/// Milliseconds on a monotonic clock; only differences mean anything.
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub(crate) fn coarse_ms() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let elapsed = EPOCH.get_or_init(Instant::now).elapsed();
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_clock_moves_with_time_within_its_resolution() {
        let before = coarse_ms();
        std::thread::sleep(Duration::from_millis(50));
        let waited = coarse_ms() - before;
        assert!((40..1000).contains(&waited), "{waited} ms");
    }
}
