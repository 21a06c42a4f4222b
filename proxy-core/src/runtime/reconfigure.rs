//! A backend's servers changed by a reconfiguration ([`crate::ProxyHandle::apply`], the
//! binary's reload): the [`Change`]s of [`super::diff`] made to the live state, keeping the
//! state of every server the new configuration keeps as it was.

use super::diff::Change;
use super::{AdminState, BackendState};
use crate::model;

impl BackendState {
    /// Makes one change of a reconfiguration to this backend, whose new configuration is
    /// `model`. Changes about other backends, or about the backend's own settings (see
    /// [`BackendState::set_model`]), are left alone.
    pub(crate) fn apply_change(&self, change: &Change, model: &model::Backend) {
        match change {
            Change::ServerAdded { server, .. } => self.add_listed(server),
            Change::ServerRemoved { server, .. } => self.retire_server(server),
            Change::ServerSettings { server, .. } => {
                self.retire_server(server);
                if let Some(new) = model.servers.iter().find(|s| s.name == *server) {
                    self.add_listed(new);
                }
            }
            Change::Weight { server, weight, .. } => {
                if let Some(state) = self.server(server) {
                    state.reconfigure_weight(*weight);
                    self.refresh_selection();
                }
            }
            Change::Disabled {
                server, disabled, ..
            } => {
                if let Some(state) = self.server(server) {
                    let admin = if *disabled {
                        AdminState::Maint
                    } else {
                        AdminState::Ready
                    };
                    self.set_admin_state(state.id, admin);
                }
            }
            _ => {}
        }
    }

    /// Stops giving requests to every server: the backend is no longer configured.
    pub(crate) fn retire_all_servers(&self) {
        for server in self.servers() {
            self.retire_server(&server.name);
        }
    }

    /// Adds a server the new configuration lists. Its name is free (a server of the same name
    /// was retired first, or never existed), so this cannot fail; a failure is logged.
    fn add_listed(&self, server: &model::Server) {
        if let Err(error) = self.add_configured_server(server) {
            tracing::warn!(backend = self.name(), server = %server.name, %error, "reload");
        }
    }

    /// Removes a server at once, whatever its state: it gets no new request, the ones in
    /// flight finish (they hold its state), and it is dropped after the last.
    fn retire_server(&self, name: &str) {
        let guard = self.lock_changes();
        if let Some(server) = self.server(name) {
            server.set_admin_state(AdminState::Maint);
            server.mark_removed();
            self.rebuild(&guard);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::model::{Backend, Balance, Config, Server};
    use crate::runtime::diff::diff;
    use crate::runtime::{AdminState, BackendState};
    use std::net::SocketAddr;
    use std::sync::atomic::Ordering;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    /// Runs `new` on `state` (built from `old`) as a reload does.
    fn reload(state: &BackendState, old: &Backend, new: &Backend) {
        let config = |backend: &Backend| Config {
            backends: vec![backend.clone()],
            ..Config::default()
        };
        for change in diff(&config(old), &config(new)) {
            state.apply_change(&change, new);
        }
        state.set_model(new.clone());
    }

    #[test]
    fn a_kept_server_keeps_its_counters_and_operator_state() {
        let old = Backend::builder("app")
            .server("a", addr(1))
            .server("b", addr(2))
            .build()
            .unwrap();
        let state = BackendState::from_model(&old, 2);
        let a = state.server("a").unwrap();
        a.picked.store(7, Ordering::Relaxed);
        state.set_admin_state(a.id, AdminState::Drain);
        let new = Backend::builder("app")
            .balance(Balance::LeastConn)
            .server("a", addr(1))
            .server_with(Server::builder("b", addr(2)).weight(9))
            .build()
            .unwrap();
        reload(&state, &old, &new);
        let a_after = state.server("a").unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &a_after));
        assert_eq!(a_after.picked.load(Ordering::Relaxed), 7);
        assert_eq!(a_after.admin_state(), AdminState::Drain);
        let b = state.server("b").unwrap();
        assert_eq!((b.weight(), b.initial_weight()), (9, 9));
        assert_eq!(state.model().balance, Balance::LeastConn);
    }

    #[test]
    fn a_moved_server_is_replaced_and_a_dropped_one_retired() {
        let old = Backend::builder("app")
            .balance(Balance::StaticRr)
            .server("a", addr(1))
            .server("b", addr(2))
            .build()
            .unwrap();
        let state = BackendState::from_model(&old, 2);
        let a_before = state.server("a").unwrap();
        let b_before = state.server("b").unwrap();
        let new = Backend::builder("app")
            .balance(Balance::StaticRr)
            .server_with(Server::builder("a", addr(3)).id(1))
            .server_with(Server::builder("c", addr(4)).id(3))
            .build()
            .unwrap();
        reload(&state, &old, &new);
        let names: Vec<String> = state.servers().iter().map(|s| s.name.to_string()).collect();
        assert_eq!(names, ["a", "c"]);
        let a = state.server("a").unwrap();
        assert_eq!(a.addr(), addr(3));
        assert_eq!(a.admin_state(), AdminState::Ready);
        assert!(a_before.is_removed() && b_before.is_removed());
    }
}
