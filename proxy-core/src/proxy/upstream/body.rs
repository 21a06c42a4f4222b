//! The body of a server's response, read from its connection as the client takes it. Once it
//! has ended (and the request has been sent whole) the connection goes back to its server's
//! pool; dropped earlier, the connection is closed.

use super::conn::Conn;
use super::head::BodyKind;
use super::pool::ServerPool;
use super::UpstreamError;
use crate::h1::decode::{Decoded, Decoder};
use crate::h1::read::Silence;
use crate::h1::send::Sending;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// Where a connection goes back to once its response has ended.
pub(super) struct Release {
    pub(super) pool: Arc<ServerPool>,
    pub(super) addr: SocketAddr,
}

/// A server's response body.
pub(crate) struct PooledBody {
    /// `None` once the body has ended or failed.
    conn: Option<Conn>,
    decoder: Decoder,
    /// The rest of the request, still being sent.
    upload: Option<Sending>,
    /// `None` when the connection must not be reused.
    release: Option<Release>,
    /// `timeout server` while the body is read.
    stall: Silence,
}

impl PooledBody {
    pub(super) fn new(
        conn: Conn,
        kind: BodyKind,
        upload: Option<Sending>,
        release: Option<Release>,
        stall_limit: Option<Duration>,
    ) -> PooledBody {
        let mut body = PooledBody {
            conn: Some(conn),
            decoder: kind.decoder(),
            upload,
            release,
            stall: Silence::new(stall_limit),
        };
        body.release_if_ended();
        body
    }

    /// A body with nothing in it and no connection.
    pub(super) fn empty() -> PooledBody {
        PooledBody {
            conn: None,
            decoder: Decoder::Done,
            upload: None,
            release: None,
            stall: Silence::new(None),
        }
    }

    /// Gives the connection back once the response has ended, if the request is out too
    /// (closes it otherwise).
    fn release_if_ended(&mut self) {
        if !self.decoder.is_done() {
            return;
        }
        let conn = self.conn.take();
        let sent = self.upload.take().map_or(true, |upload| upload.is_done());
        if let (Some(conn), Some(release), true) = (conn, self.release.take(), sent) {
            release.pool.put(conn, release.addr);
        }
    }

    /// Ends the body with `error`, closing the connection.
    fn fail(&mut self, error: UpstreamError) -> Poll<Option<Result<Frame<Bytes>, UpstreamError>>> {
        self.conn = None;
        self.release = None;
        Poll::Ready(Some(Err(error)))
    }
}

impl Body for PooledBody {
    type Data = Bytes;
    type Error = UpstreamError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, UpstreamError>>> {
        let this = self.get_mut();
        loop {
            let Some(conn) = this.conn.as_mut() else {
                return Poll::Ready(None);
            };
            match conn.push(&mut this.upload, cx) {
                Ok(true) => {}
                // The server stopped reading the request: this connection ends here.
                Ok(false) => this.release = None,
                Err(error) => return this.fail(error),
            }
            let frame = match this.decoder.decode(&mut conn.inbox.bytes) {
                Ok(Decoded::Data(data)) => Frame::data(data),
                Ok(Decoded::Trailers(trailers)) => Frame::trailers(trailers),
                Ok(Decoded::End) => {
                    this.release_if_ended();
                    return Poll::Ready(None);
                }
                Ok(Decoded::NeedMore) => {
                    let filled = match conn.poll_fill(cx) {
                        Poll::Pending if this.stall.expired(cx) => {
                            return this.fail(UpstreamError::Stalled)
                        }
                        polled => ready!(polled),
                    };
                    match filled {
                        Ok(0) => {
                            if let Err(error) = this.decoder.closed() {
                                return this.fail(error.into());
                            }
                            this.release = None;
                        }
                        Ok(_) => this.stall.progress(),
                        Err(error) => return this.fail(UpstreamError::Broken(error)),
                    }
                    continue;
                }
                Err(error) => return this.fail(error.into()),
            };
            this.release_if_ended();
            return Poll::Ready(Some(Ok(frame)));
        }
    }

    fn is_end_stream(&self) -> bool {
        self.decoder.is_done()
    }

    fn size_hint(&self) -> SizeHint {
        match self.decoder.remaining() {
            Some(left) => SizeHint::with_exact(left),
            None => SizeHint::default(),
        }
    }
}
