//! Dates as access logs write them, in UTC: HAProxy's `22/Nov/2026:00:31:04.123` and syslog's
//! `Nov 22 00:31:04`.

use std::time::{SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A broken-down UTC time.
struct Civil {
    year: i64,
    month: usize,
    day: u32,
    hour: u64,
    minute: u64,
    second: u64,
    millis: u32,
}

fn civil(time: SystemTime) -> Civil {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month: usize::try_from(month - 1).unwrap_or(0),
        day,
        hour: rest / 3600,
        minute: rest % 3600 / 60,
        second: rest % 60,
        millis: since.subsec_millis(),
    }
}

/// `22/Nov/2026:00:31:04.123` (`%tr`, `%t`).
pub(crate) fn log_date(time: SystemTime) -> String {
    let c = civil(time);
    format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02}.{:03}",
        c.day, MONTHS[c.month], c.year, c.hour, c.minute, c.second, c.millis
    )
}

/// `Nov 22 00:31:04` (RFC 3164 timestamp).
pub(crate) fn syslog_date(time: SystemTime) -> String {
    let c = civil(time);
    format!(
        "{} {:>2} {:02}:{:02}:{:02}",
        MONTHS[c.month], c.day, c.hour, c.minute, c.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_written_as_haproxy_and_syslog_write_them() {
        // 2026-11-22 00:31:04.123 UTC
        let time = UNIX_EPOCH + Duration::from_millis(1_795_307_464_123);
        assert_eq!(log_date(time), "22/Nov/2026:00:31:04.123");
        assert_eq!(syslog_date(time), "Nov 22 00:31:04");
        assert_eq!(log_date(UNIX_EPOCH), "01/Jan/1970:00:00:00.000");
    }
}
