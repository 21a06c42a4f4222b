//! IP networks for `src` ACLs and `option forwardfor except`.
//!
//! Accepts what HAProxy's `ip` match accepts for literal addresses: `10.0.0.1`, `10.0.0.0/8`,
//! `10.0.0.0/255.0.0.0`, `2001:db8::/32`, `::1`. A client connected over IPv6 with an
//! IPv4-mapped address (`::ffff:10.1.2.3`, as dual-stack listeners report IPv4 clients) is
//! treated as the IPv4 address it carries, and an IPv4 client matches an IPv6 network through
//! its mapped form, as HAProxy does.

use std::net::{IpAddr, Ipv4Addr};

/// An address with a prefix length; a bare address is a network of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Network {
    /// An IPv4 network: base address (already masked) and mask.
    V4 { base: u32, mask: u32 },
    /// An IPv6 network: base address (already masked) and mask.
    V6 { base: u128, mask: u128 },
}

impl Network {
    /// Parses `addr`, `addr/len` or (IPv4 only) `addr/dotted-mask`. `None` when invalid.
    pub(crate) fn parse(text: &str) -> Option<Network> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(v4) => {
                let mask = match prefix {
                    None => u32::MAX,
                    Some(p) => match p.parse::<u8>() {
                        Ok(len) => prefix_mask_u32(len)?,
                        Err(_) => dotted_mask(p)?,
                    },
                };
                Some(Network::V4 {
                    base: u32::from(v4) & mask,
                    mask,
                })
            }
            IpAddr::V6(v6) => {
                let mask = match prefix {
                    None => u128::MAX,
                    Some(p) => prefix_mask_u128(p.parse::<u8>().ok()?)?,
                };
                Some(Network::V6 {
                    base: u128::from(v6) & mask,
                    mask,
                })
            }
        }
    }

    /// Whether `ip` is in this network.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        match (*self, canonical_ip(ip)) {
            (Network::V4 { base, mask }, IpAddr::V4(v4)) => u32::from(v4) & mask == base,
            (Network::V6 { base, mask }, IpAddr::V6(v6)) => u128::from(v6) & mask == base,
            (Network::V6 { base, mask }, IpAddr::V4(v4)) => {
                u128::from(v4.to_ipv6_mapped()) & mask == base
            }
            (Network::V4 { .. }, IpAddr::V6(_)) => false,
        }
    }
}

/// The address a client really has: IPv4-mapped IPv6 addresses become IPv4.
pub(crate) fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn prefix_mask_u32(len: u8) -> Option<u32> {
    match len {
        0 => Some(0),
        1..=32 => Some(u32::MAX << (32 - u32::from(len))),
        _ => None,
    }
}

fn prefix_mask_u128(len: u8) -> Option<u128> {
    match len {
        0 => Some(0),
        1..=128 => Some(u128::MAX << (128 - u32::from(len))),
        _ => None,
    }
}

/// A dotted mask such as `255.255.0.0`; only contiguous masks make sense as networks.
fn dotted_mask(text: &str) -> Option<u32> {
    let mask = u32::from(text.parse::<Ipv4Addr>().ok()?);
    (mask.leading_ones() + mask.trailing_zeros() == 32).then_some(mask)
}

/// The text of an address as HAProxy prints a client: IPv4-mapped addresses as IPv4. Written into
/// `buf` so that rendering needs no allocation; returns the used part.
pub(crate) fn ip_text(ip: IpAddr, buf: &mut [u8; 48]) -> &[u8] {
    use std::io::Write;
    let mut cursor = std::io::Cursor::new(&mut buf[..]);
    // The longest IPv6 text is 45 bytes, so the write cannot run out of room; if it ever did,
    // the truncated text is still returned rather than panicking.
    let _ = write!(cursor, "{}", canonical_ip(ip));
    let len = usize::try_from(cursor.position()).unwrap_or(0);
    &buf[..len]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::routing::test_support::v6;

    fn net(text: &str) -> Network {
        Network::parse(text).unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ipv4_cidr_contains_addresses_inside_only() {
        let n = net("10.1.0.0/16");
        assert!(n.contains(ip("10.1.200.3")));
        assert!(!n.contains(ip("10.2.0.1")));
    }

    #[test]
    fn bare_address_is_a_network_of_one() {
        let n = net("192.168.1.7");
        assert!(n.contains(ip("192.168.1.7")));
        assert!(!n.contains(ip("192.168.1.8")));
    }

    #[test]
    fn dotted_mask_equals_prefix_length() {
        assert_eq!(net("10.0.0.0/255.0.0.0"), net("10.0.0.0/8"));
    }

    #[test]
    fn host_bits_in_network_are_ignored() {
        assert!(net("10.1.2.3/8").contains(ip("10.200.0.1")));
    }

    #[test]
    fn ipv4_mapped_client_matches_ipv4_network() {
        assert!(net("127.0.0.0/8").contains(v6("::ffff:127.0.0.1")));
    }

    #[test]
    fn ipv4_client_matches_mapped_ipv6_network() {
        assert!(net("::ffff:10.0.0.0/104").contains(ip("10.9.9.9")));
    }

    #[test]
    fn ipv6_network_contains_ipv6_clients_and_not_ipv4_network() {
        let n = net("2001:db8::/32");
        assert!(n.contains(ip("2001:db8:1::5")));
        assert!(!n.contains(ip("2001:db9::1")));
        assert!(!net("10.0.0.0/8").contains(ip("2001:db8::1")));
    }

    #[test]
    fn zero_prefix_matches_everything_of_the_family() {
        assert!(net("0.0.0.0/0").contains(ip("203.0.113.9")));
        assert!(net("::/0").contains(ip("2001:db8::1")));
    }

    #[test]
    fn garbage_and_out_of_range_prefixes_are_rejected() {
        for bad in [
            "",
            "10.0.0",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/255.0.255.0",
            "host.example",
        ] {
            assert_eq!(Network::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ip_text_prints_mapped_addresses_as_ipv4() {
        let mut buf = [0; 48];
        assert_eq!(ip_text(v6("::ffff:10.0.0.1"), &mut buf), b"10.0.0.1");
        let mut buf = [0; 48];
        let long = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe";
        assert_eq!(ip_text(v6(long), &mut buf), long.as_bytes());
    }
}
