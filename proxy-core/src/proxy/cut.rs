//! Ending a server's requests in flight on `shutdown sessions server`: the wait for the
//! response head and the response body both watch the server's cut signal.

use super::BoxError;
use crate::runtime::ServerState;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::futures::OwnedNotified;

/// The error a cut request or response body ends with.
#[derive(Debug, thiserror::Error)]
#[error("session shut down from the stats socket")]
pub(crate) struct SessionCut;

pin_project_lite::pin_project! {
    /// Waits for `server`'s sessions to be shut down. It takes a place among the server's
    /// waiters only when first polled: until then a shut-down shows in the generation alone.
    pub(crate) struct CutWatch {
        #[pin]
        woken: Option<OwnedNotified>,
        generation: u64,
        server: Arc<ServerState>,
    }
}

impl CutWatch {
    /// Watches `server` from now on.
    pub(crate) fn new(server: &Arc<ServerState>) -> CutWatch {
        CutWatch {
            woken: None,
            generation: server.cut_generation(),
            server: Arc::clone(server),
        }
    }

    /// Whether the server's sessions were shut down since the watch began, without waiting.
    fn is_cut(&self) -> bool {
        self.server.was_cut_since(self.generation)
    }
}

impl Future for CutWatch {
    type Output = SessionCut;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SessionCut> {
        let mut this = self.project();
        if this.woken.is_none() {
            this.woken.set(Some(this.server.cut_wakeup()));
        }
        // Registered first, then the generation read: a shut-down in between is still seen.
        let woken = this
            .woken
            .as_pin_mut()
            .is_some_and(|woken| woken.poll(cx).is_ready());
        if woken || this.server.was_cut_since(*this.generation) {
            Poll::Ready(SessionCut)
        } else {
            Poll::Pending
        }
    }
}

pin_project_lite::pin_project! {
    /// A response body that ends with [`SessionCut`] once its server's sessions are shut down.
    pub(crate) struct Cuttable<B> {
        #[pin]
        inner: B,
        #[pin]
        watch: CutWatch,
        cut: bool,
    }
}

impl<B> Cuttable<B> {
    /// `inner`, cut when `server`'s sessions are shut down.
    pub(crate) fn new(inner: B, server: &Arc<ServerState>) -> Cuttable<B> {
        Cuttable {
            inner,
            watch: CutWatch::new(server),
            cut: false,
        }
    }
}

impl<B> Body for Cuttable<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        if *this.cut {
            return Poll::Ready(None);
        }
        // A body whose bytes are there is read without waiting among the server's waiters; the
        // generation tells a shut-down before each piece.
        let cut = this.watch.is_cut()
            || match this.inner.poll_frame(cx) {
                Poll::Ready(frame) => {
                    return Poll::Ready(frame.map(|result| result.map_err(Into::into)))
                }
                Poll::Pending => this.watch.poll(cx).is_ready(),
            };
        if cut {
            *this.cut = true;
            return Poll::Ready(Some(Err(Box::new(SessionCut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.cut || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
