//! The consistent-hashing ring of `hash-type consistent` (also used by `balance random`).
//!
//! HAProxy equivalent: `src/lb_chash.c`. Each server owns `weight x 16` points on a 2^32 circle,
//! point `i` sitting at `avalanche(id x 4096 + i)`, where `id` is the server's numeric id. A
//! key goes to the nearest point in either direction, wrapping around; on a tie the point below
//! the key wins. Removing a server removes only its points, so only its keys move.
//!
//! HAProxy walks an ebtree; here the points are a sorted array with a bucket index on the key's
//! top bits (about one point per bucket), so a lookup is a table read and a search over a
//! bucket's few points instead of a binary search over the whole ring.

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
    /// `buckets[b]` is the first point at or above `b << shift`; one more entry holds the
    /// number of points.
    buckets: Vec<u32>,
    /// How far a key is shifted right to give its bucket.
    shift: u32,
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
        Ring::from_sorted(
            points.iter().map(|&(position, _)| position).collect(),
            points.iter().map(|&(_, index)| index).collect(),
        )
    }

    /// The ring of sorted `positions` owned by `slots`, with its bucket index.
    fn from_sorted(positions: Vec<u32>, slots: Vec<u32>) -> Ring {
        // About one point per bucket, at most 2^16 buckets (256 KiB of index).
        let bits = positions.len().next_power_of_two().trailing_zeros().min(16);
        let shift = 32 - bits;
        let mut buckets = Vec::with_capacity((1 << bits) + 1);
        let mut next = 0;
        for bucket in 0..1u64 << bits {
            let start = bucket << shift;
            while next < positions.len() && u64::from(positions[next]) < start {
                next += 1;
            }
            buckets.push(next as u32);
        }
        buckets.push(positions.len() as u32);
        Ring {
            positions,
            slots,
            buckets,
            shift,
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
        let above = self.first_at_or_above(key) % len;
        let below = above.checked_sub(1).unwrap_or(len - 1);
        let distance_below = key.wrapping_sub(self.positions[below]);
        let distance_above = self.positions[above].wrapping_sub(key);
        if distance_below <= distance_above {
            below
        } else {
            above
        }
    }

    /// The index of the first point at or above `key` (`len` when there is none).
    fn first_at_or_above(&self, key: u32) -> usize {
        let bucket = u64::from(key) >> self.shift;
        let start = self.buckets[bucket as usize] as usize;
        let end = self.buckets[bucket as usize + 1] as usize;
        // Points before the bucket are below `key`, points after it are above.
        start + self.positions[start..end].partition_point(|&p| p < key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(positions: &[u32]) -> Ring {
        Ring::from_sorted(positions.to_vec(), (0..positions.len() as u32).collect())
    }

    #[test]
    fn the_bucket_index_finds_what_a_search_of_the_whole_ring_finds() {
        for count in [1u32, 2, 3, 100, 1000, 70_000] {
            let mut positions: Vec<u32> = (0..count).map(|i| avalanche(i * 7)).collect();
            positions.sort_unstable();
            let ring = ring(&positions);
            let keys = (0..5000u32)
                .map(|i| avalanche(i.wrapping_mul(2_654_435_761)))
                .chain([0, 1, u32::MAX, positions[0], positions[positions.len() - 1]]);
            for key in keys {
                assert_eq!(
                    ring.first_at_or_above(key),
                    positions.partition_point(|&p| p < key),
                    "{count} points, key {key}"
                );
            }
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
