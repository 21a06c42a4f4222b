//! Request builders shared by the routing tests.

use super::RequestInfo;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// Every value of header `name`, as text.
pub(crate) fn values(headers: &http::HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// An IPv6 address from its text.
pub(crate) fn v6(text: &str) -> IpAddr {
    IpAddr::V6(text.parse::<Ipv6Addr>().unwrap())
}

/// A request head plus the client address, built fluently.
pub(crate) struct Req {
    pub(crate) parts: http::request::Parts,
    pub(crate) client: SocketAddr,
}

impl Req {
    pub(crate) fn new(method: &str, target: &str) -> Req {
        let (parts, ()) = http::Request::builder()
            .method(method)
            .uri(target)
            .body(())
            .unwrap()
            .into_parts();
        Req {
            parts,
            client: "192.0.2.10:40000".parse().unwrap(),
        }
    }

    pub(crate) fn get(target: &str) -> Req {
        Req::new("GET", target)
    }

    pub(crate) fn post(target: &str) -> Req {
        Req::new("POST", target)
    }

    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Req {
        self.parts
            .headers
            .append(name, http::HeaderValue::from_str(value).unwrap());
        self
    }

    pub(crate) fn from(mut self, client: &str) -> Req {
        self.client = client.parse().unwrap();
        self
    }

    pub(crate) fn version(mut self, version: http::Version) -> Req {
        self.parts.version = version;
        self
    }

    pub(crate) fn info(&self) -> RequestInfo<'_> {
        RequestInfo::from_parts(&self.parts, super::Peer::plain(self.client))
    }
}
