//! Adding and removing servers of a running backend: HAProxy's `add server` and `del server`,
//! with their rules and messages, for the stats socket and [`crate::ProxyHandle`].
//!
//! - An added server gets the next [`ServerId`] and starts in maintenance, as in HAProxy: enable
//!   it (`set server ... state ready`) once it is ready. Only backends with a dynamic algorithm
//!   take new servers (not `static-rr`, not map-based hashing), since the others would remap
//!   every key. An added server with `check` is checked once `enable health` starts its checks.
//!   A reconfiguration adds the servers it lists whatever the algorithm, in their configured
//!   state.
//! - A server can be removed once in maintenance with no request in flight and none queued.
//!   Its id is never reused; its state is dropped when the last reference goes.

use super::{AdminState, BackendState, ServerId, ServerState};
use crate::model::{self, Balance, HashMethod};
use std::sync::Arc;

/// Why a server could not be added or removed; the messages are HAProxy's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MembershipError {
    /// The name is taken.
    #[error("Already exists a server with the same name in backend.")]
    NameTaken,
    /// The backend's algorithm cannot take new servers.
    #[error("Backend must use a dynamic load balancing to support dynamic servers.")]
    StaticAlgorithm,
    /// No server of that name.
    #[error("No such server.")]
    NoSuchServer,
    /// The server is not in maintenance.
    #[error("Only servers in maintenance mode can be deleted.")]
    NotInMaintenance,
    /// The server still has requests.
    #[error("Server still has connections attached to it, cannot remove it.")]
    InUse,
}

impl BackendState {
    /// `add server <backend>/<name>`: adds `server` (its `id` is replaced by the next free one
    /// when 0 or taken) in maintenance, with its health checks (if it has `check`) stopped
    /// until `enable health`, as in HAProxy. Returns its live state.
    pub fn add_server(&self, server: &model::Server) -> Result<Arc<ServerState>, MembershipError> {
        if !self.takes_new_servers() {
            return Err(MembershipError::StaticAlgorithm);
        }
        let state = self.insert_server(server, AdminState::Maint)?;
        state.set_checks_enabled(false);
        Ok(state)
    }

    /// Adds a server a reconfiguration lists, whatever the algorithm: in the state its
    /// configuration gives (maintenance when `disabled`), its checks running.
    pub(crate) fn add_configured_server(
        &self,
        server: &model::Server,
    ) -> Result<Arc<ServerState>, MembershipError> {
        let admin = if server.disabled {
            AdminState::Maint
        } else {
            AdminState::Ready
        };
        self.insert_server(server, admin)
    }

    /// Appends `server` with the next [`ServerId`] in `admin` state and rebuilds the balancer.
    fn insert_server(
        &self,
        server: &model::Server,
        admin: AdminState,
    ) -> Result<Arc<ServerState>, MembershipError> {
        let guard = self.lock_changes();
        let current = self.all_servers().load_full();
        if current
            .iter()
            .any(|s| *s.name == *server.name && !s.is_removed())
        {
            return Err(MembershipError::NameTaken);
        }
        let index = u32::try_from(current.len()).map_err(|_| MembershipError::NameTaken)?;
        let mut server = server.clone();
        if server.id == 0 || current.iter().any(|s| s.puid == server.id) {
            server.id = current
                .iter()
                .map(|s| s.puid)
                .max()
                .unwrap_or(0)
                .saturating_add(1);
        }
        let state = Arc::new(ServerState::from_model(ServerId(index), &server));
        state.set_admin_state(admin);
        let mut next = Vec::clone(&current);
        next.push(Arc::clone(&state));
        self.all_servers().store(Arc::new(next));
        self.rebuild(&guard);
        Ok(state)
    }

    /// `del server <backend>/<name>`: removes a server in maintenance that has no request in
    /// flight.
    pub fn remove_server(&self, name: &str) -> Result<(), MembershipError> {
        let guard = self.lock_changes();
        let server = self.server(name).ok_or(MembershipError::NoSuchServer)?;
        if server.admin_state() != AdminState::Maint {
            return Err(MembershipError::NotInMaintenance);
        }
        if server.inflight() > 0 {
            return Err(MembershipError::InUse);
        }
        server.mark_removed();
        self.rebuild(&guard);
        Ok(())
    }

    /// Whether the algorithm lets servers be added at run time: every one but `static-rr` and
    /// map-based hashing.
    pub fn takes_new_servers(&self) -> bool {
        match self.model().balance {
            Balance::StaticRr => false,
            Balance::Source | Balance::Uri(_) | Balance::UrlParam { .. } | Balance::Hdr { .. } => {
                self.model().hash_type.method == HashMethod::Consistent
            }
            _ => true,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Backend, Server};

    fn backend(balance: Balance) -> BackendState {
        let model = Backend::builder("be")
            .balance(balance)
            .server("a", ([127, 0, 0, 1], 1).into())
            .build()
            .unwrap();
        BackendState::from_model(&model, 2)
    }

    fn new_server(name: &str) -> model::Server {
        Server::builder(name, ([127, 0, 0, 1], 2).into())
            .build_alone()
            .unwrap()
    }

    #[test]
    fn an_added_server_starts_in_maintenance_with_the_next_ids() {
        let backend = backend(Balance::RoundRobin);
        let added = backend.add_server(&new_server("b")).unwrap();
        assert_eq!((added.id, added.puid), (ServerId(1), 2));
        assert_eq!(added.admin_state(), AdminState::Maint);
        assert!(!added.checks_enabled());
        assert_eq!(backend.servers().len(), 2);
        assert_eq!(
            backend.add_server(&new_server("b")).unwrap_err(),
            MembershipError::NameTaken
        );
    }

    #[test]
    fn static_algorithms_refuse_new_servers() {
        let backend = backend(Balance::StaticRr);
        assert_eq!(
            backend.add_server(&new_server("b")).unwrap_err(),
            MembershipError::StaticAlgorithm
        );
    }

    #[test]
    fn only_an_idle_server_in_maintenance_is_removed() {
        let backend = backend(Balance::RoundRobin);
        assert_eq!(
            backend.remove_server("a"),
            Err(MembershipError::NotInMaintenance)
        );
        let a = backend.server("a").unwrap();
        backend.set_admin_state(a.id, AdminState::Maint);
        let slot = a.try_acquire().unwrap();
        assert_eq!(backend.remove_server("a"), Err(MembershipError::InUse));
        drop(slot);
        backend.remove_server("a").unwrap();
        assert!(backend.server("a").is_none());
        assert!(backend.servers().is_empty());
        assert_eq!(
            backend.remove_server("a"),
            Err(MembershipError::NoSuchServer)
        );
    }
}
