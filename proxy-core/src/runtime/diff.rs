//! What changed between two models, by name: the input of a reload or of
//! [`crate::ProxyHandle::apply`].
//!
//! HAProxy's reload starts a new process and only carries server states over through a state
//! file; Switchyard instead compares the old and new [`model::Config`] and applies the
//! difference to the live runtime, so servers present in both keep their health, counters and
//! operator-set state. Backends and servers are matched by name (as in HAProxy's
//! `server-state-file`), never by position.

use crate::model;

/// One difference between two models.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Change {
    /// The `global` section changed.
    Global,
    /// A frontend was added.
    FrontendAdded {
        /// Its name.
        name: String,
    },
    /// A frontend was removed.
    FrontendRemoved {
        /// Its name.
        name: String,
    },
    /// A frontend's `bind` lines, or its `backlog` (given to each listener when it is bound),
    /// changed.
    Binds {
        /// The frontend's name.
        frontend: String,
    },
    /// A frontend's other settings (rules, routes, timeouts, maxconn, logging...) changed.
    Frontend {
        /// The frontend's name.
        name: String,
    },
    /// A backend was added.
    BackendAdded {
        /// Its name.
        name: String,
    },
    /// A backend was removed.
    BackendRemoved {
        /// Its name.
        name: String,
    },
    /// A backend's own settings changed (balance, timeouts, retries, rules, checks...).
    BackendSettings {
        /// The backend's name.
        name: String,
    },
    /// A server was added to a backend present in both models.
    ServerAdded {
        /// The backend.
        backend: String,
        /// The new server, as configured.
        server: model::Server,
    },
    /// A server was removed from a backend present in both models.
    ServerRemoved {
        /// The backend.
        backend: String,
        /// The server's name.
        server: String,
    },
    /// A server's configured weight changed.
    Weight {
        /// The backend.
        backend: String,
        /// The server.
        server: String,
        /// The new weight.
        weight: u32,
    },
    /// A server's `disabled` flag changed: it goes to (or leaves) maintenance.
    Disabled {
        /// The backend.
        backend: String,
        /// The server.
        server: String,
        /// Whether it is now disabled.
        disabled: bool,
    },
    /// Another setting of a server changed (address, checks, maxconn, backup...).
    ServerSettings {
        /// The backend.
        backend: String,
        /// The server.
        server: String,
    },
}

impl Change {
    /// The backend the change is about, if it is about a backend or one of its servers.
    pub fn backend(&self) -> Option<&str> {
        match self {
            Change::BackendAdded { name }
            | Change::BackendRemoved { name }
            | Change::BackendSettings { name } => Some(name),
            Change::ServerAdded { backend, .. }
            | Change::ServerRemoved { backend, .. }
            | Change::Weight { backend, .. }
            | Change::Disabled { backend, .. }
            | Change::ServerSettings { backend, .. } => Some(backend),
            Change::Global
            | Change::FrontendAdded { .. }
            | Change::FrontendRemoved { .. }
            | Change::Binds { .. }
            | Change::Frontend { .. } => None,
        }
    }
}

/// Every difference between `old` and `new`: `global`, then frontends, then backends in
/// `new`'s order, then removed backends.
///
/// ```
/// use switchyard_core::model::{Backend, Config, Server};
/// use switchyard_core::runtime::diff::{diff, Change};
/// let addr = "127.0.0.1:8001".parse().unwrap();
/// let old = Config::builder().backend(Backend::builder("app").server("a", addr)).build()?;
/// let new = Config::builder()
///     .backend(Backend::builder("app").server_with(Server::builder("a", addr).weight(5)))
///     .build()?;
/// assert_eq!(
///     diff(&old, &new),
///     [Change::Weight { backend: "app".into(), server: "a".into(), weight: 5 }]
/// );
/// # Ok::<(), switchyard_core::model::BuildError>(())
/// ```
pub fn diff(old: &model::Config, new: &model::Config) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.global != new.global {
        changes.push(Change::Global);
    }
    for frontend in &new.frontends {
        let name = frontend.name.clone();
        match old.frontend(&frontend.name) {
            None => changes.push(Change::FrontendAdded { name }),
            Some(before) => {
                if before.binds != frontend.binds || before.backlog != frontend.backlog {
                    changes.push(Change::Binds {
                        frontend: name.clone(),
                    });
                }
                let settings = |f: &model::Frontend| model::Frontend {
                    binds: Vec::new(),
                    backlog: None,
                    ..f.clone()
                };
                if settings(before) != settings(frontend) {
                    changes.push(Change::Frontend { name });
                }
            }
        }
    }
    for frontend in &old.frontends {
        if new.frontend(&frontend.name).is_none() {
            changes.push(Change::FrontendRemoved {
                name: frontend.name.clone(),
            });
        }
    }
    for backend in &new.backends {
        match old.backend(&backend.name) {
            None => changes.push(Change::BackendAdded {
                name: backend.name.clone(),
            }),
            Some(before) => diff_backend(before, backend, &mut changes),
        }
    }
    for backend in &old.backends {
        if new.backend(&backend.name).is_none() {
            changes.push(Change::BackendRemoved {
                name: backend.name.clone(),
            });
        }
    }
    changes
}

