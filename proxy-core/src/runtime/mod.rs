//! Live state built from the model: servers' states as atomics, each backend's balancer
//! snapshot, queues and counters.
//!
//! [`Runtime::from_model`] is the only way a [`model::Config`] becomes live state. The data path
//! reads it; health checks and the admin API change it through [`BackendState`]'s setters, which
//! rebuild the balancer snapshot off the request path.

mod backend;
mod check;
mod counters;
pub mod diff;
mod frontend;
mod limit;
mod membership;
mod observe;
mod rate;
mod server;
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
use std::sync::Arc;
use std::time::{Instant, SystemTime};

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

/// The live state of every backend, in the model's declaration order.
#[derive(Debug)]
pub struct Runtime {
    global_limit: Arc<ConnLimit>,
    frontends: Vec<Arc<FrontendState>>,
    backends: Vec<Arc<BackendState>>,
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
            backends,
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
        for backend in &self.backends {
            backend.counters.clear(all);
            for server in backend.servers().iter() {
                server.counters.clear(all);
                if all {
                    server.picked.store(0, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }
    }

    /// Every backend, in declaration order (the index is the one routing returns).
    pub fn backends(&self) -> &[Arc<BackendState>] {
        &self.backends
    }

    /// The backend called `name`, if any.
    pub fn backend(&self, name: &str) -> Option<&Arc<BackendState>> {
        self.backends.iter().find(|b| b.name() == name)
    }

    /// The backend at position `index` of the model's backend list.
    pub fn backend_at(&self, index: usize) -> Option<&Arc<BackendState>> {
        self.backends.get(index)
    }

    /// The position of the backend called `name`, if any.
    pub fn backend_index(&self, name: &str) -> Option<usize> {
        self.backends.iter().position(|b| b.name() == name)
    }
}
