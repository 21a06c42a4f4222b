//! Live state of one frontend: its name, HAProxy proxy id, connection limits, traffic counters,
//! its open client connections (`show sess`) and the last malformed request it refused (`show
//! errors`).

use super::{ConnLimit, Counters};
use crate::model;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// An open client connection, as `show sess` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Its number on this frontend (from 0, in accept order).
    pub id: u64,
    /// The client.
    pub client: SocketAddr,
    /// How long it has been open.
    pub age: Duration,
}

/// A client connection counted and listed on its frontend until dropped.
#[derive(Debug)]
pub struct SessionMark {
    frontend: Arc<FrontendState>,
    id: u64,
}

impl Drop for SessionMark {
    fn drop(&mut self) {
        self.frontend.lock_sessions().remove(&self.id);
        self.frontend.counters.close_session();
    }
}

/// A malformed request a frontend refused, as `show errors` shows it.
#[derive(Debug, Clone)]
pub struct CapturedError {
    /// When it was refused.
    pub when: SystemTime,
    /// The client that sent it.
    pub client: SocketAddr,
    /// Its number among the frontend's captured errors (0 for the first).
    pub event: u64,
    /// The start of the request as received (at most a few kilobytes).
    pub bytes: Vec<u8>,
}

/// Live state of one frontend (or the listening half of a `listen` section).
#[derive(Debug)]
pub struct FrontendState {
    name: String,
    iid: u32,
    limit: Arc<ConnLimit>,
    global: Arc<ConnLimit>,
    last_error: Mutex<Option<CapturedError>>,
    errors_captured: AtomicU64,
    sessions: Mutex<BTreeMap<u64, (SocketAddr, Instant)>>,
    next_session: AtomicU64,
    /// Connections (`scur`, `stot`...), requests, responses and bytes of its clients.
    pub counters: Counters,
}

impl FrontendState {
    /// Live state for a configured frontend with proxy id `iid`, under the process-wide
    /// connection limit `global`.
    pub fn from_model(frontend: &model::Frontend, iid: u32, global: Arc<ConnLimit>) -> Self {
        FrontendState {
            name: frontend.name.clone(),
            iid,
            limit: ConnLimit::new(frontend.maxconn),
            global,
            last_error: Mutex::new(None),
            errors_captured: AtomicU64::new(0),
            sessions: Mutex::new(BTreeMap::new()),
            next_session: AtomicU64::new(0),
            counters: Counters::default(),
        }
    }

    /// The frontend's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// HAProxy's proxy id (`iid` in `show stat`).
    pub fn iid(&self) -> u32 {
        self.iid
    }

    /// The connection limit in force (the frontend's `maxconn`, else the global one).
    pub fn maxconn(&self) -> Option<u32> {
        self.limit.get().or_else(|| self.global.get())
    }

    /// The frontend's own `maxconn`, which `set maxconn frontend` changes.
    pub fn limit(&self) -> &Arc<ConnLimit> {
        &self.limit
    }

    /// Every limit a new connection must fit under: the frontend's and the global one.
    pub fn limits(&self) -> [&Arc<ConnLimit>; 2] {
        [&self.limit, &self.global]
    }

    /// A client connection from `client` opens: it counts in `scur`, `stot` and the rate, and
    /// `show sess` lists it, until the returned mark is dropped.
    pub fn open_connection(self: &Arc<Self>, client: SocketAddr) -> SessionMark {
        let id = self.next_session.fetch_add(1, Ordering::Relaxed);
        self.lock_sessions().insert(id, (client, Instant::now()));
        self.counters.open_session();
        SessionMark {
            frontend: Arc::clone(self),
            id,
        }
    }

    /// The open client connections, oldest first.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        self.lock_sessions()
            .iter()
            .map(|(&id, &(client, since))| SessionInfo {
                id,
                client,
                age: since.elapsed(),
            })
            .collect()
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, (SocketAddr, Instant)>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `bytes`, a malformed request from `client`, as the frontend's last error (one per
    /// frontend, as HAProxy keeps).
    pub fn capture_error(&self, client: SocketAddr, bytes: Vec<u8>) {
        let event = self.errors_captured.fetch_add(1, Ordering::Relaxed);
        let error = CapturedError {
            when: SystemTime::now(),
            client,
            event,
            bytes,
        };
        *self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(error);
    }

    /// The last malformed request refused, if any.
    pub fn last_error(&self) -> Option<CapturedError> {
        self.last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many malformed requests were captured since start.
    pub fn errors_captured(&self) -> u64 {
        self.errors_captured.load(Ordering::Relaxed)
    }
}
