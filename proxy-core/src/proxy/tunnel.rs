//! Upgraded connections (WebSocket and any other `Upgrade` protocol): HAProxy's tunnel mode.
//!
//! A request asking for an upgrade (`Connection: upgrade` with an `Upgrade` header) keeps those
//! two headers on its way to the server, on a connection of its own. When the server answers
//! `101 Switching Protocols`, the answer goes back to the client with the same two headers, and
//! both connections are then joined byte for byte until either side closes or nothing moves in
//! either direction for `timeout tunnel` (else `timeout server`). The server slot is held, and
//! the bytes counted in `bin`/`bout`, for the whole life of the tunnel.

use super::counted::{Direction, Target};
use super::headers::{lists_token, strip_hop_by_hop};
use super::upstream::Upgraded;
use super::BoxError;
use http::header::{HeaderMap, HeaderValue, CONNECTION, UPGRADE};
use http::Extensions;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::oneshot;
use tokio::time::Instant;

/// The protocol a request or a `101` response asks to switch to: its `Upgrade` header when its
/// `Connection` header lists `upgrade`.
pub(crate) fn protocol(headers: &HeaderMap) -> Option<HeaderValue> {
    lists_token(headers, &CONNECTION, b"upgrade")
        .then(|| headers.get(UPGRADE).cloned())
        .flatten()
}

/// Removes the connection-specific fields (see [`strip_hop_by_hop`]) but the two of an
/// upgrade, which go on to the other side as `Connection: upgrade` and `Upgrade`.
pub(crate) fn strip_keeping_upgrade(headers: &mut HeaderMap) {
    let upgrade = protocol(headers);
    strip_hop_by_hop(headers);
    if let Some(protocol) = upgrade {
        headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(UPGRADE, protocol);
    }
}

/// A client connection taken over by the protocol its request switched to.
pub(crate) trait ClientStream: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> ClientStream for T {}

/// The request extension by which a Switchyard listener hands its client connection over to
/// the tunnel once the `101` answer is written.
#[derive(Clone)]
pub(crate) struct ListenerUpgrade(Arc<Mutex<Option<Handover>>>);

/// Where the tunnel receives the client connection from its listener.
type Handover = oneshot::Receiver<Box<dyn ClientStream>>;

impl ListenerUpgrade {
    /// The extension for a request, and where its listener sends the connection.
    pub(crate) fn new() -> (ListenerUpgrade, oneshot::Sender<Box<dyn ClientStream>>) {
        let (handover, receiver) = oneshot::channel();
        (
            ListenerUpgrade(Arc::new(Mutex::new(Some(receiver)))),
            handover,
        )
    }
}

/// The client's side of an upgrade: from a Switchyard listener, or from hyper's server (an
/// embedder's).
pub(crate) enum ClientUpgrade {
    Listener(Handover),
    Hyper(OnUpgrade),
}

impl ClientUpgrade {
    /// The upgrade a request's server put in its extensions, if any.
    pub(crate) fn take_from(extensions: &mut Extensions) -> Option<ClientUpgrade> {
        if let Some(ListenerUpgrade(slot)) = extensions.remove::<ListenerUpgrade>() {
            let receiver = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            return receiver.map(ClientUpgrade::Listener);
        }
        extensions.remove::<OnUpgrade>().map(ClientUpgrade::Hyper)
    }

    /// The client connection, once the `101` answer has been written to it.
    async fn connection(self) -> Result<Box<dyn ClientStream>, BoxError> {
        match self {
            ClientUpgrade::Listener(receiver) => Ok(receiver.await?),
            ClientUpgrade::Hyper(upgrade) => Ok(Box::new(TokioIo::new(upgrade.await?))),
        }
    }
}

/// Joins the client's and the server's upgraded connections in a task of its own, counting the
/// bytes on `target`; `hold` (the server slot) is kept until the tunnel ends. `idle`: the
/// longest time nothing may move either way.
pub(crate) fn spawn<H: Send + 'static>(
    client: ClientUpgrade,
    server: Upgraded,
    idle: Option<Duration>,
    target: Target,
    hold: H,
) {
    tokio::spawn(async move {
        let client = match client.connection().await {
            Ok(client) => client,
            Err(error) => {
                tracing::debug!(%error, "upgrade did not complete");
                return;
            }
        };
        let last = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let watch = |direction| Watch {
            last: Arc::clone(&last),
            started,
            target: target.clone(),
            direction,
        };
        let mut client = Watched {
            inner: client,
            watch: watch(Direction::ToServer),
        };
        let mut server = Watched {
            inner: server,
            watch: watch(Direction::ToClient),
        };
        let copying = tokio::io::copy_bidirectional(&mut client, &mut server);
        tokio::pin!(copying);
        let outcome = loop {
            let Some(idle) = idle else {
                break copying.as_mut().await;
            };
            let quiet_since = started + Duration::from_millis(last.load(Ordering::Relaxed));
            tokio::select! {
                outcome = copying.as_mut() => break outcome,
                () = tokio::time::sleep_until(quiet_since + idle) => {
                    let moved = started + Duration::from_millis(last.load(Ordering::Relaxed));
                    if moved == quiet_since {
                        tracing::debug!("tunnel idle for longer than its timeout: closed");
                        break Ok((0, 0));
                    }
                }
            }
        };
        if let Err(error) = outcome {
            tracing::debug!(%error, "tunnel ended");
        }
        drop(hold);
    });
}

/// One side of a tunnel: the bytes read from it are counted going `direction`, and the time
/// they moved is noted for the idle timeout.
struct Watched<T> {
    inner: T,
    watch: Watch,
}

/// Where a side of a tunnel notes its activity.
struct Watch {
    /// When bytes last moved either way, in milliseconds since `started`.
    last: Arc<AtomicU64>,
    started: Instant,
    target: Target,
    direction: Direction,
}

impl Watch {
    fn moved(&self, bytes: usize) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(now, Ordering::Relaxed);
        let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
        self.target.count(self.direction, bytes);
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        if read > 0 {
            self.watch.moved(read);
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upgrade_needs_both_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        assert_eq!(protocol(&headers), None);
        headers.insert(CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        assert_eq!(
            protocol(&headers),
            Some(HeaderValue::from_static("websocket"))
        );
        headers.remove(UPGRADE);
        assert_eq!(protocol(&headers), None);
    }
}
