//! `option forwardfor [except <network>] [header <name>] [if-none]`: tell the server who the
//! client is.
//!
//! As HAProxy does, a new header line carrying the client address is appended after any the
//! client sent (earlier proxies' values are kept, so the server sees the whole chain).
//! `if-none` adds nothing when the request already has the header; `except` adds nothing for
//! clients in the network (typically a local proxy already adding it). A client that connected
//! with an IPv4-mapped IPv6 address is written as the IPv4 address.

use super::network::{ip_text, Network};
use super::sample::header_name;
use super::RoutingError;
use crate::model;
use http::{HeaderMap, HeaderName, HeaderValue};
use std::net::IpAddr;

/// `option forwardfor`, compiled.
#[derive(Debug, Clone)]
pub struct ForwardFor {
    header: HeaderName,
    except: Option<Network>,
    if_none: bool,
}

impl ForwardFor {
    /// Compiles the option; fails on an invalid header name or `except` network.
    pub fn compile(opt: &model::ForwardFor) -> Result<ForwardFor, RoutingError> {
        let except = opt
            .except
            .as_deref()
            .map(|text| {
                Network::parse(text).ok_or_else(|| RoutingError::InvalidNetwork {
                    acl: "option forwardfor except".to_owned(),
                    value: text.to_owned(),
                })
            })
            .transpose()?;
        Ok(ForwardFor {
            header: header_name(&opt.header)?,
            except,
            if_none: opt.if_none,
        })
    }

    /// Appends the header with `client`'s address to `headers`, unless `except` or `if-none`
    /// says not to.
    pub fn apply(&self, headers: &mut HeaderMap, client: IpAddr) {
        if self.if_none && headers.contains_key(&self.header) {
            return;
        }
        if self.except.is_some_and(|net| net.contains(client)) {
            return;
        }
        // An address's text is always a valid header value; the check only avoids a panic path.
        if let Ok(value) = HeaderValue::from_bytes(ip_text(client, &mut [0; 48])) {
            headers.append(self.header.clone(), value);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::routing::test_support::values;

    fn option(header: &str, except: Option<&str>, if_none: bool) -> ForwardFor {
        ForwardFor::compile(&model::ForwardFor {
            header: header.into(),
            except: except.map(str::to_owned),
            if_none,
        })
        .unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn adds_client_address_to_x_forwarded_for() {
        let mut headers = HeaderMap::new();
        option("X-Forwarded-For", None, false).apply(&mut headers, ip("203.0.113.7"));
        assert_eq!(values(&headers, "x-forwarded-for"), ["203.0.113.7"]);
    }

    #[test]
    fn appends_a_new_line_after_the_clients_own() {
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", HeaderValue::from_static("10.0.0.1"));
        option("X-Forwarded-For", None, false).apply(&mut headers, ip("203.0.113.7"));
        assert_eq!(
            values(&headers, "x-forwarded-for"),
            ["10.0.0.1", "203.0.113.7"]
        );
    }

    #[test]
    fn if_none_keeps_an_existing_header_untouched() {
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", HeaderValue::from_static("10.0.0.1"));
        let ff = option("X-Forwarded-For", None, true);
        ff.apply(&mut headers, ip("203.0.113.7"));
        assert_eq!(values(&headers, "x-forwarded-for"), ["10.0.0.1"]);
        let mut empty = HeaderMap::new();
        ff.apply(&mut empty, ip("203.0.113.7"));
        assert_eq!(values(&empty, "x-forwarded-for"), ["203.0.113.7"]);
    }

    #[test]
    fn except_skips_clients_in_the_network_only() {
        let ff = option("X-Forwarded-For", Some("127.0.0.0/8"), false);
        let mut local = HeaderMap::new();
        ff.apply(&mut local, ip("127.0.0.1"));
        assert!(local.is_empty());
        let mut mapped_local = HeaderMap::new();
        ff.apply(&mut mapped_local, ip("::ffff:127.0.0.1"));
        assert!(mapped_local.is_empty());
        let mut remote = HeaderMap::new();
        ff.apply(&mut remote, ip("192.0.2.1"));
        assert_eq!(values(&remote, "x-forwarded-for"), ["192.0.2.1"]);
    }

    #[test]
    fn ipv6_client_is_written_as_ipv6_and_mapped_as_ipv4() {
        let ff = option("X-Forwarded-For", None, false);
        let mut headers = HeaderMap::new();
        ff.apply(&mut headers, ip("2001:db8::42"));
        ff.apply(&mut headers, ip("::ffff:198.51.100.9"));
        assert_eq!(
            values(&headers, "x-forwarded-for"),
            ["2001:db8::42", "198.51.100.9"]
        );
    }

    #[test]
    fn ipv6_except_network_skips_ipv6_clients() {
        let ff = option("X-Forwarded-For", Some("2001:db8::/32"), false);
        let mut headers = HeaderMap::new();
        ff.apply(&mut headers, ip("2001:db8::42"));
        assert!(headers.is_empty());
    }

    #[test]
    fn custom_header_name_is_used() {
        let mut headers = HeaderMap::new();
        option("X-Client-IP", None, false).apply(&mut headers, ip("192.0.2.5"));
        assert_eq!(values(&headers, "x-client-ip"), ["192.0.2.5"]);
        assert!(!headers.contains_key("x-forwarded-for"));
    }

    #[test]
    fn invalid_except_or_header_is_a_compile_error() {
        let bad_net = model::ForwardFor {
            header: "X-Forwarded-For".into(),
            except: Some("127.0.0.0/99".into()),
            if_none: false,
        };
        let err = ForwardFor::compile(&bad_net).unwrap_err().to_string();
        assert!(err.contains("127.0.0.0/99"), "{err}");
        let bad_name = model::ForwardFor {
            header: "X Forwarded".into(),
            except: None,
            if_none: false,
        };
        assert!(matches!(
            ForwardFor::compile(&bad_name),
            Err(RoutingError::InvalidHeaderName { .. })
        ));
    }
}
