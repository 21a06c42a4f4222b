//! Live state built from the model: servers' states as atomics, each backend's balancer
//! snapshot, queues and counters.
//!
//! [`Runtime::from_model`] turns a [`model::Config`] into live state; a reconfiguration
//! ([`crate::ProxyHandle::apply`]) changes it in place, following [`diff`]. The data path reads
//! it; health checks and the admin API change it through [`BackendState`]'s setters, which
//! rebuild the balancer snapshot off the request path.

mod backend;
mod check;
pub(crate) mod clock;
mod counters;
pub mod diff;
mod frontend;
mod limit;
mod membership;
mod observe;
mod rate;
mod reconfigure;
mod server;
mod telemetry;
mod timing;

pub use backend::BackendState;
pub use check::{CheckInfo, CheckStatus};
pub use counters::Counters;
pub use frontend::{CapturedError, FrontendState, SessionInfo, SessionMark};
pub use limit::{ConnLimit, ConnPermit};
pub use membership::MembershipError;
pub use observe::Outcome;
pub use rate::Rate;
pub use server::{AdminState, ServerId, ServerSlot, ServerState};
pub use timing::{RequestTimes, TimeAverages, TIME_SAMPLES};

use crate::model;
use arc_swap::ArcSwap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime};
use tokio::sync::watch;

/// The first proxy id given to a configured proxy. HAProxy 2.6 gives id 1 to its internal
/// HTTP client proxy, so the first proxy of a configuration shows `iid` 2 in `show stat`.
const FIRST_PROXY_ID: u32 = 2;

/// Why a model could not become a runtime.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// Two backends share a name.
    #[error("two backends are named '{0}'")]
    DuplicateBackend(String),
    /// A backend has more servers than ids can count.
    #[error("backend '{0}' has too many servers")]
    TooManyServers(String),
}

/// The live state of every frontend and backend, in the model's declaration order.
#[derive(Debug)]
pub struct Runtime {
    global_limit: Arc<ConnLimit>,
    frontends: Vec<Arc<FrontendState>>,
    /// Replaced whole when a reconfiguration adds or removes a backend.
    backends: ArcSwap<Vec<Arc<BackendState>>>,
    /// The proxy id the next backend added by a reconfiguration gets.
    next_iid: AtomicU32,
    /// Bumped whenever servers are added, removed or replaced, or backends change: what the
    /// health checks watch to start and stop checkers.
    servers_changed: watch::Sender<u64>,
    started: Instant,
    started_at: SystemTime,
    dropped_logs: std::sync::atomic::AtomicU64,
}

impl Runtime {
    /// Builds the live state of every backend of `config`.
    ///
    /// ```
    /// use switchyard_core::{model, runtime::Runtime};
    /// let runtime = Runtime::from_model(&model::Config::default()).unwrap();
    /// assert!(runtime.backends().is_empty());
    /// ```
    pub fn from_model(config: &model::Config) -> Result<Arc<Runtime>, RuntimeError> {
        let global_limit = ConnLimit::new(config.global.maxconn);
        let frontends: Vec<Arc<FrontendState>> = config
            .frontends
            .iter()
            .zip(FIRST_PROXY_ID..)
            .map(|(frontend, iid)| {
                Arc::new(FrontendState::from_model(
                    frontend,
                    iid,
                    Arc::clone(&global_limit),
                ))
            })
            .collect();
        let mut next_iid =
            FIRST_PROXY_ID.saturating_add(u32::try_from(frontends.len()).unwrap_or(0));
        let mut backends: Vec<Arc<BackendState>> = Vec::with_capacity(config.backends.len());
        for backend in &config.backends {
            if backends.iter().any(|b| b.name() == backend.name) {
                return Err(RuntimeError::DuplicateBackend(backend.name.clone()));
            }
            if u32::try_from(backend.servers.len()).is_err() {
                return Err(RuntimeError::TooManyServers(backend.name.clone()));
            }
            // A `listen` section is one proxy: its backend shares its frontend's id.
            let iid = match frontends.iter().find(|f| f.name() == backend.name) {
                Some(frontend) => frontend.iid(),
                None => {
                    next_iid = next_iid.saturating_add(1);
                    next_iid - 1
                }
            };
            backends.push(Arc::new(BackendState::from_model(backend, iid)));
        }
        Ok(Arc::new(Runtime {
            global_limit,
            frontends,
            backends: ArcSwap::from_pointee(backends),
            next_iid: AtomicU32::new(next_iid),
            servers_changed: watch::Sender::new(0),
            started: Instant::now(),
            started_at: SystemTime::now(),
            dropped_logs: std::sync::atomic::AtomicU64::new(0),
        }))
    }

