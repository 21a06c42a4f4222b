//! Header hygiene between hops: RFC 9110 §7.6.1 connection-specific fields.
//!
//! A proxy must not forward the fields that describe one connection: `Connection` and every
//! field it names, plus `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`
//! and `Upgrade`. Each side's framing is then chosen by hyper for its own connection.

use http::header::{HeaderMap, HeaderName, CONNECTION, TE, TRAILER, TRANSFER_ENCODING, UPGRADE};

/// The connection-specific fields removed in both directions, besides those `Connection` names.
const HOP_BY_HOP: [&str; 2] = ["keep-alive", "proxy-connection"];

/// Removes every connection-specific field from `headers`.
pub(crate) fn strip_hop_by_hop(headers: &mut HeaderMap) {
    // Names listed in `Connection` are removed first, before `Connection` itself goes.
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in [CONNECTION, TE, TRAILER, TRANSFER_ENCODING, UPGRADE] {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn connection_and_the_fields_it_names_are_removed() {
        let mut headers = HeaderMap::new();
        headers.insert(CONNECTION, HeaderValue::from_static("keep-alive, X-Secret"));
        headers.insert("x-secret", HeaderValue::from_static("1"));
        headers.insert("keep-alive", HeaderValue::from_static("timeout=5"));
        headers.insert("proxy-connection", HeaderValue::from_static("keep-alive"));
        headers.insert(TE, HeaderValue::from_static("trailers"));
        headers.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
        headers.insert(UPGRADE, HeaderValue::from_static("h2c"));
        headers.insert("x-kept", HeaderValue::from_static("yes"));
        strip_hop_by_hop(&mut headers);
        assert_eq!(headers.len(), 1);
        assert_eq!(headers["x-kept"], "yes");
    }
}
