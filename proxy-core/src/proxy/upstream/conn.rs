//! One connection to a server: its socket, the bytes read from it but not used yet, and the
//! timer of the waits for its responses.

use super::UpstreamError;
use crate::h1::read::{Inbox, Prefixed};
use crate::h1::send::{SendError, Sending};
use futures_util::task::noop_waker_ref;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

/// A connection to a server.
pub(super) struct Conn {
    pub(super) stream: TcpStream,
    /// Read from the server and not consumed yet. Empty while idle, with at most the room of a
    /// first read.
    pub(super) inbox: Inbox,
    /// The deadline of the wait for a response head, made the first time one is waited for
    /// and kept for the connection's next requests: a later deadline only moves it, where a
    /// timer per request would join and leave the runtime's timer wheel each time.
    head_timer: Option<Pin<Box<Sleep>>>,
}

impl Conn {
    pub(super) fn new(stream: TcpStream) -> Conn {
        Conn {
            stream,
            inbox: Inbox::default(),
            head_timer: None,
        }
    }

    /// Whether `deadline` has passed; if not, the task is woken when it does.
    pub(super) fn poll_deadline(&mut self, deadline: Instant, cx: &mut Context<'_>) -> Poll<()> {
        let timer = self
            .head_timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if timer.deadline() != deadline {
            timer.as_mut().reset(deadline);
        }
        timer.as_mut().poll(cx)
    }

    /// The wait for a response head is over: the deadline's timer lets go of the task it would
    /// have woken. Kept there, that task's waker would keep its memory (the client
    /// connection's, several kilobytes) alive after it ended, for as long as the connection
    /// waits in the pool.
    pub(super) fn end_wait(&mut self) {
        if let Some(timer) = self.head_timer.as_mut() {
            let _ = timer
                .as_mut()
                .poll(&mut Context::from_waker(noop_waker_ref()));
        }
    }

    /// Reads what the server has sent into [`Conn::inbox`]: the number of bytes, 0 at the end
    /// of the stream.
    pub(super) fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        self.inbox.poll_fill(&mut self.stream, cx)
    }

    /// Writes what it can of `upload`, the rest of a request, taking it once it is all sent:
    /// `Ok(false)` when the server stopped reading it (the connection cannot carry another
    /// request), an error when the request body failed (the server would wait for it forever).
    pub(super) fn push(
        &mut self,
        upload: &mut Option<Sending>,
        cx: &mut Context<'_>,
    ) -> Result<bool, UpstreamError> {
        let Some(sending) = upload else {
            return Ok(true);
        };
        let pushed = match sending.poll_send(&mut self.stream, cx) {
            Poll::Pending => return Ok(true),
            Poll::Ready(Ok(())) => Ok(true),
            Poll::Ready(Err(SendError::Io(error))) => {
                tracing::debug!(%error, "request not sent whole");
                Ok(false)
            }
            Poll::Ready(Err(SendError::Body(error))) => Err(UpstreamError::RequestBody(error)),
        };
        *upload = None;
        pushed
    }

    /// Whether an idle connection can take a request: the server has not closed it nor sent
    /// anything unasked. Costs no system call while the socket has nothing to report.
    pub(super) fn is_usable(&self) -> bool {
        let mut probe = [0u8; 1];
        matches!(self.stream.try_read(&mut probe), Err(error) if error.kind() == io::ErrorKind::WouldBlock)
    }

    /// Ready to wait idle in a pool: nothing left over from the last response. It keeps its
    /// small read buffer, and the next response is read into it without an allocation: the
    /// buffer is still shared by the last response's head at this point, so it cannot go to the
    /// thread's spare buffers as a client connection's does ([`Inbox::idle`]).
    pub(super) fn into_idle(mut self) -> Option<Conn> {
        self.inbox.idle_keeping_room().then_some(self)
    }
}

/// A server connection handed over after `101 Switching Protocols`: what the server sent after
/// its response head comes first, then the socket.
pub(crate) type Upgraded = Prefixed<TcpStream>;

impl Conn {
    /// The connection, taken over by the protocol its server switched to.
    pub(super) fn upgraded(self) -> Upgraded {
        self.inbox.prefixing(self.stream)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use futures_util::task::{waker, ArcWake};
    use std::sync::Arc;
    use std::time::Duration;

    /// A task's waker: the task lives as long as its count says.
    struct Task;

    impl ArcWake for Task {
        fn wake_by_ref(_: &Arc<Self>) {}
    }

    #[tokio::test]
    async fn a_connection_whose_wait_ended_holds_nothing_of_the_task_that_waited() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let mut conn = Conn::new(stream);
        let task = Arc::new(Task);
        let deadline = Instant::now() + Duration::from_secs(30);
        let polled = conn.poll_deadline(
            deadline,
            &mut Context::from_waker(&waker(Arc::clone(&task))),
        );
        assert!(polled.is_pending());
        assert!(
            Arc::strong_count(&task) > 1,
            "the timer wakes the waiting task"
        );
        conn.end_wait();
        assert_eq!(Arc::strong_count(&task), 1);
    }
}
