//! Taking a message body out of the bytes read from a peer: a fixed length, chunks
//! (RFC 9112 §7.1, with their trailer fields), or everything until the connection closes.

use super::Malformed;
use bytes::{Buf, Bytes, BytesMut};
use http::header::{HeaderMap, HeaderName, HeaderValue};

/// The longest chunk-size line accepted (size, extensions, CRLF).
const MAX_SIZE_LINE: usize = 4 * 1024;
/// The largest trailer section accepted.
const MAX_TRAILERS: usize = 16 * 1024;
/// The most trailer fields accepted.
const MAX_TRAILER_FIELDS: usize = 32;

/// What [`Decoder::decode`] found.
#[derive(Debug)]
pub(crate) enum Decoded {
    /// A piece of the body.
    Data(Bytes),
    /// The trailer fields after the last chunk (the body has ended).
    Trailers(HeaderMap),
    /// The body has ended.
    End,
    /// More bytes must be read first.
    NeedMore,
}

/// Where a body is in its framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decoder {
    /// This many bytes are still to come.
    Length(u64),
    /// A chunk-size line comes next.
    ChunkSize,
    /// This many bytes of the current chunk are still to come.
    ChunkData(u64),
    /// The CRLF that ends a chunk's data comes next.
    ChunkEnd,
    /// The trailer section after the last chunk comes next.
    Trailers,
    /// Everything until the server closes.
    UntilClose,
    /// The body has ended.
    Done,
}

impl Decoder {
    /// The decoder of a body of `length` bytes.
    pub(crate) fn length(length: u64) -> Decoder {
        match length {
            0 => Decoder::Done,
            length => Decoder::Length(length),
        }
    }

    /// The decoder of a chunked body.
    pub(crate) fn chunked() -> Decoder {
        Decoder::ChunkSize
    }

    /// Whether the body has ended.
    pub(crate) fn is_done(&self) -> bool {
        *self == Decoder::Done
    }

    /// The bytes still to come, when known.
    pub(crate) fn remaining(&self) -> Option<u64> {
        match self {
            Decoder::Length(left) => Some(*left),
            Decoder::Done => Some(0),
            _ => None,
        }
    }

    /// Takes the next piece of the body out of `buf`.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> Result<Decoded, Malformed> {
        loop {
            match *self {
                Decoder::Done => return Ok(Decoded::End),
                Decoder::Length(left) | Decoder::ChunkData(left) if !buf.is_empty() => {
                    let take = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
                    let data = buf.split_to(take).freeze();
                    let left = left - take as u64;
                    *self = match *self {
                        Decoder::Length(_) if left == 0 => Decoder::Done,
                        Decoder::Length(_) => Decoder::Length(left),
                        _ if left == 0 => Decoder::ChunkEnd,
                        _ => Decoder::ChunkData(left),
                    };
                    return Ok(Decoded::Data(data));
                }
                Decoder::UntilClose if !buf.is_empty() => {
                    return Ok(Decoded::Data(buf.split().freeze()));
                }
                Decoder::ChunkSize => {
                    let Some(size) = chunk_size(buf)? else {
                        return Ok(Decoded::NeedMore);
                    };
                    *self = if size == 0 {
                        Decoder::Trailers
                    } else {
                        Decoder::ChunkData(size)
                    };
                }
                Decoder::ChunkEnd => {
                    if buf.len() < 2 {
                        return Ok(Decoded::NeedMore);
                    }
                    if &buf[..2] != b"\r\n" {
                        return Err(Malformed("chunk not ended by CRLF"));
                    }
                    buf.advance(2);
                    *self = Decoder::ChunkSize;
                }
                Decoder::Trailers => {
                    let Some(trailers) = trailers(buf)? else {
                        return Ok(Decoded::NeedMore);
                    };
                    *self = Decoder::Done;
                    return Ok(match trailers {
                        Some(trailers) => Decoded::Trailers(trailers),
                        None => Decoded::End,
                    });
                }
                Decoder::Length(_) | Decoder::ChunkData(_) | Decoder::UntilClose => {
                    return Ok(Decoded::NeedMore);
                }
            }
        }
    }

    /// The peer closed the connection: the end of a body read until then, an error for any
    /// other body not complete yet.
    pub(crate) fn closed(&mut self) -> Result<(), Malformed> {
        match self {
            Decoder::UntilClose | Decoder::Done => {
                *self = Decoder::Done;
                Ok(())
            }
            _ => Err(Malformed("connection closed inside the body")),
        }
    }
}

/// Parses a chunk-size line (`1a;ext=x\r\n`) at the start of `buf`; `Ok(None)` while it is
/// not complete.
fn chunk_size(buf: &mut BytesMut) -> Result<Option<u64>, Malformed> {
    let Some(end) = buf.windows(2).position(|pair| pair == b"\r\n") else {
        if buf.len() > MAX_SIZE_LINE {
            return Err(Malformed("chunk-size line too long"));
        }
        return Ok(None);
    };
    let line = &buf[..end];
    let digits = line.split(|&b| b == b';').next().unwrap_or_default();
    let digits = digits.trim_ascii_end();
    if digits.is_empty() || digits.len() > 15 {
        return Err(Malformed("bad chunk size"));
    }
    let mut size = 0u64;
    for &digit in digits {
        let value = char::from(digit)
            .to_digit(16)
            .ok_or(Malformed("bad chunk size"))?;
        size = size * 16 + u64::from(value);
    }
    buf.advance(end + 2);
    Ok(Some(size))
}

