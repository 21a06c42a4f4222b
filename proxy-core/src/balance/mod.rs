//! Load-balancing algorithms: which server gets the next request.
//!
//! Every algorithm implements [`Balancer`]. A balancer is an immutable snapshot built by
//! [`build`] from the backend's servers whenever their state changes (off the request path);
//! `pick` takes `&self`, reads atomics only, and allocates nothing. HAProxy 2.6's choices are
//! reproduced exactly (see `tests/parity_*.rs` and the fixtures recorded from HAProxy).

use crate::runtime::ServerId;
use http::HeaderMap;
use std::net::IpAddr;

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