    /// The process-wide connection limit (`maxconn` in `global`), which `set maxconn global`
    /// changes.
    pub fn global_limit(&self) -> &Arc<ConnLimit> {
        &self.global_limit
    }

    /// Every frontend, in declaration order.
    pub fn frontends(&self) -> &[Arc<FrontendState>] {
        &self.frontends
    }

    /// The frontend called `name`, if any.
    pub fn frontend(&self, name: &str) -> Option<&Arc<FrontendState>> {
        self.frontends.iter().find(|f| f.name() == name)
    }

    /// How long ago this runtime was built (HAProxy's `Uptime`).
    pub fn uptime(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    /// When this runtime was built, as wall-clock time (HAProxy's `Start_time_sec`).
    pub fn started_at(&self) -> SystemTime {
        self.started_at
    }

    /// Counts a log line that was lost (queue full or send failed).
    pub fn count_dropped_log(&self) {
        Counters::bump(&self.dropped_logs);
    }

    /// Log lines lost since start (HAProxy's `DroppedLogs`).
    pub fn dropped_logs(&self) -> u64 {
        self.dropped_logs.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Connections open on every frontend (HAProxy's `CurrConns`, `%ac`).
    pub fn current_connections(&self) -> u64 {
        self.frontends
            .iter()
            .map(|f| {
                f.counters
                    .current
                    .load(std::sync::atomic::Ordering::Relaxed)
            })
            .sum()
    }

    /// `clear counters [all]` on every frontend, backend and server.
    pub fn clear_counters(&self, all: bool) {
        for frontend in &self.frontends {
            frontend.counters.clear(all);
        }
        for backend in self.backends().iter() {
            backend.counters.clear(all);
            for server in backend.servers().iter() {
                server.counters.clear(all);
                if all {
                    server.picked.store(0, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }
    }

    /// Every backend, in declaration order (backends added by a reconfiguration last).
    pub fn backends(&self) -> Arc<Vec<Arc<BackendState>>> {
        self.backends.load_full()
    }

    /// The backend called `name`, if any.
    pub fn backend(&self, name: &str) -> Option<Arc<BackendState>> {
        self.backends
            .load()
            .iter()
            .find(|b| b.name() == name)
            .cloned()
    }

    /// A new backend's live state, with the next free proxy id, for a reconfiguration that
    /// adds it. It is not listed until [`Runtime::set_backends`].
    pub(crate) fn new_backend(&self, backend: &model::Backend) -> Arc<BackendState> {
        let iid = self.next_iid.fetch_add(1, Ordering::Relaxed);
        Arc::new(BackendState::from_model(backend, iid))
    }

    /// Lists `backends` from now on (a reconfiguration added or removed some).
    pub(crate) fn set_backends(&self, backends: Vec<Arc<BackendState>>) {
        self.backends.store(Arc::new(backends));
        self.note_servers_changed();
    }

    /// Tells the health checks that servers were added, removed or replaced.
    pub(crate) fn note_servers_changed(&self) {
        self.servers_changed.send_modify(|epoch| *epoch += 1);
    }

    /// A receiver that sees every [`Runtime::note_servers_changed`].
    pub(crate) fn watch_servers(&self) -> watch::Receiver<u64> {
        self.servers_changed.subscribe()
    }
}
