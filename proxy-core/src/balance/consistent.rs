//! The consistent-hashing ring of `hash-type consistent` (also used by `balance random`).
//!
//! HAProxy equivalent: `src/lb_chash.c`. Each server owns `weight x 16` points on a 2^32 circle,
//! point `i` sitting at `avalanche(id x 4096 + i)`, where `id` is the server's numeric id. A
//! key goes to the nearest point in either direction, wrapping around; on a tie the point below
//! the key wins. Removing a server removes only its points, so only its keys move.

use super::group::Group;
use super::hash::avalanche;

/// Points per unit of weight (HAProxy's `BE_WEIGHT_SCALE`).
const POINTS_PER_WEIGHT: u32 = 16;
/// The spacing between two servers' point seeds (HAProxy's `SRV_EWGHT_RANGE`).
const SEED_RANGE_PER_SERVER: u32 = 4096;

/// The circle's points, sorted by position.
#[derive(Debug)]
pub(crate) struct Ring {
    positions: Vec<u32>,
    /// The member index owning each point, aligned with `positions`.
    slots: Vec<u32>,
}

impl Ring {
    /// The ring of `group`'s members at their current weights.
    pub(crate) fn build(group: &Group) -> Ring {
        let mut points: Vec<(u32, u32)> = Vec::new();
        for (index, server) in group.members().iter().enumerate() {
            let seed = server.puid.wrapping_mul(SEED_RANGE_PER_SERVER);
            let count = server.effective_weight().saturating_mul(POINTS_PER_WEIGHT);
            points.extend((0..count).map(|i| (avalanche(seed.wrapping_add(i)), index as u32)));
        }
        // A stable sort keeps equal positions in declaration order, the order in which HAProxy
        // inserts them into its tree.
        points.sort_by_key(|&(position, _)| position);
        Ring {
            positions: points.iter().map(|&(position, _)| position).collect(),
            slots: points.iter().map(|&(_, index)| index).collect(),
        }
    }

    /// The member index of every point, in circle order.
    pub(crate) fn slots(&self) -> &[u32] {
        &self.slots
    }

    /// The point nearest to `key`: the first at or above it, or the one before that when it
    /// is at least as close, both wrapping around the circle.
    pub(crate) fn nearest(&self, key: u32) -> usize {
        let len = self.positions.len();
        if len == 0 {
            return 0;
        }
        let above = self.positions.partition_point(|&p| p < key) % len;
        let below = above.checked_sub(1).unwrap_or(len - 1);
        let distance_below = key.wrapping_sub(self.positions[below]);
        let distance_above = self.positions[above].wrapping_sub(key);
        if distance_below <= distance_above {
            below
        } else {
            above
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(positions: &[u32]) -> Ring {
        Ring {
            positions: positions.to_vec(),
            slots: (0..positions.len() as u32).collect(),
        }
    }

    #[test]
    fn key_goes_to_the_nearest_point_either_side() {
        let ring = ring(&[100, 200, 300]);
        assert_eq!(ring.nearest(140), 0);
        assert_eq!(ring.nearest(160), 1);
        assert_eq!(ring.nearest(200), 1);
    }

    #[test]
    fn a_tie_goes_to_the_point_below() {
        assert_eq!(ring(&[100, 200, 300]).nearest(150), 0);
    }

    #[test]
    fn keys_wrap_around_the_circle() {
        let ring = ring(&[100, 200, u32::MAX - 10]);
        assert_eq!(ring.nearest(50), 0);
        assert_eq!(ring.nearest(u32::MAX), 2);
        assert_eq!(
            ring.nearest(40),
            2,
            "40 is 51 away from MAX-10 across 0, 60 from 100"
        );
        assert_eq!(ring.nearest(u32::MAX - 100), 2);
    }

    #[test]
    fn one_point_takes_every_key() {
        let ring = ring(&[7]);
        assert_eq!(ring.nearest(0), 0);
        assert_eq!(ring.nearest(u32::MAX), 0);
    }
}
