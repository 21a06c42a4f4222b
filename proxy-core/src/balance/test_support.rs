//! Builders shared by the balancer tests: backends, server states and pick contexts.

use super::PickCtx;
use crate::model::{self, Backend, Balance, HashType};
use crate::runtime::{ServerId, ServerState};
use http::HeaderMap;
use std::sync::Arc;

/// A backend with one server per weight, named `s1`, `s2`... with ids 1, 2...
pub(crate) fn backend(balance: Balance, weights: &[u32]) -> Backend {
    Backend {
        name: "be".into(),
        balance,
        hash_type: HashType::default(),
        servers: weights
            .iter()
            .enumerate()
            .map(|(i, &weight)| server(i, weight))
            .collect(),
        timeouts: Default::default(),
        retries: 3,
        retry_on: Default::default(),
        redispatch: None,
        allbackups: false,
        acls: Vec::new(),
        request_rules: Vec::new(),
        response_rules: Vec::new(),
        http: Default::default(),
        health_check: None,
        logging: Default::default(),
    }
}

/// Server `index` (0-based) with `weight`.
pub(crate) fn server(index: usize, weight: u32) -> model::Server {
    let port = 17101 + index as u16;
    model::Server {
        name: format!("s{}", index + 1),
        id: index as u32 + 1,
        addr: ([127, 0, 0, 1], port).into(),
        addr_spec: format!("127.0.0.1:{port}"),
        weight,
        backup: false,
        disabled: false,
        maxconn: None,
        maxqueue: None,
        check: Default::default(),
    }
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
            Some(id) => servers[id.index()].name.clone(),
            None => "-".to_string(),
        })
        .collect()
}
