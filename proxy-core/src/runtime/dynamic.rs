//! Servers added and removed while the proxy runs (HAProxy's `add server` and `del server`),
//! as operations on the [`Runtime`] that the stats socket and the library's control handle
//! share. The backend's balancer snapshot is rebuilt; nothing restarts.

use super::{RemoveError, Runtime, ServerState};
use crate::model;
use std::sync::Arc;

/// Why a server could not be added, with HAProxy's answers where it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddServerError {
    /// No backend has that name.
    #[error("No such backend.")]
    NoSuchBackend,
    /// The backend's algorithm cannot take new servers (`static-rr`, map-based hashing).
    #[error("Backend must use a dynamic load balancing to support dynamic servers.")]
    StaticBalance,
    /// The backend has a server of that name already.
    #[error("Already exists a server with the same name in backend.")]
    DuplicateName,
    /// The explicit `id` is taken by another server of the backend.
    #[error("Server id {0} already used in backend.")]
    DuplicateId(u32),
    /// A health check was asked for; checks of added servers are not supported yet.
    #[error("'check' is not supported yet on a server added at run time.")]
    CheckNotSupported,
}

impl Runtime {
    /// Adds `server` to backend `backend` and returns its live state. `server.id` 0 asks for
    /// the lowest free id. The server starts as the model says: HAProxy's `add server` gives
    /// `disabled` (maintenance) so that an operator enables it once ready.
    pub fn add_server(
        &self,
        backend: &str,
        mut server: model::Server,
    ) -> Result<Arc<ServerState>, AddServerError> {
        let state = self.backend(backend).ok_or(AddServerError::NoSuchBackend)?;
        if !state.accepts_dynamic_servers() {
            return Err(AddServerError::StaticBalance);
        }
        if server.check.enabled {
            return Err(AddServerError::CheckNotSupported);
        }
        let servers = state.servers();
        if servers.iter().any(|s| s.name == server.name) {
            return Err(AddServerError::DuplicateName);
        }
        if server.id == 0 {
            server.id = state.next_free_puid();
        } else if servers.iter().any(|s| s.puid == server.id) {
            return Err(AddServerError::DuplicateId(server.id));
        }
        Ok(state.add_server(&server))
    }

    /// Removes server `server` of backend `backend`; it must be in maintenance with no request
    /// in flight, as HAProxy requires.
    pub fn remove_server(&self, backend: &str, server: &str) -> Result<(), RemoveError> {
        self.backend(backend)
            .ok_or(RemoveError::NoSuchBackend)?
            .remove_server(server)
    }
}
