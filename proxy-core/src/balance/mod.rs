//! Load-balancing algorithms: which server gets the next request.
//!
//! Every algorithm implements [`Balancer`]. A balancer is an immutable snapshot built by
//! [`build`] from the backend's servers whenever their state changes (off the request path);
//! `pick` takes `&self`, reads atomics only, and allocates nothing. HAProxy 2.6's choices are
//! reproduced exactly (see `tests/parity_*.rs` and the fixtures recorded from HAProxy).
//!
//! One file per algorithm (`roundrobin`, `static_rr`, `leastconn`, `first`, `random`,
//! `hashed`). Hash-based balancing is split like in HAProxy's `backend.c` vs `lb_chash.c`:
//! `key` says which request bytes are hashed, `hash` hashes them, and `map_hash` or
//! `consistent` maps the hash to a server. `group` chooses the servers a snapshot covers
//! (active ones, else backups) and holds the scan shared by all algorithms: full servers are
//! passed over, and the server to avoid is taken only when no other one is free.

mod consistent;
mod first;
mod group;
mod hash;
mod hashed;
mod key;
mod leastconn;
mod map_hash;
mod random;
mod roundrobin;
mod static_rr;
// Tests stop at the first surprise, so they may unwrap.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod properties;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod test_support;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use crate::model::{Backend, Balance};
use crate::runtime::{ServerId, ServerState};
use group::Group;
use http::HeaderMap;
use key::HashKey;
use std::net::IpAddr;
use std::sync::Arc;

/// What a balancer may look at to choose a server.
#[derive(Debug, Clone, Copy)]
pub struct PickCtx<'a> {
    /// The client's address (`balance source`).
    pub client_ip: Option<IpAddr>,
    /// The request target as received, e.g. `/a/b?x=1` (`balance uri`, `url_param`).
    pub uri: &'a str,
    /// The request headers (`balance hdr(...)`).
    pub headers: &'a HeaderMap,
}

/// A load-balancing algorithm over one snapshot of a backend's servers.
pub trait Balancer: Send + Sync + std::fmt::Debug {
    /// The server for this request, avoiding `avoid` when another server is usable (for a retry
    /// that must go elsewhere). `None` when no server is usable or all usable ones are full.
    fn pick(&self, ctx: &PickCtx<'_>, avoid: Option<ServerId>) -> Option<ServerId>;
}

/// Builds the balancer snapshot for the backend's current server states (called off the request
/// path whenever a server's state/weight changes). `servers[i].id == ServerId(i)`.
///
/// `balance random` draws from a generator seeded from the operating system; use
/// [`build_seeded`] for a repeatable sequence.
pub fn build(backend: &Backend, servers: &[Arc<ServerState>]) -> Box<dyn Balancer> {
    build_seeded(backend, servers, rand::random())
}

/// Like [`build`], with `seed` for `balance random`'s generator (other algorithms ignore it),
/// so that tests and simulations see the same draws on every run.
pub fn build_seeded(
    backend: &Backend,
    servers: &[Arc<ServerState>],
    seed: u64,
) -> Box<dyn Balancer> {
    let group = Group::select(backend, servers);
    if group.members().is_empty() {
        return Box::new(NoServer);
    }
    if let Some(key) = HashKey::for_balance(&backend.balance) {
        return Box::new(hashed::Hashed::new(group, key, backend.hash_type, servers));
    }
    match backend.balance {
        Balance::StaticRr => Box::new(static_rr::StaticRoundRobin::new(group, servers)),
        Balance::LeastConn => Box::new(leastconn::LeastConn::new(group)),
        Balance::First => Box::new(first::First::new(group)),
        Balance::Random { draws } => Box::new(random::Random::new(group, draws, seed)),
        // The hash-based algorithms were handled above.
        _ => Box::new(roundrobin::RoundRobin::new(group)),
    }
}

/// The snapshot of a backend with no usable server: every pick fails (HAProxy answers 503).
#[derive(Debug)]
struct NoServer;

impl Balancer for NoServer {
    fn pick(&self, _ctx: &PickCtx<'_>, _avoid: Option<ServerId>) -> Option<ServerId> {
        None
    }
}
