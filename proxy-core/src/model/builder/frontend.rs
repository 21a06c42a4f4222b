//! [`FrontendBuilder`] and [`ConfigBuilder`].

use super::{check_name, check_unique, BackendBuilder, BuildError};
use crate::model::{
    Acl, AclTerm, Bind, BindTls, Condition, Config, ConnMode, ForwardFor, Frontend, HttpOptions,
    Logging, Pattern, RequestRule, ResponseRule, Timeouts, UseBackend,
};
use std::net::SocketAddr;
use std::time::Duration;

impl Frontend {
    /// Starts a frontend called `name`: no listening address, no rules, no default backend.
    ///
    /// A frontend used only as a [`crate::ProxyLayer`] inside an application needs no `bind`.
    ///
    /// ```
    /// use switchyard_core::model::{Fetch, Frontend, Matcher, Pattern};
    /// let frontend = Frontend::builder("www")
    ///     .acl("is_api", Pattern::new(Fetch::Path, Matcher::Begin, ["/api"]))
    ///     .use_backend_if("api", "is_api")
    ///     .default_backend("static")
    ///     .build()?;
    /// assert_eq!(frontend.use_backends[0].backend, "api");
    /// # Ok::<(), switchyard_core::model::BuildError>(())
    /// ```
    pub fn builder(name: impl Into<String>) -> FrontendBuilder {
        FrontendBuilder {
            frontend: Frontend {
                name: name.into(),
                binds: Vec::new(),
                maxconn: None,
                backlog: None,
                timeouts: Timeouts::default(),
                acls: Vec::new(),
                request_rules: Vec::new(),
                response_rules: Vec::new(),
                use_backends: Vec::new(),
                default_backend: None,
                http: HttpOptions::default(),
                logging: Logging::default(),
                stats: None,
            },
        }
    }
}

/// Builds a [`Frontend`]; start with [`Frontend::builder`].
#[derive(Debug, Clone)]
pub struct FrontendBuilder {
    frontend: Frontend,
}

impl FrontendBuilder {
    /// Adds a `bind` address. Default is none (the frontend is only used as a layer).
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.frontend.binds.push(Bind {
            addr,
            spec: addr.to_string(),
            tls: None,
        });
        self
    }

    /// Adds a TLS listening address (`bind <addr> ssl crt <certificate>`): `certificate` is a
    /// PEM file with the certificate, its chain and its private key. Default is none.
    #[must_use]
    pub fn bind_tls(
        mut self,
        addr: SocketAddr,
        certificate: impl Into<std::path::PathBuf>,
    ) -> Self {
        let certificate = certificate.into();
        self.frontend.binds.push(Bind {
            addr,
            spec: format!("{addr} ssl crt {}", certificate.display()),
            tls: Some(BindTls::new(certificate)),
        });
        self
    }

    /// `maxconn`: the most client connections served at once. Default is the global `maxconn`.
    #[must_use]
    pub fn maxconn(mut self, maxconn: u32) -> Self {
        self.frontend.maxconn = Some(maxconn);
        self
    }

    /// `backlog`: how many connections each listener's accept queue holds. Default is `maxconn`,
    /// else the global `maxconn`.
    #[must_use]
    pub fn backlog(mut self, backlog: u32) -> Self {
        self.frontend.backlog = Some(backlog);
        self
    }

    /// `timeout client`: inactivity on the client side. Default is none.
    #[must_use]
    pub fn timeout_client(mut self, timeout: Duration) -> Self {
        self.frontend.timeouts.client = Some(timeout);
        self
    }

    /// `timeout http-request`: time allowed for a complete request head. Default is none.
    #[must_use]
    pub fn timeout_http_request(mut self, timeout: Duration) -> Self {
        self.frontend.timeouts.http_request = Some(timeout);
        self
    }

    /// `acl <name> <pattern>`: adds `pattern` to the ACL called `name` (several patterns of one
    /// name match when any matches). Default is no ACLs.
    #[must_use]
    pub fn acl(mut self, name: impl Into<String>, pattern: Pattern) -> Self {
        let name = name.into();
        match self.frontend.acls.iter_mut().find(|acl| acl.name == name) {
            Some(acl) => acl.patterns.push(pattern),
            None => self.frontend.acls.push(Acl {
                name,
                patterns: vec![pattern],
            }),
        }
        self
    }

    /// `use_backend <backend> if <acl>`. Rules are tried in order. Default is none.
    #[must_use]
    pub fn use_backend_if(self, backend: impl Into<String>, acl: impl Into<String>) -> Self {
        self.use_backend_when(backend, Condition::acl(acl))
    }

    /// `use_backend <backend> if|unless <condition>`. Rules are tried in order. Default is none.
    #[must_use]
    pub fn use_backend_when(mut self, backend: impl Into<String>, condition: Condition) -> Self {
        self.frontend.use_backends.push(UseBackend {
            backend: backend.into(),
            condition: Some(condition),
        });
        self
    }

    /// `default_backend`: where requests no `use_backend` rule took go. Default is none: they
    /// go to the layer's fallback service (or get a 503 on Switchyard's own listeners).
    #[must_use]
    pub fn default_backend(mut self, backend: impl Into<String>) -> Self {
        self.frontend.default_backend = Some(backend.into());
        self
    }

    /// Adds an `http-request` rule. Default is none.
    #[must_use]
    pub fn request_rule(mut self, rule: RequestRule) -> Self {
        self.frontend.request_rules.push(rule);
        self
    }

    /// Adds an `http-response` rule. Default is none.
    #[must_use]
    pub fn response_rule(mut self, rule: ResponseRule) -> Self {
        self.frontend.response_rules.push(rule);
        self
    }

    /// `option forwardfor`. Default is off.
    #[must_use]
    pub fn forwardfor(mut self, forwardfor: ForwardFor) -> Self {
        self.frontend.http.forwardfor = Some(forwardfor);
        self
    }

    /// The connection mode. Default is keep-alive.
    #[must_use]
    pub fn conn_mode(mut self, mode: ConnMode) -> Self {
        self.frontend.http.conn_mode = mode;
        self
    }

    /// The frontend, or why its name would be refused. Backend names are checked by
    /// [`ConfigBuilder::build`], which knows the backends.
    pub fn build(self) -> Result<Frontend, BuildError> {
        check_name("frontend", &self.frontend.name)?;
        Ok(self.frontend)
    }
}

