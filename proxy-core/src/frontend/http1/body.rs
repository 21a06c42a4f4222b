//! The reading side of a client connection, and the request body that borrows it.
//!
//! A request with a body lends the connection's reading side to its [`RequestBody`], which
//! hands it back when dropped; the connection reads its next request from it only if the body
//! was read to its end (else it closes). A request without a body borrows nothing.

use super::io::ClientReader;
use crate::h1::decode::{Decoded, Decoder};
use crate::h1::read::{Inbox, Prefixed, Silence};
use crate::proxy::BoxError;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::AsyncRead;

/// A client connection's read half and the bytes read from it but not used yet.
#[derive(Debug)]
pub(super) struct Reading<R> {
    source: ClientReader<R>,
    pub(super) inbox: Inbox,
}

impl<R: AsyncRead + Unpin> Reading<R> {
    pub(super) fn new(source: ClientReader<R>) -> Reading<R> {
        Reading {
            source,
            inbox: Inbox::default(),
        }
    }

    /// Reads what the client has sent into the inbox: the number of bytes, 0 once it closed.
    pub(super) fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        self.inbox.poll_fill(&mut self.source, cx)
    }

    /// The connection taken over by another protocol: the bytes read and not used yet, then
    /// the stream `join` makes of this read half (with the write half).
    pub(super) fn rejoin<W>(self, join: impl FnOnce(ClientReader<R>) -> W) -> Prefixed<W> {
        self.inbox.prefixing(join(self.source))
    }
}

/// Where a connection's reading side is while its request is answered.
#[derive(Debug)]
pub(super) enum Held<R> {
    /// Kept by the connection: the request has no body.
    Kept(Reading<R>),
    /// Lent to the request's body.
    Lent(Arc<Loan<R>>),
}

impl<R> Held<R> {
    /// The reading side again, once the request's body is dropped: `None` if the body was not
    /// read to its end (or is still alive).
    pub(super) fn take_back(self) -> Option<Reading<R>> {
        match self {
            Held::Kept(reading) => Some(reading),
            Held::Lent(loan) => {
                let returned = loan
                    .returned
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                returned
                    .filter(|(_, decoder)| decoder.is_done())
                    .map(|(reading, _)| reading)
            }
        }
    }

    /// The loan of the request's body, if it has one.
    pub(super) fn loan(&self) -> Option<&Loan<R>> {
        match self {
            Held::Lent(loan) => Some(loan),
            Held::Kept(_) => None,
        }
    }
}

/// Where a lent reading side comes back, and how its body asks for `100 Continue`.
#[derive(Debug)]
pub(super) struct Loan<R> {
    returned: Mutex<Option<(Reading<R>, Decoder)>>,
    /// The body is waiting for bytes the client sends only after `100 Continue`.
    wants_continue: AtomicBool,
}

impl<R> Loan<R> {
    /// Ready once the body waits for `100 Continue` (never for a client that did not ask for
    /// it). The body wakes the task that reads it, which is the connection's, when it starts
    /// waiting.
    pub(super) fn continue_wanted(&self) -> Poll<()> {
        if self.wants_continue.load(Ordering::Relaxed) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// The error of a request body the client sent nothing of for `timeout client`.
#[derive(Debug, thiserror::Error)]
#[error("the client sent nothing of its request body for 'timeout client'")]
pub(crate) struct ClientSilent;

/// The body of a request received on a listener, read from the client as the server takes it.
#[derive(Debug)]
pub(crate) struct RequestBody<R> {
    /// `None` for a request without a body.
    lent: Option<Lent<R>>,
}

#[derive(Debug)]
struct Lent<R> {
    /// `None` once handed back (only at drop).
    reading: Option<Reading<R>>,
    decoder: Decoder,
    loan: Arc<Loan<R>>,
    /// The client waits for `100 Continue` before sending the body, which has not been asked
    /// for yet.
    expects_continue: bool,
    /// `timeout client` while the body is read.
    silence: Silence,
}

impl<R> RequestBody<R> {
    /// The body of a request that has none.
    fn empty() -> RequestBody<R> {
        RequestBody { lent: None }
    }

    /// The body delimited by `decoder`, read from `reading` (lent to it when there is a body,
    /// and given back when it is dropped); the client may send nothing of it for `limit`.
    pub(super) fn lend(
        reading: Reading<R>,
        decoder: Decoder,
        expects_continue: bool,
        limit: Option<Duration>,
    ) -> (RequestBody<R>, Held<R>) {
        if decoder.is_done() {
            return (RequestBody::empty(), Held::Kept(reading));
        }
        let loan = Arc::new(Loan {
            returned: Mutex::new(None),
            wants_continue: AtomicBool::new(false),
        });
        let lent = Lent {
            reading: Some(reading),
            decoder,
            loan: Arc::clone(&loan),
            expects_continue,
            silence: Silence::new(limit),
        };
        (RequestBody { lent: Some(lent) }, Held::Lent(loan))
    }
}

impl<R> Drop for Lent<R> {
    fn drop(&mut self) {
        if let Some(reading) = self.reading.take() {
            *self
                .loan
                .returned
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some((reading, self.decoder));
        }
    }
}

impl<R: AsyncRead + Unpin> Body for RequestBody<R> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let Some(lent) = self.get_mut().lent.as_mut() else {
            return Poll::Ready(None);
        };
        let Some(reading) = lent.reading.as_mut() else {
            return Poll::Ready(None);
        };
        loop {
            match lent.decoder.decode(&mut reading.inbox.bytes)? {
                Decoded::Data(data) => return Poll::Ready(Some(Ok(Frame::data(data)))),
                Decoded::Trailers(trailers) => {
                    return Poll::Ready(Some(Ok(Frame::trailers(trailers))))
                }
                Decoded::End => return Poll::Ready(None),
                Decoded::NeedMore => {}
            }
            if std::mem::take(&mut lent.expects_continue) {
                lent.loan.wants_continue.store(true, Ordering::Relaxed);
                // The connection writes `100 Continue` when its task runs again.
                cx.waker().wake_by_ref();
            }
            let filled = match reading.poll_fill(cx) {
                Poll::Pending if lent.silence.expired(cx) => {
                    return Poll::Ready(Some(Err(Box::new(ClientSilent))))
                }
                polled => ready!(polled)?,
            };
            if filled == 0 {
                return Poll::Ready(Some(
                    Err("the client closed inside its request body".into()),
                ));
            }
            lent.silence.progress();
        }
    }

    fn is_end_stream(&self) -> bool {
        self.lent
            .as_ref()
            .map_or(true, |lent| lent.decoder.is_done())
    }

    fn size_hint(&self) -> SizeHint {
        match self
            .lent
            .as_ref()
            .map_or(Some(0), |lent| lent.decoder.remaining())
        {
            Some(left) => SizeHint::with_exact(left),
            None => SizeHint::default(),
        }
    }
}
