//! HTTP/1.1 on the wire, for both sides of the proxy: the listeners' connections with clients
//! (`frontend::http1`) and the connections to the servers (`proxy::upstream`).
//!
//! * [`decode`]: a message body out of the bytes read (a length, chunks with their trailers, or
//!   everything until the peer closes).
//! * [`read`]: the bytes read from a peer and not used yet, in a buffer that holds no memory
//!   while the connection is idle.
//! * [`send`]: a message head and its body written out, framed by length or in chunks.
//!
//! Heads are parsed with httparse, the parser hyper uses.

pub(crate) mod decode;
pub(crate) mod fields;
pub(crate) mod read;
pub(crate) mod send;

use crate::proxy::headers::list_items;
use bytes::BytesMut;
use http::header::{HeaderMap, CONTENT_LENGTH, TRANSFER_ENCODING};

/// Bytes from a peer that are not valid HTTP/1, with what is wrong with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Malformed(pub(crate) &'static str);

/// Writes one `name: value` field line.
pub(crate) fn put_field(out: &mut BytesMut, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

/// The bytes `headers` take in a head, as `name: value` lines.
pub(crate) fn fields_len(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// The `Content-Length` of `headers`: `Ok(None)` without one, an error when its values are not
/// one and the same number.
pub(crate) fn content_length(headers: &HeaderMap) -> Result<Option<u64>, Malformed> {
    headers
        .get_all(CONTENT_LENGTH)
        .iter()
        .try_fold(None, |length, value| {
            fold_content_length(length, value.as_bytes())
        })
}

/// The length of the `Content-Length` values seen so far, `length`, with one more field's
/// `value` (a list of numbers, which must all be the same): an error for anything else.
pub(crate) fn fold_content_length(
    mut length: Option<u64>,
    value: &[u8],
) -> Result<Option<u64>, Malformed> {
    for item in list_items(value) {
        let parsed = (!item.is_empty() && item.iter().all(u8::is_ascii_digit))
            .then(|| std::str::from_utf8(item).ok()?.parse::<u64>().ok())
            .flatten()
            .ok_or(Malformed("bad content-length"))?;
        if length.is_some_and(|seen| seen != parsed) {
            return Err(Malformed("conflicting content-length"));
        }
        length = Some(parsed);
    }
    Ok(length)
}

/// Whether the last transfer coding of `headers` is `chunked` (RFC 9112 §6.3).
pub(crate) fn ends_chunked(headers: &HeaderMap) -> bool {
    headers
        .get_all(TRANSFER_ENCODING)
        .iter()
        .next_back()
        .and_then(|value| value.as_bytes().rsplit(|&b| b == b',').next())
        .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn repeated_equal_lengths_are_one_length_and_different_ones_an_error() {
        let mut headers = HeaderMap::new();
        assert_eq!(content_length(&headers), Ok(None));
        headers.append(CONTENT_LENGTH, HeaderValue::from_static("5, 5"));
        headers.append(CONTENT_LENGTH, HeaderValue::from_static("5"));
        assert_eq!(content_length(&headers), Ok(Some(5)));
        headers.append(CONTENT_LENGTH, HeaderValue::from_static("6"));
        assert!(content_length(&headers).is_err());
        let mut signed = HeaderMap::new();
        signed.insert(CONTENT_LENGTH, HeaderValue::from_static("+5"));
        assert!(content_length(&signed).is_err());
    }

    #[test]
    fn only_a_last_chunked_coding_makes_a_body_chunked() {
        let mut headers = HeaderMap::new();
        assert!(!ends_chunked(&headers));
        headers.append(TRANSFER_ENCODING, HeaderValue::from_static("gzip, Chunked"));
        assert!(ends_chunked(&headers));
        headers.append(TRANSFER_ENCODING, HeaderValue::from_static("gzip"));
        assert!(!ends_chunked(&headers));
    }
}
