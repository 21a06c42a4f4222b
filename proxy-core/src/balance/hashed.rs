//! `balance source|uri|url_param|hdr`: the server is a function of a request key.
//!
//! HAProxy equivalent: the `BE_LB_KIND_HI` branch of `assign_server()` in `src/backend.c`. The
//! key's hash is looked up in the map-based table ([`MapTable`], `hash % total weight`) or on
//! the consistent ring ([`Ring`]). A request with no key falls back to round robin over the same
//! table or ring, as in HAProxy. When the chosen server is full or must be avoided, the next
//! slot (map) or next point (ring) is tried.

use super::consistent::Ring;
use super::group::{wrapping_from, Cursor, Group};
use super::key::HashKey;
use super::map_hash::MapTable;
use super::{Balancer, PickCtx};
use crate::model::{HashMethod, HashType};
use crate::runtime::{ServerId, ServerState};
use std::sync::Arc;

/// Where hashes are looked up.
#[derive(Debug)]
enum Lookup {
    Map(MapTable),
    Ring(Ring),
}

impl Lookup {
    fn slots(&self) -> &[u32] {
        match self {
            Lookup::Map(table) => table.slots(),
            Lookup::Ring(ring) => ring.slots(),
        }
    }

    fn position(&self, hash: u32) -> usize {
        match self {
            Lookup::Map(table) => table.position(hash),
            Lookup::Ring(ring) => ring.nearest(hash),
        }
    }
}

/// A hash-based balancer snapshot.
#[derive(Debug)]
pub(crate) struct Hashed {
    group: Group,
    key: HashKey,
    hash_type: HashType,
    lookup: Lookup,
    fallback: Cursor,
}

impl Hashed {
    /// The balancer hashing `key` over `group`. `all_servers` feed the map's weight divisor.
    pub(crate) fn new(
        group: Group,
        key: HashKey,
        hash_type: HashType,
        all_servers: &[Arc<ServerState>],
    ) -> Hashed {
        let lookup = match hash_type.method {
            HashMethod::MapBased => Lookup::Map(MapTable::build(&group, all_servers)),
            HashMethod::Consistent => Lookup::Ring(Ring::build(&group)),
        };
        Hashed {
            group,
            key,
            hash_type,
            lookup,
            fallback: Cursor::default(),
        }
    }
}

impl Balancer for Hashed {
    fn pick(&self, ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<ServerId> {
        let slots = self.lookup.slots();
        match self.key.hash(ctx, &self.hash_type) {
            Some(hash) => {
                let start = self.lookup.position(hash);
                let found = self.group.first_free(wrapping_from(slots, start), avoid)?;
                Some(found.server)
            }
            None => self.fallback.next(slots, &self.group, avoid),
        }
    }
}
