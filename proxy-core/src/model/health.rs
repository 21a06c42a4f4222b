//! Health-check settings: active checks (`check`, `option httpchk`, `http-check`), passive
//! observation (`observe`, `error-limit`, `on-error`), `slowstart` and `retry-on`.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A server's health-check settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerCheck {
    /// `check`: checks are on. Default is off.
    pub enabled: bool,
    /// `inter`: time between two checks. Default is 2s.
    pub inter: Duration,
    /// `fastinter`: time between checks while the state is changing. Default is `inter`.
    pub fastinter: Option<Duration>,
    /// `downinter`: time between checks while DOWN. Default is `inter`.
    pub downinter: Option<Duration>,
    /// `rise`: consecutive successes that make a DOWN server UP. Default is 2.
    pub rise: u32,
    /// `fall`: consecutive failures that make an UP server DOWN. Default is 3.
    pub fall: u32,
    /// `port`: check this port instead of the server's.
    pub port: Option<u16>,
    /// `addr`: check this address instead of the server's.
    pub addr: Option<std::net::IpAddr>,
    /// `observe layer4|layer7`: live traffic errors count against the server. Default is off.
    pub observe: Option<Observe>,
    /// `error-limit`: consecutive observed errors that trigger `on-error`. Default is 10.
    pub error_limit: u32,
    /// `on-error`: what reaching `error-limit` does. Default is `fail-check`.
    pub on_error: OnError,
    /// `slowstart`: how long a server coming back UP takes to reach its full weight.
    /// Default is none (full weight at once).
    pub slowstart: Option<Duration>,
}

impl Default for ServerCheck {
    fn default() -> Self {
        ServerCheck {
            enabled: false,
            inter: Duration::from_secs(2),
            fastinter: None,
            downinter: None,
            rise: 2,
            fall: 3,
            port: None,
            addr: None,
            observe: None,
            error_limit: 10,
            on_error: OnError::FailCheck,
            slowstart: None,
        }
    }
}

/// `option httpchk` with its `http-check` lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    /// The method. Default is `OPTIONS`.
    pub method: String,
    /// The URI. Default is `/`.
    pub uri: String,
    /// The HTTP version. Default is `HTTP/1.0`.
    pub version: String,
    /// Headers sent with the check (the old `"HTTP/1.1\r\nHost: x"` form and `http-check send hdr`).
    pub headers: Vec<(String, String)>,
    /// `http-check` lines, in order.
    pub rules: Vec<HttpCheckRule>,
}

/// One `http-check` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HttpCheckRule {
    /// `http-check send [meth M] [uri U] [ver V] [hdr N V]...`.
    Send {
        /// `meth`.
        method: Option<String>,
        /// `uri`.
        uri: Option<String>,
        /// `ver`.
        version: Option<String>,
        /// `hdr` pairs.
        headers: Vec<(String, String)>,
    },
    /// `http-check expect [!] <kind> <pattern>`.
    Expect {
        /// `!`: the check passes when the pattern does not match.
        negated: bool,
        /// `status`, `rstatus`, `string` or `rstring`.
        kind: String,
        /// The pattern as written.
        pattern: String,
    },
}

/// `observe <mode>`: which live-traffic failures count as errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Observe {
    /// `layer4`: failed connections.
    Layer4,
    /// `layer7`: failed connections, invalid or missing responses and 5xx statuses (but 501
    /// and 505).
    Layer7,
}

/// `on-error <mode>`: what happens when `error-limit` consecutive errors are observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnError {
    /// `fastinter`: only check at `fastinter` from now on.
    FastInter,
    /// `fail-check`: count one failed check (and check at `fastinter`).
    FailCheck,
    /// `sudden-death`: leave the server one failed check away from DOWN, then count a failure.
    SuddenDeath,
    /// `mark-down`: mark the server DOWN at once.
    MarkDown,
}

/// `retry-on <keywords>`: the failures after which a request is sent again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryOn {
    /// `conn-failure`: the connection could not be established.
    pub conn_failure: bool,
    /// `empty-response`: the server closed the connection without answering.
    pub empty_response: bool,
    /// `junk-response`: the server's answer was not valid HTTP.
    pub junk_response: bool,
    /// `response-timeout`: `timeout server` elapsed before the response head.
    pub response_timeout: bool,
    /// Response statuses that are retried (`401`, `403`, `404`, `408`, `425`, `500`..`504`).
    pub statuses: Vec<u16>,
}

impl RetryOn {
    /// The statuses `retry-on` accepts, as HAProxy 2.6 does.
    pub const RETRYABLE_STATUSES: [u16; 10] = [401, 403, 404, 408, 425, 500, 501, 502, 503, 504];

    /// `retry-on none`: never retry.
    pub fn none() -> RetryOn {
        RetryOn {
            conn_failure: false,
            empty_response: false,
            junk_response: false,
            response_timeout: false,
            statuses: Vec::new(),
        }
    }
}

impl Default for RetryOn {
    /// HAProxy's default: `conn-failure`.
    fn default() -> Self {
        RetryOn {
            conn_failure: true,
            ..RetryOn::none()
        }
    }
}
