//! `balance first`: fill servers one after the other, by numeric id.
//!
//! HAProxy equivalent: `src/lb_fas.c`. The server with the lowest `id` that has a free slot
//! (below its `maxconn`) takes the request; the next one is used only when it is full.

use super::group::Group;
use super::{Balancer, PickCtx};
use crate::runtime::ServerId;

/// A first-available snapshot.
#[derive(Debug)]
pub(crate) struct First {
    group: Group,
    /// Member indexes by increasing numeric id.
    by_id: Vec<u32>,
}

impl First {
    /// The balancer over `group`.
    pub(crate) fn new(group: Group) -> First {
        let mut by_id: Vec<u32> = (0..group.members().len() as u32).collect();
        by_id.sort_by_key(|&index| group.members()[index as usize].puid);
        First { group, by_id }
    }
}

impl Balancer for First {
    fn pick(&self, _ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<ServerId> {
        let found = self.group.first_free(self.by_id.iter().copied(), avoid)?;
        Some(found.server)
    }
}
