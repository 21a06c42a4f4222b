//! A proxy's settings while its section is read: the union of what frontends, backends and
//! `defaults` sections can hold. `defaults` sections are drafts too, which is how inheritance
//! works: a proxy starts as a copy of the defaults draft in force.

use super::super::diag::Span;
use super::super::sections::{Section, SectionKind};
use crate::model::{
    Acl, Balance, Bind, HashType, HealthCheck, HttpCheckRule, HttpOptions, LogTarget, RequestRule,
    ResponseRule, RetryOn, Server, StatsPage, Timeouts, UseBackend,
};
use std::net::SocketAddr;

/// One `log` line of a proxy: `log global` is resolved once the global section is known.
#[derive(Debug, Clone)]
pub(crate) enum LogEntry {
    Global,
    Target(LogTarget),
}

/// The settings `default-server` can preset and `server` can override: a server model whose
/// name and address are filled in by each `server` line.
#[derive(Debug, Clone)]
pub(crate) struct ServerOptions {
    pub(crate) preset: Server,
    /// `id`: only meaningful on a `server` line.
    pub(crate) id: Option<u32>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            preset: Server::defaults(),
            id: None,
        }
    }
}

/// A `server` line, before ids are assigned.
#[derive(Debug, Clone)]
pub(crate) struct ServerDraft {
    pub(crate) name: String,
    pub(crate) addr: SocketAddr,
    pub(crate) addr_spec: String,
    pub(crate) options: ServerOptions,
    pub(crate) span: Span,
}

/// Everything a proxy section can set.
#[derive(Debug, Clone)]
pub(crate) struct ProxyDraft {
    pub(crate) kind: SectionKind,
    pub(crate) name: String,
    pub(crate) span: Option<Span>,
    /// `mode http` was given (here or inherited).
    pub(crate) mode_http: bool,
    pub(crate) maxconn: Option<u32>,
    pub(crate) backlog: Option<u32>,
    pub(crate) timeouts: Timeouts,
    pub(crate) binds: Vec<Bind>,
    /// A `bind` line was written, valid or not (so a bad one is not also reported as missing).
    pub(crate) bind_written: bool,
    pub(crate) acls: Vec<Acl>,
    pub(crate) request_rules: Vec<RequestRule>,
    /// `redirect` lines, which run after every `http-request` rule.
    pub(crate) redirects: Vec<RequestRule>,
    pub(crate) response_rules: Vec<ResponseRule>,
    pub(crate) use_backends: Vec<(UseBackend, Span)>,
    pub(crate) default_backend: Option<(String, Span)>,
    pub(crate) http: HttpOptions,
    pub(crate) logs: Vec<LogEntry>,
    pub(crate) httplog: bool,
    pub(crate) dontlognull: bool,
    pub(crate) log_format: Option<String>,
    pub(crate) stats: Option<StatsPage>,
    pub(crate) balance: Balance,
    pub(crate) hash_type: HashType,
    pub(crate) retries: u32,
    pub(crate) retry_on: RetryOn,
    pub(crate) redispatch: Option<i32>,
    pub(crate) allbackups: bool,
    pub(crate) httpchk: Option<HealthCheck>,
    pub(crate) check_rules: Vec<HttpCheckRule>,
    pub(crate) default_server: ServerOptions,
    pub(crate) servers: Vec<ServerDraft>,
    /// Every `server` name with its line, valid or not, to find duplicates.
    pub(crate) server_names: Vec<(String, usize)>,
}

impl ProxyDraft {
    /// HAProxy's settings before any `defaults` section.
    pub(crate) fn builtin() -> ProxyDraft {
        ProxyDraft {
            kind: SectionKind::Defaults,
            name: String::new(),
            span: None,
            mode_http: false,
            maxconn: None,
            backlog: None,
            timeouts: Timeouts::default(),
            binds: Vec::new(),
            bind_written: false,
            acls: Vec::new(),
            request_rules: Vec::new(),
            redirects: Vec::new(),
            response_rules: Vec::new(),
            use_backends: Vec::new(),
            default_backend: None,
            http: HttpOptions::default(),
            logs: Vec::new(),
            httplog: false,
            dontlognull: false,
            log_format: None,
            stats: None,
            balance: Balance::RoundRobin,
            hash_type: HashType::default(),
            retries: crate::model::Backend::DEFAULT_RETRIES,
            retry_on: RetryOn::default(),
            redispatch: None,
            allbackups: false,
            httpchk: None,
            check_rules: Vec::new(),
            default_server: ServerOptions::default(),
            servers: Vec::new(),
            server_names: Vec::new(),
        }
    }

    /// A copy of these (defaults) settings as the start of `section`. A `defaults` section
    /// starts from HAProxy's built-in settings unless it names a parent with `from`.
    pub(crate) fn for_section(&self, section: &Section) -> ProxyDraft {
        let start = if section.kind == SectionKind::Defaults && section.from.is_none() {
            ProxyDraft::builtin()
        } else {
            self.clone()
        };
        ProxyDraft {
            kind: section.kind,
            name: section.name.clone().unwrap_or_default(),
            span: Some(section.span.clone()),
            ..start
        }
    }

    pub(crate) fn is_frontend(&self) -> bool {
        matches!(self.kind, SectionKind::Frontend | SectionKind::Listen)
    }

    pub(crate) fn is_backend(&self) -> bool {
        matches!(self.kind, SectionKind::Backend | SectionKind::Listen)
    }
}
