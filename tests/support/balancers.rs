//! Balancer snapshots built through the public API, as the runtime builds them, for benches and
//! allocation tests of `Balancer::pick`.

use crate::generate::{backend_config, PICK_HOST, PICK_URI};
use http::{HeaderMap, HeaderValue};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use switchyard_core::balance::{self, Balancer, PickCtx};
use switchyard_core::config::load_str;
use switchyard_core::runtime::{ServerId, ServerSlot, ServerState};

/// One backend's balancer and the live server states it picks from.
pub struct PickBench {
    /// The snapshot, as `balance::build` makes it.
    pub balancer: Box<dyn Balancer>,
    /// The live state of every server of the backend.
    pub servers: Vec<Arc<ServerState>>,
    headers: HeaderMap,
    held: Vec<ServerSlot>,
}

impl PickBench {
    /// A backend of `servers` servers on `balance <balance>` (and `hash-type <hash_type>`).
    /// Panics when the generated configuration does not load.
    pub fn new(balance: &str, hash_type: Option<&str>, servers: usize) -> PickBench {
        let text = backend_config(balance, hash_type, servers);
        let loaded = load_str("bench.cfg", &text).unwrap();
        let backend = &loaded.config.backends[0];
        let states: Vec<Arc<ServerState>> = backend
            .servers
            .iter()
            .enumerate()
            .map(|(i, s)| Arc::new(ServerState::from_model(ServerId(i as u32), s)))
            .collect();
        let mut headers = HeaderMap::new();
        headers.insert(http::header::HOST, HeaderValue::from_static(PICK_HOST));
        PickBench {
            balancer: balance::build(backend, &states),
            servers: states,
            headers,
            held: Vec::new(),
        }
    }

    /// Makes every server busy with `requests` requests in flight, held until `self` drops:
    /// the worst case of `leastconn` and `random`, which compare loads.
    pub fn busy(mut self, requests: usize) -> PickBench {
        for server in &self.servers {
            self.held
                .extend((0..requests).filter_map(|_| server.try_acquire()));
        }
        self
    }

    /// The request every pick sees: a client address, a target with a path and a query
    /// parameter, and a `Host` header, so that every hash-based algorithm finds its key.
    pub fn request(&self) -> PickCtx<'_> {
        PickCtx {
            client_ip: Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7))),
            uri: PICK_URI,
            headers: &self.headers,
        }
    }

    /// One pick for [`PickBench::request`], as the data path makes it.
    pub fn pick(&self) -> Option<ServerId> {
        self.balancer.pick(&self.request(), None)
    }
}
