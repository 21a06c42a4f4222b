//! Live state of one server: admin/operational state, weight and load, all atomics.

use super::check::CheckInfo;
use super::observe::{Observer, Outcome};
use super::telemetry::ResponseKeys;
use super::Counters;
use crate::model;
use arc_swap::ArcSwap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;

/// The slow-start progress of a server at full weight.
const FULL_RAMP: u32 = 1000;

/// A server's position in its backend's server list (0-based, declaration order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerId(pub u32);

impl ServerId {
    /// The index into the backend's server list.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What an operator set: HAProxy's admin state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum AdminState {
    /// Takes traffic.
    Ready = 0,
    /// Keeps its current requests, gets no new ones from the balancer.
    Drain = 1,
    /// Maintenance: gets no traffic at all.
    Maint = 2,
}

impl AdminState {
    /// The state a `set server ... state <word>` command or the stats page's action names:
    /// `ready`, `drain` or `maint`.
    pub fn from_word(word: &str) -> Option<AdminState> {
        match word {
            "ready" => Some(AdminState::Ready),
            "drain" => Some(AdminState::Drain),
            "maint" => Some(AdminState::Maint),
            _ => None,
        }
    }

    fn from_u8(v: u8) -> AdminState {
        match v {
            0 => AdminState::Ready,
            1 => AdminState::Drain,
            _ => AdminState::Maint,
        }
    }
}

/// Live state of one server. Written by health checks and the admin API, read by balancers and stats.
#[derive(Debug)]
pub struct ServerState {
    /// Position in the backend.
    pub id: ServerId,
    /// The server's name (shared, so metrics labels and logs take it without copying).
    pub name: Arc<str>,
    /// HAProxy's numeric id (`id` keyword or declaration position, 1-based).
    pub puid: u32,
    /// `backup` keyword.
    pub backup: bool,
    /// The weight the configuration gave (a reload may change it).
    configured_weight: AtomicU32,
    addr: ArcSwap<SocketAddr>,
    /// `maxconn`: most concurrent requests; 0 = unlimited.
    maxconn: AtomicU32,
    admin: AtomicU8,
    up: AtomicBool,
    weight: AtomicU32,
    inflight: AtomicU32,
    /// Requests this server was chosen for (HAProxy's `lbtot`).
    pub picked: AtomicU64,
    /// Requests served (`scur`, `stot`), responses and errors.
    pub counters: Counters,
    /// Whether health checks run for this server (the `check` keyword).
    pub checked: bool,
    /// Set once the server is removed from its backend.
    removed: AtomicBool,
    /// Slow-start progress in thousandths of the full weight (1000 when not ramping).
    ramp: AtomicU32,
    check: Mutex<CheckInfo>,
    observer: Observer,
    /// Whether active checks run (`disable health` / `enable health`).
    checks_enabled: AtomicBool,
    /// Bumped by every `disable health` / `enable health`.
    checks_epoch: AtomicU64,
    /// Bumped, then `sessions_cut` notified, by `shutdown sessions server`.
    cut_generation: AtomicU64,
    sessions_cut: Arc<Notify>,
    model: model::Server,
    /// Made on the first response, when the backend's name is at hand.
    response_keys: OnceLock<ResponseKeys>,
}

impl ServerState {
    /// Live state for a configured server: UP (or MAINT when `disabled`), with its configured weight.
    pub fn from_model(id: ServerId, server: &model::Server) -> ServerState {
        let admin = if server.disabled {
            AdminState::Maint
        } else {
            AdminState::Ready
        };
        ServerState {
            id,
            name: Arc::from(server.name.as_str()),
            puid: server.id,
            backup: server.backup,
            configured_weight: AtomicU32::new(server.weight),
            addr: ArcSwap::from_pointee(server.addr),
            maxconn: AtomicU32::new(server.maxconn.unwrap_or(0)),
            admin: AtomicU8::new(admin as u8),
            up: AtomicBool::new(true),
            weight: AtomicU32::new(server.weight),
            inflight: AtomicU32::new(0),
            picked: AtomicU64::new(0),
            counters: Counters::default(),
            checked: server.check.enabled,
            removed: AtomicBool::new(false),
            ramp: AtomicU32::new(FULL_RAMP),
            check: Mutex::new(CheckInfo::new(tokio::time::Instant::now(), &server.check)),
            observer: Observer::new(server.check.observe, server.check.error_limit),
            checks_enabled: AtomicBool::new(server.check.enabled),
            checks_epoch: AtomicU64::new(0),
            cut_generation: AtomicU64::new(0),
            sessions_cut: Arc::new(Notify::new()),
            model: server.clone(),
            response_keys: OnceLock::new(),
        }
    }

