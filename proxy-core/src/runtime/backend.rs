//! Live state of one backend: its servers, the balancer snapshot, the queue and counters.
//!
//! The balancer is an immutable snapshot ([`crate::balance::Balancer`]) swapped atomically
//! whenever a server's state or weight changes, so the request path only does one
//! `ArcSwap::load` per pick. This mirrors HAProxy's `lbprm` trees being updated by
//! `set_server_status_up/down` and `server_recalc_eweight`, outside of request processing.

use super::telemetry::ResponseKeys;
use super::{AdminState, CheckInfo, Counters, ServerId, ServerState};
use crate::balance::{self, Balancer, PickCtx};
use crate::model;
use arc_swap::ArcSwap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Live state of one backend.
#[derive(Debug)]
pub struct BackendState {
    name: Arc<str>,
    /// The configuration it runs; a reconfiguration replaces it.
    model: ArcSwap<model::Backend>,
    /// Every server by [`ServerId`], removed ones included (so ids never move); replaced
    /// whole when a server is added or removed.
    servers: ArcSwap<Vec<Arc<ServerState>>>,
    selection: ArcSwap<Box<dyn Balancer>>,
    /// Serialises snapshot rebuilds so an older snapshot never overwrites a newer one.
    refresh_lock: Mutex<()>,
    queue: Notify,
    iid: u32,
    /// Whether the backend was UP at the last rebuild, and its UP/DOWN history (`chkdown`,
    /// `lastchg`, `downtime`; only the transition fields of the [`CheckInfo`] are used).
    history: Mutex<(bool, CheckInfo)>,
    /// Traffic counters.
    pub counters: Counters,
    /// Its `metrics` response counter.
    response_keys: ResponseKeys,
}

impl BackendState {
    /// Live state for a configured backend with proxy id `iid`: every server in its configured
    /// state.
    pub fn from_model(backend: &model::Backend, iid: u32) -> BackendState {
        let servers: Vec<Arc<ServerState>> = backend
            .servers
            .iter()
            .zip(0u32..)
            .map(|(server, index)| Arc::new(ServerState::from_model(ServerId(index), server)))
            .collect();
        let selection = ArcSwap::from_pointee(balance::build(backend, &servers));
        let up = servers.iter().any(|s| s.is_usable());
        let history = CheckInfo::new(Instant::now(), &model::ServerCheck::default());
        let name = Arc::from(backend.name.as_str());
        BackendState {
            response_keys: ResponseKeys::backend(&name),
            name,
            model: ArcSwap::from_pointee(backend.clone()),
            servers: ArcSwap::from_pointee(servers),
            selection,
            refresh_lock: Mutex::new(()),
            queue: Notify::new(),
            iid,
            history: Mutex::new((up, history)),
            counters: Counters::default(),
        }
    }

    /// The backend's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The backend's name, shared (for metrics labels).
    pub(crate) fn shared_name(&self) -> &Arc<str> {
        &self.name
    }

    /// Counts an answer of this backend for the `metrics` recorder.
    pub(crate) fn count_response_metric(&self, status: u16) {
        self.response_keys.count(status);
    }

    /// HAProxy's proxy id (`iid` in `show stat`).
    pub fn iid(&self) -> u32 {
        self.iid
    }

    /// The configuration it runs: the one it was built from, or the last one a
    /// reconfiguration gave it.
    pub fn model(&self) -> Arc<model::Backend> {
        self.model.load_full()
    }

    /// Runs `model` from now on (same name), rebuilding the balancer: a reconfiguration.
    /// The servers are changed separately.
    pub(crate) fn set_model(&self, model: model::Backend) {
        let guard = self.lock_changes();
        self.model.store(Arc::new(model));
        self.rebuild(&guard);
    }

    /// The servers, in declaration order then in the order they were added; removed servers
    /// are left out.
    pub fn servers(&self) -> Vec<Arc<ServerState>> {
        let all = self.servers.load();
        all.iter().filter(|s| !s.is_removed()).cloned().collect()
    }

    /// The server called `name`, if any (removed servers are gone).
    pub fn server(&self, name: &str) -> Option<Arc<ServerState>> {
        let all = self.servers.load();
        all.iter()
            .find(|s| &*s.name == name && !s.is_removed())
            .cloned()
    }

    /// Every server by id, removed ones included, for adding and removing servers.
    pub(super) fn all_servers(&self) -> &ArcSwap<Vec<Arc<ServerState>>> {
        &self.servers
    }

    /// The lock that serialises changes to the server list and balancer snapshot.
    pub(super) fn lock_changes(&self) -> MutexGuard<'_, ()> {
        // A poisoned lock only means another rebuild panicked; rebuilding again is safe.
        self.refresh_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether any server may take new requests now (full or not).
    pub fn has_usable_server(&self) -> bool {
        self.servers.load().iter().any(|s| s.is_usable())
    }

    /// Asks the current balancer snapshot for a server; counts the pick on the server.
    pub fn pick(&self, ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<Arc<ServerState>> {
        let id = self.selection.load().pick(ctx, avoid)?;
        let server = Arc::clone(self.servers.load().get(id.index())?);
        server.picked.fetch_add(1, Ordering::Relaxed);
        Some(server)
    }

    /// Sets a server's admin state (the admin API's `set server ... state`).
    pub fn set_admin_state(&self, server: ServerId, state: AdminState) {
        if let Some(s) = self.servers.load().get(server.index()) {
            s.set_admin_state(state);
            self.refresh_selection();
        }
    }

    /// Sets a server's weight, capped at 256 as in HAProxy (`set server ... weight`).
    pub fn set_weight(&self, server: ServerId, weight: u32) {
        if let Some(s) = self.servers.load().get(server.index()) {
            s.set_weight(weight.min(256));
            self.refresh_selection();
        }
    }

    /// Sets a server's health (health checks' verdict).
    pub fn set_up(&self, server: ServerId, up: bool) {
        if let Some(s) = self.servers.load().get(server.index()) {
            s.set_up(up);
            self.refresh_selection();
        }
    }

    /// Rebuilds the balancer snapshot from the servers' current states and wakes queued
    /// requests, since a server may have become usable.
    pub fn refresh_selection(&self) {
        let guard = self.lock_changes();
        self.rebuild(&guard);
    }

    /// Rebuilds the snapshot while `_guard` holds the change lock, records a change of the
    /// backend between UP and DOWN, and wakes queued requests.
    pub(super) fn rebuild(&self, _guard: &MutexGuard<'_, ()>) {
        self.selection.store(Arc::new(balance::build(
            &self.model.load(),
            &self.servers.load(),
        )));
        let up = self.has_usable_server();
        {
            let mut history = self.lock_history();
            if history.0 != up {
                history.0 = up;
                history.1.record_change(up, Instant::now());
            }
        }
        self.queue.notify_waiters();
    }

    fn lock_history(&self) -> MutexGuard<'_, (bool, CheckInfo)> {
        // Plain data: a panic mid-update leaves it usable.
        self.history
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The backend's UP/DOWN history: `chkdown` (times it went DOWN), `lastchg`, `downtime`.
    /// DOWN means no server can take traffic.
    pub fn history(&self) -> CheckInfo {
        self.lock_history().1.clone()
    }

    /// The wake-up queued requests wait on: notified when a slot is given back or the
    /// selection changes.
    pub(crate) fn queue(&self) -> &Notify {
        &self.queue
    }

    /// Requests waiting for a free server slot right now.
    pub fn queued(&self) -> u64 {
        self.counters.queued.load(Ordering::Relaxed)
    }
}
