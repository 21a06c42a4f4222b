//! One request on one server connection, up to its response head: the request (and its body,
//! as far as the client has sent it) goes out while the head is awaited, so that a server
//! answering early (a `413`, a redirect) is heard.

use super::conn::Conn;
use super::head::{parse_response, BodyKind, Final, Head};
use super::HeadLens;
use super::UpstreamError;
use crate::h1::send::Sending;
use http::Response;
use std::future::poll_fn;
use std::task::{ready, Context, Poll};
use tokio::time::Instant;

/// A response head, with the connection and what is left to send of the request.
pub(super) struct Answer {
    pub(super) response: Response<()>,
    /// The lengths on the wire of the request head sent and of the response head.
    pub(super) head_lens: HeadLens,
    pub(super) body: BodyKind,
    /// Whether the connection may carry another request after this response.
    pub(super) keep_alive: bool,
    pub(super) conn: Conn,
    /// The rest of the request body, when the server answered before it was all sent.
    pub(super) upload: Option<Sending>,
}

/// Sends `upload` on `conn` and reads the response head, failing with
/// [`UpstreamError::Late`] when it is not complete at `deadline` (`timeout server`).
/// `to_head`: the request is `HEAD`.
pub(super) async fn exchange(
    mut conn: Conn,
    upload: Sending,
    to_head: bool,
    deadline: Option<Instant>,
) -> Result<Answer, UpstreamError> {
    let request_head = upload.head_len();
    let mut upload = Some(upload);
    let mut keep_alive = true;
    let mut heard = false;
    let head = poll_fn(|cx| {
        let polled = poll_head(
            &mut conn,
            &mut upload,
            &mut keep_alive,
            &mut heard,
            to_head,
            cx,
        );
        match deadline {
            Some(deadline) if polled.is_pending() => {
                ready!(conn.poll_deadline(deadline, cx));
                Poll::Ready(Err(UpstreamError::Late))
            }
            _ => {
                conn.end_wait();
                polled
            }
        }
    })
    .await?;
    let upload = upload.filter(|upload| !upload.is_done());
    Ok(Answer {
        response: head.response,
        head_lens: HeadLens {
            request: request_head,
            response: head.len,
        },
        body: head.body,
        keep_alive: keep_alive && head.keep_alive,
        conn,
        upload,
    })
}

/// Pushes the request out and reads until a final response head is complete. A request that
/// cannot be written any further (the server stopped reading) stops being sent, and the
/// connection is not reused: the server may still have answered.
fn poll_head(
    conn: &mut Conn,
    upload: &mut Option<Sending>,
    keep_alive: &mut bool,
    heard: &mut bool,
    to_head: bool,
    cx: &mut Context<'_>,
) -> Poll<Result<Final, UpstreamError>> {
    loop {
        *keep_alive &= conn.push(upload, cx)?;
        // Nothing read yet (the request has only just left): nothing to parse.
        let parsed = if conn.inbox.is_empty() {
            None
        } else {
            parse_response(&mut conn.inbox.bytes, to_head)?
        };
        match parsed {
            Some(Head::Final(head)) => return Poll::Ready(Ok(head)),
            Some(Head::Informational) => continue,
            None => {}
        }
        let before = conn.inbox.bytes.len();
        match ready!(conn.poll_fill(cx)) {
            Ok(0) if *heard || before > 0 => {
                return Poll::Ready(Err(UpstreamError::Invalid(
                    "connection closed inside the response head",
                )))
            }
            Ok(0) => return Poll::Ready(Err(UpstreamError::Closed)),
            Ok(_) => *heard = true,
            Err(error) if *heard => return Poll::Ready(Err(UpstreamError::Broken(error))),
            Err(_) => return Poll::Ready(Err(UpstreamError::Closed)),
        }
    }
}