    /// The settings it was configured (or added) with.
    pub fn model(&self) -> &model::Server {
        &self.model
    }

    /// Ends every request in flight on this server (`shutdown sessions server`): those waiting
    /// for a response head get an error, response bodies being sent are cut.
    pub fn shutdown_sessions(&self) {
        self.cut_generation.fetch_add(1, Ordering::AcqRel);
        self.sessions_cut.notify_waiters();
    }

    /// The generation of shut-down sessions a request in flight compares with
    /// [`ServerState::was_cut_since`] to learn that it was shut down.
    pub(crate) fn cut_generation(&self) -> u64 {
        self.cut_generation.load(Ordering::Acquire)
    }

    /// The wake-up of the next shut-down of sessions: it counts shut-downs from when it is made.
    pub(crate) fn cut_wakeup(&self) -> OwnedNotified {
        Arc::clone(&self.sessions_cut).notified_owned()
    }

    /// Whether sessions were shut down since `generation` was read.
    pub(crate) fn was_cut_since(&self, generation: u64) -> bool {
        self.cut_generation.load(Ordering::Acquire) != generation
    }

    /// Whether active health checks run now: `check` configured and not `disable health`.
    pub fn checks_enabled(&self) -> bool {
        self.checks_enabled.load(Ordering::Acquire)
    }

    /// Starts or stops active checks (`enable health` / `disable health`); `false` when the
    /// server has no `check`. While stopped, the server counts as UP, as in HAProxy. Callers
    /// then refresh the backend's selection.
    pub fn set_checks_enabled(&self, enabled: bool) -> bool {
        if !self.checked {
            return false;
        }
        self.checks_enabled.store(enabled, Ordering::Release);
        if !enabled {
            self.set_up(true);
        }
        self.checks_epoch.fetch_add(1, Ordering::AcqRel);
        true
    }

    /// Changes each time checks are enabled or disabled, so the checker starts over.
    pub(crate) fn checks_epoch(&self) -> u64 {
        self.checks_epoch.load(Ordering::Acquire)
    }

    /// Where requests for this server go now.
    pub fn addr(&self) -> SocketAddr {
        **self.addr.load()
    }

    /// Points the server at another address (the admin API's `set server addr`).
    pub fn set_addr(&self, addr: SocketAddr) {
        self.addr.store(Arc::new(addr));
    }

    /// The operator-set state.
    pub fn admin_state(&self) -> AdminState {
        AdminState::from_u8(self.admin.load(Ordering::Acquire))
    }

    /// Sets the operator state. Callers then refresh the backend's selection.
    pub fn set_admin_state(&self, state: AdminState) {
        self.admin.store(state as u8, Ordering::Release);
    }

    /// `maxconn`: the most requests served at once; `None` = unlimited.
    pub fn maxconn(&self) -> Option<u32> {
        Some(self.maxconn.load(Ordering::Acquire)).filter(|&max| max > 0)
    }

    /// Changes `maxconn` (the admin API's `set maxconn server`); 0 removes the limit.
    pub fn set_maxconn(&self, maxconn: u32) {
        self.maxconn.store(maxconn, Ordering::Release);
    }

