//! A response head written for a client, with the framing its body needs and the
//! `Connection` field that tells whether the connection stays open.

use crate::h1::send::{room_after_head, Framing};
use crate::h1::{content_length, fields_len, put_field};
use crate::proxy::headers::lists_token;
use crate::proxy::ProxyBody;
use bytes::{BufMut, BytesMut};
use http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::response::Parts;
use http::{StatusCode, Version};
use http_body::Body;

/// What a response head depends on in its request.
#[derive(Debug, Clone, Copy)]
pub(super) struct Asked {
    pub(super) version: Version,
    /// The request was `HEAD`: the response has no body, whatever its fields say.
    pub(super) head: bool,
    /// The connection may stay open after the response, as far as the request and the proxy
    /// are concerned.
    pub(super) keep_alive: bool,
}

/// Writes the head of a response (`parts`, `body`) to a request `asked` into `out`: the body's
/// framing, and whether the connection stays open after it.
///
/// The status line always says `HTTP/1.1`. A body without `Content-Length` gets one when its
/// size is known, else chunks (HTTP/1.1) or the end of the connection (HTTP/1.0). The
/// connection closes when the request or the response says so (`option httpclose`).
pub(super) fn encode_response(
    parts: &Parts,
    body: &ProxyBody,
    asked: Asked,
    out: &mut BytesMut,
) -> (Framing, bool) {
    let status = parts.status;
    let reason = parts
        .extensions
        .get::<hyper::ext::ReasonPhrase>()
        .map(hyper::ext::ReasonPhrase::as_bytes)
        .or_else(|| status.canonical_reason().map(str::as_bytes))
        .unwrap_or_default();
    let length = content_length(&parts.headers).ok().flatten();
    // The status line, the fields, a framing field, and a small body (copied after the head).
    let known = length.or_else(|| body.size_hint().exact());
    out.reserve(96 + reason.len() + fields_len(&parts.headers) + room_after_head(known));
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.put_u8(b' ');
    out.extend_from_slice(reason);
    out.extend_from_slice(b"\r\n");
    if status == StatusCode::SWITCHING_PROTOCOLS {
        // Its `Connection: upgrade` and `Upgrade` fields go as they are.
        for (name, value) in &parts.headers {
            put_field(out, name.as_str().as_bytes(), value.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        return (Framing::Empty, false);
    }
    let bodiless = asked.head
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    let mut keep_alive = asked.keep_alive && !lists_token(&parts.headers, &CONNECTION, b"close");
    for (name, value) in &parts.headers {
        let invalid_length = name == CONTENT_LENGTH && length.is_none();
        if name == CONNECTION || name == TRANSFER_ENCODING || invalid_length {
            continue;
        }
        put_field(out, name.as_str().as_bytes(), value.as_bytes());
    }
    let framing = match (bodiless, length, body.size_hint().exact()) {
        (true, _, _) => Framing::Empty,
        (false, Some(length), _) => Framing::Length(length),
        (false, None, Some(exact)) => {
            put_field(out, b"content-length", exact.to_string().as_bytes());
            Framing::Length(exact)
        }
        (false, None, None) if asked.version == Version::HTTP_11 => {
            put_field(out, b"transfer-encoding", b"chunked");
            Framing::Chunked
        }
        (false, None, None) => {
            keep_alive = false;
            Framing::UntilClose
        }
    };
    if !keep_alive {
        put_field(out, b"connection", b"close");
    } else if asked.version == Version::HTTP_10 {
        put_field(out, b"connection", b"keep-alive");
    }
    out.extend_from_slice(b"\r\n");
    (framing, keep_alive)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::proxy::{box_body, full_body};
    use http::Response;
    use http_body_util::StreamBody;

    const KEEP_11: Asked = Asked {
        version: Version::HTTP_11,
        head: false,
        keep_alive: true,
    };

    fn encode(response: Response<ProxyBody>, asked: Asked) -> (String, Framing, bool) {
        let (parts, body) = response.into_parts();
        let mut out = BytesMut::new();
        let (framing, keep) = encode_response(&parts, &body, asked, &mut out);
        (String::from_utf8(out.to_vec()).unwrap(), framing, keep)
    }

    fn streaming() -> ProxyBody {
        let chunks = futures_util::stream::iter(Vec::<
            Result<http_body::Frame<bytes::Bytes>, std::convert::Infallible>,
        >::new());
        box_body(StreamBody::new(chunks))
    }

    #[test]
    fn a_body_of_known_size_gets_its_length_and_the_connection_stays() {
        let response = Response::builder()
            .status(201)
            .header("x-a", "1")
            .body(full_body("hello"))
            .unwrap();
        let (head, framing, keep) = encode(response, KEEP_11);
        assert_eq!(
            head,
            "HTTP/1.1 201 Created\r\nx-a: 1\r\ncontent-length: 5\r\n\r\n"
        );
        assert_eq!((framing, keep), (Framing::Length(5), true));
    }

    #[test]
    fn a_streaming_body_is_chunked_for_http_1_1_and_ends_the_connection_for_http_1_0() {
        let (head, framing, keep) = encode(Response::new(streaming()), KEEP_11);
        assert!(
            head.ends_with("transfer-encoding: chunked\r\n\r\n"),
            "{head}"
        );
        assert_eq!((framing, keep), (Framing::Chunked, true));
        let old = Asked {
            version: Version::HTTP_10,
            ..KEEP_11
        };
        let (head, framing, keep) = encode(Response::new(streaming()), old);
        assert!(head.ends_with("connection: close\r\n\r\n"), "{head}");
        assert_eq!((framing, keep), (Framing::UntilClose, false));
        let (head, _, keep) = encode(Response::new(full_body("x")), old);
        assert!(
            head.ends_with("connection: keep-alive\r\n\r\n") && keep,
            "{head}"
        );
    }

    #[test]
    fn head_answers_keep_their_length_and_a_close_is_heard() {
        let response = Response::builder()
            .header("content-length", "42")
            .header("connection", "close")
            .body(full_body(""))
            .unwrap();
        let asked = Asked {
            head: true,
            ..KEEP_11
        };
        let (head, framing, keep) = encode(response, asked);
        assert_eq!(
            head,
            "HTTP/1.1 200 OK\r\ncontent-length: 42\r\nconnection: close\r\n\r\n"
        );
        assert_eq!((framing, keep), (Framing::Empty, false));
    }

    #[test]
    fn a_switch_keeps_its_upgrade_fields_and_a_custom_reason_is_written() {
        let mut response = Response::builder()
            .status(101)
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .body(full_body(""))
            .unwrap();
        let (head, framing, _) = encode(response, KEEP_11);
        assert_eq!(
            head,
            "HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n"
        );
        assert_eq!(framing, Framing::Empty);
        response = Response::builder().status(503).body(full_body("")).unwrap();
        let reason = hyper::ext::ReasonPhrase::from_static(b"Sorry, Down");
        response.extensions_mut().insert(reason);
        let (head, _, _) = encode(response, KEEP_11);
        assert!(head.starts_with("HTTP/1.1 503 Sorry, Down\r\n"), "{head}");
    }
}
