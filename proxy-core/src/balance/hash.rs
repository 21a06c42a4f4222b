//! The hash functions of `hash-type`: sdbm, djb2, wt6 and crc32, plus the `avalanche` integer mix.
//!
//! HAProxy equivalent: `src/hash.c` (`hash_sdbm`, `hash_djb2`, `hash_wt6`, `hash_crc32`) and
//! `full_hash()`. Every function works on raw bytes with wrapping 32-bit arithmetic, so a key
//! hashes to the same value as in HAProxy and lands on the same server.

use crate::model::HashFunction;

/// Hashes `bytes` with the configured function.
pub(crate) fn digest(function: HashFunction, bytes: &[u8]) -> u32 {
    match function {
        HashFunction::Sdbm => sdbm(bytes),
        HashFunction::Djb2 => djb2(bytes),
        HashFunction::Wt6 => wt6(bytes),
        HashFunction::Crc32 => crc32(bytes),
    }
}

/// sdbm: `h = byte + (h << 6) + (h << 16) - h`, from 0. HAProxy's default.
pub(crate) fn sdbm(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |h, &byte| {
        u32::from(byte)
            .wrapping_add(h << 6)
            .wrapping_add(h << 16)
            .wrapping_sub(h)
    })
}

/// Bernstein's djb2: `h = h * 33 + byte`, from 5381.
pub(crate) fn djb2(bytes: &[u8]) -> u32 {
    bytes.iter().fold(5381u32, |h, &byte| {
        h.wrapping_mul(33).wrapping_add(u32::from(byte))
    })
}

/// Willy Tarreau's wt6: two 32-bit lanes, complemented and rotated by amounts that depend on
/// the data seen so far.
pub(crate) fn wt6(bytes: &[u8]) -> u32 {
    let mut lane0: u32 = 0xa53c_965a;
    let mut lane1: u32 = 0x5ca6_953a;
    let mut rotate0: u32 = 6;
    let mut rotate1: u32 = 18;
    for &byte in bytes {
        let byte = u32::from(byte);
        lane0 = !(lane0 ^ byte);
        lane1 = !(lane1.wrapping_add(byte));
        let rotated1 = lane1.rotate_left(rotate0);
        lane1 = lane0.rotate_left(rotate1);
        lane0 = rotated1;
        let mix = ((lane0 >> 16) ^ lane1) & 0xffff;
        rotate0 = mix & 0x1f;
        rotate1 = mix >> 11;
    }
    lane0 ^ lane1
}

/// The usual CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), computed bit by bit: keys
/// are short, and a table would only cost cache.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let carry = crc & 1;
            crc >>= 1;
            if carry != 0 {
                crc ^= 0xedb8_8320;
            }
        }
    }
    !crc
}

/// The `avalanche` modifier: Bob Jenkins' 6-shift 32-bit integer hash
/// (<http://burtleburtle.net/bob/hash/integer.html>), then a multiplication by 3221225473 (a prime
/// near 3/4 of 2^32) so that close inputs spread over the whole consistent-hash circle.
pub(crate) fn avalanche(value: u32) -> u32 {
    let mut a = value;
    a = a.wrapping_add(0x7ed5_5d16).wrapping_add(a << 12);
    a = (a ^ 0xc761_c23c) ^ (a >> 19);
    a = a.wrapping_add(0x1656_67b1).wrapping_add(a << 5);
    a = a.wrapping_add(0xd3a2_646c) ^ (a << 9);
    a = a.wrapping_add(0xfd70_46c5).wrapping_add(a << 3);
    a = (a ^ 0xb55a_4f09) ^ (a >> 16);
    a.wrapping_mul(3_221_225_473)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdbm_known_values() {
        assert_eq!(sdbm(b""), 0);
        assert_eq!(sdbm(b"a"), 97);
        assert_eq!(sdbm(b"ab"), 97 * 65599 + 98);
    }

    #[test]
    fn djb2_known_values() {
        assert_eq!(djb2(b""), 5381);
        assert_eq!(djb2(b"a"), 5381 * 33 + 97);
    }

    #[test]
    fn crc32_gives_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn wt6_matches_haproxy() {
        assert_eq!(wt6(b""), 0xf99a_0360);
        assert_eq!(wt6(b"a"), 0x714b_f225);
        assert_eq!(wt6(b"/index.html"), 0x3101_077e);
        assert_eq!(wt6(b"123456789"), 0x84a1_6c1d);
    }

    #[test]
    fn avalanche_matches_haproxys_full_hash() {
        assert_eq!(avalanche(0), 0xab4e_d927);
        assert_eq!(avalanche(1), 0x3486_81b6);
        assert_eq!(avalanche(4096), 0x49c2_008b);
        assert_eq!(avalanche(0x7f00_0002), 0x1bec_f8a7);
    }

    #[test]
    fn digest_uses_the_configured_function() {
        assert_eq!(digest(HashFunction::Crc32, b"123456789"), 0xcbf4_3926);
        assert_eq!(digest(HashFunction::Sdbm, b"a"), 97);
    }
}
