//! Header fields found by httparse, turned into a [`HeaderMap`] whose values share the bytes
//! of the head they were read from (no copy of any value).

use super::Malformed;
use crate::proxy::headers::lists_token;
use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING, UPGRADE};
use http::Version;

/// The most header fields a head may have (HAProxy's `tune.http.maxhdr`, 101).
pub(crate) const MAX_FIELDS: usize = 101;

/// The start and end of a piece of a head, as offsets into it.
pub(crate) type Span = (usize, usize);

/// Where `piece`, a slice of `head`, sits in it.
pub(crate) fn span(head: &[u8], piece: &[u8]) -> Span {
    let start = piece.as_ptr() as usize - head.as_ptr() as usize;
    (start, start + piece.len())
}

/// Where each field's name and value sit in a head, noted while httparse's borrows of the head
/// are alive, so that the head can then be taken out of its buffer and shared.
///
/// On the heap and sized to the fields: a fixed array for the most fields a head may have
/// would be 3 KiB to clear and to move for every head.
pub(crate) struct FieldSpans {
    spans: Vec<(Span, Span)>,
}

impl FieldSpans {
    /// The spans of `fields`, parsed from `head`.
    pub(crate) fn of(head: &[u8], fields: &[httparse::Header<'_>]) -> FieldSpans {
        let spans = fields
            .iter()
            .map(|field| (span(head, field.name.as_bytes()), span(head, field.value)))
            .collect();
        FieldSpans { spans }
    }

    /// The fields as a header map, their values sharing `head`'s bytes, and which of the
    /// fields that frame a message it has.
    pub(crate) fn header_map(&self, head: &Bytes) -> Result<(HeaderMap, Present), Malformed> {
        let mut headers = HeaderMap::with_capacity(self.spans.len());
        let mut present = Present::default();
        for &((name_start, name_end), (value_start, value_end)) in &self.spans {
            let name = HeaderName::from_bytes(&head[name_start..name_end])
                .map_err(|_| Malformed("header field name"))?;
            let value = HeaderValue::from_maybe_shared(head.slice(value_start..value_end))
                .map_err(|_| Malformed("header field value"))?;
            present.note(&name);
            headers.append(name, value);
        }
        Ok((headers, present))
    }
}

/// Which of the fields that decide how a message is framed and whether its connection stays
/// open a head has, noted as its map is built: those it lacks need no lookup (most requests
/// have none of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Present {
    pub(crate) connection: bool,
    pub(crate) content_length: bool,
    pub(crate) transfer_encoding: bool,
    pub(crate) upgrade: bool,
}

impl Present {
    /// Whether the `Connection` fields of `headers` (this head's) list `token`.
    pub(crate) fn connection_lists(self, headers: &HeaderMap, token: &[u8]) -> bool {
        self.connection && lists_token(headers, &CONNECTION, token)
    }

    /// Whether the connection may carry another message after this one, as far as this head
    /// (of `version`, with `headers`) says: HTTP/1.0 only with `keep-alive`, HTTP/1.1 unless
    /// `close` (RFC 9112 §9.3).
    pub(crate) fn keeps_alive(self, version: Version, headers: &HeaderMap) -> bool {
        if version == Version::HTTP_10 {
            self.connection_lists(headers, b"keep-alive")
        } else {
            !self.connection_lists(headers, b"close")
        }
    }

    fn note(&mut self, name: &HeaderName) {
        if name == CONNECTION {
            self.connection = true;
        } else if name == CONTENT_LENGTH {
            self.content_length = true;
        } else if name == TRANSFER_ENCODING {
            self.transfer_encoding = true;
        } else if name == UPGRADE {
            self.upgrade = true;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn map_of(head: &'static [u8]) -> (HeaderMap, Present) {
        let mut fields = [httparse::EMPTY_HEADER; 8];
        let mut request = httparse::Request::new(&mut fields);
        request.parse(head).unwrap();
        let spans = FieldSpans::of(head, request.headers);
        spans.header_map(&Bytes::from_static(head)).unwrap()
    }

    #[test]
    fn the_map_shares_the_heads_values_and_tells_which_framing_fields_it_has() {
        let (headers, present) =
            map_of(b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nUpgrade: h2c\r\n\r\n");
        assert_eq!(headers["host"], "a");
        assert_eq!(headers["content-length"], "3");
        let expected = Present {
            content_length: true,
            upgrade: true,
            ..Present::default()
        };
        assert_eq!(present, expected);

        let (_, present) =
            map_of(b"GET / HTTP/1.1\r\nconnection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
        let expected = Present {
            connection: true,
            transfer_encoding: true,
            ..Present::default()
        };
        assert_eq!(present, expected);
    }
}