/// Parses the trailer section at the start of `buf` (fields, then an empty line): `Ok(None)`
/// while it is not complete, `Some(None)` when it has no field.
#[allow(clippy::option_option)]
fn trailers(buf: &mut BytesMut) -> Result<Option<Option<HeaderMap>>, Malformed> {
    if buf.starts_with(b"\r\n") {
        buf.advance(2);
        return Ok(Some(None));
    }
    let mut fields = [httparse::EMPTY_HEADER; MAX_TRAILER_FIELDS];
    let (len, parsed) = match httparse::parse_headers(buf, &mut fields) {
        Ok(httparse::Status::Complete((len, parsed))) => (len, parsed),
        Ok(httparse::Status::Partial) if buf.len() > MAX_TRAILERS => {
            return Err(Malformed("trailer section too large"))
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(Malformed("bad trailer field")),
    };
    let mut trailers = HeaderMap::with_capacity(parsed.len());
    for field in parsed {
        let name = HeaderName::from_bytes(field.name.as_bytes())
            .map_err(|_| Malformed("bad trailer field"))?;
        let value =
            HeaderValue::from_bytes(field.value).map_err(|_| Malformed("bad trailer field"))?;
        trailers.append(name, value);
    }
    buf.advance(len);
    Ok(Some(Some(trailers)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Decodes `wire` fed in pieces of `step` bytes: the body, the trailers, whether it ended.
    fn decode_in_steps(
        mut decoder: Decoder,
        wire: &[u8],
        step: usize,
    ) -> (Vec<u8>, Option<HeaderMap>, bool) {
        let mut buf = BytesMut::new();
        let (mut body, mut trailers) = (Vec::new(), None);
        let mut pieces = wire.chunks(step);
        loop {
            match decoder.decode(&mut buf).unwrap() {
                Decoded::Data(data) => body.extend_from_slice(&data),
                Decoded::Trailers(fields) => trailers = Some(fields),
                Decoded::End => return (body, trailers, true),
                Decoded::NeedMore => match pieces.next() {
                    Some(piece) => buf.extend_from_slice(piece),
                    None => return (body, trailers, decoder.closed().is_ok()),
                },
            }
        }
    }

    #[test]
    fn chunks_are_joined_whatever_the_reads_and_trailers_kept() {
        let wire = b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 9\r\n\r\n";
        for step in [1, 2, 3, 7, wire.len()] {
            let (body, trailers, ended) = decode_in_steps(Decoder::chunked(), wire, step);
            assert_eq!(body, b"hello world", "step {step}");
            assert_eq!(trailers.unwrap()["x-sum"], "9");
            assert!(ended);
        }
        let (body, trailers, ended) =
            decode_in_steps(Decoder::chunked(), b"A\r\n0123456789\r\n0\r\n\r\n", 4);
        assert_eq!((body.len(), trailers.is_none(), ended), (10, true, true));
    }

    #[test]
    fn a_length_stops_at_its_end_and_close_ends_a_body_without_one() {
        let mut decoder = Decoder::length(3);
        let mut buf = BytesMut::from("abcdef");
        assert!(matches!(decoder.decode(&mut buf).unwrap(), Decoded::Data(d) if d == "abc"));
        assert!(matches!(decoder.decode(&mut buf).unwrap(), Decoded::End));
        assert_eq!(&buf[..], b"def");
        let (body, _, ended) = decode_in_steps(Decoder::UntilClose, b"all of it", 4);
        assert_eq!((body, ended), (b"all of it".to_vec(), true));
    }

    #[test]
    fn a_body_cut_short_or_badly_chunked_is_an_error() {
        let (_, _, ended) = decode_in_steps(Decoder::length(10), b"short", 5);
        assert!(!ended);
        for wire in [
            &b"zz\r\n"[..],
            b"5\r\nhelloXX",
            b"\r\n",
            b"1234567890abcdef0\r\n",
        ] {
            let mut decoder = Decoder::chunked();
            let mut buf = BytesMut::from(wire);
            let outcome = loop {
                match decoder.decode(&mut buf) {
                    Ok(Decoded::Data(_)) => continue,
                    other => break other,
                }
            };
            assert!(outcome.is_err(), "{wire:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_chunking_and_any_reads_give_back_the_body(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            chunk in 1usize..80,
            step in 1usize..50,
        ) {
            let mut wire = Vec::new();
            for piece in body.chunks(chunk) {
                wire.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                wire.extend_from_slice(piece);
                wire.extend_from_slice(b"\r\n");
            }
            wire.extend_from_slice(b"0\r\n\r\n");
            let (decoded, _, ended) = decode_in_steps(Decoder::chunked(), &wire, step);
            proptest::prop_assert_eq!(decoded, body);
            proptest::prop_assert!(ended);
        }

        #[test]
        fn any_bytes_are_a_body_or_an_error_never_a_panic(
            wire in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let mut decoder = Decoder::chunked();
            let mut buf = BytesMut::from(&wire[..]);
            while let Ok(Decoded::Data(_) | Decoded::Trailers(_)) = decoder.decode(&mut buf) {}
        }
    }
}
