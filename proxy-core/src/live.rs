//! The compiled configuration of a running proxy, and replacing it while it runs: what
//! [`crate::ProxyHandle::apply`] and the binary's reload do.
//!
//! Every frontend (and every [`crate::proxy::Client`]) reads its [`FrontendPlan`] from a slot
//! that a reconfiguration swaps whole, so a request runs entirely on the old plan or entirely
//! on the new one. A reconfiguration compiles everything first and changes nothing when
//! something does not compile; then it changes the live state in place, matching backends and
//! servers by name ([`crate::runtime::diff`]):
//!
//! - a backend present before and after keeps its live state (counters, queue, proxy id); a
//!   change of its settings swaps its configuration and recompiles its rules and pool;
//! - a server present before and after with the same settings keeps its state (health,
//!   counters, operator's state); a new weight or `disabled` flag is applied to it; a server
//!   whose other settings changed is replaced by a new one, as if removed and added;
//! - removed servers and backends stop getting requests; the requests in flight finish.
//!
//! HAProxy reloads by starting a new process; the changes it can make that this cannot make
//! in place (binds, `global`, frontends added or removed) are refused as needing a restart.
//! The `crt` files of TLS binds are read again on every reconfiguration, so a renewed
//! certificate is served without a restart.

use crate::frontend::{TlsError, TlsSlot};
use crate::log::{AccessLog, Logs};
use crate::model;
use crate::proxy::{BackendPlan, Client, FrontendPlan};
use crate::runtime::diff::{diff, Change};
use crate::runtime::{BackendState, FrontendState, Runtime};
use crate::{ControlError, Error};
use arc_swap::ArcSwap;
use rustls::ServerConfig;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// A frontend's current plan, replaced whole by a reconfiguration.
pub(crate) type PlanSlot = ArcSwap<FrontendPlan>;

/// The compiled configuration of a running proxy.
#[derive(Debug)]
pub(crate) struct Live {
    runtime: Arc<Runtime>,
    logs: Arc<Logs>,
    /// The plan of each configured frontend, in declaration order.
    frontends: Vec<(String, Arc<PlanSlot>)>,
    /// The plans of the clients [`Live::client`] handed out, while they are used.
    clients: Mutex<Vec<(String, Weak<PlanSlot>)>>,
    /// The TLS settings of the bound listeners, while they listen.
    tls: Mutex<Vec<Weak<TlsSlot>>>,
    /// What runs now; its lock serialises reconfigurations.
    current: Mutex<Current>,
}

/// The model a proxy runs and the backend plans compiled from it.
#[derive(Debug)]
struct Current {
    model: Arc<model::Config>,
    backends: Arc<[Arc<BackendPlan>]>,
}

