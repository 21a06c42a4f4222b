//! What health checks publish about a server, named after HAProxy's `show stat` columns:
//! `status` (with the transitional `UP 1/3` and `DOWN 1/2`), `check_status`, `check_code`,
//! `check_duration`, `check_desc`, `chkfail`, `chkdown`, `hanafail`, `lastchg` and `downtime`.
//!
//! Only the health checker writes these (through [`super::ServerState`]); stats read a copy with
//! [`super::ServerState::check_info`]. None of it is on the request path.

use crate::model;
use std::time::Duration;
use tokio::time::Instant;

/// The result of a server's last check: HAProxy's `check_status` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// `INI`: no check has finished yet.
    Init,
    /// `L4OK`: the TCP connection was accepted (TCP check passed).
    L4Ok,
    /// `L4TOUT`: the TCP connection was not established in time.
    L4Timeout,
    /// `L4CON`: the TCP connection failed (refused, unreachable).
    L4Conn,
    /// `L7OK`: the HTTP check passed.
    L7Ok,
    /// `L7TOUT`: no complete HTTP response in time.
    L7Timeout,
    /// `L7RSP`: the response was not valid HTTP, or its body did not match `http-check expect`.
    L7Response,
    /// `L7STS`: the HTTP status did not match (`check_code` holds it).
    L7Status,
    /// `HANA`: live traffic errors (`observe`) failed the server.
    Hana,
}

impl CheckStatus {
    /// The code as HAProxy's `check_status` column writes it, e.g. `L7STS`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Init => "INI",
            CheckStatus::L4Ok => "L4OK",
            CheckStatus::L4Timeout => "L4TOUT",
            CheckStatus::L4Conn => "L4CON",
            CheckStatus::L7Ok => "L7OK",
            CheckStatus::L7Timeout => "L7TOUT",
            CheckStatus::L7Response => "L7RSP",
            CheckStatus::L7Status => "L7STS",
            CheckStatus::Hana => "HANA",
        }
    }

    /// HAProxy's description, used as the `reason` of state-change logs.
    pub fn description(self) -> &'static str {
        match self {
            CheckStatus::Init => "Initializing",
            CheckStatus::L4Ok => "Layer4 check passed",
            CheckStatus::L4Timeout => "Layer4 timeout",
            CheckStatus::L4Conn => "Layer4 connection problem",
            CheckStatus::L7Ok => "Layer7 check passed",
            CheckStatus::L7Timeout => "Layer7 timeout",
            CheckStatus::L7Response => "Layer7 invalid response",
            CheckStatus::L7Status => "Layer7 wrong status",
            CheckStatus::Hana => "Health analyze",
        }
    }

    /// Whether this result counts as a passed check.
    pub fn passed(self) -> bool {
        matches!(self, CheckStatus::L4Ok | CheckStatus::L7Ok)
    }
}

/// A copy of a server's check fields. Get one with [`super::ServerState::check_info`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInfo {
    /// `check_status`: the last check's result.
    pub check_status: CheckStatus,
    /// `check_code`: the HTTP status of the last HTTP check, if one was received.
    pub check_code: Option<u16>,
    /// `check_duration`: how long the last check took; `None` before the first one.
    pub check_duration: Option<Duration>,
    /// `check_desc`: a human-readable detail of the last result (e.g. the reason phrase).
    pub check_desc: String,
    /// Transitional progress `(n, m)`: `n` of `m` checks seen toward the other state, as the
    /// `status` column shows it (`UP 1/3`, `DOWN 1/2`); `None` when the state is settled.
    pub progress: Option<(u32, u32)>,
    /// `chkfail`: failed checks while the server was not yet DOWN.
    pub chkfail: u64,
    /// `chkdown`: UP to DOWN transitions.
    pub chkdown: u64,
    /// `hanafail`: times observed live-traffic errors reached `error-limit`.
    pub hanafail: u64,
    /// When the server last changed between UP and DOWN (or started).
    pub last_change: Instant,
    /// Time spent DOWN before the current DOWN period, if any.
    pub down_before: Duration,
    /// When the current DOWN period started; `None` while UP.
    pub down_since: Option<Instant>,
}

impl CheckInfo {
    /// Fields of a server that starts UP with no check run yet. A checked server starts one
    /// failure away from DOWN (`UP 1/<fall>`), as in HAProxy.
    pub(crate) fn new(now: Instant, check: &model::ServerCheck) -> CheckInfo {
        CheckInfo {
            check_status: CheckStatus::Init,
            check_code: None,
            check_duration: None,
            check_desc: String::new(),
            progress: (check.enabled && check.fall > 1).then_some((1, check.fall)),
            chkfail: 0,
            chkdown: 0,
            hanafail: 0,
            last_change: now,
            down_before: Duration::ZERO,
            down_since: None,
        }
    }

    /// `lastchg`: time since the last UP/DOWN change, at `now`.
    pub fn lastchg(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.last_change)
    }

    /// `downtime`: total time spent DOWN, at `now`.
    pub fn downtime(&self, now: Instant) -> Duration {
        self.down_before
            + self
                .down_since
                .map_or(Duration::ZERO, |since| now.saturating_duration_since(since))
    }

    /// HAProxy's `check_health` level for a server that is `up`: 0 to `rise - 1` while DOWN,
    /// `rise` to `rise + fall - 1` while UP, the top when settled UP.
    pub fn health(&self, up: bool, rise: u32, fall: u32) -> u32 {
        match (up, self.progress) {
            (true, Some((seen, _))) => seen + rise.saturating_sub(1),
            (true, None) => (rise + fall).saturating_sub(1),
            (false, Some((seen, _))) => seen,
            (false, None) => 0,
        }
    }

    /// Records a change between UP and DOWN at `now`.
    pub(crate) fn record_change(&mut self, up: bool, now: Instant) {
        self.last_change = now;
        if up {
            if let Some(since) = self.down_since.take() {
                self.down_before += now.saturating_duration_since(since);
            }
        } else {
            self.chkdown += 1;
            self.down_since = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_level_follows_haproxy_s_scale() {
        let mut info = CheckInfo::new(Instant::now(), &model::ServerCheck::default());
        assert_eq!(info.health(true, 2, 3), 4);
        info.progress = Some((1, 3));
        assert_eq!(info.health(true, 2, 3), 2);
        info.progress = Some((1, 2));
        assert_eq!(info.health(false, 2, 3), 1);
        info.progress = None;
        assert_eq!(info.health(false, 2, 3), 0);
    }

    #[test]
    fn downtime_adds_every_down_period_until_now() {
        let start = Instant::now();
        let mut info = CheckInfo::new(start, &model::ServerCheck::default());
        info.record_change(false, start + Duration::from_secs(10));
        info.record_change(true, start + Duration::from_secs(15));
        info.record_change(false, start + Duration::from_secs(20));
        let now = start + Duration::from_secs(22);
        assert_eq!(info.downtime(now), Duration::from_secs(7));
        assert_eq!(info.lastchg(now), Duration::from_secs(2));
        assert_eq!(info.chkdown, 2);
    }
}
