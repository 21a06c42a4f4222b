//! Body types of the data path: one boxed streaming body for every response, and a wrapper that
//! keeps a guard (a server slot, a connection mark) alive until the body is finished.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The error type of bodies on the data path.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of every response [`ProxyService`](super::ProxyService) returns (and of every request
/// it sends upstream): a boxed stream of `Bytes` frames, never buffered whole.
pub type ProxyBody = UnsyncBoxBody<Bytes, BoxError>;

/// Boxes any body into a [`ProxyBody`].
pub fn box_body<B>(body: B) -> ProxyBody
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    body.map_err(Into::into).boxed_unsync()
}

/// How many data bytes a polled frame carries (0 for trailers, errors and the end of the body).
fn data_len<E>(frame: &Option<Result<Frame<Bytes>, E>>) -> u64 {
    match frame {
        Some(Ok(frame)) => frame
            .data_ref()
            .map_or(0, |data| u64::try_from(data.len()).unwrap_or(u64::MAX)),
        _ => 0,
    }
}

/// A body of exactly these bytes.
pub(crate) fn full_body(bytes: impl Into<Bytes>) -> ProxyBody {
    box_body(Full::new(bytes.into()))
}

pin_project_lite::pin_project! {
    /// A body that holds `guard` until the body is dropped (the server side drops it once it is sent).
    pub(crate) struct Guarded<B, G> {
        #[pin]
        inner: B,
        _guard: G,
    }
}

impl<B, G> Guarded<B, G> {
    /// Wraps `inner`, holding `guard` as long as the body lives.
    pub(crate) fn new(inner: B, guard: G) -> Guarded<B, G> {
        Guarded {
            inner,
            _guard: guard,
        }
    }
}

impl<B: Body, G> Body for Guarded<B, G> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        self.project().inner.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// What an [`Observed`] body tells about each data frame it yields.
pub(crate) trait OnData {
    /// A data frame of `len` bytes (never 0) went through.
    fn on_data(&mut self, len: u64);
}

pin_project_lite::pin_project! {
    /// A body that tells `observer` the length of each data frame, without touching the data.
    pub(crate) struct Observed<B, O> {
        #[pin]
        inner: B,
        observer: O,
    }
}

impl<B, O> Observed<B, O> {
    /// Wraps `inner`, telling `observer` about its data frames.
    pub(crate) fn new(inner: B, observer: O) -> Observed<B, O> {
        Observed { inner, observer }
    }
}

impl<B: Body<Data = Bytes>, O: OnData> Body for Observed<B, O> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = self.project();
        let frame = std::task::ready!(this.inner.poll_frame(cx));
        let len = data_len(&frame);
        if len > 0 {
            this.observer.on_data(len);
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
