//! `balance static-rr`: weighted round robin over a fixed interleaved table.
//!
//! HAProxy equivalent: `map_get_server_rr()` in `src/lb_map.c`. The table is the map-based hash
//! table ([`MapTable`]); a shared cursor walks it, passing over full servers and the server to
//! avoid. For weights 1,2,3,4 the order is `s1 s2 s4 s3 s4 s2 s3 s4 s3 s4`.

use super::group::{Cursor, Group};
use super::map_hash::MapTable;
use super::{Balancer, PickCtx};
use crate::runtime::{ServerId, ServerState};
use std::sync::Arc;

/// A static round-robin snapshot.
#[derive(Debug)]
pub(crate) struct StaticRoundRobin {
    group: Group,
    table: MapTable,
    cursor: Cursor,
}

impl StaticRoundRobin {
    /// The balancer over `group`; `all_servers` feed the table's weight divisor.
    pub(crate) fn new(group: Group, all_servers: &[Arc<ServerState>]) -> StaticRoundRobin {
        let table = MapTable::build(&group, all_servers);
        StaticRoundRobin {
            group,
            table,
            cursor: Cursor::default(),
        }
    }
}

impl Balancer for StaticRoundRobin {
    fn pick(&self, _ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<ServerId> {
        self.cursor.next(self.table.slots(), &self.group, avoid)
    }
}
