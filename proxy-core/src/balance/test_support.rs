//! Builders shared by the balancer tests: backends, server states and pick contexts.

use super::PickCtx;
use crate::model::{Backend, Balance, Server};
use crate::runtime::{ServerId, ServerState};
use http::HeaderMap;
use std::sync::Arc;

/// A backend with one server per weight, named `s1`, `s2`... with ids 1, 2... on ports 17101...
pub(crate) fn backend(balance: Balance, weights: &[u32]) -> Backend {
    weights
        .iter()
        .zip(1u16..)
        .fold(
            Backend::builder("be").balance(balance),
            |backend, (&weight, n)| {
                let addr = ([127, 0, 0, 1], 17100 + n).into();
                backend.server_with(Server::builder(format!("s{n}"), addr).weight(weight))
            },
        )
        .build()
        .unwrap()
}

/// Live states for the backend's servers.
pub(crate) fn states(backend: &Backend) -> Vec<Arc<ServerState>> {
    backend
        .servers
        .iter()
        .enumerate()
        .map(|(i, s)| Arc::new(ServerState::from_model(ServerId(i as u32), s)))
        .collect()
}

/// A request for `/` with no headers and no client address.
pub(crate) fn plain_request(headers: &HeaderMap) -> PickCtx<'_> {
    PickCtx {
        client_ip: None,
        uri: "/",
        headers,
    }
}

/// The server names of `count` picks.
pub(crate) fn names(
    balancer: &dyn super::Balancer,
    servers: &[Arc<ServerState>],
    count: usize,
) -> Vec<String> {
    let headers = HeaderMap::new();
    (0..count)
        .map(|_| match balancer.pick(&plain_request(&headers), None) {
            Some(id) => servers[id.index()].name.to_string(),
            None => "-".to_string(),
        })
        .collect()
}
