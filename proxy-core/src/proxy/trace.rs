//! What happened to a request on its way to a server, reported with the response for the
//! access log.

use crate::runtime::{BackendState, ServerState};
use std::sync::Arc;
use std::time::Duration;

/// The route and timings of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trace {
    /// The backend that took the request.
    pub(crate) backend: Option<Arc<BackendState>>,
    /// The last server tried.
    pub(crate) server: Option<Arc<ServerState>>,
    /// HAProxy's name for an answer the proxy made itself (`<STATS>`, `<PROMEX>`), logged in
    /// place of a server name.
    pub(crate) applet: Option<&'static str>,
    /// Time spent waiting for a server slot.
    pub(crate) queue: Duration,
    /// Time to connect to the server: zero on a reused connection, `None` when none was made.
    pub(crate) connect: Option<Duration>,
    /// From sending the request to its response head, when one came.
    pub(crate) response: Option<Duration>,
    /// Connection retries.
    pub(crate) retries: u32,
    /// HAProxy's termination state (`%tsc`): `----` when all went well.
    pub(crate) termination: &'static str,
}

impl Trace {
    /// The trace of a request no backend took (the fallback service answered it).
    pub(crate) fn unrouted() -> Trace {
        Trace {
            termination: "----",
            ..Trace::default()
        }
    }

    /// The response body ended early, as `termination` tells (`SD--`, `CD--`...); a state
    /// noted before (a failure before the response) is kept.
    pub(crate) fn end_in_data(&mut self, termination: &'static str) {
        if self.termination == "----" {
            self.termination = termination;
        }
    }
}
