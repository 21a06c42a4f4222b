//! The client-side timeouts of a frontend, and the deadline of each wait for a request.

use crate::proxy::ErrorPages;
use bytes::Bytes;
use std::time::Duration;
use tokio::time::Instant;

/// The client-side timeouts of a frontend, with the pages sent when a request head is late or
/// malformed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientTimeouts {
    /// Until the whole request head is received (408 when it elapses).
    pub(crate) request: Option<Duration>,
    /// Idle time between requests (silent close).
    pub(crate) keep_alive: Option<Duration>,
    /// Client inactivity (silent close or cut).
    pub(crate) client: Option<Duration>,
    /// What is written when `request` elapses: the 408 page (the `errorfile 408` one if any),
    /// or nothing (an empty `errorfile 408`).
    pub(crate) request_timeout_page: Bytes,
    /// What is written to a malformed request: the 400 page (the `errorfile 400` one if any).
    pub(crate) bad_request_page: Bytes,
}

/// Which wait for a request head a connection is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wait {
    /// For the connection's first request.
    First,
    /// Between two requests.
    KeepAlive,
}

/// What happens when a wait's deadline passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expiry {
    Answer408,
    Close,
}

impl ClientTimeouts {
    /// The timeouts of a frontend, with its error pages.
    pub(crate) fn of(timeouts: &crate::model::Timeouts, pages: &ErrorPages) -> ClientTimeouts {
        ClientTimeouts {
            request: timeouts.http_request,
            keep_alive: timeouts.http_keep_alive,
            client: timeouts.client,
            request_timeout_page: pages.request_timeout_bytes(),
            bad_request_page: pages.bad_request_bytes(),
        }
    }

    /// The deadline of a wait for a request head of which nothing has come since `since`.
    pub(super) fn waiting(&self, wait: Wait, since: Instant) -> Option<(Instant, Expiry)> {
        match wait {
            Wait::First => self.receiving_head(since),
            Wait::KeepAlive => self
                .keep_alive
                .or(self.request)
                .or(self.client)
                .map(|limit| (since + limit, Expiry::Close)),
        }
    }

    /// The deadline of a request head whose first bytes came at `since`.
    pub(super) fn receiving_head(&self, since: Instant) -> Option<(Instant, Expiry)> {
        match self.request {
            Some(limit) => Some((since + limit, Expiry::Answer408)),
            None => self.client.map(|limit| (since + limit, Expiry::Close)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keep_alive_wait_falls_back_to_the_request_then_the_client_timeout_and_closes() {
        let now = Instant::now();
        let second = Duration::from_secs(1);
        let mut timeouts = ClientTimeouts {
            client: Some(3 * second),
            ..ClientTimeouts::default()
        };
        assert_eq!(
            timeouts.waiting(Wait::KeepAlive, now),
            Some((now + 3 * second, Expiry::Close))
        );
        assert_eq!(
            timeouts.waiting(Wait::First, now),
            Some((now + 3 * second, Expiry::Close))
        );
        timeouts.request = Some(2 * second);
        assert_eq!(
            timeouts.waiting(Wait::KeepAlive, now),
            Some((now + 2 * second, Expiry::Close))
        );
        assert_eq!(
            timeouts.waiting(Wait::First, now),
            Some((now + 2 * second, Expiry::Answer408))
        );
        timeouts.keep_alive = Some(second);
        assert_eq!(
            timeouts.waiting(Wait::KeepAlive, now),
            Some((now + second, Expiry::Close))
        );
        assert_eq!(ClientTimeouts::default().receiving_head(now), None);
    }
}
