//! Hash keys: which bytes of a request `balance source|uri|url_param|hdr` hashes.
//!
//! HAProxy equivalent: `get_server_sh()`, `get_server_uh()`, `get_server_ph()` and
//! `get_server_hh()` in `src/backend.c`. Keys are hashed exactly as received: no percent
//! decoding, no case folding. A request without a key (no such header or parameter, a client
//! address that is not IP) yields `None`, and the balancer falls back to round robin.

use super::hash::{avalanche, digest};
use super::PickCtx;
use crate::model::{Balance, HashType, UriHashOptions};
use http::HeaderName;
use std::net::IpAddr;

/// What a hash-based balancer hashes.
#[derive(Debug, Clone)]
pub(crate) enum HashKey {
    /// The client's IP address.
    Source,
    /// The request target, cut by the `uri` options.
    Uri(UriHashOptions),
    /// The value of a query-string parameter (the name's bytes).
    UrlParam(Box<[u8]>),
    /// The first value of a request header. `None` when the configured name is not a valid
    /// header name: no request can carry it, so every pick falls back to round robin.
    Header(Option<HeaderName>),
}

impl HashKey {
    /// The key of a hash-based algorithm; `None` for the others.
    pub(crate) fn for_balance(balance: &Balance) -> Option<HashKey> {
        match balance {
            Balance::Source => Some(HashKey::Source),
            Balance::Uri(options) => Some(HashKey::Uri(*options)),
            Balance::UrlParam { name } => Some(HashKey::UrlParam(name.as_bytes().into())),
            Balance::Hdr { name } => Some(HashKey::Header(
                HeaderName::from_bytes(name.as_bytes()).ok(),
            )),
            Balance::RoundRobin
            | Balance::StaticRr
            | Balance::LeastConn
            | Balance::First
            | Balance::Random { .. } => None,
        }
    }

    /// The request's hash, `avalanche`-mixed when configured; `None` when the request has no key.
    pub(crate) fn hash(&self, ctx: &PickCtx<'_>, hash_type: &HashType) -> Option<u32> {
        let raw = match self {
            // The address is the key itself: HAProxy applies no string hash to it.
            HashKey::Source => source_word(ctx.client_ip?),
            HashKey::Uri(options) => {
                digest(hash_type.function, uri_key(ctx.uri.as_bytes(), options))
            }
            HashKey::UrlParam(name) => {
                digest(hash_type.function, url_param(ctx.uri.as_bytes(), name)?)
            }
            HashKey::Header(name) => {
                let value = ctx.headers.get(name.as_ref()?)?;
                let first = first_list_element(value.as_bytes());
                if first.is_empty() {
                    return None;
                }
                digest(hash_type.function, first)
            }
        };
        Some(if hash_type.avalanche {
            avalanche(raw)
        } else {
            raw
        })
    }
}

/// The address as a 32-bit word: IPv4 big-endian; IPv6 as the XOR of its four big-endian words.
pub(crate) fn source_word(ip: IpAddr) -> u32 {
    match ip {
        IpAddr::V4(v4) => u32::from(v4),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            (0..4).fold(0, |acc, word| acc ^ (bits >> (32 * word)) as u32)
        }
    }
}

/// The part of the request target `balance uri` hashes: cut to `len` bytes first, then up to
/// the query string (unless `whole`) and before the `depth + 1`-th slash.
pub(crate) fn uri_key<'a>(uri: &'a [u8], options: &UriHashOptions) -> &'a [u8] {
    let uri = match options.len {
        Some(len) if len > 0 => &uri[..uri.len().min(len as usize)],
        _ => uri,
    };
    let slash_limit = options.depth.map(|depth| u64::from(depth) + 1);
    let mut slashes = 0u64;
    for (at, &byte) in uri.iter().enumerate() {
        if byte == b'/' {
            slashes += 1;
            if Some(slashes) == slash_limit {
                return &uri[..at];
            }
        } else if byte == b'?' && !options.whole {
            return &uri[..at];
        }
    }
    uri
}

