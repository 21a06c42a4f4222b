//! A socket wrapper that adds every byte read and written to a frontend's `bin` and `bout`
//! counters (HAProxy counts the bytes of the whole exchange, headers included).

use crate::runtime::{Counters, FrontendState};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// `inner` with its traffic counted on a frontend.
#[derive(Debug)]
pub(crate) struct CountingIo<T> {
    inner: T,
    frontend: Arc<FrontendState>,
}

impl<T> CountingIo<T> {
    pub(crate) fn new(inner: T, frontend: Arc<FrontendState>) -> CountingIo<T> {
        CountingIo { inner, frontend }
    }

    /// The frontend the traffic counts on.
    pub(crate) fn frontend(&self) -> &Arc<FrontendState> {
        &self.frontend
    }
}

fn count(counter: &std::sync::atomic::AtomicU64, n: usize) {
    Counters::add(counter, u64::try_from(n).unwrap_or(u64::MAX));
}

impl<T: AsyncRead + Unpin> AsyncRead for CountingIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        count(
            &self.frontend.counters.bytes_in,
            buf.filled().len() - before,
        );
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for CountingIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.inner).poll_write(cx, buf))?;
        count(&self.frontend.counters.bytes_out, written);
        Poll::Ready(Ok(written))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
