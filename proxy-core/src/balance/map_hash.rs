//! The map-based lookup table of `static-rr` and `hash-type map-based`.
//!
//! HAProxy equivalent: `recalc_server_map()` and `init_server_map()` in `src/lb_map.c`. Weights
//! are first divided by the GCD of the configured weights (so 2,4,6 gives a 6-slot table, not
//! 12). The table has one slot per unit of weight, interleaved: at each slot every server adds
//! its weight to a score, the server with the highest rounded score (first declared on ties)
//! takes the slot and pays the table size back. For weights 1,2,3,4 this gives
//! `s1 s2 s4 s3 s4 s2 s3 s4 s3 s4`. A hash `h` maps to slot `h % size`.

use super::group::Group;
use crate::runtime::ServerState;
use std::sync::Arc;

/// One slot per unit of (reduced) weight; each slot holds a member index.
#[derive(Debug)]
pub(crate) struct MapTable {
    slots: Vec<u32>,
}

impl MapTable {
    /// The table for `group`. `all_servers` are all of the backend's servers: like HAProxy, the
    /// weight divisor comes from their configured weights, not from the current ones.
    pub(crate) fn build(group: &Group, all_servers: &[Arc<ServerState>]) -> MapTable {
        let divisor = configured_weights_gcd(all_servers);
        let weights: Vec<u64> = group
            .members()
            .iter()
            .map(|s| u64::from(s.effective_weight()).div_ceil(divisor))
            .collect();
        MapTable {
            slots: interleave(&weights),
        }
    }

    /// The slots, in table order.
    pub(crate) fn slots(&self) -> &[u32] {
        &self.slots
    }

    /// The slot a hash value maps to.
    pub(crate) fn position(&self, hash: u32) -> usize {
        (hash as usize).checked_rem(self.slots.len()).unwrap_or(0)
    }
}

/// The GCD of the non-zero configured weights (1 when there is none).
fn configured_weights_gcd(servers: &[Arc<ServerState>]) -> u64 {
    servers
        .iter()
        .map(|s| u64::from(s.initial_weight()))
        .filter(|&w| w > 0)
        .reduce(gcd)
        .unwrap_or(1)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Spreads member indexes over `sum(weights)` slots, heaviest-first but interleaved.
fn interleave(weights: &[u64]) -> Vec<u32> {
    let total: u64 = weights.iter().sum();
    // Scores go negative after a server pays the total back, as in HAProxy's signed `wscore`.
    let total_signed = i64::try_from(total).unwrap_or(i64::MAX);
    let mut scores = vec![0i64; weights.len()];
    let mut slots = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    for _ in 0..total {
        let mut best: Option<(usize, i64)> = None;
        for (index, &weight) in weights.iter().enumerate() {
            if weight == 0 {
                continue;
            }
            scores[index] += i64::try_from(weight).unwrap_or(i64::MAX);
            // The rounded score is small (0 to 3); a strict comparison keeps the first
            // declared server on ties.
            let rounded = (scores[index] + total_signed) / total_signed;
            if best.map_or(true, |(_, max)| rounded > max) {
                best = Some((index, rounded));
            }
        }
        if let Some((index, _)) = best {
            scores[index] -= total_signed;
            slots.push(index as u32);
        }
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_1_2_3_4_interleave_like_haproxy_static_rr() {
        assert_eq!(interleave(&[1, 2, 3, 4]), [0, 1, 3, 2, 3, 1, 2, 3, 2, 3]);
    }

    #[test]
    fn equal_weights_give_declaration_order() {
        assert_eq!(interleave(&[1, 1, 1, 1]), [0, 1, 2, 3]);
    }

    #[test]
    fn zero_weight_servers_get_no_slot() {
        assert_eq!(interleave(&[0, 2, 0, 1]), [1, 1, 3]);
    }

    #[test]
    fn gcd_of_configured_weights_ignores_zero() {
        assert_eq!([2u64, 4, 6].into_iter().reduce(gcd), Some(2));
        assert_eq!(gcd(0, 5), 5);
    }
}
