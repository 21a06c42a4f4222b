//! Passive observation (`observe layer4|layer7`): the data path reports each request's outcome
//! to its server; `error-limit` consecutive errors raise an alarm that the server's health
//! checker turns into the `on-error` action.
//!
//! HAProxy equivalent: `health_adjust()` in `src/check.c`. Reporting is two relaxed atomic
//! operations; only reaching the limit wakes the checker, so the request path never waits.

use crate::model::Observe;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use tokio::sync::Notify;

/// What happened to one request on a server, as the data path saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The connection could not be established.
    ConnectFailed,
    /// The server closed the connection or sent an invalid response head.
    BadResponse,
    /// `timeout server` elapsed before the response head.
    Timeout,
    /// A response head arrived with this status.
    Status(u16),
}

impl Outcome {
    /// Whether `mode` counts this outcome as an error; any other outcome resets the count.
    fn is_error(self, mode: Observe) -> bool {
        match (mode, self) {
            (_, Outcome::ConnectFailed) => true,
            // Anything after the connection means layer 4 worked.
            (Observe::Layer4, _) => false,
            (Observe::Layer7, Outcome::BadResponse | Outcome::Timeout) => true,
            (Observe::Layer7, Outcome::Status(status)) => {
                (500..600).contains(&status) && status != 501 && status != 505
            }
        }
    }

    fn code(self) -> u8 {
        match self {
            Outcome::ConnectFailed => 1,
            Outcome::BadResponse => 2,
            Outcome::Timeout => 3,
            Outcome::Status(_) => 4,
        }
    }

    fn describe(code: u8) -> &'static str {
        match code {
            1 => "L4 unsuccessful connection",
            2 => "Invalid http response",
            3 => "Read timeout (http)",
            _ => "Wrong http response",
        }
    }
}

/// A server's passive-observation state.
#[derive(Debug)]
pub(crate) struct Observer {
    mode: Option<Observe>,
    limit: u32,
    consecutive: AtomicU32,
    last_error: AtomicU8,
    alarm: Notify,
}

impl Observer {
    pub(crate) fn new(mode: Option<Observe>, limit: u32) -> Observer {
        Observer {
            mode,
            limit: limit.max(1),
            consecutive: AtomicU32::new(0),
            last_error: AtomicU8::new(0),
            alarm: Notify::new(),
        }
    }

    /// Counts `outcome`; raises the alarm when the limit of consecutive errors is reached.
    pub(crate) fn report(&self, outcome: Outcome) {
        let Some(mode) = self.mode else { return };
        if !outcome.is_error(mode) {
            self.consecutive.store(0, Ordering::Relaxed);
            return;
        }
        self.last_error.store(outcome.code(), Ordering::Relaxed);
        let seen = self.consecutive.fetch_add(1, Ordering::Relaxed) + 1;
        if seen == self.limit {
            // `notify_one` keeps a permit if the checker is busy probing.
            self.alarm.notify_one();
        }
    }

    /// Waits for the alarm, then returns HAProxy's description of it and clears the count.
    pub(crate) async fn alarm(&self) -> String {
        self.alarm.notified().await;
        let seen = self.consecutive.swap(0, Ordering::Relaxed);
        let last = Outcome::describe(self.last_error.load(Ordering::Relaxed));
        format!("Detected {seen} consecutive errors, last one was: {last}")
    }

    /// Forgets the errors seen so far (a check passed).
    pub(crate) fn clear(&self) {
        self.consecutive.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer7_counts_5xx_but_not_501_505_or_4xx() {
        let error = |status| Outcome::Status(status).is_error(Observe::Layer7);
        assert!(error(500));
        assert!(error(503));
        assert!(!error(501));
        assert!(!error(505));
        assert!(!error(404));
    }

    #[test]
    fn layer4_counts_only_connection_failures() {
        assert!(Outcome::ConnectFailed.is_error(Observe::Layer4));
        assert!(!Outcome::Status(500).is_error(Observe::Layer4));
        assert!(!Outcome::Timeout.is_error(Observe::Layer4));
    }

    #[tokio::test]
    async fn the_alarm_rings_at_the_limit_and_a_success_resets_the_count() {
        let observer = Observer::new(Some(Observe::Layer7), 3);
        observer.report(Outcome::Status(500));
        observer.report(Outcome::Status(500));
        observer.report(Outcome::Status(200));
        observer.report(Outcome::Status(502));
        observer.report(Outcome::Status(502));
        observer.report(Outcome::BadResponse);
        let text = observer.alarm().await;
        assert_eq!(
            text,
            "Detected 3 consecutive errors, last one was: Invalid http response"
        );
    }
}
