//! Runtime control from code: [`ProxyHandle`], the library's side of HAProxy's stats socket.
//!
//! A handle is a cheap clone of the proxy's live state. Its operations are the runtime
//! operations the stats socket's commands call (`set server <b>/<s> state`, `set weight`), so a
//! change made in code behaves exactly like the same command typed on the socket: the server's
//! state changes at once and the backend's balancer snapshot is rebuilt off the request path.

use crate::model::{self, limits::MAX_WEIGHT};
use crate::runtime::diff::{diff, Change};
use crate::runtime::{AdminState, BackendState, MembershipError, Runtime, ServerState};
use crate::stats::Snapshot;
use std::sync::{Arc, Mutex, MutexGuard};

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
    /// The new model differs in ways [`ProxyHandle::apply`] cannot apply to a running proxy;
    /// nothing was changed.
    #[error("these changes need a restart: {0:?}")]
    NeedsRestart(Vec<Change>),
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
    runtime: Arc<Runtime>,
    /// The model the runtime matches now, shared by every clone; its lock serialises `apply`.
    model: Arc<Mutex<Arc<model::Config>>>,
}

impl ProxyHandle {
    pub(crate) fn new(runtime: Arc<Runtime>, model: Arc<Mutex<Arc<model::Config>>>) -> Self {
        ProxyHandle { runtime, model }
    }

    /// The model the proxy runs now: the one it was built from, with every [`apply`](Self::apply)
    /// since.
    pub fn model(&self) -> Arc<model::Config> {
        Arc::clone(&self.lock_model())
    }

    /// The live state this handle changes.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
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
        Snapshot::of(&self.runtime)
    }

    /// `add server <backend>/<name>`: adds `server` (built with
    /// [`ServerBuilder::build_alone`](crate::model::ServerBuilder::build_alone)) to a backend
    /// whose algorithm allows it. It starts in maintenance, as in HAProxy: set it `Ready` when
    /// it should take requests. Added servers are not health-checked.
    pub fn add_server(&self, backend: &str, server: &model::Server) -> Result<(), ControlError> {
        let backend = self.backend(backend)?;
        backend.add_server(server)?;
        Ok(())
    }

    /// `del server <backend>/<name>`: removes a server that is in maintenance and has no
    /// request in flight.
    pub fn remove_server(&self, backend: &str, server: &str) -> Result<(), ControlError> {
        self.backend(backend)?.remove_server(server)?;
        Ok(())
    }

    /// Applies `new` to the running proxy (see the module documentation) and returns what
    /// changed. When some change cannot be applied live, nothing is changed and the error lists
    /// those changes.
    pub fn apply(&self, new: model::Config) -> Result<Vec<Change>, ControlError> {
        let mut current = self.lock_model();
        let changes = diff(&current, &new);
        let not_live: Vec<Change> = changes
            .iter()
            .filter(|change| !self.applies_live(change))
            .cloned()
            .collect();
        if !not_live.is_empty() {
            return Err(ControlError::NeedsRestart(not_live));
        }
        for change in &changes {
            self.apply_one(change)?;
        }
        *current = Arc::new(new);
        Ok(changes)
    }

    fn applies_live(&self, change: &Change) -> bool {
        match change {
            Change::ServerAdded { backend, .. } => self
                .runtime
                .backend(backend)
                .is_some_and(|b| b.takes_new_servers()),
            Change::ServerRemoved { .. } | Change::Weight { .. } | Change::Disabled { .. } => true,
            _ => false,
        }
    }

    fn apply_one(&self, change: &Change) -> Result<(), ControlError> {
        match change {
            Change::ServerAdded { backend, server } => {
                let state = self.backend(backend)?.add_server(server)?;
                if !server.disabled {
                    self.backend(backend)?
                        .set_admin_state(state.id, AdminState::Ready);
                }
            }
            Change::ServerRemoved { backend, server } => {
                self.backend(backend)?.retire_server(server);
            }
            Change::Weight {
                backend,
                server,
                weight,
            } => self.set_weight(backend, server, *weight)?,
            Change::Disabled {
                backend,
                server,
                disabled,
            } => {
                let state = if *disabled {
                    AdminState::Maint
                } else {
                    AdminState::Ready
                };
                self.set_server_state(backend, server, state)?;
            }
            // `apply` only calls this for the changes above.
            _ => {}
        }
        Ok(())
    }

    fn lock_model(&self) -> MutexGuard<'_, Arc<model::Config>> {
        // The guarded value is replaced in one assignment; a panic cannot leave it half-written.
        self.model
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn backend(&self, name: &str) -> Result<&Arc<BackendState>, ControlError> {
        self.runtime
            .backend(name)
            .ok_or(ControlError::NoSuchBackend)
    }

    fn find(
        &self,
        backend: &str,
        server: &str,
    ) -> Result<(&Arc<BackendState>, Arc<ServerState>), ControlError> {
        let backend = self.backend(backend)?;
        let server = backend.server(server).ok_or(ControlError::NoSuchServer)?;
        Ok((backend, server))
    }
}
