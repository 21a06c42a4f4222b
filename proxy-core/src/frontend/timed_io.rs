//! Client-side timeouts, enforced on the connection's socket.
//!
//! hyper's own `header_read_timeout` closes the connection silently and cannot tell a keep-alive
//! wait from a half-received request, so Switchyard watches the phases of the connection itself:
//!
//! * waiting for the first request, or receiving a request head: `timeout http-request` (HAProxy
//!   falls back to `timeout client`). When it elapses the client receives a 408 page and the
//!   connection closes. As in HAProxy without `option http-ignore-probes`, a connection that
//!   sends nothing at all also gets the 408.
//! * idle between two requests: `timeout http-keep-alive`, else `timeout http-request`, else
//!   `timeout client`; the connection is closed silently.
//! * a response not accepted by the client for `timeout client`: the connection is cut.
//!
//! The phase moves to "busy" when hyper hands a request to the service and back to "idle" when
//! the response body is dropped (that is, sent); see [`Activity`].
//!
//! hyper answers a malformed request head with its own bare 400, written below it; with an
//! `errorfile 400`, the socket wrapper writes that page in its place.
//!
//! The bytes of the request head being received are kept (up to [`MAX_CAPTURE`]) so that a
//! malformed request can be shown by `show errors`; body bytes are not copied.

use super::super::proxy::ErrorPages;
use bytes::Bytes;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll, Waker};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The most bytes of a request head kept for `show errors`.
pub(crate) const MAX_CAPTURE: usize = 2048;

/// The client-side timeouts of a frontend.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientTimeouts {
    /// Until the whole request head is received (408 when it elapses).
    pub(crate) request: Option<Duration>,
    /// Idle time between requests (silent close).
    pub(crate) keep_alive: Option<Duration>,
    /// Client inactivity (silent close or cut).
    pub(crate) client: Option<Duration>,
    /// What is written when `request` elapses: the 408 page (the `errorfile 408` one if any),
    /// or nothing (an empty `errorfile 408`).
    pub(crate) request_timeout_page: Bytes,
    /// The `errorfile 400` page, written instead of hyper's bare 400 to a malformed request.
    pub(crate) bad_request_page: Option<Bytes>,
}

