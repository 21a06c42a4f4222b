//! One connection to a server: its socket and the bytes read from it but not used yet.

use bytes::{Buf, BytesMut};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The room made for the first read of a response: a small response fits in it whole.
const FIRST_READ: usize = 4 * 1024;
/// The most room made for one read, reached by doubling while reads fill what they are given.
const MAX_READ: usize = 64 * 1024;

/// A connection to a server.
pub(super) struct Conn {
    pub(super) stream: TcpStream,
    /// Read from the server and not consumed yet. Empty and without memory while idle.
    pub(super) read: BytesMut,
    /// How much room the next read gets.
    read_size: usize,
}

impl Conn {
    pub(super) fn new(stream: TcpStream) -> Conn {
        Conn {
            stream,
            read: BytesMut::new(),
            read_size: FIRST_READ,
        }
    }

    /// Reads what the server has sent into [`Conn::read`]: the number of bytes, 0 at the end of
    /// the stream.
    pub(super) fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let filled = self.read.len();
        // Zeroed room (a few hundred nanoseconds at most) keeps this free of `unsafe`.
        self.read.resize(filled + self.read_size, 0);
        let mut room = ReadBuf::new(&mut self.read[filled..]);
        let polled = Pin::new(&mut self.stream).poll_read(cx, &mut room);
        let read = room.filled().len();
        self.read.truncate(filled + read);
        ready!(polled)?;
        if read == self.read_size {
            self.read_size = (self.read_size * 2).min(MAX_READ);
        }
        Poll::Ready(Ok(read))
    }

    /// Whether an idle connection can take a request: the server has not closed it nor sent
    /// anything unasked. Costs no system call while the socket has nothing to report.
    pub(super) fn is_usable(&self) -> bool {
        let mut probe = [0u8; 1];
        matches!(self.stream.try_read(&mut probe), Err(error) if error.kind() == io::ErrorKind::WouldBlock)
    }

    /// Ready to wait idle in a pool: nothing left over from the last response, and no memory.
    pub(super) fn into_idle(mut self) -> Option<Conn> {
        if !self.read.is_empty() {
            return None;
        }
        self.read = BytesMut::new();
        self.read_size = FIRST_READ;
        Some(self)
    }
}

/// A server connection handed over after `101 Switching Protocols`: what the server sent after
/// its response head comes first, then the socket.
pub(crate) struct Upgraded {
    stream: TcpStream,
    early: BytesMut,
}

impl Upgraded {
    pub(super) fn new(conn: Conn) -> Upgraded {
        Upgraded {
            stream: conn.stream,
            early: conn.read,
        }
    }
}

impl AsyncRead for Upgraded {
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

impl AsyncWrite for Upgraded {
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
