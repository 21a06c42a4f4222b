//! Runtime control from code: [`ProxyHandle`], the library's side of HAProxy's stats socket.
//!
//! A handle is a cheap clone of the proxy's live state. Its operations are the runtime
//! operations the stats socket's commands call (`set server <b>/<s> state`, `set weight`), so a
//! change made in code behaves exactly like the same command typed on the socket: the server's
//! state changes at once and the backend's balancer snapshot is rebuilt off the request path.

use crate::model::limits::MAX_WEIGHT;
use crate::runtime::{AdminState, BackendState, Runtime, ServerState};
use std::sync::Arc;

/// Why a control operation was refused. The messages are the stats socket's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
}

impl ProxyHandle {
    pub(crate) fn new(runtime: Arc<Runtime>) -> ProxyHandle {
        ProxyHandle { runtime }
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

    fn find(
        &self,
        backend: &str,
        server: &str,
    ) -> Result<(&Arc<BackendState>, &Arc<ServerState>), ControlError> {
        let backend = self
            .runtime
            .backend(backend)
            .ok_or(ControlError::NoSuchBackend)?;
        let server = backend.server(server).ok_or(ControlError::NoSuchServer)?;
        Ok((backend, server))
    }
}
