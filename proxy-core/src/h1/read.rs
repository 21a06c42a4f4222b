//! The bytes read from a peer and not used yet, and the limit on how long a peer may send
//! nothing of a body.

use bytes::{Buf, BytesMut};
use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The room made for the first read of a message: a small message fits in it whole.
const FIRST_READ: usize = 4 * 1024;
/// The most room made for one read, reached by doubling while reads fill what they are given.
const MAX_READ: usize = 64 * 1024;
/// The most spare buffers a thread keeps (with [`FIRST_READ`], 256 KiB).
const MAX_SPARE: usize = 64;

thread_local! {
    /// Read buffers let go of by connections of this thread that wait idle, for the next read
    /// of any of them: a connection that waits holds no buffer, and the next message is read
    /// without an allocation.
    static SPARE: RefCell<Vec<BytesMut>> = const { RefCell::new(Vec::new()) };
}

/// Bytes read from a peer, not used yet. Holds no memory once emptied by [`Inbox::idle`].
#[derive(Debug)]
pub(crate) struct Inbox {
    pub(crate) bytes: BytesMut,
    /// How much room the next read gets.
    read_size: usize,
}

impl Default for Inbox {
    fn default() -> Inbox {
        Inbox {
            bytes: BytesMut::new(),
            read_size: FIRST_READ,
        }
    }
}

impl Inbox {
    /// Reads what `source` has into [`Inbox::bytes`]: the number of bytes, 0 at the end of the
    /// stream. The room is not zeroed first: tokio-util's `poll_read_buf` reads into spare
    /// capacity with the checks that needs, which keeps this crate free of `unsafe`.
    pub(crate) fn poll_fill<R: AsyncRead + Unpin>(
        &mut self,
        source: &mut R,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        if self.bytes.capacity() == 0 {
            // `try_with`: while the thread ends there is no list, and a read allocates.
            if let Ok(Some(spare)) = SPARE.try_with(|spare| spare.borrow_mut().pop()) {
                self.bytes = spare;
            }
        }
        self.bytes.reserve(self.read_size);
        let room = self.bytes.capacity() - self.bytes.len();
        let read = ready!(tokio_util::io::poll_read_buf(
            Pin::new(source),
            cx,
            &mut self.bytes
        ))?;
        if read == room {
            self.read_size = (self.read_size * 2).min(MAX_READ);
        }
        Poll::Ready(Ok(read))
    }

    /// Whether every byte read has been used.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// `stream` taken over by another protocol, after the bytes read from it and not used.
    pub(crate) fn prefixing<S>(self, stream: S) -> Prefixed<S> {
        Prefixed::new(self.bytes, stream)
    }

    /// Lets the buffer go when every byte read has been used (the connection waits idle):
    /// to this thread's spare buffers when nothing else shares it any more and it is no larger
    /// than a first read takes, else to the allocator; `false` when some bytes are left.
    pub(crate) fn idle(&mut self) -> bool {
        if !self.bytes.is_empty() {
            return false;
        }
        let mut bytes = std::mem::take(&mut self.bytes);
        self.read_size = FIRST_READ;
        if bytes.try_reclaim(FIRST_READ) && bytes.capacity() <= FIRST_READ {
            let _ = SPARE.try_with(|spare| {
                let mut spare = spare.borrow_mut();
                if spare.len() < MAX_SPARE {
                    spare.push(bytes);
                }
            });
        }
        true
    }

    /// Like [`Inbox::idle`], but keeps the buffer for the next message when it has no more
    /// room than a first read takes: once the bytes of the last message are let go of, the next
    /// read reuses it instead of allocating.
    pub(crate) fn idle_keeping_room(&mut self) -> bool {
        if !self.bytes.is_empty() {
            return false;
        }
        if self.bytes.capacity() > FIRST_READ {
            self.bytes = BytesMut::new();
        }
        self.read_size = FIRST_READ;
        true
    }
}

/// A connection taken over by another protocol after `101 Switching Protocols`: the bytes
/// already read from it and not used come first, then the stream itself.
#[derive(Debug)]
pub(crate) struct Prefixed<S> {
    early: BytesMut,
    stream: S,
}

