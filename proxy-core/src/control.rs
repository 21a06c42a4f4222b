//! Runtime control from code: [`ProxyHandle`], the library's side of HAProxy's stats socket.
//!
//! A handle is a cheap clone of the proxy's live state. Its operations are the runtime
//! operations the stats socket's commands call (`set server <b>/<s> state`, `set weight`), so a
//! change made in code behaves exactly like the same command typed on the socket: the server's
//! state changes at once and the backend's balancer snapshot is rebuilt off the request path.
//! [`ProxyHandle::apply`] replaces the whole configuration, as the binary's reload does.

use crate::live::Live;
use crate::model::{self, limits::MAX_WEIGHT};
use crate::runtime::diff::Change;
use crate::runtime::{AdminState, BackendState, MembershipError, Runtime, ServerState};
use crate::stats::Snapshot;
use std::sync::Arc;

/// Why a control operation was refused. The messages are the stats socket's.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// No backend has this name.
    #[error("No such backend.")]
    NoSuchBackend,
    /// The backend has no server of this name.
    #[error("No such server.")]
    NoSuchServer,
    /// A weight above 256.
    #[error("Absolute weight can only be between 0 and 256 inclusive.")]
    WeightOutOfRange,
    /// `add_server` or `remove_server` was refused.
    #[error(transparent)]
    Membership(#[from] MembershipError),
    /// The new model differs in ways [`ProxyHandle::apply`] cannot apply to a running proxy
    /// (binds, `global`, frontends added or removed); nothing was changed.
    #[error("these changes need a restart: {0:?}")]
    NeedsRestart(Vec<Change>),
    /// The new model does not compile (a rule, a health check request); nothing was changed.
    #[error("the new configuration cannot run: {0}")]
    Invalid(String),
    /// The server has no `check`, so its health checks cannot be started or stopped.
    #[error("Health check was not configured on this server.")]
    NotChecked,
}

/// A cloneable handle that changes a running proxy's servers. Get one from
/// [`crate::Proxy::handle`].
///
/// ```
/// use switchyard_core::model::{Backend, Config};
/// use switchyard_core::runtime::AdminState;
/// let config = Config::builder()
///     .backend(Backend::builder("app").server("a", "127.0.0.1:8001".parse().unwrap()))
///     .build()?;
/// let proxy = switchyard_core::Proxy::from_config(config)?;
/// let handle = proxy.handle();
/// handle.set_server_state("app", "a", AdminState::Maint)?;
/// assert_eq!(proxy.runtime().backend("app").unwrap().servers()[0].status(), "MAINT");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProxyHandle {
    live: Arc<Live>,
}

impl ProxyHandle {
    pub(crate) fn new(live: Arc<Live>) -> Self {
        ProxyHandle { live }
    }

    /// The model the proxy runs now: the one it was built from, with every [`apply`](Self::apply)
    /// since.
    pub fn model(&self) -> Arc<model::Config> {
        self.live.model()
    }

    /// The live state this handle changes.
    pub fn runtime(&self) -> &Arc<Runtime> {
        self.live.runtime()
    }

    /// `set server <backend>/<server> state ready|drain|maint`.
    pub fn set_server_state(
        &self,
        backend: &str,
        server: &str,
        state: AdminState,
    ) -> Result<(), ControlError> {
        let (backend, server) = self.find(backend, server)?;
        backend.set_admin_state(server.id, state);
        Ok(())
    }

    /// `set weight <backend>/<server> <weight>`: 0 (no new requests) to 256.
    pub fn set_weight(&self, backend: &str, server: &str, weight: u32) -> Result<(), ControlError> {
        if weight > MAX_WEIGHT {
            return Err(ControlError::WeightOutOfRange);
        }
        let (backend, server) = self.find(backend, server)?;
        backend.set_weight(server.id, weight);
        Ok(())
    }

