//! [`BackendBuilder`] and [`ServerBuilder`].

use super::{check_name, check_range, check_unique, BuildError};
use crate::model::limits::{assign_ids, MAX_CHECK_COUNT, MAX_WEIGHT};
use crate::model::{
    Acl, Backend, Balance, ConnMode, ForwardFor, HashType, HealthCheck, HttpOptions, Logging,
    Observe, OnError, RequestRule, ResponseRule, RetryOn, Server, ServerCheck, Timeouts,
};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

impl Backend {
    /// HAProxy's default `retries`.
    pub const DEFAULT_RETRIES: u32 = 3;

    /// Starts a backend called `name` with HAProxy's defaults: `balance roundrobin`, map-based
    /// sdbm hashing, 3 retries on connection failures, no servers.
    ///
    /// ```
    /// use switchyard_core::model::{Backend, Balance};
    /// let backend = Backend::builder("app")
    ///     .balance(Balance::LeastConn)
    ///     .server("a", "127.0.0.1:8001".parse().unwrap())
    ///     .build()?;
    /// assert_eq!(backend.servers[0].id, 1);
    /// # Ok::<(), switchyard_core::model::BuildError>(())
    /// ```
    pub fn builder(name: impl Into<String>) -> BackendBuilder {
        BackendBuilder {
            backend: Backend {
                name: name.into(),
                balance: Balance::RoundRobin,
                hash_type: HashType::default(),
                servers: Vec::new(),
                timeouts: Timeouts::default(),
                retries: Backend::DEFAULT_RETRIES,
                retry_on: RetryOn::default(),
                redispatch: None,
                allbackups: false,
                acls: Vec::new(),
                request_rules: Vec::new(),
                response_rules: Vec::new(),
                http: HttpOptions::default(),
                health_check: None,
                logging: Logging::default(),
            },
            servers: Vec::new(),
        }
    }
}

/// Builds a [`Backend`]; start with [`Backend::builder`].
#[derive(Debug, Clone)]
pub struct BackendBuilder {
    backend: Backend,
    servers: Vec<ServerBuilder>,
}

impl BackendBuilder {
    /// `balance`: the load-balancing algorithm. Default is `roundrobin`.
    #[must_use]
    pub fn balance(mut self, balance: Balance) -> Self {
        self.backend.balance = balance;
        self
    }

    /// `hash-type`: how hash-based algorithms map keys to servers. Default is map-based sdbm.
    #[must_use]
    pub fn hash_type(mut self, hash_type: HashType) -> Self {
        self.backend.hash_type = hash_type;
        self
    }

    /// Adds `server <name> <addr>` with the server defaults. Default is no servers.
    #[must_use]
    pub fn server(self, name: impl Into<String>, addr: SocketAddr) -> Self {
        self.server_with(Server::builder(name, addr))
    }

    /// Adds a server with its own settings. Default is no servers.
    #[must_use]
    pub fn server_with(mut self, server: ServerBuilder) -> Self {
        self.servers.push(server);
        self
    }

    /// `timeout connect`. Default is none (wait forever, as HAProxy warns about).
    #[must_use]
    pub fn timeout_connect(mut self, timeout: Duration) -> Self {
        self.backend.timeouts.connect = Some(timeout);
        self
    }

    /// `timeout server`: inactivity waiting for the server. Default is none.
    #[must_use]
    pub fn timeout_server(mut self, timeout: Duration) -> Self {
        self.backend.timeouts.server = Some(timeout);
        self
    }

    /// `timeout tunnel`: inactivity allowed on an upgraded (WebSocket) connection. Default is
    /// `timeout server`.
    #[must_use]
    pub fn timeout_tunnel(mut self, timeout: Duration) -> Self {
        self.backend.timeouts.tunnel = Some(timeout);
        self
    }

    /// `timeout queue`: the longest wait for a free server slot. Default is `timeout connect`.
    #[must_use]
    pub fn timeout_queue(mut self, timeout: Duration) -> Self {
        self.backend.timeouts.queue = Some(timeout);
        self
    }

    /// `timeout check`: extra time for a health check's response. Default is none (`inter`).
    #[must_use]
    pub fn timeout_check(mut self, timeout: Duration) -> Self {
        self.backend.timeouts.check = Some(timeout);
        self
    }

    /// `retries`: how many times a failed attempt is tried again. Default is 3.
    #[must_use]
    pub fn retries(mut self, retries: u32) -> Self {
        self.backend.retries = retries;
        self
    }

