//! A monotonic process clock for statistics (rates, time since a state change).

use std::sync::OnceLock;
use std::time::Instant;

/// Milliseconds since the first time anything looked at this clock.
pub(crate) fn now_ms() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let elapsed = EPOCH.get_or_init(Instant::now).elapsed();
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}

/// Whole seconds of [`now_ms`].
pub(crate) fn now_secs() -> u64 {
    now_ms() / 1000
}