impl ClientTimeouts {
    /// The timeouts of a frontend, with the pages sent when a request head is late or
    /// malformed.
    pub(crate) fn of(timeouts: &crate::model::Timeouts, pages: &ErrorPages) -> ClientTimeouts {
        ClientTimeouts {
            request: timeouts.http_request,
            keep_alive: timeouts.http_keep_alive,
            client: timeouts.client,
            request_timeout_page: pages.request_timeout_bytes(),
            bad_request_page: pages.bad_request_bytes(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for the first byte of a request; `first` for the connection's first request.
    Waiting { since: Instant, first: bool },
    /// Part of a request head received.
    Head { since: Instant },
    /// A request is being served.
    Busy,
}

/// What the connection is doing, shared by the socket wrapper and the request handler.
#[derive(Debug)]
pub(crate) struct Activity {
    phase: Mutex<Phase>,
    /// The reader parked while busy: hyper may have polled its read before the response
    /// finished, so it must be woken to start the keep-alive timer.
    parked_reader: Mutex<Option<Waker>>,
    /// The start of the request head being received.
    head: Mutex<Vec<u8>>,
    /// Whether `timeout http-request` elapsed and the 408 page was sent.
    timed_out: AtomicBool,
}

impl Activity {
    pub(crate) fn new() -> Activity {
        Activity {
            phase: Mutex::new(Phase::Waiting {
                since: Instant::now(),
                first: true,
            }),
            parked_reader: Mutex::new(None),
            head: Mutex::new(Vec::new()),
            timed_out: AtomicBool::new(false),
        }
    }

    /// Keeps `bytes` of a request head, after what was kept since the head began (`fresh`).
    fn capture(&self, bytes: &[u8], fresh: bool) {
        let mut head = self.head.lock().unwrap_or_else(PoisonError::into_inner);
        if fresh {
            head.clear();
        }
        let room = MAX_CAPTURE.saturating_sub(head.len());
        head.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// The bytes of the last request head received (up to [`MAX_CAPTURE`]).
    pub(crate) fn captured_head(&self) -> Vec<u8> {
        self.head
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether the connection ended with a 408 (`timeout http-request`).
    pub(crate) fn timed_out(&self) -> bool {
        self.timed_out.load(Ordering::Relaxed)
    }

    fn phase(&self) -> Phase {
        *self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, phase: Phase) {
        *self.phase.lock().unwrap_or_else(PoisonError::into_inner) = phase;
    }

    /// hyper parsed a request head and called the service.
    pub(crate) fn request_started(&self) {
        self.set(Phase::Busy);
    }

    /// The response was sent (its body dropped): the connection waits for the next request.
    pub(crate) fn response_finished(&self) {
        self.set(Phase::Waiting {
            since: Instant::now(),
            first: false,
        });
        let parked = self
            .parked_reader
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(reader) = parked {
            reader.wake();
        }
    }

    fn park_reader(&self, waker: &Waker) {
        *self
            .parked_reader
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(waker.clone());
    }
}

/// Marks the response finished when dropped; travels with the response body.
#[derive(Debug)]
pub(crate) struct ResponseDone(Option<Arc<Activity>>);

impl ResponseDone {
    /// Marks `activity`'s response finished when dropped.
    pub(crate) fn new(activity: Arc<Activity>) -> ResponseDone {
        ResponseDone(Some(activity))
    }

    /// The response switches the connection to another protocol (`101`): it stays busy, with
    /// no HTTP timeout, for as long as the tunnel lives (the tunnel has its own).
    pub(crate) fn into_tunnel(mut self) -> ResponseDone {
        self.0 = None;
        self
    }
}

impl Drop for ResponseDone {
    fn drop(&mut self) {
        if let Some(activity) = &self.0 {
            activity.response_finished();
        }
    }
}

/// What the socket wrapper does when a read timeout elapses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expiry {
    Answer408,
    Close,
}

/// A socket that enforces [`ClientTimeouts`] following the connection's [`Activity`].
#[derive(Debug)]
pub(crate) struct TimedIo<T> {
    inner: T,
    timeouts: ClientTimeouts,
    activity: Arc<Activity>,
    read_timer: Pin<Box<Sleep>>,
    write_timer: Option<Pin<Box<Sleep>>>,
    /// Bytes of the 408 page already written, once the request timeout elapsed.
    answered: Option<usize>,
    /// Bytes of the `errorfile 400` page already written, once hyper began its own 400.
    replaced_400: Option<usize>,
}

impl<T> TimedIo<T> {
    pub(crate) fn new(inner: T, timeouts: ClientTimeouts, activity: Arc<Activity>) -> TimedIo<T> {
        TimedIo {
            inner,
            timeouts,
            activity,
            read_timer: Box::pin(tokio::time::sleep(Duration::ZERO)),
            write_timer: None,
            answered: None,
            replaced_400: None,
        }
    }

    /// The deadline of the current read phase and what happens when it passes.
    fn read_deadline(&self) -> Option<(Instant, Expiry)> {
        let t = &self.timeouts;
        match self.activity.phase() {
            Phase::Waiting { since, first: true } | Phase::Head { since } => match t.request {
                Some(limit) => Some((since + limit, Expiry::Answer408)),
                None => t.client.map(|limit| (since + limit, Expiry::Close)),
            },
            Phase::Waiting {
                since,
                first: false,
            } => t
                .keep_alive
                .or(t.request)
                .or(t.client)
                .map(|limit| (since + limit, Expiry::Close)),
            Phase::Busy => None,
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> TimedIo<T> {
    /// Writes the 408 page; ready once all of it is written.
    fn poll_answer_408(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let page = self.timeouts.request_timeout_page.clone();
        let mut written = self.answered.unwrap_or(0);
        let outcome = poll_write_rest(&mut self.inner, cx, &page, &mut written);
        self.answered = Some(written);
        outcome.map_ok(|_| ())
    }
}

/// Writes what is left of `page` after the `written` bytes already out, counting them; ready
/// with whether all of it went out (`false`: the peer took no more).
fn poll_write_rest<T: AsyncWrite + Unpin>(
    inner: &mut T,
    cx: &mut Context<'_>,
    page: &[u8],
    written: &mut usize,
) -> Poll<io::Result<bool>> {
    while let Some(rest) = page.get(*written..).filter(|rest| !rest.is_empty()) {
        let n = ready!(Pin::new(&mut *inner).poll_write(cx, rest))?;
        if n == 0 {
            return Poll::Ready(Ok(false));
        }
        *written += n;
    }
    Poll::Ready(Ok(true))
}

impl<T: AsyncRead + AsyncWrite + Unpin> TimedIo<T> {
    /// The `errorfile 400` page when `data` is hyper's answer to a malformed request, or when
    /// that answer is being replaced. hyper's answer is a 400 written while a request head is
    /// being received: any response to a request is written after hyper handed it over (busy),
    /// and the end of one is flushed before the next head is read (waiting).
    fn bad_request_replacing(&self, data: &[u8]) -> Option<Bytes> {
        let page = self.timeouts.bad_request_page.as_ref()?;
        let hypers_400 = || {
            matches!(self.activity.phase(), Phase::Head { .. })
                && data.starts_with(b"HTTP/1.1 400 ")
        };
        (self.replaced_400.is_some() || hypers_400()).then(|| page.clone())
    }

    /// Writes `page` in place of hyper's `len` bytes; everything hyper writes after it is
    /// dropped (hyper closes the connection after a 400).
    fn poll_write_400(
        &mut self,
        cx: &mut Context<'_>,
        page: &[u8],
        len: usize,
    ) -> Poll<io::Result<usize>> {
        let mut written = self.replaced_400.unwrap_or(0);
        let outcome = poll_write_rest(&mut self.inner, cx, page, &mut written);
        self.replaced_400 = Some(written);
        outcome.map_ok(|all_out| if all_out { len } else { 0 })
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for TimedIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.answered.is_some() {
            // Finish the 408, then report end of stream so hyper closes the connection.
            return this.poll_answer_408(cx);
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    let read = &buf.filled()[before..];
                    match this.activity.phase() {
                        Phase::Waiting { .. } => {
                            this.activity.set(Phase::Head {
                                since: Instant::now(),
                            });
                            this.activity.capture(read, true);
                        }
                        Phase::Head { .. } => this.activity.capture(read, false),
                        Phase::Busy => {}
                    }
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => {
                let deadline = this.read_deadline().or_else(|| {
                    this.activity.park_reader(cx.waker());
                    // Looked at again: the response may have finished while parking.
                    this.read_deadline()
                });
                let Some((deadline, expiry)) = deadline else {
                    return Poll::Pending;
                };
                if this.read_timer.deadline() != deadline {
                    this.read_timer.as_mut().reset(deadline);
                }
                ready!(this.read_timer.as_mut().poll(cx));
                match expiry {
                    Expiry::Close => Poll::Ready(Ok(())),
                    Expiry::Answer408 => {
                        this.answered = Some(0);
                        this.activity.timed_out.store(true, Ordering::Relaxed);
                        this.poll_answer_408(cx)
                    }
                }
            }
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TimedIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(page) = this.bad_request_replacing(data) {
            return this.poll_write_400(cx, &page, data.len());
        }
        match Pin::new(&mut this.inner).poll_write(cx, data) {
            Poll::Pending => {
                let Some(limit) = this.timeouts.client else {
                    return Poll::Pending;
                };
                let timer = this
                    .write_timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                ready!(timer.as_mut().poll(cx));
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client accepted no data for 'timeout client'",
                )))
            }
            ready => {
                this.write_timer = None;
                ready
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
