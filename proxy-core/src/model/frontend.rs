//! Frontends: where clients connect, and how their requests are routed.

use super::{
    Acl, Condition, HttpOptions, Logging, RequestRule, ResponseRule, Timeouts, UseBackend,
};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// A `frontend` (or the listening half of a `listen` section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frontend {
    /// The proxy name (unique among frontends).
    pub name: String,
    /// `bind` lines: the addresses it listens on.
    pub binds: Vec<Bind>,
    /// `maxconn`: the most client connections served at once; further connections wait in the
    /// accept backlog. `None`: HAProxy's default for a frontend, the global `maxconn`.
    pub maxconn: Option<u32>,
    /// `backlog`: how many connections each listener's accept queue holds (what `listen()` is
    /// given; the system may cap it). `None`: `maxconn`, else the global `maxconn`, as in HAProxy.
    /// Applies when a listener is bound.
    pub backlog: Option<u32>,
    /// Timeouts (the client-side ones apply).
    pub timeouts: Timeouts,
    /// Named ACLs, in declaration order.
    pub acls: Vec<Acl>,
    /// `http-request` rules, in order.
    pub request_rules: Vec<RequestRule>,
    /// `http-response` rules, in order.
    pub response_rules: Vec<ResponseRule>,
    /// `use_backend` rules, in order; the first whose condition holds wins.
    pub use_backends: Vec<UseBackend>,
    /// `default_backend`: where requests no `use_backend` rule took go. `None`: such requests get
    /// a 503 (or the embedding application's fallback service).
    pub default_backend: Option<String>,
    /// HTTP options.
    pub http: HttpOptions,
    /// Logging settings.
    pub logging: Logging,
    /// `stats uri` and friends, if the statistics page is enabled here.
    pub stats: Option<StatsPage>,
}

/// One `bind <addr>:<port> [options]` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bind {
    /// The address; `*:80` is `0.0.0.0:80`, `[::]:80` and `:::80` are IPv6 any.
    pub addr: SocketAddr,
    /// The text as written, for messages.
    pub spec: String,
    /// `ssl crt <file>`: TLS is terminated here. `None`: plain HTTP.
    pub tls: Option<BindTls>,
}

/// The TLS settings of a `bind ... ssl crt <file>` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindTls {
    /// `crt`: a PEM file with the certificate, its chain and its private key, as HAProxy takes.
    pub certificate: std::path::PathBuf,
    /// `ciphers`/`ciphersuites` (or the global `ssl-default-bind-*`): the cipher suites offered,
    /// in order of preference (the server's order wins, as in HAProxy), by the IANA names rustls
    /// spells them with (`TLS13_AES_256_GCM_SHA384`, `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`).
    /// `None`: every suite rustls supports. Default is `None`.
    pub cipher_suites: Option<Vec<String>>,
    /// `ssl-min-ver`, `ssl-max-ver`, `no-tlsv1x`, `force-tlsv1x`: the protocol versions offered.
    /// Default is TLS 1.2 and 1.3.
    pub versions: Vec<TlsVersion>,
}

impl BindTls {
    /// TLS with the certificate, chain and key of the PEM file `certificate`, every cipher suite
    /// and both versions rustls supports.
    pub fn new(certificate: impl Into<std::path::PathBuf>) -> BindTls {
        BindTls {
            certificate: certificate.into(),
            cipher_suites: None,
            versions: vec![TlsVersion::Tls12, TlsVersion::Tls13],
        }
    }
}

/// A TLS protocol version Switchyard can offer (rustls has no older ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TlsVersion {
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
}

/// The statistics page settings (`stats enable`, `stats uri`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsPage {
    /// `stats uri`: the path prefix that serves the page. Default is `/haproxy?stats`.
    pub uri: String,
    /// `stats refresh`: how often the page reloads itself.
    pub refresh: Option<std::time::Duration>,
    /// `stats realm`: the HTTP authentication realm.
    pub realm: Option<String>,
    /// `stats auth <user>:<password>` lines. Empty: no authentication.
    pub auth: Vec<(String, String)>,
    /// `stats hide-version`.
    pub hide_version: bool,
    /// `stats admin if|unless <cond>`: requests for which the page offers and accepts server
    /// state changes. `None`: read-only for everyone.
    pub admin: Option<Condition>,
}
