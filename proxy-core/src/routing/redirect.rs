//! `redirect` and `http-request redirect` (configuration manual 4.2, "redirect"): the 30x
//! answer and its `Location`, built as HAProxy's `http_apply_redirect_rule()` builds it.
//!
//! - `location <url>`: the URL as rendered.
//! - `prefix <p>`: `p` then the request's path and query (`/` adds nothing, so that
//!   `redirect prefix /` sends a client back to the same path).
//! - `scheme <s>`: `s://` then the request's `Host` header, path and query.
//!
//! The answer has no body (`content-length: 0`); a 302, 303 or 307 also gets
//! `cache-control: no-cache`.

use super::log_format::ValueFormat;
use super::{RequestInfo, RoutingError};
use crate::model::{self, RedirectTarget};
use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_LENGTH, HOST, LOCATION};
use http::{HeaderValue, Response, StatusCode};

/// A compiled `redirect`.
#[derive(Debug, Clone)]
pub(crate) struct Redirect {
    kind: Kind,
    to: ValueFormat,
    status: StatusCode,
    drop_query: bool,
    append_slash: bool,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Location,
    Prefix,
    Scheme,
}

impl Redirect {
    /// Compiles `redirect`.
    pub(crate) fn compile(redirect: &model::Redirect) -> Result<Redirect, RoutingError> {
        let (kind, to) = match &redirect.target {
            RedirectTarget::Location(to) => (Kind::Location, to),
            RedirectTarget::Prefix(to) => (Kind::Prefix, to),
            RedirectTarget::Scheme(to) => (Kind::Scheme, to),
        };
        let status =
            StatusCode::from_u16(redirect.code).map_err(|_| RoutingError::InvalidStatus {
                status: redirect.code,
            })?;
        Ok(Redirect {
            kind,
            to: ValueFormat::compile(to)?,
            status,
            drop_query: redirect.drop_query,
            append_slash: redirect.append_slash,
        })
    }

    /// The answer to `req`; `None` when its location is not a valid header value.
    pub(crate) fn response(&self, req: &RequestInfo<'_>) -> Option<Response<Bytes>> {
        let location = self.location(req)?;
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        headers.insert(LOCATION, location);
        if matches!(self.status.as_u16(), 302 | 303 | 307) {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        Some(response)
    }

    fn location(&self, req: &RequestInfo<'_>) -> Option<HeaderValue> {
        let to = self.to.render(req)?;
        let to = to.to_str().ok()?;
        let mut location = match self.kind {
            Kind::Location => to.to_owned(),
            Kind::Prefix if to == "/" => self.path(req).to_owned(),
            Kind::Prefix => format!("{to}{}", self.path(req)),
            Kind::Scheme => {
                let host = req
                    .headers
                    .get(HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or_default();
                format!("{to}://{host}{}", self.path(req))
            }
        };
        if self.append_slash && !matches!(self.kind, Kind::Location) && !location.ends_with('/') {
            location.push('/');
        }
        HeaderValue::from_str(&location).ok()
    }

    /// The request's path and query (`/` when it has none), without the query with
    /// `drop-query`.
    fn path<'r>(&self, req: &'r RequestInfo<'_>) -> &'r str {
        let path = req.uri.path_and_query().map_or("/", |pq| pq.as_str());
        match (self.drop_query, path.split_once('?')) {
            (true, Some((path, _))) => path,
            _ => path,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Fetch, FormatPart, LogFormat};

    fn answer(target: RedirectTarget, code: u16, drop_query: bool, uri: &str) -> Response<Bytes> {
        let redirect = model::Redirect {
            target,
            code,
            drop_query,
            append_slash: false,
        };
        let request = http::Request::get(uri)
            .header("host", "www.example.com")
            .body(())
            .unwrap();
        let (parts, ()) = request.into_parts();
        let peer = super::super::Peer::plain("192.0.2.1:5000".parse().unwrap());
        let info = RequestInfo::from_parts(&parts, peer);
        Redirect::compile(&redirect)
            .unwrap()
            .response(&info)
            .unwrap()
    }

    fn text(value: &str) -> LogFormat {
        LogFormat::literal(value)
    }

    #[test]
    fn scheme_keeps_host_path_and_query() {
        let response = answer(RedirectTarget::Scheme(text("https")), 302, false, "/a?b=1");
        assert_eq!(response.status(), 302);
        assert_eq!(
            response.headers()["location"],
            "https://www.example.com/a?b=1"
        );
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert_eq!(response.headers()["content-length"], "0");
    }

    #[test]
    fn prefix_slash_adds_nothing_and_drop_query_drops_the_query() {
        let response = answer(RedirectTarget::Prefix(text("/")), 301, true, "/a?b=1");
        assert_eq!(response.status(), 301);
        assert_eq!(response.headers()["location"], "/a");
        assert!(response.headers().get("cache-control").is_none());
        let response = answer(RedirectTarget::Prefix(text("/v2")), 308, false, "/a?b=1");
        assert_eq!(response.headers()["location"], "/v2/a?b=1");
    }

    #[test]
    fn location_is_used_as_rendered() {
        let target = RedirectTarget::Location(LogFormat {
            parts: vec![
                FormatPart::Text("https://login.example.com/?from=".into()),
                FormatPart::Sample(Fetch::Path),
            ],
        });
        let response = answer(target, 303, false, "/private");
        assert_eq!(
            response.headers()["location"],
            "https://login.example.com/?from=/private"
        );
    }
}
