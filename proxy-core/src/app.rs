//! The top-level [`Proxy`]: a model turned into a runtime, per-frontend layers and listeners.

use crate::admin::AdminSockets;
use crate::frontend::{Listener, Listeners, TlsSlot};
use crate::health::HealthChecks;
use crate::live::Live;
use crate::log::Logs;
use crate::proxy::{Client, ProxyLayer};
use crate::runtime::Runtime;
use crate::tasks::{Background, Tasks};
use crate::{config, model, Error, ProxyHandle};
use std::path::Path;
use std::sync::Arc;
use tower_layer::Layer;

/// A configured proxy: the live runtime and the data path of every frontend. A clone is
/// another reference to the same proxy (cheap: three `Arc`s).
///
/// ```no_run
/// # async fn run() -> Result<(), switchyard_core::Error> {
/// let proxy = switchyard_core::Proxy::from_config_file("haproxy.cfg")?;
/// let listeners = proxy.bind().await?;
/// listeners.serve(std::future::pending()).await
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Proxy {
    live: Arc<Live>,
    logs: Arc<Logs>,
    health: HealthChecks,
}

impl Proxy {
    /// Builds the runtime and the data path of `config`.
    ///
    /// Fails (with [`Error::is_config`]) when a rule does not compile or names an unknown
    /// backend.
    ///
    /// ```
    /// let proxy = switchyard_core::Proxy::from_config(Default::default()).unwrap();
    /// assert!(proxy.layer("www").is_none());
    /// ```
    pub fn from_config(config: model::Config) -> Result<Proxy, Error> {
        let runtime = Runtime::from_model(&config)?;
        let logs = Arc::new(Logs::new(&config, Arc::clone(&runtime)).map_err(Error::log)?);
        let health = HealthChecks::new(Arc::clone(&runtime));
        let live = Live::compile(config, runtime, Arc::clone(&logs))?;
        Ok(Proxy {
            live: Arc::new(live),
            logs,
            health,
        })
    }

    /// Reads an HAProxy configuration file and builds the proxy it describes. Warnings are
    /// logged with `tracing`.
    ///
    /// ```no_run
    /// let proxy = switchyard_core::Proxy::from_config_file("/etc/haproxy/haproxy.cfg")?;
    /// # Ok::<(), switchyard_core::Error>(())
    /// ```
    pub fn from_config_file(path: impl AsRef<Path>) -> Result<Proxy, Error> {
        let loaded = config::load(&[path.as_ref().to_path_buf()])?;
        for warning in &loaded.warnings {
            tracing::warn!("{warning}");
        }
        Proxy::from_config(loaded.config)
    }

    /// The configuration this proxy runs: the one it was built from, or the last one
    /// [`ProxyHandle::apply`] applied.
    pub fn config(&self) -> Arc<model::Config> {
        self.live.model()
    }

    /// The live state: servers, balancers, counters. Health checks and the admin API change it.
    pub fn runtime(&self) -> &Arc<Runtime> {
        self.live.runtime()
    }

    /// A load-balanced client for the servers of backend `backend` (see [`Client`]), or `None`
    /// when there is no such backend. It shares the backend's live state, health checks,
    /// counters and connection pool with the proxy's frontends.
    pub fn client(&self, backend: &str) -> Option<Client> {
        self.live.client(backend)
    }

    /// A cloneable handle to change the live servers, or the whole configuration, from code
    /// (see [`ProxyHandle`]).
    pub fn handle(&self) -> ProxyHandle {
        ProxyHandle::new(Arc::clone(&self.live))
    }

    /// The data path of the frontend called `frontend`, to put in front of an application's
    /// own service, which receives the requests no rule routes.
    ///
    /// ```no_run
    /// use tower::ServiceBuilder;
    /// # fn run(proxy: switchyard_core::Proxy) {
    /// let layer = proxy.layer("www").expect("frontend www exists");
    /// let service = ServiceBuilder::new().layer(layer).service_fn(|_request: http::Request<hyper::body::Incoming>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(http_body_util::Empty::<bytes::Bytes>::new()))
    /// });
    /// # }
    /// ```
    pub fn layer(&self, frontend: &str) -> Option<ProxyLayer> {
        self.live.frontend(frontend).map(ProxyLayer::new)
    }

    /// The proxy's background work as one future: the health checks of every server with
    /// `check` and the access-log writer (the stats sockets are served by
    /// [`Listeners::serve`], since binding them must fail at start). Nothing runs until it is
    /// polled: [`Background::spawn`] it next to serving the data path and keep the handle
    /// (dropping it stops the work). It never completes while there is work to do.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), switchyard_core::Error> {
    /// let proxy = switchyard_core::Proxy::from_config_file("haproxy.cfg")?;
    /// let _background = proxy.background().spawn();
    /// proxy.bind().await?.serve(std::future::pending()).await
    /// # }
    /// ```
    pub fn background(&self) -> Background {
        let mut tasks = Tasks::default();
        tasks.push(self.health.run());
        if let Some(writer) = self.logs.writer() {
            tasks.push(writer);
        }
        tasks.run()
    }

    /// Binds every `bind` address of every frontend and every `stats socket`. Serve them with
    /// [`Listeners::serve`].
    ///
    /// Fails (with [`Error::is_bind`]) when an address is in use or not allowed.
    ///
    /// ```no_run
    /// # async fn run(proxy: switchyard_core::Proxy) -> Result<(), switchyard_core::Error> {
    /// let listeners = proxy.bind().await?;
    /// for (frontend, addr) in listeners.local_addrs() {
    ///     println!("{frontend} listens on {addr}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn bind(&self) -> Result<Listeners, Error> {
        let config = self.live.model();
        let mut listeners = Vec::new();
        for frontend in &config.frontends {
            let (Some(state), Some(layer)) = (
                self.runtime().frontend(&frontend.name),
                self.layer(&frontend.name),
            ) else {
                continue;
            };
            for bind in &frontend.binds {
                let tls = bind
                    .tls
                    .as_ref()
                    .map(|tls| TlsSlot::load(tls).map(Arc::new))
                    .transpose()
                    .map_err(|e| Error::tls(&frontend.name, bind.addr, e))?;
                if let Some(slot) = &tls {
                    self.live.reload_tls_with(slot);
                }
                let backlog = frontend
                    .backlog
                    .or(frontend.maxconn)
                    .or(config.global.maxconn);
                let socket = crate::frontend::listen(bind.addr, backlog)
                    .map_err(|e| Error::bind(&frontend.name, bind.addr, e))?;
                listeners.push(Listener {
                    frontend: Arc::clone(state),
                    socket,
                    service: layer.layer(crate::frontend::NoBackend),
                    tls,
                });
            }
        }
        let admin = AdminSockets::bind(config, Arc::clone(self.runtime()))?;
        Ok(Listeners::new(listeners, admin))
    }
}
