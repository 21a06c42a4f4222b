//! The two halves of a client connection as the listener uses them: bytes counted on the
//! frontend (`bin`, `bout`, decrypted bytes on a TLS bind), and `timeout client` on writes.

use crate::runtime::{Counters, FrontendState};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// A client connection's read half: every byte read counts in the frontend's `bin`.
#[derive(Debug)]
pub(super) struct ClientReader<R> {
    source: R,
    frontend: Arc<FrontendState>,
}

impl<R> ClientReader<R> {
    pub(super) fn new(source: R, frontend: Arc<FrontendState>) -> ClientReader<R> {
        ClientReader { source, frontend }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for ClientReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.source).poll_read(cx, buf))?;
        let read = u64::try_from(buf.filled().len() - before).unwrap_or(u64::MAX);
        Counters::add(&this.frontend.counters.bytes_in, read);
        Poll::Ready(Ok(()))
    }
}

/// A client connection's write half: every byte written counts in the frontend's `bout`, and a
/// write the client does not take for `timeout client` fails.
#[derive(Debug)]
pub(super) struct ClientWriter<W> {
    sink: W,
    frontend: Arc<FrontendState>,
    limit: Option<Duration>,
    /// Made the first time a write has to wait, dropped when one goes through.
    timer: Option<Pin<Box<Sleep>>>,
}

impl<W> ClientWriter<W> {
    pub(super) fn new(
        sink: W,
        frontend: Arc<FrontendState>,
        limit: Option<Duration>,
    ) -> ClientWriter<W> {
        ClientWriter {
            sink,
            frontend,
            limit,
            timer: None,
        }
    }

    /// Fails with `TimedOut` once a write has waited for `timeout client`.
    fn poll_waited(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let Some(limit) = self.limit else {
            return Poll::Pending;
        };
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        ready!(timer.as_mut().poll(cx));
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client accepted no data for 'timeout client'",
        )))
    }

    fn wrote(&mut self, polled: io::Result<usize>) -> Poll<io::Result<usize>> {
        self.timer = None;
        if let Ok(written) = &polled {
            let written = u64::try_from(*written).unwrap_or(u64::MAX);
            Counters::add(&self.frontend.counters.bytes_out, written);
        }
        Poll::Ready(polled)
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for ClientWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.sink).poll_write(cx, data) {
            Poll::Ready(polled) => this.wrote(polled),
            Poll::Pending => this.poll_waited(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pieces: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.sink).poll_write_vectored(cx, pieces) {
            Poll::Ready(polled) => this.wrote(polled),
            Poll::Pending => this.poll_waited(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.sink.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().sink).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().sink).poll_shutdown(cx)
    }
}