impl<S> Prefixed<S> {
    /// `stream`, after the `early` bytes read from it.
    pub(crate) fn new(early: BytesMut, stream: S) -> Prefixed<S> {
        Prefixed { early, stream }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.early.is_empty() {
            return Pin::new(&mut self.stream).poll_read(cx, buf);
        }
        let len = self.early.len().min(buf.remaining());
        buf.put_slice(&self.early[..len]);
        self.early.advance(len);
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The longest a peer may send nothing while a body is read from it (`timeout server` for a
/// response body, `timeout client` for a request body). Its timer is made the first time the
/// peer has nothing to send (never for a body that arrives with its head) and pushed back by
/// each read.
#[derive(Debug)]
pub(crate) struct Silence {
    limit: Option<Duration>,
    timer: Option<Pin<Box<Sleep>>>,
}

impl Silence {
    /// A limit of `limit` (none without one).
    pub(crate) fn new(limit: Option<Duration>) -> Silence {
        Silence { limit, timer: None }
    }

    /// Bytes came: the limit counts from now.
    pub(crate) fn progress(&mut self) {
        if let (Some(limit), Some(timer)) = (self.limit, self.timer.as_mut()) {
            timer.as_mut().reset(Instant::now() + limit);
        }
    }

    /// Nothing to read: whether the limit has passed (else the task wakes when it does).
    pub(crate) fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(limit) = self.limit else {
            return false;
        };
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        timer.as_mut().poll(cx).is_ready()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use futures_util::task::noop_waker_ref;

    fn spares() -> usize {
        SPARE.with_borrow(Vec::len)
    }

    /// An inbox that read `message` into a new buffer and handed it on (as a head is).
    fn read_and_handed_on(message: &[u8]) -> (Inbox, bytes::Bytes) {
        let mut inbox = Inbox::default();
        inbox.bytes.reserve(FIRST_READ);
        inbox.bytes.extend_from_slice(message);
        let head = inbox.bytes.split().freeze();
        (inbox, head)
    }

    #[test]
    fn a_buffer_let_go_of_is_read_into_again_once_nothing_shares_it() {
        // Still shared by its head: it goes to the allocator when the head goes.
        let (mut inbox, head) = read_and_handed_on(b"GET / HTTP/1.1");
        assert!(inbox.idle());
        assert_eq!((inbox.bytes.capacity(), spares()), (0, 0));
        drop(head);

        // Nothing shares it: it is kept for the next read.
        let (mut inbox, head) = read_and_handed_on(b"GET / HTTP/1.1");
        let start = head.as_ptr();
        drop(head);
        assert!(inbox.idle());
        assert_eq!((inbox.bytes.capacity(), spares()), (0, 1));

        // The next read, of any connection, goes into it.
        let mut next = Inbox::default();
        let mut source: &[u8] = b"next";
        let read = next.poll_fill(&mut source, &mut Context::from_waker(noop_waker_ref()));
        assert!(matches!(read, Poll::Ready(Ok(4))));
        assert_eq!(spares(), 0);
        assert_eq!(next.bytes.as_ptr(), start);
        assert_eq!(&next.bytes[..], b"next");
    }

    #[test]
    fn an_idle_inbox_keeps_a_small_buffer_only_when_asked_and_never_unused_bytes() {
        let mut inbox = Inbox::default();
        inbox.bytes.reserve(FIRST_READ);
        inbox.bytes.extend_from_slice(b"left");
        assert!(!inbox.idle_keeping_room());
        assert!(!inbox.idle());

        let _ = inbox.bytes.split();
        inbox.read_size = MAX_READ;
        assert!(inbox.idle_keeping_room());
        assert!(
            inbox.bytes.capacity() > 0,
            "the room of a first read is kept"
        );
        assert_eq!(inbox.read_size, FIRST_READ);
        assert!(inbox.idle());
        assert_eq!(inbox.bytes.capacity(), 0);

        inbox.bytes.reserve(MAX_READ);
        assert!(inbox.idle_keeping_room());
        assert_eq!(
            inbox.bytes.capacity(),
            0,
            "a buffer grown for a large message goes"
        );
    }
}
