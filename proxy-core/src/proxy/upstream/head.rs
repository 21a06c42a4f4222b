//! The heads on the wire: a request head written for a server, and a server's response head
//! parsed (with httparse) into an `http::Response` and the way its body is delimited
//! (RFC 9112 §6.3).

use super::UpstreamError;
use crate::h1::decode::Decoder;
use crate::h1::fields::{span, FieldSpans, Present, MAX_FIELDS};
use crate::h1::send::{room_after_head, Framing, Sending};
use crate::h1::{content_length, ends_chunked, fields_len, put_field};
use crate::proxy::ProxyBody;
use bytes::{BufMut, BytesMut};
use http::header::UPGRADE;
use http::header::{HeaderMap, CONTENT_LENGTH};
use http::request::Parts;
use http::{Method, Response, StatusCode, Version};
use http_body::Body;
use std::mem::MaybeUninit;

/// The largest response head accepted (HAProxy's default buffer size is 16 KiB).
const MAX_HEAD: usize = 64 * 1024;

/// The request of `parts` and `body`, ready to be sent.
pub(super) fn upload(parts: &Parts, body: ProxyBody) -> Sending {
    let mut head = BytesMut::new();
    let framing = encode_request(parts, &body, &mut head);
    Sending::new(head, framing, body)
}

/// Writes the head of `parts` as HTTP/1.1 into `out`, with the framing header its body needs
/// when the head has none: nothing for an empty body, `Content-Length` when the body knows its
/// size, else `Transfer-Encoding: chunked`.
fn encode_request(parts: &Parts, body: &impl Body, out: &mut BytesMut) -> Framing {
    let target = match (parts.uri.path_and_query(), parts.uri.authority()) {
        (Some(path), _) => path.as_str(),
        (None, Some(authority)) => authority.as_str(),
        (None, None) => "/",
    };
    let length = content_length(&parts.headers).ok().flatten();
    // The request line, the fields, a framing field, and a small body (copied after the head).
    let known = length.or_else(|| body.size_hint().exact());
    out.reserve(64 + target.len() + fields_len(&parts.headers) + room_after_head(known));
    out.extend_from_slice(parts.method.as_str().as_bytes());
    out.put_u8(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in &parts.headers {
        if name == CONTENT_LENGTH && length.is_none() {
            continue; // not a valid length: the body's own framing is written instead
        }
        put_field(out, name.as_str().as_bytes(), value.as_bytes());
    }
    let framing = match length {
        Some(length) => Framing::Length(length),
        None if body.is_end_stream() => {
            if parts.method == Method::POST || parts.method == Method::PUT {
                put_field(out, b"content-length", b"0");
            }
            Framing::Empty
        }
        None => match body.size_hint().exact() {
            Some(length) => {
                put_field(out, b"content-length", length.to_string().as_bytes());
                Framing::Length(length)
            }
            None => {
                put_field(out, b"transfer-encoding", b"chunked");
                Framing::Chunked
            }
        },
    };
    out.extend_from_slice(b"\r\n");
    framing
}

/// How a response body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyKind {
    /// No body: `HEAD`, `204`, `304`, or `Content-Length: 0`.
    Empty,
    /// `Content-Length` bytes.
    Length(u64),
    /// `Transfer-Encoding` ending in `chunked`.
    Chunked,
    /// Everything until the server closes the connection.
    UntilClose,
    /// `101 Switching Protocols`: the connection now carries another protocol.
    Upgrade,
}

impl BodyKind {
    /// The decoder of a body of this kind.
    pub(super) fn decoder(self) -> Decoder {
        match self {
            BodyKind::Empty | BodyKind::Upgrade => Decoder::Done,
            BodyKind::Length(length) => Decoder::length(length),
            BodyKind::Chunked => Decoder::chunked(),
            BodyKind::UntilClose => Decoder::UntilClose,
        }
    }
}

/// A response head read from a server.
pub(super) enum Head {
    /// A `1xx` other than `101` (such as `100 Continue`): skipped, the real response follows.
    Informational,
    /// The response.
    Final(Final),
}