impl Live {
    /// Compiles `config` on top of `runtime` (built from it) and `logs`.
    pub(crate) fn compile(
        config: model::Config,
        runtime: Arc<Runtime>,
        logs: Arc<Logs>,
    ) -> Result<Live, Error> {
        crate::health::HealthChecks::validate(&config)?;
        let backends: Arc<[Arc<BackendPlan>]> = config
            .backends
            .iter()
            .zip(runtime.backends().iter())
            .map(|(backend, state)| BackendPlan::compile(backend, Arc::clone(state)).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?
            .into();
        let mut frontends = Vec::new();
        for (frontend, state) in config.frontends.iter().zip(runtime.frontends()) {
            let plan = compile_frontend(frontend, &logs, state, &runtime, &backends)?;
            frontends.push((frontend.name.clone(), Arc::new(ArcSwap::from_pointee(plan))));
        }
        Ok(Live {
            runtime,
            logs,
            frontends,
            clients: Mutex::default(),
            tls: Mutex::default(),
            current: Mutex::new(Current {
                model: Arc::new(config),
                backends,
            }),
        })
    }

    /// The live state.
    pub(crate) fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    /// The model running now.
    pub(crate) fn model(&self) -> Arc<model::Config> {
        Arc::clone(&self.lock().model)
    }

    /// The plan slot of the frontend called `name`.
    pub(crate) fn frontend(&self, name: &str) -> Option<Arc<PlanSlot>> {
        self.frontends
            .iter()
            .find(|(frontend, _)| frontend == name)
            .map(|(_, slot)| Arc::clone(slot))
    }

    /// A load-balanced client of backend `backend`, following reconfigurations.
    pub(crate) fn client(&self, backend: &str) -> Option<Client> {
        let current = self.lock();
        let global = Arc::clone(self.runtime.global_limit());
        let frontend = client_frontend(backend)?;
        // The client is not a configured frontend: its own counters are not shown in the
        // stats (the backend's and servers' are) and it writes no access log.
        let state = Arc::new(FrontendState::from_model(&frontend, 0, global));
        let plan = client_plan(&frontend, state, &self.runtime, &current.backends)?;
        let slot = Arc::new(ArcSwap::from_pointee(plan));
        let mut clients = lock(&self.clients);
        clients.retain(|(_, client)| client.strong_count() > 0);
        clients.push((backend.to_owned(), Arc::downgrade(&slot)));
        Some(Client::new(slot))
    }

    /// Makes every reconfiguration read `slot`'s `crt` file again, while the slot is in use.
    pub(crate) fn reload_tls_with(&self, slot: &Arc<TlsSlot>) {
        let mut slots = lock(&self.tls);
        slots.retain(|slot| slot.strong_count() > 0);
        slots.push(Arc::downgrade(slot));
    }

    /// Applies `new` (see the module documentation) and returns what changed.
    pub(crate) fn apply(&self, new: model::Config) -> Result<Vec<Change>, ControlError> {
        let mut current = self.lock();
        let changes = diff(&current.model, &new);
        let needs_restart: Vec<Change> = changes.iter().filter(|c| !is_live(c)).cloned().collect();
        if !needs_restart.is_empty() {
            return Err(ControlError::NeedsRestart(needs_restart));
        }
        let invalid = |error: Error| ControlError::Invalid(error.to_string());
        let certificates = self
            .reread_certificates()
            .map_err(|e| ControlError::Invalid(e.to_string()))?;
        if changes.is_empty() {
            store_certificates(certificates);
            return Ok(changes);
        }
        crate::health::HealthChecks::validate(&new).map_err(|e| invalid(e.into()))?;
        let backends = self
            .compile_backends(&current, &new, &changes)
            .map_err(invalid)?;
        let mut frontends = Vec::with_capacity(self.frontends.len());
        for ((name, slot), state) in self.frontends.iter().zip(self.runtime.frontends()) {
            // Every frontend is in `new`: removing one needs a restart.
            if let Some(model) = new.frontend(name) {
                let plan = compile_frontend(model, &self.logs, state, &self.runtime, &backends)
                    .map_err(invalid)?;
                frontends.push((slot, model, plan));
            }
        }

        for plan in backends.iter() {
            if let Some(model) = new.backend(plan.state.name()) {
                reconfigure_backend(&plan.state, model, &changes);
            }
        }
        for removed in current.backends.iter() {
            if new.backend(removed.state.name()).is_none() {
                removed.state.retire_all_servers();
            }
        }
        let states = backends.iter().map(|plan| Arc::clone(&plan.state));
        self.runtime.set_backends(states.collect());
        for (slot, model, plan) in frontends {
            let changed = changes
                .iter()
                .any(|c| matches!(c, Change::Frontend { name } if *name == model.name));
            if changed {
                // Only a changed frontend takes its configured `maxconn` again, so a reload
                // does not undo `set maxconn frontend` on the others.
                plan.frontend.limit().set(model.maxconn);
            }
            slot.store(Arc::new(plan));
        }
        self.recompile_clients(&backends);
        store_certificates(certificates);
        *current = Current {
            model: Arc::new(new),
            backends,
        };
        Ok(changes)
    }

    /// The backend plans of `new`: the current plan of a backend whose settings did not change,
    /// a new plan on the same live state for one whose settings changed, a new plan and state
    /// for an added one.
    fn compile_backends(
        &self,
        current: &Current,
        new: &model::Config,
        changes: &[Change],
    ) -> Result<Arc<[Arc<BackendPlan>]>, Error> {
        let mut plans = Vec::with_capacity(new.backends.len());
        for backend in &new.backends {
            let existing = current
                .backends
                .iter()
                .find(|plan| plan.state.name() == backend.name);
            let settings_changed = changes
                .iter()
                .any(|c| matches!(c, Change::BackendSettings { name } if *name == backend.name));
            let plan = match existing {
                Some(plan) if !settings_changed => Arc::clone(plan),
                Some(plan) => Arc::new(BackendPlan::compile(backend, Arc::clone(&plan.state))?),
                None => Arc::new(BackendPlan::compile(
                    backend,
                    self.runtime.new_backend(backend),
                )?),
            };
            plans.push(plan);
        }
        Ok(plans.into())
    }

    /// Gives every client in use a plan on `backends`; a client whose backend is gone keeps its
    /// plan, whose servers are all retired (it answers 503).
    fn recompile_clients(&self, backends: &Arc<[Arc<BackendPlan>]>) {
        let mut clients = lock(&self.clients);
        clients.retain(|(_, client)| client.strong_count() > 0);
        for (backend, client) in clients.iter() {
            let (Some(slot), Some(frontend)) = (client.upgrade(), client_frontend(backend)) else {
                continue;
            };
            let state = Arc::clone(&slot.load().frontend);
            if let Some(plan) = client_plan(&frontend, state, &self.runtime, backends) {
                slot.store(Arc::new(plan));
            }
        }
    }

    /// Every TLS slot in use with its `crt` file read again.
    fn reread_certificates(&self) -> Result<Vec<Reread>, TlsError> {
        let slots: Vec<Arc<TlsSlot>> = lock(&self.tls).iter().filter_map(Weak::upgrade).collect();
        slots
            .into_iter()
            .map(|slot| slot.reread().map(|config| (slot, config)))
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, Current> {
        lock(&self.current)
    }
}

/// Locks `mutex`; what it guards is replaced in single assignments, so a panic elsewhere
/// cannot leave it half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A TLS slot and its settings read again.
type Reread = (Arc<TlsSlot>, Arc<ServerConfig>);

/// Serves each slot's new settings to the connections accepted from now on.
fn store_certificates(certificates: Vec<Reread>) {
    for (slot, config) in certificates {
        slot.store(config);
    }
}

/// Whether a reconfiguration can make `change` in place.
fn is_live(change: &Change) -> bool {
    !matches!(
        change,
        Change::Global
            | Change::FrontendAdded { .. }
            | Change::FrontendRemoved { .. }
            | Change::Binds { .. }
    )
}

/// The plan of a configured frontend, with its access log.
fn compile_frontend(
    frontend: &model::Frontend,
    logs: &Arc<Logs>,
    state: &Arc<FrontendState>,
    runtime: &Arc<Runtime>,
    backends: &Arc<[Arc<BackendPlan>]>,
) -> Result<FrontendPlan, Error> {
    let access_log = AccessLog::new(logs, &frontend.logging).map_err(Error::log)?;
    Ok(FrontendPlan::compile(
        frontend,
        access_log,
        Arc::clone(state),
        Arc::clone(runtime),
        Arc::clone(backends),
    )?)
}

/// The frontend a client of `backend` runs: every request goes to `backend`.
fn client_frontend(backend: &str) -> Option<model::Frontend> {
    model::Frontend::builder(backend)
        .default_backend(backend)
        .build()
        .ok()
}

/// The plan of a client's frontend, or `None` when its backend is not in `backends`.
fn client_plan(
    frontend: &model::Frontend,
    state: Arc<FrontendState>,
    runtime: &Arc<Runtime>,
    backends: &Arc<[Arc<BackendPlan>]>,
) -> Option<FrontendPlan> {
    FrontendPlan::compile(
        frontend,
        None,
        state,
        Arc::clone(runtime),
        Arc::clone(backends),
    )
    .ok()
}

/// Makes `backend` run `model`: each change of `changes` to it, then its configuration.
fn reconfigure_backend(backend: &BackendState, model: &model::Backend, changes: &[Change]) {
    let mut touched = false;
    for change in changes.iter().filter(|c| c.backend() == Some(&model.name)) {
        backend.apply_change(change, model);
        touched = true;
    }
    if touched {
        backend.set_model(model.clone());
    }
}
