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
mod observe;
mod server;

pub use backend::BackendState;
pub use check::{CheckInfo, CheckStatus};
pub use counters::{BackendCounters, ServerCounters};
pub use observe::Outcome;
pub use server::{AdminState, ServerId, ServerSlot, ServerState};

use crate::model;
use std::sync::Arc;

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
    backends: Vec<Arc<BackendState>>,
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
        let mut backends: Vec<Arc<BackendState>> = Vec::with_capacity(config.backends.len());
        for backend in &config.backends {
            if backends.iter().any(|b| b.name() == backend.name) {
                return Err(RuntimeError::DuplicateBackend(backend.name.clone()));
            }
            if u32::try_from(backend.servers.len()).is_err() {
                return Err(RuntimeError::TooManyServers(backend.name.clone()));
            }
            backends.push(Arc::new(BackendState::from_model(backend)));
        }
        Ok(Arc::new(Runtime { backends }))
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