/// The value of query parameter `name`: the bytes after `name=` up to the next `&`. The name
/// matches only at the start of the query or right after a `&`, so `xuserid=` is not `userid=`.
pub(crate) fn url_param<'a>(uri: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let query_start = uri.iter().position(|&b| b == b'?')? + 1;
    let query = &uri[query_start..];
    query.split(|&b| b == b'&').find_map(|param| {
        // HAProxy needs at least one byte after the name: `?userid` alone is no match.
        (param.len() > name.len() && param.starts_with(name) && param[name.len()] == b'=')
            .then(|| &param[name.len() + 1..])
    })
}

/// The first element of a comma-separated header value, without surrounding blanks. Commas
/// inside double quotes do not separate elements.
pub(crate) fn first_list_element(value: &[u8]) -> &[u8] {
    let mut quoted = false;
    let mut escaped = false;
    let mut end = value.len();
    for (at, &byte) in value.iter().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                end = at;
                break;
            }
            _ => {}
        }
    }
    value[..end].trim_ascii()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn uri(whole: bool, len: Option<u32>, depth: Option<u32>) -> UriHashOptions {
        UriHashOptions { whole, len, depth }
    }

    #[test]
    fn plain_uri_key_stops_at_the_query() {
        assert_eq!(uri_key(b"/a/b?x=1", &uri(false, None, None)), b"/a/b");
    }

    #[test]
    fn whole_keeps_the_query() {
        assert_eq!(uri_key(b"/a/b?x=1", &uri(true, None, None)), b"/a/b?x=1");
    }

    #[test]
    fn len_cuts_before_looking_for_the_query() {
        assert_eq!(
            uri_key(b"/abcdefghij?x", &uri(false, Some(8), None)),
            b"/abcdefg"
        );
        assert_eq!(uri_key(b"/ab?cdefghij", &uri(false, Some(8), None)), b"/ab");
        assert_eq!(
            uri_key(b"/ab", &uri(false, Some(0), None)),
            b"/ab",
            "len 0 means no limit"
        );
    }

    #[test]
    fn depth_stops_before_the_next_directory() {
        assert_eq!(uri_key(b"/a/b/c/d", &uri(false, None, Some(2))), b"/a/b");
        assert_eq!(uri_key(b"/a/b", &uri(false, None, Some(2))), b"/a/b");
        assert_eq!(uri_key(b"/a?x=/b/c", &uri(false, None, Some(1))), b"/a");
        assert_eq!(uri_key(b"/a?x=/b/c", &uri(true, None, Some(1))), b"/a?x=");
    }

    #[test]
    fn url_param_ignores_decoys_that_merely_contain_the_name() {
        let name = b"userid";
        assert_eq!(
            url_param(b"/p?xuserid=decoy&userid=42", name),
            Some(&b"42"[..])
        );
        assert_eq!(
            url_param(b"/p?useridx=decoy&userid=7&z=1", name),
            Some(&b"7"[..])
        );
        assert_eq!(url_param(b"/p?userid=abc", name), Some(&b"abc"[..]));
        assert_eq!(url_param(b"/p?userid=", name), Some(&b""[..]));
        assert_eq!(url_param(b"/p?xuserid=1", name), None);
        assert_eq!(url_param(b"/p?userid", name), None);
        assert_eq!(url_param(b"/p/userid=1", name), None, "no query string");
    }

    #[test]
    fn header_key_is_the_first_list_element_trimmed() {
        assert_eq!(first_list_element(b" example.com "), b"example.com");
        assert_eq!(first_list_element(b"a, b"), b"a");
        assert_eq!(first_list_element(b"\"x,y\", z"), b"\"x,y\"");
        assert_eq!(first_list_element(b""), b"");
    }

    #[test]
    fn ipv4_source_is_the_big_endian_address() {
        assert_eq!(source_word("127.0.0.2".parse().unwrap()), 0x7F00_0002);
    }

    #[test]
    fn ipv6_source_xors_the_four_words() {
        let ip: IpAddr = "1:2:3:4:5:6:7:8".parse().unwrap();
        assert_eq!(
            source_word(ip),
            0x0001_0002 ^ 0x0003_0004 ^ 0x0005_0006 ^ 0x0007_0008
        );
    }
}
