//! Sending a message: its head, then its body as it comes, delimited by its length or in chunks.
//! The head and whatever body is already there leave in one write.

use super::put_field;
use crate::proxy::{BoxError, ProxyBody};
use bytes::{Buf, BufMut, Bytes, BytesMut};
use http::HeaderMap;
use http_body::Body;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::AsyncWrite;

/// Body bytes gathered before a write (more wait for the peer to take these).
const GATHER: usize = 64 * 1024;

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
    /// Body bytes, framed, waiting to be written.
    out: BytesMut,
    /// The body still to be read; `None` once it has ended.
    body: Option<ProxyBody>,
    framing: Framing,
}

impl Sending {
    /// Sends `head` (written whole, with the field that announces `framing`), then `body`.
    pub(crate) fn new(head: BytesMut, framing: Framing, body: ProxyBody) -> Sending {
        let body = Some(body).filter(|body| framing != Framing::Empty && !body.is_end_stream());
        let mut sending = Sending {
            head_len: head.len(),
            head,
            out: BytesMut::new(),
            body: None,
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
        self.body.is_none() && self.head.is_empty() && self.out.is_empty()
    }

    /// Writes what can be written to `sink`; ready once the whole message is out.
    pub(crate) fn poll_send<W: AsyncWrite + Unpin>(
        &mut self,
        sink: &mut W,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), SendError>> {
        loop {
            if let Some(body) = self.body.as_mut().filter(|_| self.out.len() < GATHER) {
                match Pin::new(body).poll_frame(cx) {
                    Poll::Ready(Some(Ok(frame))) => {
                        match frame.into_data() {
                            Ok(data) => self.put(data),
                            Err(frame) => self.finish(frame.into_trailers().ok()),
                        }
                        continue;
                    }
                    Poll::Ready(Some(Err(error))) => {
                        return Poll::Ready(Err(SendError::Body(error)))
                    }
                    Poll::Ready(None) => {
                        self.finish(None);
                        continue;
                    }
                    Poll::Pending => {}
                }
            }
            if self.head.is_empty() && self.out.is_empty() {
                return match self.body {
                    None => Poll::Ready(Ok(())),
                    Some(_) => Poll::Pending,
                };
            }
            let pieces = [IoSlice::new(&self.head), IoSlice::new(&self.out)];
            let written = ready!(Pin::new(&mut *sink).poll_write_vectored(cx, &pieces))
                .map_err(SendError::Io)?;
            if written == 0 {
                return Poll::Ready(Err(SendError::Io(io::ErrorKind::WriteZero.into())));
            }
            let from_head = written.min(self.head.len());
            self.head.advance(from_head);
            self.out.advance(written - from_head);
        }
    }

    /// Adds a piece of the body, framed.
    fn put(&mut self, data: Bytes) {
        if data.is_empty() {
            return;
        }
        if self.framing == Framing::Chunked {
            self.out
                .put_slice(format!("{:x}\r\n", data.len()).as_bytes());
            self.out.put_slice(&data);
            self.out.put_slice(b"\r\n");
        } else {
            self.out.put_slice(&data);
        }
    }

    /// The body has ended (with `trailers`, if any): writes the last chunk of a chunked body.
    fn finish(&mut self, trailers: Option<HeaderMap>) {
        self.body = None;
        if self.framing != Framing::Chunked {
            return;
        }
        self.out.put_slice(b"0\r\n");
        for (name, value) in trailers.iter().flatten() {
            put_field(&mut self.out, name.as_str().as_bytes(), value.as_bytes());
        }
        self.out.put_slice(b"\r\n");
    }
}