    /// `retry-on`: which failures are retried. Default is `conn-failure` only.
    #[must_use]
    pub fn retry_on(mut self, retry_on: RetryOn) -> Self {
        self.backend.retry_on = retry_on;
        self
    }

    /// `option redispatch <interval>`: every `interval`-th retry goes to another server (1:
    /// each retry, -1: the last one). Default is off.
    #[must_use]
    pub fn redispatch(mut self, interval: i32) -> Self {
        self.backend.redispatch = Some(interval);
        self
    }

    /// `option allbackups`: use every backup server at once. Default is off (the first only).
    #[must_use]
    pub fn allbackups(mut self, on: bool) -> Self {
        self.backend.allbackups = on;
        self
    }

    /// `option httpchk`: health checks are HTTP requests. Default is TCP connects.
    #[must_use]
    pub fn http_check(mut self, check: HealthCheck) -> Self {
        self.backend.health_check = Some(check);
        self
    }

    /// `option forwardfor`: append the client address to a header. Default is off.
    #[must_use]
    pub fn forwardfor(mut self, forwardfor: ForwardFor) -> Self {
        self.backend.http.forwardfor = Some(forwardfor);
        self
    }

    /// The connection mode (`option http-server-close`, `option httpclose`). Default is
    /// keep-alive.
    #[must_use]
    pub fn conn_mode(mut self, mode: ConnMode) -> Self {
        self.backend.http.conn_mode = mode;
        self
    }

    /// Adds a named ACL for the backend's rules. Default is none.
    #[must_use]
    pub fn acl(mut self, acl: Acl) -> Self {
        self.backend.acls.push(acl);
        self
    }

    /// Adds an `http-request` rule, applied after the frontend's. Default is none.
    #[must_use]
    pub fn request_rule(mut self, rule: RequestRule) -> Self {
        self.backend.request_rules.push(rule);
        self
    }

    /// Adds an `http-response` rule, applied before the frontend's. Default is none.
    #[must_use]
    pub fn response_rule(mut self, rule: ResponseRule) -> Self {
        self.backend.response_rules.push(rule);
        self
    }

    /// The backend, or why it would be refused: a bad name, a server out of range, two servers
    /// with one name or one explicit id.
    pub fn build(self) -> Result<Backend, BuildError> {
        let mut backend = self.backend;
        check_name("backend", &backend.name)?;
        check_unique(
            "server",
            self.servers.iter().map(|s| s.server.name.as_str()),
        )?;
        let explicit: Vec<Option<u32>> = self.servers.iter().map(|s| s.explicit_id).collect();
        let (ids, duplicates) = assign_ids(&explicit);
        if let Some(&index) = duplicates.first() {
            return Err(BuildError::DuplicateId {
                backend: backend.name,
                server: self.servers[index].server.name.clone(),
                id: ids[index],
            });
        }
        for (builder, id) in self.servers.into_iter().zip(ids) {
            let mut server = builder.build()?;
            server.id = id;
            backend.servers.push(server);
        }
        Ok(backend)
    }
}

impl Server {
    /// Starts a server called `name` at `addr`, with HAProxy's defaults: weight 1, no checks,
    /// no connection limit.
    pub fn builder(name: impl Into<String>, addr: SocketAddr) -> ServerBuilder {
        ServerBuilder {
            server: Server {
                name: name.into(),
                addr,
                addr_spec: addr.to_string(),
                ..Server::defaults()
            },
            explicit_id: None,
        }
    }

    /// HAProxy's server settings before any `default-server` line, for a server with no name
    /// or address yet (the configuration file's validator starts from these too).
    pub(crate) fn defaults() -> Server {
        let addr = SocketAddr::from(([0, 0, 0, 0], 0));
        Server {
            name: String::new(),
            id: 0,
            addr,
            addr_spec: String::new(),
            weight: 1,
            backup: false,
            disabled: false,
            maxconn: None,
            maxqueue: None,
            check: ServerCheck::default(),
        }
    }
}

/// Builds a [`Server`]; start with [`Server::builder`] and give it to
/// [`BackendBuilder::server_with`].
#[derive(Debug, Clone)]
pub struct ServerBuilder {
    server: Server,
    explicit_id: Option<u32>,
}

impl ServerBuilder {
    /// `weight`: 0 to 256. Default is 1.
    #[must_use]
    pub fn weight(mut self, weight: u32) -> Self {
        self.server.weight = weight;
        self
    }