/// A final response head: the response, how its body is delimited, and whether the connection
/// can be reused after it.
pub(super) struct Final {
    pub(super) response: Response<()>,
    /// The head's length on the wire (status line, fields, blank line).
    pub(super) len: usize,
    pub(super) body: BodyKind,
    pub(super) keep_alive: bool,
}

/// Parses the response head at the start of `buf`, taking it out of `buf`; `Ok(None)` while it
/// is not complete. `to_head` tells that the request was `HEAD` (its response has no body).
pub(super) fn parse_response(
    buf: &mut BytesMut,
    to_head: bool,
) -> Result<Option<Head>, UpstreamError> {
    let mut fields = [const { MaybeUninit::uninit() }; MAX_FIELDS];
    let mut parsed = httparse::Response::new(&mut []);
    let config = httparse::ParserConfig::default();
    let len = match config.parse_response_with_uninit_headers(&mut parsed, buf, &mut fields) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => {
            return Err(UpstreamError::Invalid("response head too large"))
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(UpstreamError::Invalid("too many header fields"))
        }
        Err(_) => return Err(UpstreamError::Invalid("not an HTTP/1 response head")),
    };
    let code = parsed.code.unwrap_or_default();
    let version = if parsed.version == Some(0) {
        Version::HTTP_10
    } else {
        Version::HTTP_11
    };
    let reason = parsed.reason.map(|reason| span(buf, reason.as_bytes()));
    let fields = FieldSpans::of(buf, parsed.headers);
    let head = buf.split_to(len).freeze();
    if (100..200).contains(&code) && code != 101 {
        return Ok(Some(Head::Informational));
    }
    let status = StatusCode::from_u16(code).map_err(|_| UpstreamError::Invalid("status code"))?;
    let (headers, present) = fields.header_map(&head)?;
    let (body, keep_alive) = body_kind(status, version, &headers, present, to_head)?;
    let mut response = Response::new(());
    *response.status_mut() = status;
    *response.version_mut() = version;
    if let Some((start, end)) = reason {
        // Only a reason that is not the status's own is kept (sharing the head's bytes).
        let phrase = &head[start..end];
        let canonical = status.canonical_reason().map(str::as_bytes);
        if !phrase.is_empty() && canonical != Some(phrase) {
            if let Ok(reason) = hyper::ext::ReasonPhrase::try_from(head.slice(start..end)) {
                response.extensions_mut().insert(reason);
            }
        }
    }
    *response.headers_mut() = headers;
    Ok(Some(Head::Final(Final {
        response,
        len,
        body,
        keep_alive,
    })))
}

/// How the body of a response with this head is delimited, and whether the connection stays
/// open after it (RFC 9112 §6.3 and §9.3).
fn body_kind(
    status: StatusCode,
    version: Version,
    headers: &HeaderMap,
    present: Present,
    to_head: bool,
) -> Result<(BodyKind, bool), UpstreamError> {
    if status == StatusCode::SWITCHING_PROTOCOLS {
        return Ok((BodyKind::Upgrade, false));
    }
    let keep_alive = present.keeps_alive(version);
    if to_head || status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        return Ok((BodyKind::Empty, keep_alive));
    }
    if present.transfer_encoding {
        let chunked = ends_chunked(headers);
        // With a Content-Length as well, the message was made to be read two ways: the
        // connection is not trusted with another request.
        let trusted = keep_alive && chunked && !present.content_length;
        let kind = if chunked {
            BodyKind::Chunked
        } else {
            BodyKind::UntilClose
        };
        return Ok((kind, trusted));
    }
    match present.length()? {
        Some(0) => Ok((BodyKind::Empty, keep_alive)),
        Some(length) => Ok((BodyKind::Length(length), keep_alive)),
        None => Ok((BodyKind::UntilClose, false)),
    }
}

