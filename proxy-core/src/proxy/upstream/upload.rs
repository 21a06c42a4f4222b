//! Sending a request to a server: its head, then its body as the client sends it, delimited by
//! its length or in chunks. The head and whatever body is already there leave in one write.

use super::head::{encode_request, put_field, Framing};
use super::UpstreamError;
use crate::proxy::ProxyBody;
use bytes::{Buf, BufMut, Bytes, BytesMut};
use http::request::Parts;
use http::HeaderMap;
use http_body::Body;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::AsyncWrite;
use tokio::net::TcpStream;

/// Body bytes gathered before a write (more wait for the server to take these).
const GATHER: usize = 64 * 1024;

/// A request on its way to a server.
pub(super) struct Upload {
    /// What is left to write of the head.
    head: BytesMut,
    head_len: usize,
    /// Body bytes, framed, waiting to be written.
    out: BytesMut,
    /// The body still to be read from the client; `None` once it has ended.
    body: Option<ProxyBody>,
    framing: Framing,
}

impl Upload {
    /// Sends the head of `parts`, then `body`.
    pub(super) fn new(parts: &Parts, body: ProxyBody) -> Upload {
        let mut head = BytesMut::new();
        let framing = encode_request(parts, &body, &mut head);
        let body = Some(body).filter(|body| framing != Framing::Empty && !body.is_end_stream());
        let mut upload = Upload {
            head_len: head.len(),
            head,
            out: BytesMut::new(),
            body: None,
            framing,
        };
        match body {
            Some(body) => upload.body = Some(body),
            None => upload.finish(None),
        }
        upload
    }

    /// The length of the head, as written.
    pub(super) fn head_len(&self) -> usize {
        self.head_len
    }

    /// Whether everything has been written.
    pub(super) fn is_done(&self) -> bool {
        self.body.is_none() && self.head.is_empty() && self.out.is_empty()
    }

    /// Writes what can be written; ready once the whole request is out.
    pub(super) fn poll_send(
        &mut self,
        stream: &mut TcpStream,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), UpstreamError>> {
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
                        return Poll::Ready(Err(UpstreamError::RequestBody(error)))
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
            let written = ready!(Pin::new(&mut *stream).poll_write_vectored(cx, &pieces))
                .map_err(UpstreamError::Broken)?;
            if written == 0 {
                let error = io::Error::from(io::ErrorKind::WriteZero);
                return Poll::Ready(Err(UpstreamError::Broken(error)));
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
