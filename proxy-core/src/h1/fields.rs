//! Header fields found by httparse, turned into a [`HeaderMap`] whose values share the bytes
//! of the head they were read from (no copy of any value).

use super::Malformed;
use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};

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

    /// The fields as a header map, their values sharing `head`'s bytes.
    pub(crate) fn header_map(&self, head: &Bytes) -> Result<HeaderMap, Malformed> {
        let mut headers = HeaderMap::with_capacity(self.spans.len());
        for &((name_start, name_end), (value_start, value_end)) in &self.spans {
            let name = HeaderName::from_bytes(&head[name_start..name_end])
                .map_err(|_| Malformed("header field name"))?;
            let value = HeaderValue::from_maybe_shared(head.slice(value_start..value_end))
                .map_err(|_| Malformed("header field value"))?;
            headers.append(name, value);
        }
        Ok(headers)
    }
}
