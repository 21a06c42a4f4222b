//! The top-level [`Proxy`]: a model turned into a runtime, per-frontend layers and listeners.

use crate::admin::AdminSockets;
use crate::frontend::{Listener, Listeners};
use crate::health::HealthChecks;
use crate::log::{AccessLog, Logs};
use crate::proxy::{BackendPlan, Client, FrontendPlan, ProxyLayer};
use crate::runtime::{FrontendState, Runtime};
use crate::tasks::{Background, Tasks};
use crate::{config, model, Error, ProxyHandle};
use std::path::Path;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_layer::Layer;

/// A configured proxy: the live runtime and the data path of every frontend.
///
/// ```no_run
/// # async fn run() -> Result<(), switchyard_core::Error> {
/// let proxy = switchyard_core::Proxy::from_config_file("haproxy.cfg")?;
/// let listeners = proxy.bind().await?;
/// listeners.serve(std::future::pending()).await
/// # }
/// ```
#[derive(Debug)]
pub struct Proxy {
    config: Arc<model::Config>,
    runtime: Arc<Runtime>,
    layers: Vec<(String, ProxyLayer)>,
    backends: Arc<[BackendPlan]>,
    /// The model every [`ProxyHandle`] applies changes to.
    live_model: Arc<std::sync::Mutex<Arc<model::Config>>>,
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
        let backends: Arc<[BackendPlan]> = config
            .backends
            .iter()
            .map(BackendPlan::compile)
            .collect::<Result<Vec<_>, _>>()?
            .into();
        let logs = Arc::new(Logs::new(&config, Arc::clone(&runtime)).map_err(Error::log)?);
        let layers = config
            .frontends
            .iter()
            .zip(runtime.frontends())
            .map(|(frontend, state)| {
                let access_log = AccessLog::new(&logs, &frontend.logging).map_err(Error::log)?;
                let plan = FrontendPlan::compile(
                    frontend,
                    access_log,
                    Arc::clone(state),
                    Arc::clone(&runtime),
                    Arc::clone(&backends),
                )?;
                Ok((frontend.name.clone(), ProxyLayer::new(Arc::new(plan))))
            })
            .collect::<Result<_, Error>>()?;
        let health = HealthChecks::compile(&config, &runtime)?;
        let config = Arc::new(config);
        Ok(Proxy {
            live_model: Arc::new(std::sync::Mutex::new(Arc::clone(&config))),
            config,
            runtime,
            layers,
            backends,
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

    /// The configuration this proxy runs.
    pub fn config(&self) -> &model::Config {
        &self.config
    }

    /// The live state: servers, balancers, counters. Health checks and the admin API change it.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    /// A load-balanced client for the servers of backend `backend` (see [`Client`]), or `None`
    /// when there is no such backend. It shares the backend's live state, health checks,
    /// counters and connection pool with the proxy's frontends.
    pub fn client(&self, backend: &str) -> Option<Client> {
        let frontend = model::Frontend::builder(backend)
            .default_backend(backend)
            .build()
            .ok()?;
        // The client is not a configured frontend: its own counters are not shown in the
        // stats (the backend's and servers' are) and it writes no access log.
        let global = Arc::clone(self.runtime.global_limit());
        let state = FrontendState::from_model(&frontend, 0, global);
        let plan = FrontendPlan::compile(
            &frontend,
            None,
            Arc::new(state),
            Arc::clone(&self.runtime),
            Arc::clone(&self.backends),
        )
        .ok()?;
        Some(Client::new(Arc::new(plan)))
    }

    /// A cloneable handle to change the live servers from code (see [`ProxyHandle`]).
    pub fn handle(&self) -> ProxyHandle {
        ProxyHandle::new(Arc::clone(&self.runtime), Arc::clone(&self.live_model))
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
        self.layers
            .iter()
            .find(|(name, _)| name == frontend)
            .map(|(_, layer)| layer.clone())
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
        let mut listeners = Vec::new();
        let frontends = self.config.frontends.iter().zip(self.runtime.frontends());
        for ((frontend, state), (_, layer)) in frontends.zip(&self.layers) {
            for bind in &frontend.binds {
                let socket = TcpListener::bind(bind.addr)
                    .await
                    .map_err(|e| Error::bind(&frontend.name, bind.addr, e))?;
                listeners.push(Listener {
                    frontend: Arc::clone(state),
                    socket,
                    service: layer.layer(crate::frontend::NoBackend),
                    timeouts: crate::frontend::ClientTimeouts::of(&frontend.timeouts),
                });
            }
        }
        let admin = AdminSockets::bind(Arc::clone(&self.config), Arc::clone(&self.runtime))?;
        Ok(Listeners::new(listeners, admin))
    }
}
