//! `balance roundrobin`: smooth weighted round robin in HAProxy's exact order.
//!
//! HAProxy equivalent: `src/lb_fwrr.c` ("fast weighted round robin"). HAProxy keeps servers in
//! trees keyed by their next position and takes the one due first. Replaying that on every
//! request would need a lock, so the snapshot replays it once when it is built and stores one
//! cycle of choices (one entry per unit of weight); picks walk that table with an atomic cursor.
//! For weights 1,2,3,4 the cycle is `s4 s3 s4 s2 s3 s4 s1 s4 s3 s2`.
//!
//! The stored cycle is the simulation's second one. For most weight sets HAProxy repeats the
//! same cycle from the very first request; for a few (such as 3,10,10,10) its first cycle is
//! a warm-up that starts differently, and the second cycle is the one it then repeats.

use super::group::{Cursor, Group};
use super::{Balancer, PickCtx};
use crate::runtime::ServerId;
use std::collections::BTreeSet;

/// A weighted round-robin snapshot.
#[derive(Debug)]
pub(crate) struct RoundRobin {
    group: Group,
    cycle: Vec<u32>,
    cursor: Cursor,
}

impl RoundRobin {
    /// The balancer over `group` at its members' current weights.
    pub(crate) fn new(group: Group) -> RoundRobin {
        let weights: Vec<u32> = group
            .members()
            .iter()
            .map(|s| s.effective_weight())
            .collect();
        RoundRobin {
            cycle: steady_cycle(&weights),
            group,
            cursor: Cursor::default(),
        }
    }
}

impl Balancer for RoundRobin {
    fn pick(&self, _ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<ServerId> {
        self.cursor.next(&self.cycle, &self.group, avoid)
    }
}

/// One steady-state cycle (as many picks as the sum of `weights`) of HAProxy's fwrr order, as
/// indexes into `weights`.
pub(crate) fn steady_cycle(weights: &[u32]) -> Vec<u32> {
    let period: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let mut replay = FwrrReplay::new(weights);
    for _ in 0..period {
        replay.pick();
    }
    (0..period)
        .filter_map(|_| replay.pick())
        .map(|index| index as u32)
        .collect()
}

/// HAProxy's `BE_WEIGHT_SCALE`: effective weights are user weights times this.
const WEIGHT_SCALE: u64 = 16;
/// HAProxy's `SRV_UWGHT_RANGE`.
const USER_WEIGHT_RANGE: u64 = 256;
/// HAProxy's `SRV_EWGHT_MAX`.
const MAX_EFFECTIVE_WEIGHT: u64 = USER_WEIGHT_RANGE * WEIGHT_SCALE;

/// A tree entry: sort key, then insertion order (HAProxy's trees keep equal keys in insertion
/// order), then the server.
type Entry = (u64, u64, usize);

#[derive(Debug)]
struct ReplayServer {
    effective_weight: u64,
    /// The position at which the server is next due.
    next_position: u64,
    /// The remainder of the position steps, so that uneven steps add up exactly.
    remainder: u64,
    entry: Option<Entry>,
}

/// Which tree an entry goes into.
#[derive(Debug, Clone, Copy)]
enum Tree {
    /// Servers due in the current window, by position.
    Current,
    /// Servers waiting for the next window, heaviest first.
    Next,
}

/// A replay of HAProxy's fwrr state for one group of servers with no load.
#[derive(Debug)]
struct FwrrReplay {
    servers: Vec<ReplayServer>,
    current: BTreeSet<Entry>,
    init: BTreeSet<Entry>,
    next: BTreeSet<Entry>,
    position: u64,
    window_weight: u64,
    total_weight: u64,
    insertions: u64,
}

impl FwrrReplay {
    fn new(weights: &[u32]) -> FwrrReplay {
        let servers: Vec<ReplayServer> = weights
            .iter()
            .map(|&w| ReplayServer {
                effective_weight: u64::from(w) * WEIGHT_SCALE,
                next_position: 0,
                remainder: 0,
                entry: None,
            })
            .collect();
        let total: u64 = servers.iter().map(|s| s.effective_weight).sum();
        let mut replay = FwrrReplay {
            servers,
            current: BTreeSet::new(),
            init: BTreeSet::new(),
            next: BTreeSet::new(),
            position: total,
            window_weight: total,
            total_weight: total,
            insertions: 0,
        };
        for index in 0..replay.servers.len() {
            if replay.servers[index].effective_weight > 0 {
                let key = replay.weight_key(index);
                replay.insert_init(index, key);
            }
        }
        replay
    }

