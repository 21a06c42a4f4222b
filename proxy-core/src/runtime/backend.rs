//! Live state of one backend: its servers, the balancer snapshot, the queue and counters.
//!
//! The servers and the balancer built over them form one immutable snapshot, swapped
//! atomically whenever a server's state or weight changes or a server is added or removed, so
//! the request path only does one `ArcSwap::load` per pick. This mirrors HAProxy's `lbprm` trees
//! being updated by `set_server_status_up/down` and `server_recalc_eweight`, outside of request
//! processing. A removed server leaves its slot (its [`ServerId`]) to the next added one, so
//! ids stay positions in the server list, as balancers expect.

use super::{AdminState, CheckInfo, Counters, ServerId, ServerState};
use crate::balance::{self, Balancer, PickCtx};
use crate::model;
use arc_swap::ArcSwap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The servers of a backend and the balancer over them, replaced together.
#[derive(Debug)]
struct Selection {
    /// Every slot, removed servers included (indexed by [`ServerId`]).
    slots: Vec<Arc<ServerState>>,
    balancer: Box<dyn Balancer>,
}

/// Live state of one backend.
#[derive(Debug)]
pub struct BackendState {
    model: model::Backend,
    selection: ArcSwap<Selection>,
    /// Serialises snapshot rebuilds so an older snapshot never overwrites a newer one.
    refresh_lock: Mutex<()>,
    queue: Notify,
    iid: u32,
    /// UP/DOWN history of the backend as a whole (`chkdown`, `lastchg`, `downtime`); only its
    /// transition fields are used.
    history: Mutex<(bool, CheckInfo)>,
    /// Traffic counters.
    pub counters: Counters,
}

impl BackendState {
    /// Live state for a configured backend with proxy id `iid`: every server in its configured
    /// state.
    pub fn from_model(backend: &model::Backend, iid: u32) -> BackendState {
        let slots: Vec<Arc<ServerState>> = backend
            .servers
            .iter()
            .zip(0u32..)
            .map(|(server, index)| Arc::new(ServerState::from_model(ServerId(index), server)))
            .collect();
        let balancer = balance::build(backend, &slots);
        let up = slots.iter().any(|s| s.is_usable());
        let history = CheckInfo::new(Instant::now(), &model::ServerCheck::default());
        BackendState {
            model: backend.clone(),
            selection: ArcSwap::from_pointee(Selection { slots, balancer }),
            refresh_lock: Mutex::new(()),
            queue: Notify::new(),
            iid,
            history: Mutex::new((up, history)),
            counters: Counters::default(),
        }
    }

    /// The backend's name.
    pub fn name(&self) -> &str {
        &self.model.name
    }

    /// HAProxy's proxy id (`iid` in `show stat`).
    pub fn iid(&self) -> u32 {
        self.iid
    }

    /// The configuration this state was built from (its `servers` are the configured ones;
    /// each live server has its own [`ServerState::model`]).
    pub fn model(&self) -> &model::Backend {
        &self.model
    }

    /// The servers now, in declaration order (servers added at run time take the place of
    /// removed ones, or come last).
    pub fn servers(&self) -> Vec<Arc<ServerState>> {
        self.selection
            .load()
            .slots
            .iter()
            .filter(|s| !s.is_removed())
            .cloned()
            .collect()
    }

    /// The server called `name`, if any.
    pub fn server(&self, name: &str) -> Option<Arc<ServerState>> {
        self.selection
            .load()
            .slots
            .iter()
            .find(|s| s.name == name && !s.is_removed())
            .cloned()
    }

    /// Whether any server may take new requests now (full or not).
    pub fn has_usable_server(&self) -> bool {
        self.selection.load().slots.iter().any(|s| s.is_usable())
    }