    /// Whether health checks consider the server up.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    /// Sets the health state. Callers then refresh the backend's selection.
    pub fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::Release);
    }

    /// The current (user) weight, 0 to 256.
    pub fn weight(&self) -> u32 {
        self.weight.load(Ordering::Acquire)
    }

    /// Sets the weight. Callers then refresh the backend's selection.
    pub fn set_weight(&self, weight: u32) {
        self.weight.store(weight, Ordering::Release);
    }

    /// The weight the configuration gives the server (HAProxy's initial weight, the base of
    /// relative weights like `set weight app/a 50%`).
    pub fn initial_weight(&self) -> u32 {
        self.configured_weight.load(Ordering::Acquire)
    }

    /// A reconfiguration gave the server a new weight: it becomes the initial and the current
    /// weight. Callers then refresh the backend's selection.
    pub(crate) fn reconfigure_weight(&self, weight: u32) {
        self.configured_weight.store(weight, Ordering::Release);
        self.set_weight(weight);
    }

    /// The weight balancers use: the weight, scaled down while `slowstart` ramps it up (never
    /// below 1 unless the weight is 0), as HAProxy's effective weight.
    pub fn effective_weight(&self) -> u32 {
        let weight = self.weight();
        let ramp = self.ramp.load(Ordering::Acquire);
        if ramp >= FULL_RAMP || weight == 0 {
            return weight;
        }
        let scaled = (u64::from(weight) * u64::from(ramp)).div_ceil(u64::from(FULL_RAMP));
        u32::try_from(scaled).unwrap_or(weight).max(1)
    }

    /// Sets the slow-start progress, in thousandths. Callers then refresh the backend's selection.
    pub(crate) fn set_ramp(&self, thousandths: u32) {
        self.ramp
            .store(thousandths.min(FULL_RAMP), Ordering::Release);
    }

    /// Whether the balancer may send new requests here: UP, READY, a non-zero weight and not
    /// removed.
    pub fn is_usable(&self) -> bool {
        self.is_up()
            && self.admin_state() == AdminState::Ready
            && self.weight() > 0
            && !self.is_removed()
    }

    /// Whether the server was removed from its backend (`del server`); its state lives on only
    /// until its last request ends.
    pub fn is_removed(&self) -> bool {
        self.removed.load(Ordering::Acquire)
    }

    /// Marks the server removed. Callers then refresh the backend's selection.
    pub(crate) fn mark_removed(&self) {
        self.removed.store(true, Ordering::Release);
    }

    /// HAProxy's `status` column: `MAINT`, `DRAIN`, `UP`, `DOWN`, the transitional `UP 1/3` and
    /// `DOWN 1/2`, or `no check` for an up server without checks.
    pub fn status(&self) -> String {
        match self.admin_state() {
            AdminState::Maint => return "MAINT".to_string(),
            AdminState::Drain if self.is_up() => return "DRAIN".to_string(),
            _ => {}
        }
        if !self.checks_enabled() {
            let word = if self.is_up() { "no check" } else { "DOWN" };
            return word.to_string();
        }
        // Read under the check lock: the checker changes the state and the progress together.
        let info = self.lock_check();
        let word = if self.is_up() { "UP" } else { "DOWN" };
        match info.progress {
            Some((seen, of)) => format!("{word} {seen}/{of}"),
            None => word.to_string(),
        }
    }

    /// Counts an answer of this server, in `backend`, for the `metrics` recorder.
    pub(crate) fn count_response_metric(&self, backend: &Arc<str>, status: u16) {
        self.response_keys
            .get_or_init(|| ResponseKeys::server(backend, &self.name))
            .count(status);
    }

    /// A copy of the health-check fields (`check_status`, `chkfail`, `downtime`...).
    pub fn check_info(&self) -> CheckInfo {
        self.lock_check().clone()
    }

    /// The check fields, for the health checker to update.
    pub(crate) fn lock_check(&self) -> MutexGuard<'_, CheckInfo> {
        // Only the checker writes; a poisoned lock means it panicked mid-update of plain data.
        self.check
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reports a request's outcome for passive observation (`observe`); a no-op without it.
    pub fn observe(&self, outcome: Outcome) {
        self.observer.report(outcome);
    }

    /// Passive observation, for the health checker.
    pub(crate) fn observer(&self) -> &Observer {
        &self.observer
    }

    /// Requests being served right now.
    pub fn inflight(&self) -> u32 {
        self.inflight.load(Ordering::Acquire)
    }

    /// Whether `maxconn` is reached.
    pub fn is_full(&self) -> bool {
        self.maxconn().is_some_and(|max| self.inflight() >= max)
    }

    /// Takes a request slot if `maxconn` allows; the slot is given back when the guard drops.
    pub fn try_acquire(self: &Arc<Self>) -> Option<ServerSlot> {
        let max = self.maxconn().unwrap_or(u32::MAX);
        self.inflight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        self.counters.open_session();
        Some(ServerSlot {
            server: Arc::clone(self),
        })
    }
}

/// A request slot on a server, released on drop.
#[derive(Debug)]
pub struct ServerSlot {
    server: Arc<ServerState>,
}

impl ServerSlot {
    /// The server this slot belongs to.
    pub fn server(&self) -> &Arc<ServerState> {
        &self.server
    }
}

impl Drop for ServerSlot {
    fn drop(&mut self) {
        self.server.inflight.fetch_sub(1, Ordering::AcqRel);
        self.server.counters.close_session();
    }
}