/// Whether a request asks for another protocol (its connection is then not reused).
pub(super) fn asks_upgrade(parts: &Parts) -> bool {
    parts.headers.contains_key(UPGRADE)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http_body_util::{Empty, Full, StreamBody};

    fn parse(text: &str) -> Result<Option<Head>, UpstreamError> {
        parse_response(&mut BytesMut::from(text), false)
    }

    fn final_head(text: &str) -> (Response<()>, BodyKind, bool) {
        match parse(text).unwrap().unwrap() {
            Head::Final(head) => (head.response, head.body, head.keep_alive),
            Head::Informational => panic!("informational"),
        }
    }

    #[test]
    fn a_request_head_is_origin_form_with_its_fields() {
        let (parts, ()) = http::Request::get("http://h.example/a?b=1")
            .header("host", "h.example")
            .header("x-one", "1")
            .body(())
            .unwrap()
            .into_parts();
        let mut out = BytesMut::new();
        let framing = encode_request(&parts, &Empty::<Bytes>::new(), &mut out);
        assert_eq!(framing, Framing::Empty);
        assert_eq!(
            &out[..],
            b"GET /a?b=1 HTTP/1.1\r\nhost: h.example\r\nx-one: 1\r\n\r\n"
        );
    }

    #[test]
    fn a_request_body_gets_a_length_when_known_else_chunks() {
        let (parts, ()) = http::Request::post("/").body(()).unwrap().into_parts();
        let mut out = BytesMut::new();
        let known = Full::new(Bytes::from_static(b"abc"));
        assert_eq!(encode_request(&parts, &known, &mut out), Framing::Length(3));
        assert!(out.ends_with(b"content-length: 3\r\n\r\n"));
        out.clear();
        let stream = StreamBody::new(futures_util::stream::empty::<
            Result<http_body::Frame<Bytes>, std::io::Error>,
        >());
        assert_eq!(encode_request(&parts, &stream, &mut out), Framing::Chunked);
        assert!(out.ends_with(b"transfer-encoding: chunked\r\n\r\n"));
    }

    #[test]
    fn a_response_head_keeps_its_fields_and_tells_its_body() {
        let (response, body, keep_alive) =
            final_head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-a"], "b");
        assert_eq!(body, BodyKind::Length(5));
        assert!(keep_alive);
        let (_, body, keep_alive) = final_head("HTTP/1.0 200 OK\r\n\r\n");
        assert_eq!((body, keep_alive), (BodyKind::UntilClose, false));
        let (_, body, keep_alive) =
            final_head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        assert_eq!((body, keep_alive), (BodyKind::Chunked, true));
        let (_, body, keep_alive) =
            final_head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
        assert_eq!((body, keep_alive), (BodyKind::Length(3), false));
        let (_, body, _) = final_head("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n");
        assert_eq!(body, BodyKind::Empty);
    }

    #[test]
    fn chunked_with_a_length_is_read_as_chunks_on_a_connection_not_reused() {
        let (_, body, keep_alive) = final_head(
            "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        assert_eq!((body, keep_alive), (BodyKind::Chunked, false));
    }

    #[test]
    fn a_custom_reason_is_kept_and_a_continue_skipped() {
        let (response, _, _) = final_head("HTTP/1.1 200 Fine Thanks\r\nContent-Length: 0\r\n\r\n");
        let reason = response.extensions().get::<hyper::ext::ReasonPhrase>();
        assert_eq!(reason.unwrap().as_bytes(), b"Fine Thanks");
        let mut buf =
            BytesMut::from("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        assert!(matches!(
            parse_response(&mut buf, false),
            Ok(Some(Head::Informational))
        ));
        assert!(buf.starts_with(b"HTTP/1.1 204"));
    }

    #[test]
    fn junk_and_conflicting_lengths_are_invalid_and_a_partial_head_waits() {
        assert!(matches!(
            parse("SSH-2.0-OpenSSH\r\n"),
            Err(UpstreamError::Invalid(_))
        ));
        assert!(matches!(
            parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Err(UpstreamError::Invalid(_))
        ));
        assert!(matches!(
            parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
            Err(UpstreamError::Invalid(_))
        ));
        assert!(matches!(parse("HTTP/1.1 200 OK\r\nX-A: b\r\n"), Ok(None)));
        let huge = format!("HTTP/1.1 200 OK\r\nX-A: {}", "a".repeat(MAX_HEAD + 1));
        assert!(matches!(parse(&huge), Err(UpstreamError::Invalid(_))));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_from_a_server_are_an_answer_or_an_error_never_a_panic(
            wire in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let _ = parse_response(&mut BytesMut::from(&wire[..]), false);
        }
    }
}
