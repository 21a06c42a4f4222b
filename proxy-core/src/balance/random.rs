//! `balance random(<draws>)`: the least loaded of a few weighted random servers.
//!
//! HAProxy equivalent: `get_server_rnd()` in `src/backend.c`. Each draw takes a random point on
//! the consistent-hash ring (so heavier servers are drawn more often); among the drawn servers
//! the one with the fewest requests in flight for its weight wins ("power of N choices").
//! The generator is splitmix64 over one atomic word: lock-free, and seedable for tests.

use super::consistent::Ring;
use super::group::{wrapping_from, Group};
use super::{Balancer, PickCtx};
use crate::runtime::ServerId;
use std::sync::atomic::{AtomicU64, Ordering};

/// A random-draws snapshot.
#[derive(Debug)]
pub(crate) struct Random {
    group: Group,
    ring: Ring,
    draws: u32,
    rng: SplitMix64,
}

impl Random {
    /// The balancer drawing `draws` servers (at least one) from `group`, seeded with `seed`.
    pub(crate) fn new(group: Group, draws: u32, seed: u64) -> Random {
        Random {
            ring: Ring::build(&group),
            group,
            draws: draws.max(1),
            rng: SplitMix64::new(seed),
        }
    }

    /// The member index of a free server near a random point of the ring.
    fn draw(&self, avoid: Option<ServerId>) -> Option<usize> {
        let start = self.ring.nearest(self.rng.next_u32());
        let found = self
            .group
            .first_free(wrapping_from(self.ring.slots(), start), avoid)?;
        Some(found.member)
    }

    /// Whether member `a` has more requests in flight per unit of weight than member `b`.
    fn more_loaded(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.group.members()[a], &self.group.members()[b]);
        u64::from(a.inflight()) * u64::from(b.effective_weight())
            > u64::from(b.inflight()) * u64::from(a.effective_weight())
    }
}

impl Balancer for Random {
    fn pick(&self, _ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<ServerId> {
        let mut best: Option<usize> = None;
        for _ in 0..self.draws {
            let drawn = self.draw(avoid)?;
            // As in HAProxy, the newest draw wins unless it is strictly more loaded.
            best = Some(match best {
                Some(previous) if self.more_loaded(drawn, previous) => previous,
                _ => drawn,
            });
        }
        best.map(|member| self.group.members()[member].id)
    }
}

/// The splitmix64 generator (Steele, Lea and Flood, 2014) with its state in an atomic word:
/// every call advances the state by one fixed step, so concurrent callers get distinct values.
#[derive(Debug)]
struct SplitMix64 {
    state: AtomicU64,
}

impl SplitMix64 {
    const STEP: u64 = 0x9e37_79b9_7f4a_7c15;

    fn new(seed: u64) -> SplitMix64 {
        SplitMix64 {
            state: AtomicU64::new(seed),
        }
    }

    fn next_u32(&self) -> u32 {
        let mut z = self
            .state
            .fetch_add(Self::STEP, Ordering::Relaxed)
            .wrapping_add(Self::STEP);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 32) as u32
    }
}
