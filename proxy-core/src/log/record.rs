//! What one access-log line says about one request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

/// The facts of one request, filled by the data path and rendered by a [`super::Format`].
#[derive(Debug, Clone)]
pub(crate) struct LogRecord {
    /// The client's address (`%ci:%cp`), when known.
    pub(crate) client: Option<SocketAddr>,
    /// When the request head was complete (`%tr`).
    pub(crate) accepted: SystemTime,
    /// `%ft`.
    pub(crate) frontend: Arc<str>,
    /// `%b`; `None` when no backend took the request.
    pub(crate) backend: Option<String>,
    /// `%s`; `None` when no server was reached (`<NOSRV>`).
    pub(crate) server: Option<String>,
    /// `%Tw`: milliseconds in the queue.
    pub(crate) queue_ms: i64,
    /// `%Tc`: milliseconds to connect to the server; 0 on a reused connection, -1 without one.
    pub(crate) connect_ms: i64,
    /// `%Tr`: milliseconds from sending the request to the response head; -1 without one.
    pub(crate) response_ms: i64,
    /// `%Ta`: milliseconds from the request head to the end of the response.
    pub(crate) total_ms: i64,
    /// `%ST`.
    pub(crate) status: u16,
    /// `%B`: response body bytes sent to the client.
    pub(crate) bytes: u64,
    /// `%tsc`: HAProxy's four termination-state characters.
    pub(crate) termination: &'static str,
    /// `%ac`, `%fc`, `%bc`, `%sc`: connections of the process, the frontend, the backend and
    /// the server when the request ended.
    pub(crate) process_conns: u64,
    pub(crate) frontend_conns: u64,
    pub(crate) backend_conns: u64,
    pub(crate) server_conns: u64,
    /// `%rc`: connection retries.
    pub(crate) retries: u32,
    /// `%sq`, `%bq`: requests queued on the server and the backend.
    pub(crate) server_queue: u64,
    pub(crate) backend_queue: u64,
    /// `%HM`, `%HU`, `%HV`.
    pub(crate) method: String,
    pub(crate) uri: String,
    pub(crate) version: String,
}