    /// Heavier servers sort first.
    fn weight_key(&self, index: usize) -> u64 {
        MAX_EFFECTIVE_WEIGHT.saturating_sub(self.servers[index].effective_weight)
    }

    fn new_entry(&mut self, index: usize, key: u64) -> Entry {
        self.insertions += 1;
        let entry = (key, self.insertions, index);
        self.servers[index].entry = Some(entry);
        entry
    }

    fn insert_init(&mut self, index: usize, key: u64) {
        let entry = self.new_entry(index, key);
        self.init.insert(entry);
    }

    fn insert(&mut self, tree: Tree, index: usize, key: u64) {
        let entry = self.new_entry(index, key);
        match tree {
            Tree::Current => self.current.insert(entry),
            Tree::Next => self.next.insert(entry),
        };
    }

    fn remove(&mut self, index: usize) {
        if let Some(entry) = self.servers[index].entry.take() {
            let _ =
                self.current.remove(&entry) || self.init.remove(&entry) || self.next.remove(&entry);
        }
    }

    /// The server due now in the current window, else the heaviest not yet started one.
    fn due_server(&mut self) -> Option<usize> {
        let due = self.current.first().map(|&(_, _, index)| index);
        if let Some(index) = due {
            if self.servers[index].next_position <= self.position {
                return Some(index);
            }
        }
        if let Some(&(_, _, index)) = self.init.first() {
            self.servers[index].next_position = 0;
            self.servers[index].remainder = 0;
            return Some(index);
        }
        due
    }

    /// The next server HAProxy would choose.
    fn pick(&mut self) -> Option<usize> {
        let index = match self.due_server() {
            Some(index) => index,
            None => {
                // The window is over: the servers waiting for the next one start afresh.
                std::mem::swap(&mut self.init, &mut self.next);
                self.window_weight = self.total_weight;
                self.position = self.window_weight;
                self.due_server()?
            }
        };
        self.advance(index);
        self.remove(index);
        self.position += 1;
        self.requeue(index);
        Some(index)
    }

    /// Moves the server's next position one step of `total / weight` further.
    fn advance(&mut self, index: usize) {
        let total = self.total_weight;
        let position = self.position;
        let server = &mut self.servers[index];
        let weight = server.effective_weight;
        if server.next_position == 0 {
            server.next_position = position;
        }
        server.next_position += total / weight;
        server.remainder += total % weight;
        if server.remainder >= weight {
            server.remainder -= weight;
            server.next_position += 1;
        }
    }

    /// Puts the server back in the current window, or in the next one when it is due past it.
    fn requeue(&mut self, index: usize) {
        let window = self.window_weight;
        let server = &self.servers[index];
        if server.next_position >= 2 * window || server.next_position >= window + self.total_weight
        {
            self.servers[index].next_position -= window;
            let key = self.weight_key(index);
            self.insert(Tree::Next, index, key);
        } else {
            let key = USER_WEIGHT_RANGE * server.next_position
                + (MAX_EFFECTIVE_WEIGHT + server.remainder).saturating_sub(server.effective_weight)
                    / WEIGHT_SCALE;
            self.insert(Tree::Current, index, key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_1_2_3_4_cycle_is_haproxys() {
        assert_eq!(steady_cycle(&[1, 2, 3, 4]), [3, 2, 3, 1, 2, 3, 0, 3, 2, 1]);
    }

    #[test]
    fn weights_5_1_1_cycle_is_haproxys() {
        assert_eq!(steady_cycle(&[5, 1, 1]), [0, 0, 0, 1, 0, 0, 2]);
    }

    #[test]
    fn a_zero_weight_gets_no_turn() {
        assert_eq!(steady_cycle(&[1, 0, 1]), [0, 2]);
    }

    #[test]
    fn no_servers_give_an_empty_cycle() {
        assert!(steady_cycle(&[]).is_empty());
    }
}
