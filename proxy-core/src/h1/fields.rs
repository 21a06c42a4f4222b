//! Header fields found by httparse, turned into a [`HeaderMap`] whose values share the bytes
//! of the head they were read from (no copy of any value).

use super::Malformed;
use crate::proxy::headers::list_items;
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
            present.note(&name, value.as_bytes());
            headers.append(name, value);
        }
        Ok((headers, present))
    }
}

/// What a head's framing fields say, gathered as its map is built, so that reading a request or
/// a response needs no lookup in the map: which of those fields it has, the tokens its
/// `Connection` fields list, and its `Content-Length`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Present {
    pub(crate) content_length: bool,
    pub(crate) transfer_encoding: bool,
    pub(crate) upgrade: bool,
    /// `Connection` lists `close`.
    close: bool,
    /// `Connection` lists `keep-alive`.
    keep_alive: bool,
    /// `Connection` lists `upgrade`.
    connection_upgrade: bool,
    /// The `Content-Length` values folded so far (see [`super::fold_content_length`]).
    length: Result<Option<u64>, Malformed>,
}

impl Default for Present {
    fn default() -> Present {
        Present {
            content_length: false,
            transfer_encoding: false,
            upgrade: false,
            close: false,
            keep_alive: false,
            connection_upgrade: false,
            length: Ok(None),
        }
    }
}

impl Present {
    /// Whether the connection may carry another message after this one, as far as this head
    /// (of `version`) says: HTTP/1.0 only with `keep-alive`, HTTP/1.1 unless `close` (RFC 9112
    /// §9.3).
    pub(crate) fn keeps_alive(self, version: Version) -> bool {
        if version == Version::HTTP_10 {
            self.keep_alive
        } else {
            !self.close
        }
    }

    /// Whether the head asks to switch protocols: an `Upgrade` field, named by `Connection`.
    pub(crate) fn asks_upgrade(self) -> bool {
        self.upgrade && self.connection_upgrade
    }

    /// The head's `Content-Length`: `Ok(None)` without one, an error when its values are not
    /// one and the same number (as [`super::content_length`]).
    pub(crate) fn length(self) -> Result<Option<u64>, Malformed> {
        self.length
    }

    fn note(&mut self, name: &HeaderName, value: &[u8]) {
        if name == CONNECTION {
            for token in list_items(value) {
                if token.eq_ignore_ascii_case(b"close") {
                    self.close = true;
                } else if token.eq_ignore_ascii_case(b"keep-alive") {
                    self.keep_alive = true;
                } else if token.eq_ignore_ascii_case(b"upgrade") {
                    self.connection_upgrade = true;
                }
            }
        } else if name == CONTENT_LENGTH {
            self.content_length = true;
            self.length = self
                .length
                .and_then(|seen| super::fold_content_length(seen, value));
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
    fn the_map_shares_the_heads_values_and_tells_what_its_framing_fields_say() {
        let (headers, present) =
            map_of(b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nUpgrade: h2c\r\n\r\n");
        assert_eq!(headers["host"], "a");
        assert_eq!(headers["content-length"], "3");
        assert!(present.content_length && present.upgrade && !present.transfer_encoding);
        assert_eq!(present.length(), Ok(Some(3)));
        assert!(present.keeps_alive(Version::HTTP_11));
        assert!(!present.keeps_alive(Version::HTTP_10));
        assert!(!present.asks_upgrade(), "Connection does not name Upgrade");

        let (_, present) = map_of(
            b"GET / HTTP/1.1\r\nconnection: Upgrade, close\r\nUpgrade: h2c\r\n\
              Transfer-Encoding: chunked\r\n\r\n",
        );
        assert!(present.transfer_encoding && !present.content_length);
        assert_eq!(present.length(), Ok(None));
        assert!(!present.keeps_alive(Version::HTTP_11));
        assert!(present.asks_upgrade());

        let (_, present) = map_of(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assert!(present.keeps_alive(Version::HTTP_10));
    }

    #[test]
    fn content_length_fields_are_folded_into_one_length_or_an_error() {
        let (_, present) =
            map_of(b"GET / HTTP/1.1\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n");
        assert_eq!(present.length(), Ok(Some(5)));
        let (_, present) =
            map_of(b"GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
        assert!(present.length().is_err());
        let (_, present) = map_of(b"GET / HTTP/1.1\r\nContent-Length: +5\r\n\r\n");
        assert!(present.length().is_err());
    }
}