    /// Asks the current balancer snapshot for a server; counts the pick on the server.
    pub fn pick(&self, ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<Arc<ServerState>> {
        let selection = self.selection.load();
        let id = selection.balancer.pick(ctx, avoid)?;
        let server = selection.slots.get(id.index())?;
        server.picked.fetch_add(1, Ordering::Relaxed);
        Some(Arc::clone(server))
    }

    /// Sets a server's admin state (the admin API's `set server ... state`).
    pub fn set_admin_state(&self, server: &ServerState, state: AdminState) {
        server.set_admin_state(state);
        self.refresh_selection();
    }

    /// Sets a server's weight, capped at 256 as in HAProxy (`set server ... weight`).
    pub fn set_weight(&self, server: &ServerState, weight: u32) {
        server.set_weight(weight.min(256));
        self.refresh_selection();
    }

    /// Sets a server's health (health checks' verdict).
    pub fn set_up(&self, server: &ServerState, up: bool) {
        server.set_up(up);
        self.refresh_selection();
    }

    /// Rebuilds the balancer snapshot from the servers' current states and wakes queued
    /// requests, since a server may have become usable.
    pub fn refresh_selection(&self) {
        self.rebuild(|_| {});
    }

    /// Changes the server slots with `change` and rebuilds the balancer over them, under the
    /// rebuild lock; wakes queued requests and records a backend UP/DOWN change.
    fn rebuild<T>(&self, change: impl FnOnce(&mut Vec<Arc<ServerState>>) -> T) -> T {
        let result = {
            // A poisoned lock only means another rebuild panicked; rebuilding again is safe.
            let _guard = self
                .refresh_lock
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let mut slots = self.selection.load().slots.clone();
            let result = change(&mut slots);
            let balancer = balance::build(&self.model, &slots);
            self.selection
                .store(Arc::new(Selection { slots, balancer }));
            result
        };
        self.record_state();
        self.queue.notify_waiters();
        result
    }

    fn record_state(&self) {
        let up = self.has_usable_server();
        let mut history = self.lock_history();
        if history.0 != up {
            history.0 = up;
            history.1.record_change(up, Instant::now());
        }
    }

    fn lock_history(&self) -> MutexGuard<'_, (bool, CheckInfo)> {
        // Plain data: a panic mid-update leaves it usable.
        self.history
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The backend's UP/DOWN history: `chkdown` (times it went DOWN), `lastchg`, `downtime`.
    pub fn history(&self) -> CheckInfo {
        self.lock_history().1.clone()
    }

    /// Whether servers can be added to or removed from this backend at run time: its
    /// algorithm must be a dynamic one, as HAProxy requires (not `static-rr`, not a hash with
    /// `hash-type map-based`).
    pub fn accepts_dynamic_servers(&self) -> bool {
        match self.model.balance {
            model::Balance::StaticRr => false,
            model::Balance::RoundRobin
            | model::Balance::LeastConn
            | model::Balance::First
            | model::Balance::Random { .. } => true,
            _ => self.model.hash_type.method == model::HashMethod::Consistent,
        }
    }

    /// Adds `server` (HAProxy's `add server`): it starts as the model says (HAProxy's CLI
    /// gives it `disabled`, i.e. maintenance). It takes the slot of a removed server, or comes
    /// last. The caller checked the name is free.
    pub fn add_server(&self, server: &model::Server) -> Arc<ServerState> {
        self.rebuild(|slots| {
            let free = slots.iter().position(|s| s.is_removed());
            let index = free.unwrap_or(slots.len());
            let id = ServerId(u32::try_from(index).unwrap_or(u32::MAX));
            let state = Arc::new(ServerState::from_model(id, server));
            match free {
                Some(index) => slots[index] = Arc::clone(&state),
                None => slots.push(Arc::clone(&state)),
            }
            state
        })
    }

    /// Removes the server called `name` (HAProxy's `del server`), which must be in
    /// maintenance with no request in flight.
    pub fn remove_server(&self, name: &str) -> Result<(), RemoveError> {
        self.rebuild(|slots| {
            let server = slots
                .iter()
                .find(|s| s.name == name && !s.is_removed())
                .ok_or(RemoveError::NoSuchServer)?;
            if server.admin_state() != AdminState::Maint {
                return Err(RemoveError::NotInMaintenance);
            }
            if server.inflight() > 0 {
                return Err(RemoveError::Busy);
            }
            server.mark_removed();
            Ok(())
        })
    }

    /// The lowest server id (`puid`) no live server uses, for a server added without `id`.
    pub fn next_free_puid(&self) -> u32 {
        let servers = self.servers();
        (1..=u32::MAX)
            .find(|id| servers.iter().all(|s| s.puid != *id))
            .unwrap_or(u32::MAX)
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

/// Why `del server` refused, with HAProxy's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RemoveError {
    /// No backend has that name.
    #[error("No such backend.")]
    NoSuchBackend,
    /// The backend has no server of that name.
    #[error("No such server.")]
    NoSuchServer,
    /// The server is not in maintenance.
    #[error("Only servers in maintenance mode can be deleted.")]
    NotInMaintenance,
    /// Requests are in flight on the server.
    #[error("Server still has connections attached to it, cannot remove it.")]
    Busy,
}
