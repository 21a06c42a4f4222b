//! The request as a server receives it, made from the client's request head; and that head
//! taken back from a request that never left (its connection could not be made), so that a
//! retry needs no copy of the headers made in advance.

use super::{ProxyBody, ProxyError};
use crate::model::RetryOn;
use http::header::{HeaderValue, CONNECTION, HOST, UPGRADE};
use http::request::Parts;
use http::{Request, Uri, Version};
use std::net::SocketAddr;

/// What one attempt added to the client's head, to remove it again when the head comes back.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outgoing {
    host_added: bool,
    close_added: bool,
}

impl Outgoing {
    /// Whether `retry_on` retries failures that happen after the upstream has taken the request (so a
    /// retry needs a copy of its head made before sending). A failed connection is not one:
    /// the request comes back unsent.
    pub(super) fn retried_after_sending(retry_on: &RetryOn) -> bool {
        retry_on.empty_response
            || retry_on.junk_response
            || retry_on.response_timeout
            || !retry_on.statuses.is_empty()
    }

    /// The request as the server receives it: origin-form target (`/path?query`), HTTP/1.1,
    /// the client's headers as the rules left them, moved out of `parts` unless `keep` (then
    /// copied). Host is the client's, else the authority of an absolute-form target, else the
    /// server's address.
    pub(super) fn request(
        parts: &mut Parts,
        keep: bool,
        server: SocketAddr,
        body: ProxyBody,
        close_upstream: bool,
    ) -> Result<(Request<ProxyBody>, Outgoing), ProxyError> {
        let uri = match parts.uri.path_and_query() {
            _ if parts.uri.scheme().is_none() && parts.uri.authority().is_none() => {
                parts.uri.clone()
            }
            Some(path) => Uri::from(path.clone()),
            None => Uri::from_static("/"),
        };
        let mut headers = if keep {
            parts.headers.clone()
        } else {
            std::mem::take(&mut parts.headers)
        };
        let host_added = !headers.contains_key(HOST);
        if host_added {
            let host = match parts.uri.authority() {
                Some(authority) => HeaderValue::from_str(authority.as_str()),
                None => HeaderValue::from_str(&server.to_string()),
            };
            match host {
                Ok(host) => headers.insert(HOST, host),
                Err(error) => {
                    if !keep {
                        parts.headers = headers;
                    }
                    return Err(ProxyError::Unforwardable(error.into()));
                }
            };
        }
        // An upgrade keeps its `Connection: upgrade`: the connection is not reused after it.
        let close_added = close_upstream && !headers.contains_key(UPGRADE);
        if close_added {
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        let mut request = Request::new(body);
        *request.method_mut() = parts.method.clone();
        *request.uri_mut() = uri;
        *request.version_mut() = Version::HTTP_11;
        *request.headers_mut() = headers;
        let added = Outgoing {
            host_added,
            close_added,
        };
        Ok((request, added))
    }

    /// Puts the headers of `unsent` back into `parts` as they were before [`Self::request`].
    pub(super) fn take_back(self, parts: &mut Parts, unsent: Request<ProxyBody>) {
        let (unsent, _body) = unsent.into_parts();
        parts.headers = unsent.headers;
        if self.host_added {
            parts.headers.remove(HOST);
        }
        if self.close_added {
            // The client's own Connection header was removed before (hop-by-hop).
            parts.headers.remove(CONNECTION);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::proxy::body::full_body;

    fn parts(uri: &str, headers: &[(&'static str, &'static str)]) -> Parts {
        let mut builder = Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    fn server() -> SocketAddr {
        "127.0.0.1:8080".parse().unwrap()
    }

    #[test]
    fn upstream_request_is_origin_form_and_keeps_host() {
        let mut parts = parts("http://public.example/a/b?x=1", &[]);
        let (request, _) =
            Outgoing::request(&mut parts, true, server(), full_body(""), true).unwrap();
        assert_eq!(request.uri(), "/a/b?x=1");
        assert_eq!(request.headers()[HOST], "public.example");
        assert_eq!(request.headers()[CONNECTION], "close");
    }

    #[test]
    fn a_kept_head_stays_and_a_moved_one_is_taken_back_as_it_was() {
        let mut kept = parts("/a", &[("x-one", "1")]);
        let (request, _) =
            Outgoing::request(&mut kept, true, server(), full_body(""), false).unwrap();
        assert_eq!(request.headers()["x-one"], "1");
        assert_eq!(kept.headers.len(), 1);

        let mut moved = parts("/a", &[("x-one", "1")]);
        let (request, added) =
            Outgoing::request(&mut moved, false, server(), full_body(""), true).unwrap();
        assert_eq!(request.headers()[HOST], "127.0.0.1:8080");
        assert!(moved.headers.is_empty());
        added.take_back(&mut moved, request);
        assert_eq!(moved.headers.len(), 1);
        assert_eq!(moved.headers["x-one"], "1");
    }

    #[test]
    fn only_connection_failures_are_retried_without_a_copy() {
        let mut retry_on = RetryOn::none();
        retry_on.conn_failure = true;
        assert!(!Outgoing::retried_after_sending(&retry_on));
        retry_on.statuses.push(503);
        assert!(Outgoing::retried_after_sending(&retry_on));
    }
}
