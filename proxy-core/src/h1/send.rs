//! Sending a message: its head, then its body as it comes, delimited by its length or in chunks.
//! The head and whatever body is already there leave in one write.

use super::put_field;
use crate::proxy::{BoxError, ProxyBody};
use bytes::{Buf, Bytes, BytesMut};
use http::HeaderMap;
use http_body::Body;
use std::fmt::Write as _;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::AsyncWrite;

/// Body bytes gathered before a write (more wait for the peer to take these).
const GATHER: usize = 64 * 1024;

/// Body pieces at most this long that come before the head is written are copied after it, so
/// that a small message leaves in one `send`: cheaper for the kernel than a `writev` of two.
const COPY_AFTER_HEAD: usize = 4 * 1024;

/// How a message body is delimited on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// No body.
    Empty,
    /// `Content-Length` bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the connection closes (a response to an HTTP/1.0 client).
    UntilClose,
}

/// The room to leave after a head for a body of `length` bytes, which [`Sending`] copies
/// there if it is small enough.
pub(crate) fn room_after_head(length: Option<u64>) -> usize {
    length
        .and_then(|length| usize::try_from(length).ok())
        .filter(|&length| length <= COPY_AFTER_HEAD)
        .unwrap_or(0)
}

/// Why a message could not be sent whole.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError {
    /// The peer's connection failed or stopped taking bytes.
    #[error("connection broken: {0}")]
    Io(#[source] io::Error),
    /// The body failed while it was being read.
    #[error("body: {0}")]
    Body(#[source] BoxError),
}

/// A message on its way to a peer.
pub(crate) struct Sending {
    /// What is left to write of the head.
    head: BytesMut,
    head_len: usize,
    /// A piece of a body delimited by its length, waiting to be written as it came (not copied).
    data: Bytes,
    /// Body bytes, framed, waiting to be written after `data`.
    out: BytesMut,
    /// The body still to be read; `None` once it has ended.
    body: Option<ProxyBody>,
    /// Why the body ended before its end: reported once what came before it is written.
    failed: Option<BoxError>,
    /// The body failed: the message will never be whole.
    cut: bool,
    framing: Framing,
}

impl Sending {
    /// Sends `head` (written whole, with the field that announces `framing`), then `body`.
    pub(crate) fn new(head: BytesMut, framing: Framing, body: ProxyBody) -> Sending {
        let body = Some(body).filter(|body| framing != Framing::Empty && !body.is_end_stream());
        let mut sending = Sending {
            head_len: head.len(),
            head,
            data: Bytes::new(),
            out: BytesMut::new(),
            body: None,
            failed: None,
            cut: false,
            framing,
        };
        match body {
            Some(body) => sending.body = Some(body),
            None => sending.finish(None),
        }
        sending
    }

    /// The length of the head, as written.
    pub(crate) fn head_len(&self) -> usize {
        self.head_len
    }

    /// Whether everything has been written.
    pub(crate) fn is_done(&self) -> bool {
        !self.cut && self.body.is_none() && self.is_written()
    }

    /// Whether everything read from the body so far has been written.
    fn is_written(&self) -> bool {
        self.head.is_empty() && self.data.is_empty() && self.out.is_empty()
    }

    /// Writes what can be written to `sink`; ready once the whole message is out. A body that
    /// fails is reported after the part of it that came before (a chunked one without its last
    /// chunk, so that the peer sees it is cut).
    pub(crate) fn poll_send<W: AsyncWrite + Unpin>(
        &mut self,
        sink: &mut W,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), SendError>> {
        loop {
            let gathered = self.data.len() + self.out.len();
            if let Some(body) = self.body.as_mut().filter(|_| gathered < GATHER) {
                match Pin::new(body).poll_frame(cx) {
                    Poll::Ready(Some(Ok(frame))) => {
                        match frame.into_data() {
                            Ok(data) => self.put(data),
                            Err(frame) => self.finish(frame.into_trailers().ok()),
                        }
                        continue;
                    }
                    Poll::Ready(Some(Err(error))) => {
                        self.body = None;
                        self.failed = Some(error);
                        self.cut = true;
                        continue;
                    }
                    Poll::Ready(None) => {
                        self.finish(None);
                        continue;
                    }
                    Poll::Pending => {}
                }
            }
            if self.is_written() {
                return match (&self.body, self.failed.take()) {
                    (_, Some(error)) => Poll::Ready(Err(SendError::Body(error))),
                    (None, None) => Poll::Ready(Ok(())),
                    (Some(_), None) => Poll::Pending,
                };
            }
            let pieces = [
                IoSlice::new(&self.head),
                IoSlice::new(&self.data),
                IoSlice::new(&self.out),
            ];
            let mut filled = pieces.iter().filter(|piece| !piece.is_empty());
            let write = match (filled.next(), filled.next()) {
                (Some(only), None) => Pin::new(&mut *sink).poll_write(cx, only),
                _ => Pin::new(&mut *sink).poll_write_vectored(cx, &pieces),
            };
            let mut written = ready!(write).map_err(SendError::Io)?;
            if written == 0 {
                return Poll::Ready(Err(SendError::Io(io::ErrorKind::WriteZero.into())));
            }
            for piece in [
                &mut self.head as &mut dyn Buf,
                &mut self.data,
                &mut self.out,
            ] {
                let taken = written.min(piece.remaining());
                piece.advance(taken);
                written -= taken;
            }
        }
    }

    /// Adds a piece of the body, framed.
    fn put(&mut self, data: Bytes) {
        if data.is_empty() {
            return;
        }
        if self.framing == Framing::Chunked {
            let tail = self.tail(data.len());
            // Writing into the buffer itself cannot fail.
            let _ = write!(tail, "{:x}\r\n", data.len());
            tail.extend_from_slice(&data);
            tail.extend_from_slice(b"\r\n");
        } else if self.data.is_empty() && self.out.is_empty() && !self.fits_after_head(data.len()) {
            self.data = data;
        } else {
            self.tail(data.len()).extend_from_slice(&data);
        }
    }

    /// Whether `len` more bytes are copied after the head: it is unwritten, nothing else waits,
    /// and they are few.
    fn fits_after_head(&self, len: usize) -> bool {
        !self.head.is_empty()
            && self.data.is_empty()
            && self.out.is_empty()
            && len <= COPY_AFTER_HEAD
    }

    /// Where `len` more framed bytes go: after the head if they fit there, else into `out`.
    fn tail(&mut self, len: usize) -> &mut BytesMut {
        if self.fits_after_head(len) {
            &mut self.head
        } else {
            &mut self.out
        }
    }

    /// The body has ended (with `trailers`, if any): writes the last chunk of a chunked body.
    fn finish(&mut self, trailers: Option<HeaderMap>) {
        self.body = None;
        if self.framing != Framing::Chunked {
            return;
        }
        let tail = self.tail(0);
        tail.extend_from_slice(b"0\r\n");
        for (name, value) in trailers.iter().flatten() {
            put_field(tail, name.as_str().as_bytes(), value.as_bytes());
        }
        tail.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::proxy::box_body;
    use http_body::Frame;
    use http_body_util::StreamBody;
    use std::convert::Infallible;

    /// A peer that takes at most `take` bytes per write, noting each write and whether it was
    /// vectored (a `writev`) or not (a `send`).
    struct Peer {
        take: usize,
        writes: Vec<(bool, Vec<u8>)>,
    }

    impl Peer {
        fn new(take: usize) -> Peer {
            Peer {
                take,
                writes: Vec::new(),
            }
        }

        fn received(&self) -> String {
            let bytes: Vec<u8> = self.writes.iter().flat_map(|(_, w)| w.clone()).collect();
            String::from_utf8(bytes).unwrap()
        }
    }

    impl AsyncWrite for Peer {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            data: &[u8],
        ) -> Poll<io::Result<usize>> {
            let taken = data.len().min(self.take);
            self.writes.push((false, data[..taken].to_vec()));
            Poll::Ready(Ok(taken))
        }

        fn poll_write_vectored(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            pieces: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let all: Vec<u8> = pieces.iter().flat_map(|piece| piece.to_vec()).collect();
            let taken = all.len().min(self.take);
            self.writes.push((true, all[..taken].to_vec()));
            Poll::Ready(Ok(taken))
        }

        fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    /// How `pieces` reach a peer taking `take` bytes per write.
    fn send_to(take: usize, framing: Framing, pieces: &[&str]) -> Peer {
        let frames = pieces
            .iter()
            .map(|piece| Ok::<_, Infallible>(Frame::data(Bytes::from(piece.to_string()))));
        let body = box_body(StreamBody::new(futures_util::stream::iter(
            frames.collect::<Vec<_>>(),
        )));
        let mut sending = Sending::new(BytesMut::from("HEAD\r\n"), framing, body);
        let mut peer = Peer::new(take);
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(sending.poll_send(&mut peer, &mut cx).is_ready());
        assert!(sending.is_done());
        peer
    }

    fn sent(framing: Framing, pieces: &[&str]) -> String {
        send_to(3, framing, pieces).received()
    }

    #[test]
    fn what_came_before_a_body_failed_is_written_then_the_failure_reported() {
        let frames: Vec<Result<Frame<Bytes>, BoxError>> = vec![
            Ok(Frame::data(Bytes::from_static(b"only ten b"))),
            Err("cut".into()),
        ];
        let body = box_body(StreamBody::new(futures_util::stream::iter(frames)));
        let mut sending = Sending::new(BytesMut::from("HEAD\r\n"), Framing::Chunked, body);
        let mut peer = Peer::new(3);
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let outcome = sending.poll_send(&mut peer, &mut cx);
        assert!(matches!(outcome, Poll::Ready(Err(SendError::Body(_)))));
        assert!(!sending.is_done());
        assert_eq!(peer.received(), "HEAD\r\na\r\nonly ten b\r\n");
    }

    #[test]
    fn a_body_arrives_whole_and_in_order_however_little_each_write_takes() {
        assert_eq!(
            sent(Framing::Length(11), &["hello", " ", "world"]),
            "HEAD\r\nhello world"
        );
        assert_eq!(
            sent(Framing::Chunked, &["hello", " world"]),
            "HEAD\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        );
    }

    #[test]
    fn a_small_message_leaves_in_one_send_and_a_large_body_is_not_copied() {
        let small = send_to(usize::MAX, Framing::Length(11), &["hello", " world"]);
        assert_eq!(small.writes, vec![(false, b"HEAD\r\nhello world".to_vec())]);
        let small = send_to(usize::MAX, Framing::Chunked, &["hello"]);
        let whole = b"HEAD\r\n5\r\nhello\r\n0\r\n\r\n".to_vec();
        assert_eq!(small.writes, vec![(false, whole)]);

        let large = "x".repeat(COPY_AFTER_HEAD + 1);
        let peer = send_to(usize::MAX, Framing::Length(large.len() as u64), &[&large]);
        assert_eq!(peer.writes.len(), 1);
        assert!(
            peer.writes[0].0,
            "head and large body are written side by side"
        );
        assert_eq!(peer.received(), format!("HEAD\r\n{large}"));
    }
}