    /// The statistics `show stat` prints, as values: counters, states and weights of every
    /// frontend, backend and server.
    ///
    /// ```
    /// # use switchyard_core::model::{Backend, Config};
    /// # let config = Config::builder()
    /// #     .backend(Backend::builder("app").server("a", "127.0.0.1:8001".parse().unwrap()))
    /// #     .build()?;
    /// let proxy = switchyard_core::Proxy::from_config(config)?;
    /// let snapshot = proxy.handle().snapshot();
    /// assert_eq!(snapshot.server("app", "a").unwrap().number("stot"), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::of(self.runtime())
    }

    /// `add server <backend>/<name>`: adds `server` (built with
    /// [`ServerBuilder::build_alone`](crate::model::ServerBuilder::build_alone)) to a backend
    /// whose algorithm allows it. It starts in maintenance, as in HAProxy: set it `Ready` when
    /// it should take requests. A server with `check` is checked once
    /// [`set_health_checks`](Self::set_health_checks) starts its checks (`enable health`).
    pub fn add_server(&self, backend: &str, server: &model::Server) -> Result<(), ControlError> {
        self.backend(backend)?.add_server(server)?;
        self.runtime().note_servers_changed();
        Ok(())
    }

    /// `del server <backend>/<name>`: removes a server that is in maintenance and has no
    /// request in flight.
    pub fn remove_server(&self, backend: &str, server: &str) -> Result<(), ControlError> {
        self.backend(backend)?.remove_server(server)?;
        self.runtime().note_servers_changed();
        Ok(())
    }

    /// `enable health` / `disable health <backend>/<server>`: starts or stops the active
    /// checks of a server with `check`. While they are stopped the server counts as UP.
    pub fn set_health_checks(
        &self,
        backend: &str,
        server: &str,
        enabled: bool,
    ) -> Result<(), ControlError> {
        let (backend, server) = self.find(backend, server)?;
        if !server.set_checks_enabled(enabled) {
            return Err(ControlError::NotChecked);
        }
        backend.refresh_selection();
        Ok(())
    }

    /// Runs `new` from now on, as the binary's reload does, and returns what changed (see
    /// [`crate::runtime::diff`]). Backends and servers are matched by name: the ones `new`
    /// keeps keep their live state (health, counters, operator's changes); a server whose
    /// settings changed starts over; the removed ones finish their requests in flight. Each
    /// request runs wholly on the old or wholly on the new configuration.
    ///
    /// Changes HAProxy only makes by restarting (binds, `global`, frontends added or removed)
    /// are refused with [`ControlError::NeedsRestart`], and a configuration that does not
    /// compile with [`ControlError::Invalid`]; then nothing changes.
    ///
    /// ```
    /// use switchyard_core::model::{Backend, Config};
    /// let addr = "127.0.0.1:8001".parse().unwrap();
    /// let config = Config::builder().backend(Backend::builder("app").server("a", addr)).build()?;
    /// let proxy = switchyard_core::Proxy::from_config(config)?;
    /// let grown = Config::builder()
    ///     .backend(Backend::builder("app").server("a", addr).server("b", "127.0.0.1:8002".parse()?))
    ///     .build()?;
    /// let changes = proxy.handle().apply(grown)?;
    /// assert_eq!(changes.len(), 1);
    /// assert_eq!(proxy.runtime().backend("app").unwrap().servers().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(&self, new: model::Config) -> Result<Vec<Change>, ControlError> {
        self.live.apply(new)
    }

    fn backend(&self, name: &str) -> Result<Arc<BackendState>, ControlError> {
        self.runtime()
            .backend(name)
            .ok_or(ControlError::NoSuchBackend)
    }

    fn find(
        &self,
        backend: &str,
        server: &str,
    ) -> Result<(Arc<BackendState>, Arc<ServerState>), ControlError> {
        let backend = self.backend(backend)?;
        let server = backend.server(server).ok_or(ControlError::NoSuchServer)?;
        Ok((backend, server))
    }
}
