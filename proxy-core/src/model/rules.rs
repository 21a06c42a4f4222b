//! Routing and header rules shared by frontends and backends.

use super::{Condition, Fetch};
use serde::{Deserialize, Serialize};

/// `use_backend <name> if|unless <cond>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseBackend {
    /// The backend's name (checked to exist).
    pub backend: String,
    /// When it applies. `None`: always (HAProxy allows a bare `use_backend`).
    pub condition: Option<Condition>,
}

/// One `http-request <action> [...] [if|unless <cond>]` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRule {
    /// What to do.
    pub action: RequestAction,
    /// When to do it. `None`: always.
    pub condition: Option<Condition>,
}

/// A header change, the part of `http-request` and `http-response` they share.
///
/// Values are HAProxy log-format strings (see [`LogFormat`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeaderAction {
    /// `set-header <name> <fmt>`: replace every value of the header with one value.
    Set {
        /// Header name.
        name: String,
        /// Value, as a log-format string.
        value: LogFormat,
    },
    /// `add-header <name> <fmt>`: add one more value.
    Add {
        /// Header name.
        name: String,
        /// Value, as a log-format string.
        value: LogFormat,
    },
    /// `del-header <name>`: remove every value.
    Del {
        /// Header name.
        name: String,
    },
}

/// An `http-request` action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestAction {
    /// `set-header`, `add-header` or `del-header`.
    Header(HeaderAction),
    /// `deny [deny_status <code>]`: refuse the request. Default status is 403.
    Deny {
        /// The status sent to the client.
        status: u16,
    },
    /// `use-service prometheus-exporter`: answer with the Prometheus metrics of every proxy
    /// and server, as HAProxy's exporter does.
    UsePrometheusExporter,
    /// `return [status <code>] [content-type <type>] [string <text> | lf-string <fmt>]`.
    Return {
        /// The status. Default is 200.
        status: u16,
        /// `content-type`, if a body is given.
        content_type: Option<String>,
        /// The body. Default is empty.
        body: Option<String>,
    },
    /// `redirect location|prefix|scheme <to> [code <n>] [drop-query] [append-slash]`, as an
    /// `http-request` action or a proxy's `redirect` line.
    Redirect(Redirect),
}

/// Where a `redirect` sends the client, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// What the `Location` header is made of.
    pub target: RedirectTarget,
    /// `code`: 301, 302, 303, 307 or 308. Default is 302.
    pub code: u16,
    /// `drop-query`: the query string is left out of a location made from the request.
    pub drop_query: bool,
    /// `append-slash`: a `/` is added to a location that does not end with one.
    pub append_slash: bool,
}

/// The three kinds of `redirect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedirectTarget {
    /// `location <url>`: exactly this URL.
    Location(LogFormat),
    /// `prefix <prefix>`: the prefix then the request's path and query (`/` adds nothing).
    Prefix(LogFormat),
    /// `scheme <scheme>`: `<scheme>://` then the request's `Host` header, path and query.
    Scheme(LogFormat),
}

/// One `http-response <action> [...] [if|unless <cond>]` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRule {
    /// What to do (`set-header`, `add-header` or `del-header`).
    pub action: HeaderAction,
    /// When to do it (request fetches are evaluated on the request). `None`: always.
    pub condition: Option<Condition>,
}

/// HTTP options of a proxy (`option forwardfor`, connection mode).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpOptions {
    /// `option forwardfor`: append the client address to a header. Default is off.
    pub forwardfor: Option<ForwardFor>,
    /// The connection mode (`option http-keep-alive|http-server-close|httpclose`). Default is
    /// keep-alive on both sides, as in HAProxy.
    pub conn_mode: ConnMode,
    /// `errorfile` lines: the pages that replace the proxy's own answers, at most one per
    /// status (a later line replaces an earlier one, inherited ones included).
    pub error_files: Vec<super::ErrorFile>,
}

/// `option forwardfor [except <network>] [header <name>] [if-none]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardFor {
    /// Header name. Default is `X-Forwarded-For`.
    pub header: String,
    /// `except <network>`: clients in this network get no header.
    pub except: Option<String>,
    /// `if-none`: add the header only when the request has none.
    pub if_none: bool,
}

/// How connections are kept on each side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnMode {
    /// `option http-keep-alive`: keep client and server connections open (the default).
    #[default]
    KeepAlive,
    /// `option http-server-close`: keep the client connection, close the server one after each
    /// response.
    ServerClose,
    /// `option httpclose`: close both sides after each response.
    Close,
}

/// A log-format string: literal text with `%[<fetch>]` sample expressions, e.g.
/// `%[src]` or `host=%[req.hdr(host)]`. `%%` is a literal `%`.
///
/// Supported fetches are those of [`Fetch`] (`src`, `path`, `url`, `method`, `req.hdr(<name>)` /
/// `hdr(<name>)`, `url_param(<name>)`); the config validator rejects others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogFormat {
    /// The pieces, in order.
    pub parts: Vec<FormatPart>,
}

impl LogFormat {
    /// A format that is only literal text.
    pub fn literal(text: impl Into<String>) -> LogFormat {
        LogFormat {
            parts: vec![FormatPart::Text(text.into())],
        }
    }
}

/// One piece of a [`LogFormat`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormatPart {
    /// Literal text.
    Text(String),
    /// A sample taken from the request.
    Sample(Fetch),
}
