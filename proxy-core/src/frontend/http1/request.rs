//! A client's request head parsed (with httparse) into an `http::Request` and the way its body
//! is delimited (RFC 9112 §6).

use crate::h1::decode::Decoder;
use crate::h1::fields::{span, FieldSpans, MAX_FIELDS};
use crate::h1::{ends_chunked, Malformed};
use bytes::{Buf, BytesMut};
use http::header::{CONTENT_LENGTH, EXPECT};
use http::request::Parts;
use http::{Method, Request, Uri, Version};
use std::mem::MaybeUninit;

/// The largest request head accepted. HAProxy's limit is its buffer (16 KiB by default); this
/// one is larger, so that requests HAProxy would take are never refused.
pub(super) const MAX_HEAD: usize = 64 * 1024;

/// A request head read from a client.
#[derive(Debug)]
pub(super) struct RequestHead {
    pub(super) parts: Parts,
    /// How the body that follows is delimited ([`Decoder::Done`] for none).
    pub(super) body: Decoder,
    /// Whether the client keeps the connection open after the response (HTTP/1.1 unless
    /// `Connection: close`, HTTP/1.0 with `Connection: keep-alive`), and the message leaves no
    /// doubt about where it ends.
    pub(super) keep_alive: bool,
    /// `Expect: 100-continue`: the client waits for a `100 Continue` before sending its body.
    pub(super) expects_continue: bool,
    /// `Connection: upgrade` with an `Upgrade` field: the client asks for another protocol.
    pub(super) asks_upgrade: bool,
}

/// Parses the request head at the start of `buf`, taking it out of `buf`; `Ok(None)` while it
/// is not complete. Empty lines before it are skipped (RFC 9112 §2.2).
pub(super) fn parse_request(buf: &mut BytesMut) -> Result<Option<RequestHead>, Malformed> {
    let blank = buf
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(buf.len());
    // Skipped in place: splitting them off would share the buffer (a reference count) even
    // when there are none.
    buf.advance(blank);
    if buf.is_empty() {
        return Ok(None);
    }
    let mut fields = [const { MaybeUninit::uninit() }; MAX_FIELDS];
    let mut parsed = httparse::Request::new(&mut []);
    let len = match parsed.parse_with_uninit_headers(buf, &mut fields) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => {
            return Err(Malformed("request head too large"))
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(Malformed("too many header fields")),
        Err(_) => return Err(Malformed("not an HTTP/1 request head")),
    };
    if len > MAX_HEAD {
        return Err(Malformed("request head too large"));
    }
    let method = Method::from_bytes(parsed.method.unwrap_or_default().as_bytes())
        .map_err(|_| Malformed("method"))?;
    let target = span(buf, parsed.path.unwrap_or_default().as_bytes());
    let version = if parsed.version == Some(0) {
        Version::HTTP_10
    } else {
        Version::HTTP_11
    };
    let fields = FieldSpans::of(buf, parsed.headers);
    let head = buf.split_to(len).freeze();
    let uri = Uri::from_maybe_shared(head.slice(target.0..target.1))
        .map_err(|_| Malformed("request target"))?;
    let (mut headers, present) = fields.header_map(&head)?;
    let mut keep_alive = present.keeps_alive(version);
    let length = present.length()?;
    let body = if present.transfer_encoding {
        if version == Version::HTTP_10 || !ends_chunked(&headers) {
            return Err(Malformed("transfer-encoding"));
        }
        // With a Content-Length as well, the request was made to be read two ways: it is read
        // as chunks, without the length (which would mislead the server), and the connection
        // closes after its response.
        keep_alive &= length.is_none();
        headers.remove(CONTENT_LENGTH);
        Decoder::chunked()
    } else {
        Decoder::length(length.unwrap_or(0))
    };
    let expects_continue = version == Version::HTTP_11
        && !body.is_done()
        && headers
            .get(EXPECT)
            .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let asks_upgrade = present.asks_upgrade();
    let (mut parts, ()) = Request::new(()).into_parts();
    parts.method = method;
    parts.uri = uri;
    parts.version = version;
    parts.headers = headers;
    Ok(Some(RequestHead {
        parts,
        body,
        keep_alive,
        expects_continue,
        asks_upgrade,
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> Result<Option<RequestHead>, Malformed> {
        parse_request(&mut BytesMut::from(text))
    }

    fn head(text: &[u8]) -> RequestHead {
        parse(text).unwrap().unwrap()
    }

    #[test]
    fn a_head_gives_the_request_and_leaves_what_follows() {
        let mut buf = BytesMut::from(
            &b"\r\nPOST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET"[..],
        );
        let request = parse_request(&mut buf).unwrap().unwrap();
        assert_eq!(request.parts.method, Method::POST);
        assert_eq!(request.parts.uri, "/a?b=1");
        assert_eq!(request.parts.headers["host"], "x");
        assert_eq!(request.body, Decoder::length(3));
        assert!(request.keep_alive && !request.expects_continue && !request.asks_upgrade);
        assert_eq!(&buf[..], b"abcGET");
        assert!(parse_request(&mut buf).unwrap().is_none());
    }

    #[test]
    fn keep_alive_follows_the_version_and_the_connection_field() {
        assert!(!head(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
        assert!(!head(b"GET / HTTP/1.0\r\n\r\n").keep_alive);
        assert!(head(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
        let both =
            head(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n");
        assert_eq!((both.body, both.keep_alive), (Decoder::chunked(), false));
        assert!(!both.parts.headers.contains_key("content-length"));
    }

    #[test]
    fn continue_and_upgrade_are_noticed() {
        let expecting =
            head(b"PUT /f HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n");
        assert!(expecting.expects_continue);
        assert!(!head(b"GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n").expects_continue);
        let ws = head(b"GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assert!(ws.asks_upgrade);
        assert!(!head(b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").asks_upgrade);
    }

    #[test]
    fn malformed_heads_are_refused_and_partial_ones_wait() {
        assert!(parse(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap().is_none());
        for bad in [
            &b"THIS IS NOT HTTP\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let mut huge = b"GET / HTTP/1.1\r\nX-Fill: ".to_vec();
        huge.resize(MAX_HEAD + 1, b'a');
        assert!(parse(&huge).is_err());
        huge.truncate(MAX_HEAD - 100);
        assert!(parse(&huge).unwrap().is_none());
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        many.extend(
            std::iter::repeat(b"X: y\r\n")
                .take(MAX_FIELDS + 1)
                .flatten(),
        );
        many.extend(b"\r\n");
        assert!(parse(&many).is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_from_a_client_are_a_request_or_an_error_never_a_panic(
            wire in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let _ = parse_request(&mut BytesMut::from(&wire[..]));
        }
    }
}
