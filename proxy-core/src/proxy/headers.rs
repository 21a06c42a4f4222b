//! Header hygiene between hops: RFC 9110 §7.6.1 connection-specific fields.
//!
//! A proxy must not forward the fields that describe one connection: `Connection` and every
//! field it names, plus `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`
//! and `Upgrade`. Each side's framing is then chosen for its own connection (`frontend::http1`,
//! `proxy::upstream`).

use http::header::{HeaderMap, HeaderName, CONNECTION, TE, TRAILER, TRANSFER_ENCODING, UPGRADE};

/// How many fields [`HOP_BY_HOP`] has.
const HOPS: usize = 7;

/// The connection-specific fields removed in both directions, besides those `Connection` names
/// (`Connection` first).
static HOP_BY_HOP: [HeaderName; HOPS] = [
    CONNECTION,
    TE,
    TRAILER,
    TRANSFER_ENCODING,
    UPGRADE,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
];

/// Where `name` is in [`HOP_BY_HOP`]: one `match` on the name, cheaper than comparing it with
/// each.
fn hop_by_hop_index(name: &HeaderName) -> Option<usize> {
    match name.as_str() {
        "connection" => Some(0),
        "te" => Some(1),
        "trailer" => Some(2),
        "transfer-encoding" => Some(3),
        "upgrade" => Some(4),
        "keep-alive" => Some(5),
        "proxy-connection" => Some(6),
        _ => None,
    }
}

/// Removes every connection-specific field from `headers`, allocating nothing.
pub(crate) fn strip_hop_by_hop(headers: &mut HeaderMap) {
    // One look at each name finds which of them are there (most messages have none, or only
    // `Connection`): only those are then looked up to be removed.
    let mut present = [false; HOPS];
    for index in headers.keys().filter_map(hop_by_hop_index) {
        present[index] = true;
    }
    if present[0] {
        // Names listed in `Connection` are removed before it goes. Each value is cloned (a
        // reference count, not a copy) so the map can change while its list is read.
        let mut index = 0;
        while let Some(value) = headers.get_all(CONNECTION).iter().nth(index).cloned() {
            index += 1;
            let Ok(list) = value.to_str() else { continue };
            for name in list.split(',').map(str::trim) {
                // A name that is not a valid field name matches nothing and is skipped.
                headers.remove(name);
            }
        }
    }
    for (name, _) in HOP_BY_HOP
        .iter()
        .zip(present)
        .filter(|(_, present)| *present)
    {
        headers.remove(name);
    }
}

/// The items of a comma-separated field value, trimmed: `keep-alive, close` lists `keep-alive`
/// and `close`.
pub(crate) fn list_items(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').map(<[u8]>::trim_ascii)
}

/// Whether a comma-separated list in the `name` fields of `headers` has `token` (compared
/// without case), e.g. `close` in `Connection: keep-alive, close`.
pub(crate) fn lists_token(headers: &HeaderMap, name: &HeaderName, token: &[u8]) -> bool {
    headers
        .get_all(name)
        .iter()
        .any(|value| list_items(value.as_bytes()).any(|item| item.eq_ignore_ascii_case(token)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn each_connection_specific_field_is_found_at_its_place() {
        for (index, name) in HOP_BY_HOP.iter().enumerate() {
            assert_eq!(hop_by_hop_index(name), Some(index), "{name}");
        }
        assert_eq!(hop_by_hop_index(&http::header::HOST), None);
    }

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

    #[test]
    fn every_connection_line_counts_and_odd_names_are_skipped() {
        let mut headers = HeaderMap::new();
        headers.append(CONNECTION, HeaderValue::from_static("close, , bad name"));
        headers.append(CONNECTION, HeaderValue::from_static("X-One"));
        headers.insert("x-one", HeaderValue::from_static("1"));
        headers.insert("x-kept", HeaderValue::from_static("yes"));
        strip_hop_by_hop(&mut headers);
        assert_eq!(headers.len(), 1);
        assert_eq!(headers["x-kept"], "yes");
    }

    #[test]
    fn a_token_is_found_in_any_line_of_a_list_whatever_its_case() {
        let mut headers = HeaderMap::new();
        headers.append(CONNECTION, HeaderValue::from_static("keep-alive"));
        headers.append(CONNECTION, HeaderValue::from_static("x-a , Close"));
        assert!(lists_token(&headers, &CONNECTION, b"close"));
        assert!(!lists_token(&headers, &CONNECTION, b"upgrade"));
        assert!(!lists_token(&headers, &TE, b"close"));
    }
}