impl Condition {
    /// `if <acl>`: true when the named ACL matches.
    pub fn acl(name: impl Into<String>) -> Condition {
        Condition {
            negated: false,
            any_of: vec![vec![AclTerm::Named {
                negated: false,
                name: name.into(),
            }]],
        }
    }
}

impl Pattern {
    /// A case-sensitive test of `fetch` against `values` with `matcher`, e.g. `path_beg /api`
    /// is `Pattern::new(Fetch::Path, Matcher::Begin, ["/api"])`.
    pub fn new<I, S>(
        fetch: crate::model::Fetch,
        matcher: crate::model::Matcher,
        values: I,
    ) -> Pattern
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Pattern {
            fetch,
            matcher,
            ignore_case: false,
            values: values.into_iter().map(Into::into).collect(),
        }
    }
}

impl Config {
    /// Starts an empty configuration: default `global` settings, no frontends, no backends.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }
}

/// Builds a whole [`Config`]; start with [`Config::builder`].
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    maxconn: Option<u32>,
    frontends: Vec<FrontendBuilder>,
    backends: Vec<BackendBuilder>,
}

impl ConfigBuilder {
    /// The global `maxconn`: the most client connections of all frontends at once. Default is
    /// no limit beyond the frontends' own.
    #[must_use]
    pub fn maxconn(mut self, maxconn: u32) -> Self {
        self.maxconn = Some(maxconn);
        self
    }

    /// Adds a frontend. Default is none.
    #[must_use]
    pub fn frontend(mut self, frontend: FrontendBuilder) -> Self {
        self.frontends.push(frontend);
        self
    }

    /// Adds a backend. Default is none.
    #[must_use]
    pub fn backend(mut self, backend: BackendBuilder) -> Self {
        self.backends.push(backend);
        self
    }

    /// The configuration, or the first reason it would be refused: any frontend's or
    /// backend's own error, two frontends or two backends with one name, or a frontend routing
    /// to a backend that does not exist.
    pub fn build(self) -> Result<Config, BuildError> {
        let mut config = Config::default();
        config.global.maxconn = self.maxconn;
        config.backends = self
            .backends
            .into_iter()
            .map(BackendBuilder::build)
            .collect::<Result<_, _>>()?;
        config.frontends = self
            .frontends
            .into_iter()
            .map(FrontendBuilder::build)
            .collect::<Result<_, _>>()?;
        check_unique("backend", config.backends.iter().map(|b| b.name.as_str()))?;
        check_unique("frontend", config.frontends.iter().map(|f| f.name.as_str()))?;
        for frontend in &config.frontends {
            let targets = frontend
                .use_backends
                .iter()
                .map(|rule| &rule.backend)
                .chain(&frontend.default_backend);
            for target in targets {
                if config.backend(target).is_none() {
                    return Err(BuildError::UnknownBackend {
                        frontend: frontend.name.clone(),
                        backend: target.clone(),
                    });
                }
            }
        }
        Ok(config)
    }
}
