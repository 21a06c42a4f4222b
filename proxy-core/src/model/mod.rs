//! The typed, immutable description of a Switchyard configuration.
//!
//! A [`Config`] is what `config::parse` + `config::validate` produce from an HAProxy-syntax file, and
//! what a Rust user can build directly with the builders. It holds no live state: no atomics, no
//! channels, no handles. `runtime::Runtime::from_model` turns it into live state. Every type is
//! serde-serialisable, so `switchyard -c -f FILE --dump` can print it as JSON.
//!
//! All references between sections (a `use_backend` target, an ACL name) are checked when the model
//! is validated: a `Config` that exists is consistent.

mod acl;
mod backend;
pub mod builder;
mod error_file;
mod frontend;
mod global;
mod health;
pub mod limits;
mod rules;

pub use acl::{Acl, AclTerm, Condition, Fetch, Matcher, Pattern};
pub use backend::{Backend, Balance, HashFunction, HashMethod, HashType, Server, UriHashOptions};
pub use builder::{BackendBuilder, BuildError, ConfigBuilder, FrontendBuilder, ServerBuilder};
pub use error_file::{ErrorAnswer, ErrorFile, ERROR_FILE_CODES, MAX_ERROR_FILE};
pub use frontend::{Bind, BindTls, Frontend, StatsPage, TlsVersion};
pub use global::{
    Account, Global, LogTarget, Logging, StatsLevel, StatsSocket, StatsSocketAddr,
    SYSLOG_FACILITIES, SYSLOG_LEVELS,
};
pub use health::{HealthCheck, HttpCheckRule, Observe, OnError, RetryOn, ServerCheck};
pub use rules::{
    ConnMode, FormatPart, ForwardFor, HeaderAction, HttpOptions, LogFormat, Redirect,
    RedirectTarget, RequestAction, RequestRule, ResponseRule, UseBackend,
};

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A whole configuration: the `global` section, every frontend and every backend.
///
/// A `listen` section contributes one [`Frontend`] and one [`Backend`] of the same name; the
/// frontend's `default_backend` is that backend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Process-wide settings (`global` section).
    pub global: Global,
    /// Listening proxies, in declaration order.
    pub frontends: Vec<Frontend>,
    /// Server pools, in declaration order.
    pub backends: Vec<Backend>,
}

impl Config {
    /// The backend called `name`, if any.
    pub fn backend(&self, name: &str) -> Option<&Backend> {
        self.backends.iter().find(|b| b.name == name)
    }

    /// The frontend called `name`, if any.
    pub fn frontend(&self, name: &str) -> Option<&Frontend> {
        self.frontends.iter().find(|f| f.name == name)
    }
}

/// The `timeout` values of a proxy. `None` means no timeout (HAProxy's default).
///
/// Frontends use `client`, `http_request` and `http_keep_alive`; backends use `connect`, `server`,
/// `queue` and `check`. A `defaults` section sets all of them; each proxy keeps the ones it uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeouts {
    /// `timeout client`: inactivity on the client side.
    pub client: Option<Duration>,
    /// `timeout http-request`: time allowed to receive a complete request head.
    pub http_request: Option<Duration>,
    /// `timeout http-keep-alive`: idle time allowed between two requests on one connection.
    pub http_keep_alive: Option<Duration>,
    /// `timeout connect`: time allowed to establish a connection to a server.
    pub connect: Option<Duration>,
    /// `timeout server`: inactivity on the server side (waiting for the response head or body).
    pub server: Option<Duration>,
    /// `timeout queue`: time a request may wait in a queue for a free server slot.
    pub queue: Option<Duration>,
    /// `timeout check`: extra time allowed for a health check's response once connected.
    pub check: Option<Duration>,
    /// `timeout tunnel`: inactivity allowed on an upgraded connection (WebSocket) in both
    /// directions; without it, `timeout server` applies.
    pub tunnel: Option<Duration>,
}
