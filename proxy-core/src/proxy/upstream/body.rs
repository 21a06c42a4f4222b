//! The body of a server's response, giving its connection back to the pool once it has ended.

use super::pool::{Idle, Sender, ServerPool};
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::time::Instant;

/// A connection to give back to its server's pool.
pub(super) struct Release {
    pub(super) pool: Arc<ServerPool>,
    pub(super) sender: Sender,
    pub(super) addr: SocketAddr,
}

impl Release {
    fn give_back(self) {
        self.pool.put(Idle {
            sender: self.sender,
            addr: self.addr,
            since: Instant::now(),
        });
    }
}

/// A server's response body. When it has been read to its end the connection is idle again and
/// goes back to the pool; dropped earlier, the connection is closed.
pub(crate) struct PooledBody {
    inner: Incoming,
    release: Option<Release>,
}

impl PooledBody {
    pub(super) fn new(inner: Incoming, release: Option<Release>) -> PooledBody {
        let mut body = PooledBody { inner, release };
        body.release_if_ended();
        body
    }

    fn release_if_ended(&mut self) {
        if self.inner.is_end_stream() {
            if let Some(release) = self.release.take() {
                release.give_back();
            }
        }
    }
}

impl Body for PooledBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(None) => {
                if let Some(release) = self.release.take() {
                    release.give_back();
                }
            }
            Poll::Ready(Some(Ok(_))) => self.release_if_ended(),
            Poll::Ready(Some(Err(_))) => self.release = None,
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