fn diff_backend(old: &model::Backend, new: &model::Backend, changes: &mut Vec<Change>) {
    let settings_only = |backend: &model::Backend| model::Backend {
        servers: Vec::new(),
        ..backend.clone()
    };
    if settings_only(old) != settings_only(new) {
        changes.push(Change::BackendSettings {
            name: new.name.clone(),
        });
    }
    let name = &new.name;
    for server in &new.servers {
        let Some(before) = old.servers.iter().find(|s| s.name == server.name) else {
            changes.push(Change::ServerAdded {
                backend: name.clone(),
                server: server.clone(),
            });
            continue;
        };
        diff_server(name, before, server, changes);
    }
    for server in &old.servers {
        if !new.servers.iter().any(|s| s.name == server.name) {
            changes.push(Change::ServerRemoved {
                backend: name.clone(),
                server: server.name.clone(),
            });
        }
    }
}

fn diff_server(backend: &str, old: &model::Server, new: &model::Server, out: &mut Vec<Change>) {
    let (backend, server) = (backend.to_owned(), new.name.clone());
    if old.weight != new.weight {
        out.push(Change::Weight {
            backend: backend.clone(),
            server: server.clone(),
            weight: new.weight,
        });
    }
    if old.disabled != new.disabled {
        out.push(Change::Disabled {
            backend: backend.clone(),
            server: server.clone(),
            disabled: new.disabled,
        });
    }
    // The numeric id follows the declaration position unless set: a server kept under the same
    // name keeps its id, wherever it moved.
    let rest = |s: &model::Server| model::Server {
        weight: 0,
        disabled: false,
        id: 0,
        ..s.clone()
    };
    if rest(old) != rest(new) {
        out.push(Change::ServerSettings { backend, server });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Backend, Balance, Config, Frontend, Server};
    use std::net::SocketAddr;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn config(backends: Vec<model::BackendBuilder>) -> Config {
        backends
            .into_iter()
            .fold(Config::builder(), model::ConfigBuilder::backend)
            .build()
            .unwrap()
    }

    #[test]
    fn equal_models_have_no_difference() {
        let model = config(vec![Backend::builder("app").server("a", addr(1))]);
        assert!(diff(&model, &model.clone()).is_empty());
    }

    #[test]
    fn servers_are_matched_by_name_not_position() {
        let old = config(vec![Backend::builder("app")
            .server("a", addr(1))
            .server("b", addr(2))]);
        let new = config(vec![Backend::builder("app")
            .server_with(Server::builder("b", addr(2)).id(2))
            .server_with(Server::builder("c", addr(3)).id(3))]);
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert!(matches!(&changes[0], Change::ServerAdded { server, .. } if server.name == "c"));
        assert_eq!(
            changes[1],
            Change::ServerRemoved {
                backend: "app".into(),
                server: "a".into()
            }
        );
    }

    #[test]
    fn weight_maintenance_and_other_settings_are_told_apart() {
        let old = config(vec![Backend::builder("app")
            .server("a", addr(1))
            .server("b", addr(2))]);
        let new = config(vec![Backend::builder("app")
            .balance(Balance::LeastConn)
            .server_with(Server::builder("a", addr(1)).weight(4).disabled(true))
            .server_with(Server::builder("b", addr(9)))]);
        let kinds: Vec<String> = diff(&old, &new)
            .iter()
            .map(|c| {
                format!("{c:?}")
                    .split([' ', '{'])
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            kinds,
            ["BackendSettings", "Weight", "Disabled", "ServerSettings"]
        );
    }

    #[test]
    fn added_and_removed_backends_and_changed_frontends_are_listed() {
        let old = Config::builder()
            .backend(Backend::builder("old"))
            .frontend(Frontend::builder("www").default_backend("old"))
            .build()
            .unwrap();
        let new = Config::builder()
            .backend(Backend::builder("new"))
            .frontend(Frontend::builder("www").default_backend("new"))
            .build()
            .unwrap();
        assert_eq!(
            diff(&old, &new),
            [
                Change::Frontend { name: "www".into() },
                Change::BackendAdded { name: "new".into() },
                Change::BackendRemoved { name: "old".into() },
            ]
        );
    }

    #[test]
    fn binds_global_and_frontend_membership_are_told_apart() {
        let frontend = |name: &str, port: u16| {
            Frontend::builder(name)
                .bind(addr(port))
                .default_backend("app")
        };
        let old = Config::builder()
            .backend(Backend::builder("app"))
            .frontend(frontend("www", 1))
            .frontend(frontend("old", 2))
            .build()
            .unwrap();
        let new = Config::builder()
            .maxconn(10)
            .backend(Backend::builder("app"))
            .frontend(frontend("www", 3))
            .frontend(frontend("new", 2))
            .build()
            .unwrap();
        assert_eq!(
            diff(&old, &new),
            [
                Change::Global,
                Change::Binds {
                    frontend: "www".into()
                },
                Change::FrontendAdded { name: "new".into() },
                Change::FrontendRemoved { name: "old".into() },
            ]
        );
        let deeper = Config::builder()
            .backend(Backend::builder("app"))
            .frontend(frontend("www", 1).backlog(5000))
            .frontend(frontend("old", 2))
            .build()
            .unwrap();
        let rebind = [Change::Binds {
            frontend: "www".into(),
        }];
        assert_eq!(diff(&old, &deeper), rebind);
    }
}