    /// `id`: the numeric id consistent hashing places the server by. Default is the lowest id
    /// not given explicitly to another server, in declaration order.
    #[must_use]
    pub fn id(mut self, id: u32) -> Self {
        self.explicit_id = Some(id);
        self
    }

    /// `backup`: only used when no active server is usable. Default is off.
    #[must_use]
    pub fn backup(mut self, on: bool) -> Self {
        self.server.backup = on;
        self
    }

    /// `disabled`: starts in maintenance. Default is off.
    #[must_use]
    pub fn disabled(mut self, on: bool) -> Self {
        self.server.disabled = on;
        self
    }

    /// `maxconn`: the most requests sent at once; others wait in the queue. Default is no limit.
    #[must_use]
    pub fn maxconn(mut self, maxconn: u32) -> Self {
        self.server.maxconn = Some(maxconn).filter(|n| *n > 0);
        self
    }

    /// `maxqueue`: the most requests waiting for this server. Default is no limit.
    #[must_use]
    pub fn maxqueue(mut self, maxqueue: u32) -> Self {
        self.server.maxqueue = Some(maxqueue).filter(|n| *n > 0);
        self
    }

    /// `check`: turn health checks on. Default is off.
    #[must_use]
    pub fn check(mut self) -> Self {
        self.server.check.enabled = true;
        self
    }

    /// `inter`: time between two checks. Default is 2 seconds.
    #[must_use]
    pub fn inter(mut self, inter: Duration) -> Self {
        self.server.check.inter = inter;
        self
    }

    /// `fastinter`: time between checks while the state is changing. Default is `inter`.
    #[must_use]
    pub fn fastinter(mut self, fastinter: Duration) -> Self {
        self.server.check.fastinter = Some(fastinter);
        self
    }

    /// `downinter`: time between checks while DOWN. Default is `inter`.
    #[must_use]
    pub fn downinter(mut self, downinter: Duration) -> Self {
        self.server.check.downinter = Some(downinter);
        self
    }

    /// `rise`: consecutive successes that bring a server UP. Default is 2.
    #[must_use]
    pub fn rise(mut self, rise: u32) -> Self {
        self.server.check.rise = rise;
        self
    }

    /// `fall`: consecutive failures that take a server DOWN. Default is 3.
    #[must_use]
    pub fn fall(mut self, fall: u32) -> Self {
        self.server.check.fall = fall;
        self
    }

    /// `addr` and `port`: check this address instead of the server's. Default is the server's.
    #[must_use]
    pub fn check_addr(mut self, addr: Option<IpAddr>, port: Option<u16>) -> Self {
        self.server.check.addr = addr;
        self.server.check.port = port;
        self
    }

    /// `observe`, `error-limit` and `on-error`: live-traffic errors count against the server.
    /// Default is off (with a limit of 10 and `fail-check` once on).
    #[must_use]
    pub fn observe(mut self, observe: Observe, error_limit: u32, on_error: OnError) -> Self {
        self.server.check.observe = Some(observe);
        self.server.check.error_limit = error_limit;
        self.server.check.on_error = on_error;
        self
    }

    /// `slowstart`: how long a server coming back UP takes to reach its full weight. Default is
    /// none (full weight at once).
    #[must_use]
    pub fn slowstart(mut self, slowstart: Duration) -> Self {
        self.server.check.slowstart = Some(slowstart);
        self
    }

    /// The server with its settings checked, on its own (to add it to a running backend with
    /// [`crate::ProxyHandle::add_server`]): its `id` is the one set, or 0 for "the next free".
    pub fn build_alone(self) -> Result<Server, BuildError> {
        let id = self.explicit_id.unwrap_or(0);
        let mut server = self.build()?;
        server.id = id;
        Ok(server)
    }

    /// The server with its settings checked. Its id is given by the backend's `build()`.
    fn build(self) -> Result<Server, BuildError> {
        let server = self.server;
        let owner = server.name.as_str();
        check_name("server", owner)?;
        check_range("weight", owner, server.weight, 0, MAX_WEIGHT)?;
        let check = &server.check;
        check_range("rise", owner, check.rise, 1, MAX_CHECK_COUNT)?;
        check_range("fall", owner, check.fall, 1, MAX_CHECK_COUNT)?;
        check_range("error-limit", owner, check.error_limit, 1, MAX_CHECK_COUNT)?;
        Ok(server)
    }
}
