//! ACL evaluation, `use_backend` routing, `http-request`/`http-response` header rules and
//! `option forwardfor`.
//!
//! This is HAProxy's content-switching layer (configuration manual sections 4.2 and 7). Every
//! type here is built once from the [`model`](crate::model) — regexes compiled, networks parsed,
//! header names validated, backend names resolved to indices — and is then immutable and cheap to
//! evaluate for each request: conditions read the request head in place and allocate nothing on
//! the common paths (an absolute-form `url` is the one sample that is rendered into a string).
//!
//! * [`Acls`] holds a proxy's named ACLs; HAProxy's predefined ones (`TRUE`, `METH_GET`,
//!   `HTTP_1.1`, `LOCALHOST`, ...) are found when a condition names one the proxy does not define.
//! * [`CompiledCondition`] is an `if`/`unless` expression over those ACLs.
//! * [`Router`] is a frontend's `use_backend` rules plus its `default_backend`.
//! * [`RequestRules`] and [`ResponseRules`] are the `http-request` and `http-response` rules.
//! * [`ForwardFor`] is `option forwardfor`.
//!
//! Regular expressions use the `regex` crate, not PCRE: no look-around or back-references, and
//! matching time is linear in the input.

mod acl;
mod condition;
mod forwardfor;
mod header_rules;
mod log_format;
mod matcher;
mod network;
mod predefined;
mod redirect;
mod router;
mod sample;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod test_support;

pub use acl::Acls;
pub use condition::CompiledCondition;
pub use forwardfor::ForwardFor;
pub use header_rules::{RequestRules, ResponseRules, RuleVerdict};
pub use router::Router;

use std::net::SocketAddr;

/// The connection a request came on: the client's address and whether it speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// The client's address (`src`).
    pub addr: SocketAddr,
    /// Whether the connection is TLS, terminated here (`ssl_fc`).
    pub tls: bool,
}

impl Peer {
    /// A plain-HTTP client at `addr`.
    pub fn plain(addr: SocketAddr) -> Peer {
        Peer { addr, tls: false }
    }
}

/// The parts of a request that ACLs, conditions and log-format samples look at.
#[derive(Debug, Clone, Copy)]
pub struct RequestInfo<'a> {
    /// The request method.
    pub method: &'a http::Method,
    /// The request target as received (origin-form `/path?query`, or absolute-form).
    pub uri: &'a http::Uri,
    /// The request headers.
    pub headers: &'a http::HeaderMap,
    /// The HTTP version the client spoke.
    pub version: http::Version,
    /// The client's address.
    pub client: SocketAddr,
    /// Whether the client's connection is TLS (`ssl_fc`).
    pub tls: bool,
}

impl<'a> RequestInfo<'a> {
    /// The view of a request head (`http::request::Parts`) that came from `peer`.
    pub fn from_parts(parts: &'a http::request::Parts, peer: Peer) -> RequestInfo<'a> {
        RequestInfo {
            method: &parts.method,
            uri: &parts.uri,
            headers: &parts.headers,
            version: parts.version,
            client: peer.addr,
            tls: peer.tls,
        }
    }
}

/// Why a routing structure could not be built from the model. Each message names the ACL,
/// backend or value at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoutingError {
    /// A condition names an ACL that is neither declared in the proxy nor predefined.
    #[error("unknown ACL '{name}' (not declared in this proxy and not a predefined ACL)")]
    UnknownAcl {
        /// The name used in the condition.
        name: String,
    },
    /// A `reg` pattern is not a valid regular expression for the `regex` crate.
    #[error("ACL '{acl}': invalid regular expression '{value}': {reason}")]
    InvalidRegex {
        /// The ACL's name (`anonymous` for `{ ... }` ACLs).
        acl: String,
        /// The expression as written.
        value: String,
        /// What the regex compiler reported.
        reason: String,
    },
    /// An `ip` pattern is not an address or a network.
    #[error("ACL '{acl}': '{value}' is not an IP address or network (address[/prefix])")]
    InvalidNetwork {
        /// The ACL's name (`anonymous` for `{ ... }` ACLs), or `option forwardfor except`.
        acl: String,
        /// The value as written.
        value: String,
    },
    /// A `len` pattern is not a length or a range of lengths.
    #[error("ACL '{acl}': '{value}' is not a length, a range 'min:max' or an operator (eq ge gt le lt) followed by a length")]
    InvalidLength {
        /// The ACL's name (`anonymous` for `{ ... }` ACLs).
        acl: String,
        /// The value as written.
        value: String,
    },
    /// A `use_backend` or `default_backend` names a backend that does not exist.
    #[error("unknown backend '{name}'")]
    UnknownBackend {
        /// The backend name.
        name: String,
    },
    /// A header rule or `option forwardfor` names a header that is not a valid HTTP field name.
    #[error("'{name}' is not a valid HTTP header name")]
    InvalidHeaderName {
        /// The name as written.
        name: String,
    },
    /// A constant header value (or a `return` content type) is not a valid HTTP field value.
    #[error("'{value}' is not a valid HTTP header value")]
    InvalidHeaderValue {
        /// The value as written.
        value: String,
    },
    /// A `deny_status` or `return status` is not an HTTP status code.
    #[error("{status} is not a valid HTTP status code")]
    InvalidStatus {
        /// The code as written.
        status: u16,
    },
}
