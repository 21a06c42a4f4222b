//! The `errorfile` pages of one proxy, ready to send (HAProxy's `errorfile`).
//!
//! A page keeps the file's status, reason phrase, header lines and body. When the proxy answers
//! a status itself (503 no server, 502, 504, a `deny`...), the backend's page for it is used
//! when the backend is known, else the frontend's, else the built-in page, as HAProxy does.

use super::error::error_page;
use super::{full_body, ProxyBody};
use crate::model::{ErrorAnswer, ErrorFile};
use crate::routing::RoutingError;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};
use hyper::ext::ReasonPhrase;

/// The pages of one proxy's `errorfile` lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct ErrorPages {
    pages: Vec<(u16, Page)>,
}

/// One page; `None` closes the connection without an answer (an empty file, 408 only).
#[derive(Debug, Clone)]
struct Page {
    answer: Option<CompiledAnswer>,
}

#[derive(Debug, Clone)]
struct CompiledAnswer {
    status: StatusCode,
    reason: Option<ReasonPhrase>,
    headers: HeaderMap,
    body: Bytes,
    /// The whole response as written on the connection, for the 408 and 400 a listener sends
    /// before any request is read.
    raw: Bytes,
}

impl ErrorPages {
    /// Compiles `files`; fails only on a model not checked by [`ErrorFile::load`].
    pub(crate) fn compile(files: &[ErrorFile]) -> Result<ErrorPages, RoutingError> {
        let pages = files
            .iter()
            .map(|file| {
                let answer = file.answer.as_ref().map(CompiledAnswer::of).transpose()?;
                Ok((file.code, Page { answer }))
            })
            .collect::<Result<_, RoutingError>>()?;
        Ok(ErrorPages { pages })
    }

    fn page(&self, status: StatusCode) -> Option<&Page> {
        let code = status.as_u16();
        self.pages.iter().find(|(c, _)| *c == code).map(|(_, p)| p)
    }

    /// The bytes written to a malformed request: the `errorfile 400` page as is, or the
    /// built-in page.
    pub(crate) fn bad_request_bytes(&self) -> Bytes {
        self.page(StatusCode::BAD_REQUEST)
            .and_then(|page| page.answer.as_ref())
            .map_or_else(
                || builtin_closing(StatusCode::BAD_REQUEST),
                |answer| answer.raw.clone(),
            )
    }

    /// The bytes written when `timeout http-request` elapses: the `errorfile 408` page as is,
    /// nothing for an empty file, or the built-in page.
    pub(crate) fn request_timeout_bytes(&self) -> Bytes {
        match self.page(StatusCode::REQUEST_TIMEOUT) {
            Some(page) => page
                .answer
                .as_ref()
                .map_or_else(Bytes::new, |answer| answer.raw.clone()),
            None => builtin_closing(StatusCode::REQUEST_TIMEOUT),
        }
    }
}

impl CompiledAnswer {
    fn of(answer: &ErrorAnswer) -> Result<CompiledAnswer, RoutingError> {
        let status =
            StatusCode::from_u16(answer.status).map_err(|_| RoutingError::InvalidStatus {
                status: answer.status,
            })?;
        let mut headers = HeaderMap::with_capacity(answer.headers.len());
        let mut raw = format!("HTTP/1.1 {} {}\r\n", status.as_u16(), answer.reason);
        for (name, value) in &answer.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| RoutingError::InvalidHeaderName { name: name.clone() })?;
            let value_bytes =
                HeaderValue::from_str(value).map_err(|_| RoutingError::InvalidHeaderValue {
                    value: value.clone(),
                })?;
            headers.append(header, value_bytes);
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str("\r\n");
        let mut raw = raw.into_bytes();
        raw.extend_from_slice(&answer.body);
        let reason = Some(answer.reason.as_str())
            .filter(|reason| status.canonical_reason() != Some(*reason))
            .and_then(|reason| ReasonPhrase::try_from(reason.as_bytes()).ok());
        Ok(CompiledAnswer {
            status,
            reason,
            headers,
            body: Bytes::copy_from_slice(&answer.body),
            raw: Bytes::from(raw),
        })
    }

    fn response(&self) -> Response<ProxyBody> {
        let mut response = Response::new(full_body(self.body.clone()));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        if let Some(reason) = &self.reason {
            response.extensions_mut().insert(reason.clone());
        }
        response
    }
}

/// The `errorfile` page for `status` of the first of `pages` (backend first, then frontend)
/// that has one. `None` also when that page is an empty file, which is not an HTTP response.
pub(crate) fn custom_page(
    status: StatusCode,
    pages: &[&ErrorPages],
) -> Option<Response<ProxyBody>> {
    pages
        .iter()
        .find_map(|pages| pages.page(status))
        .and_then(|page| page.answer.as_ref())
        .map(CompiledAnswer::response)
}

/// The answer for `status` the proxy generated itself: the `errorfile` page of the first of
/// `pages` that has one, else the built-in page.
pub(crate) fn page_for(status: StatusCode, pages: &[&ErrorPages]) -> Response<ProxyBody> {
    custom_page(status, pages).unwrap_or_else(|| error_page(status))
}

/// The built-in page for `status` as written on a connection that closes after it.
fn builtin_closing(status: StatusCode) -> Bytes {
    let body = super::error_html(status);
    Bytes::from(format!(
        "HTTP/1.1 {} {}\r\ncontent-length: {}\r\ncache-control: no-cache\r\n\
         content-type: text/html\r\nconnection: close\r\n\r\n{}",
        status.as_str(),
        status.canonical_reason().unwrap_or_default(),
        body.len(),
        body
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use std::path::Path;

    fn pages(code: u16, content: &str) -> ErrorPages {
        let file = ErrorFile::parse(code, Path::new("x.http"), content.as_bytes()).unwrap();
        ErrorPages::compile(&[file]).unwrap()
    }

    #[tokio::test]
    async fn the_backend_page_wins_over_the_frontend_page() {
        let backend = pages(503, "HTTP/1.0 503 Backend Down\r\nX-Page: be\r\n\r\nbe");
        let frontend = pages(503, "HTTP/1.0 503 Frontend Down\r\nX-Page: fe\r\n\r\nfe");
        let response = page_for(StatusCode::SERVICE_UNAVAILABLE, &[&backend, &frontend]);
        assert_eq!(response.headers()["x-page"], "be");
        let reason = response.extensions().get::<ReasonPhrase>().unwrap();
        assert_eq!(reason.as_bytes(), b"Backend Down");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "be");
        let builtin = page_for(StatusCode::BAD_GATEWAY, &[&backend, &frontend]);
        assert_eq!(builtin.headers()["content-type"], "text/html");
    }

    #[test]
    fn the_408_page_is_written_as_the_file_has_it_or_not_at_all() {
        let custom = pages(408, "HTTP/1.0 408 Slow\r\nConnection: close\r\n\r\nslow");
        assert_eq!(
            custom.request_timeout_bytes(),
            "HTTP/1.1 408 Slow\r\nConnection: close\r\n\r\nslow"
        );
        let silent = ErrorFile::parse(408, Path::new("/dev/null"), b"").unwrap();
        let silent = ErrorPages::compile(&[silent]).unwrap();
        assert!(silent.request_timeout_bytes().is_empty());
        assert!(ErrorPages::default()
            .request_timeout_bytes()
            .starts_with(b"HTTP/1.1 408 Request Timeout\r\n"));
    }
}
