//! The servers a balancer spreads requests over, and the shared "first free server" scan.
//!
//! HAProxy equivalent: `recount_servers()` / `update_backend_weight()` in `src/backend.c` and the
//! `srvtoavoid` handling of every `*_get_next_server()`. Active servers are used while at least
//! one of them is usable. Otherwise backups take over: only the first usable one (declaration
//! order), or all of them with `option allbackups`.

use crate::model::Backend;
use crate::runtime::{ServerId, ServerState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The servers one balancer snapshot chooses from, in declaration order.
#[derive(Debug)]
pub(crate) struct Group {
    members: Vec<Arc<ServerState>>,
}

/// A server found by [`Group::first_free`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    /// How many slots were passed over before this one (0 = the first slot offered).
    pub(crate) skipped: usize,
    /// The server's index in the group.
    pub(crate) member: usize,
    /// The server.
    pub(crate) server: ServerId,
}

impl Group {
    /// The usable active servers; when there is none, the usable backups (all of them with
    /// `option allbackups`, else only the first).
    pub(crate) fn select(backend: &Backend, servers: &[Arc<ServerState>]) -> Group {
        let usable = |backup: bool| {
            servers
                .iter()
                .filter(move |s| s.backup == backup && s.is_usable())
                .cloned()
        };
        let mut members: Vec<_> = usable(false).collect();
        if members.is_empty() {
            members = if backend.allbackups {
                usable(true).collect()
            } else {
                usable(true).take(1).collect()
            };
        }
        Group { members }
    }

    /// The servers, in declaration order.
    pub(crate) fn members(&self) -> &[Arc<ServerState>] {
        &self.members
    }

    /// Whether member `index` may take a new request right now. The snapshot is rebuilt when a
    /// server changes state, but the live atomics are read again so that a stale snapshot never
    /// sends traffic to a server that just went down.
    pub(crate) fn is_free(&self, index: usize) -> bool {
        self.members
            .get(index)
            .is_some_and(|s| s.is_usable() && !s.is_full())
    }

    /// The first free member among `slots` (member indexes, in the order to try). `avoid` is
    /// passed over unless no other member is free; then it is returned, like HAProxy does.
    pub(crate) fn first_free(
        &self,
        slots: impl Iterator<Item = u32>,
        avoid: Option<ServerId>,
    ) -> Option<Found> {
        let mut avoided = None;
        for (skipped, slot) in slots.enumerate() {
            let index = slot as usize;
            if !self.is_free(index) {
                continue;
            }
            let server = self.members[index].id;
            if Some(server) != avoid {
                return Some(Found {
                    skipped,
                    member: index,
                    server,
                });
            }
            if avoided.is_none() {
                avoided = Some(Found {
                    skipped,
                    member: index,
                    server,
                });
            }
        }
        avoided
    }
}

/// `slots` once each, starting at `start` and wrapping around.
pub(crate) fn wrapping_from(slots: &[u32], start: usize) -> impl Iterator<Item = u32> + '_ {
    let start = start.min(slots.len());
    slots[start..].iter().chain(&slots[..start]).copied()
}

/// A shared position in a table of slots, advanced by every pick without a lock.
#[derive(Debug, Default)]
pub(crate) struct Cursor {
    position: AtomicU64,
}

impl Cursor {
    /// The next free member in `slots` after the previous pick, wrapping around.
    pub(crate) fn next(
        &self,
        slots: &[u32],
        group: &Group,
        avoid: Option<ServerId>,
    ) -> Option<ServerId> {
        let len = slots.len() as u64;
        if len == 0 {
            return None;
        }
        let start = self.position.fetch_add(1, Ordering::Relaxed) % len;
        let found = group.first_free(wrapping_from(slots, start as usize), avoid)?;
        if found.skipped > 0 {
            // Continue after the server taken, as HAProxy's map walk does; racing picks may
            // interleave here, which only shifts the rotation.
            self.position
                .fetch_add(found.skipped as u64, Ordering::Relaxed);
        }
        Some(found.server)
    }
}
