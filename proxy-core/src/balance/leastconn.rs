//! `balance leastconn`: the server with the fewest requests in flight for its weight.
//!
//! HAProxy equivalent: `src/lb_fwlc.c`. A server's load is `(inflight + 1) x 4096 / (weight x 16)`,
//! or 0 when idle, and the lowest load wins. HAProxy breaks ties by tree insertion order, which
//! rotates servers as they take and finish requests; here a shared counter rotates the server
//! the scan starts at, so idle servers of equal weight take turns.
//!
//! The scan stops at the first idle server, so a pick is O(1) while some server is idle; when
//! every server is busy it reads all of them (O(n)). HAProxy keeps servers in a tree ordered by
//! load, updated when a request starts and ends: O(log n) in every case, at the price of a lock.

use super::group::Group;
use super::{Balancer, PickCtx};
use crate::runtime::ServerId;
use std::sync::atomic::{AtomicU64, Ordering};

/// A least-connections snapshot.
#[derive(Debug)]
pub(crate) struct LeastConn {
    group: Group,
    rotation: AtomicU64,
}

impl LeastConn {
    /// The balancer over `group`.
    pub(crate) fn new(group: Group) -> LeastConn {
        LeastConn {
            group,
            rotation: AtomicU64::new(0),
        }
    }

    /// HAProxy's sorting key: 0 when idle, else `(inflight + 1)` per unit of weight.
    fn load(&self, index: usize) -> u64 {
        let server = &self.group.members()[index];
        let inflight = u64::from(server.inflight());
        if inflight == 0 {
            return 0;
        }
        (inflight + 1) * 256 / u64::from(server.effective_weight().max(1))
    }
}

impl Balancer for LeastConn {
    fn pick(&self, _ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<ServerId> {
        let count = self.group.members().len();
        if count == 0 {
            return None;
        }
        let start = (self.rotation.fetch_add(1, Ordering::Relaxed) % count as u64) as usize;
        let mut best: Option<(u64, usize)> = None;
        let mut avoided = None;
        for index in (start..count).chain(0..start) {
            if !self.group.is_free(index) {
                continue;
            }
            if Some(self.group.members()[index].id) == avoid {
                avoided = Some(index);
                continue;
            }
            let load = self.load(index);
            if load == 0 {
                // No load is lower than an idle server's, and ties go to the first one met:
                // the rest of the scan cannot change the answer.
                best = Some((load, index));
                break;
            }
            if best.map_or(true, |(lowest, _)| load < lowest) {
                best = Some((load, index));
            }
        }
        best.map(|(_, index)| index)
            .or(avoided)
            .map(|index| self.group.members()[index].id)
    }
}
