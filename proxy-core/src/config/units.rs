//! Numbers with units (HAProxy configuration manual §2.5) and "did you mean" suggestions.

use std::time::Duration;

/// Parses an HAProxy time: digits with an optional unit `us`, `ms`, `s`, `m`, `h` or `d`; a bare
/// number is milliseconds.
pub(crate) fn parse_time(text: &str) -> Result<Duration, String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let bad = || {
        format!(
            "invalid time '{text}' (expected a number with an optional unit: us, ms, s, m, h or d)"
        )
    };
    let value: u64 = number.parse().map_err(|_| bad())?;
    let micros_per_unit: u64 = match unit {
        "us" => 1,
        "" | "ms" => 1_000,
        "s" => 1_000_000,
        "m" => 60_000_000,
        "h" => 3_600_000_000,
        "d" => 86_400_000_000,
        _ => return Err(bad()),
    };
    let micros = value
        .checked_mul(micros_per_unit)
        .filter(|m| *m / 1_000 <= i32::MAX as u64)
        .ok_or_else(|| format!("time '{text}' is too large (HAProxy's limit is about 24 days)"))?;
    Ok(Duration::from_micros(micros))
}

/// Parses a decimal integer in `min..=max`.
pub(crate) fn parse_int(text: &str, min: u32, max: u32) -> Result<u32, String> {
    text.parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("expects an integer from {min} to {max}, got '{text}'"))
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = if word.chars().count() >= 8 { 3 } else { 2 };
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `" (did you mean 'x'?)"`, or nothing when no candidate is close.
pub(crate) fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates)
        .map(|best| format!(" (did you mean '{best}'?)"))
        .unwrap_or_default()
}

/// Levenshtein distance, counting an adjacent swap as one edit (so `sevrer` is 1 from `server`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_number_is_milliseconds() {
        assert_eq!(parse_time("2000").unwrap(), Duration::from_millis(2000));
    }

    #[test]
    fn every_time_unit_is_understood() {
        assert_eq!(parse_time("250us").unwrap(), Duration::from_micros(250));
        assert_eq!(parse_time("5000ms").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_time("50s").unwrap(), Duration::from_secs(50));
        assert_eq!(parse_time("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_time("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_time("1d").unwrap(), Duration::from_secs(86400));
    }

    #[test]
    fn bad_times_are_rejected_with_the_text() {
        for bad in ["", "s", "5x", "5 s", "-1", "1.5s"] {
            let error = parse_time(bad).unwrap_err();
            assert!(error.contains(&format!("'{bad}'")), "{error}");
        }
    }

    #[test]
    fn times_beyond_haproxys_limit_are_rejected() {
        assert!(parse_time("24d").is_ok());
        assert!(parse_time("25d").unwrap_err().contains("too large"));
    }

    #[test]
    fn integers_outside_their_range_are_rejected() {
        assert_eq!(parse_int("256", 0, 256).unwrap(), 256);
        assert_eq!(
            parse_int("257", 0, 256).unwrap_err(),
            "expects an integer from 0 to 256, got '257'"
        );
        assert!(parse_int("x", 0, 256).is_err());
    }

    #[test]
    fn typos_suggest_the_closest_keyword() {
        let keywords = ["server", "balance", "bind", "backend"];
        assert_eq!(did_you_mean("sevrer", keywords), Some("server"));
        assert_eq!(did_you_mean("balanse", keywords), Some("balance"));
        assert_eq!(did_you_mean("completely-different", keywords), None);
        assert_eq!(suggestion("bnid", keywords), " (did you mean 'bind'?)");
    }
}
