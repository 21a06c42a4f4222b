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
    /// Waits for `server`'s sessions to be shut down.
    pub(crate) struct CutWatch {
        #[pin]
        woken: OwnedNotified,
        generation: u64,
        server: Arc<ServerState>,
    }
}

impl CutWatch {
    /// Watches `server` from now on.
    pub(crate) fn new(server: &Arc<ServerState>) -> CutWatch {
        let (generation, woken) = server.cut_signal();
        CutWatch {
            woken,
            generation,
            server: Arc::clone(server),
        }
    }
}

impl Future for CutWatch {
    type Output = SessionCut;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SessionCut> {
        let this = self.project();
        // Registered first, then the generation read: a shutdown in between is still seen.
        let woken = this.woken.poll(cx).is_ready();
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
        if this.watch.poll(cx).is_ready() {
            *this.cut = true;
            return Poll::Ready(Some(Err(Box::new(SessionCut))));
        }
        this.inner
            .poll_frame(cx)
            .map(|frame| frame.map(|result| result.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.cut || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
