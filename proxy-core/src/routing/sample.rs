//! Sample fetches: taking `path`, `url`, `method`, `src`, `hdr(<name>)`, `url_param(<name>)`
//! and `ssl_fc` from a request (HAProxy configuration manual 7.3.4 and 7.3.6).
//!
//! An ACL looks at every value a fetch yields and matches when any does, so a fetch is an
//! iteration: `hdr()` yields each comma-separated value of each line of the header (commas inside
//! double quotes do not split), and `url_param()` each occurrence of the parameter. A log-format
//! string wants a single value: the last one for `hdr()`, the first for `url_param()`, as in
//! HAProxy.

use super::network::ip_text;
use super::{RequestInfo, RoutingError};
use crate::model::Fetch;
use http::header::{HeaderName, HOST};
use std::net::IpAddr;

/// One value taken from a request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sample<'a> {
    /// Text (bytes, since header values may hold non-UTF-8 octets).
    Text(&'a [u8]),
    /// The client address (`src`).
    Ip(IpAddr),
}

/// A [`Fetch`] with its header name parsed once.
#[derive(Debug, Clone)]
pub(crate) enum SampleFetch {
    Path,
    Url,
    Method,
    Src,
    Hdr(HeaderName),
    UrlParam(String),
    SslFc,
}

impl SampleFetch {
    /// Prepares `fetch` for evaluation.
    pub(crate) fn compile(fetch: &Fetch) -> Result<SampleFetch, RoutingError> {
        Ok(match fetch {
            Fetch::Path => SampleFetch::Path,
            Fetch::Url => SampleFetch::Url,
            Fetch::Method => SampleFetch::Method,
            Fetch::Src => SampleFetch::Src,
            Fetch::Hdr(name) => SampleFetch::Hdr(header_name(name)?),
            Fetch::UrlParam(name) => SampleFetch::UrlParam(name.clone()),
            Fetch::SslFc => SampleFetch::SslFc,
        })
    }

    /// Calls `visit` with each sample of `req` until it returns `true`; says whether one did.
    pub(crate) fn any(
        &self,
        req: &RequestInfo<'_>,
        mut visit: impl FnMut(Sample<'_>) -> bool,
    ) -> bool {
        match self {
            SampleFetch::Path => visit(Sample::Text(req.uri.path().as_bytes())),
            SampleFetch::Url => match origin_form(req.uri) {
                Some(target) => visit(Sample::Text(target.as_bytes())),
                // Absolute- and authority-form targets are not stored contiguously by `http::Uri`.
                None => visit(Sample::Text(req.uri.to_string().as_bytes())),
            },
            SampleFetch::Method => visit(Sample::Text(req.method.as_str().as_bytes())),
            SampleFetch::Src => visit(Sample::Ip(req.client.ip())),
            SampleFetch::Hdr(name) => header_values(req, name).any(|v| visit(Sample::Text(v))),
            SampleFetch::UrlParam(name) => {
                url_param_values(req.uri, name).any(|v| visit(Sample::Text(v)))
            }
            SampleFetch::SslFc => req.tls && visit(Sample::Text(b"1")),
        }
    }

    /// Appends the single value a log-format string shows to `out`; nothing when the sample is
    /// missing.
    pub(crate) fn render(&self, req: &RequestInfo<'_>, out: &mut Vec<u8>) {
        match self {
            SampleFetch::Src => out.extend_from_slice(ip_text(req.client.ip(), &mut [0; 48])),
            SampleFetch::Hdr(name) => {
                if let Some(last) = header_values(req, name).last() {
                    out.extend_from_slice(last);
                }
            }
            SampleFetch::UrlParam(name) => {
                if let Some(first) = url_param_values(req.uri, name).next() {
                    out.extend_from_slice(first);
                }
            }
            SampleFetch::SslFc => out.push(if req.tls { b'1' } else { b'0' }),
            SampleFetch::Path | SampleFetch::Url | SampleFetch::Method => {
                self.any(req, |sample| {
                    if let Sample::Text(text) = sample {
                        out.extend_from_slice(text);
                    }
                    true
                });
            }
        }
    }
}

/// Parses a header name from the configuration.
pub(crate) fn header_name(name: &str) -> Result<HeaderName, RoutingError> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| RoutingError::InvalidHeaderName {
        name: name.to_owned(),
    })
}

/// The request target when it is in origin form (`/path?query`, or `*`), borrowed.
fn origin_form(uri: &http::Uri) -> Option<&str> {
    if uri.scheme().is_some() || uri.authority().is_some() {
        return None;
    }
    Some(uri.path_and_query().map_or("", |pq| pq.as_str()))
}

/// Every comma-separated value of every `name` line, trimmed. An HTTP/2 request carries its host
/// in `:authority` rather than a `Host` line; HAProxy turns one into the other, so `hdr(host)`
/// falls back to the authority here.
fn header_values<'r>(
    req: &RequestInfo<'r>,
    name: &HeaderName,
) -> impl Iterator<Item = &'r [u8]> + 'r {
    let headers = req.headers;
    let authority = match (name == HOST, headers.contains_key(HOST)) {
        (true, false) => req.uri.authority().map(|a| a.as_str().as_bytes()),
        _ => None,
    };
    headers
        .get_all(name)
        .into_iter()
        .flat_map(|line| CommaValues {
            rest: Some(line.as_bytes()),
        })
        .chain(authority)
}

/// Splits a header line on commas outside double-quoted strings, trimming spaces and tabs.
struct CommaValues<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for CommaValues<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let text = self.rest?;
        let end = value_end(text);
        self.rest = text.get(end + 1..);
        text.get(..end).map(trim_ows)
    }
}

/// Index of the comma that ends the first value of `text`, or `text.len()`.
fn value_end(text: &[u8]) -> usize {
    let mut quoted = false;
    let mut escaped = false;
    for (i, &byte) in text.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if quoted {
            match byte {
                b'\\' => escaped = true,
                b'"' => quoted = false,
                _ => {}
            }
        } else if byte == b'"' {
            quoted = true;
        } else if byte == b',' {
            return i;
        }
    }
    text.len()
}

fn trim_ows(text: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = text.iter().position(|b| !is_ows(b)).unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &text[start..end]
}

/// The value of each `name=value` pair of the query string, in order.
fn url_param_values<'u>(uri: &'u http::Uri, name: &'u str) -> impl Iterator<Item = &'u [u8]> + 'u {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter_map(move |pair| pair.strip_prefix(name)?.strip_prefix('='))
        .map(str::as_bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::routing::test_support::Req;

    fn all(fetch: Fetch, req: &Req) -> Vec<String> {
        let fetch = SampleFetch::compile(&fetch).unwrap();
        let mut seen = Vec::new();
        fetch.any(&req.info(), |s| {
            seen.push(match s {
                Sample::Text(t) => String::from_utf8_lossy(t).into_owned(),
                Sample::Ip(ip) => ip.to_string(),
            });
            false
        });
        seen
    }

    fn rendered(fetch: Fetch, req: &Req) -> String {
        let mut out = Vec::new();
        SampleFetch::compile(&fetch)
            .unwrap()
            .render(&req.info(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn path_excludes_the_query_and_url_keeps_it() {
        let req = Req::get("/a/b?x=1");
        assert_eq!(all(Fetch::Path, &req), ["/a/b"]);
        assert_eq!(all(Fetch::Url, &req), ["/a/b?x=1"]);
    }

    #[test]
    fn url_of_absolute_form_request_is_the_whole_target() {
        let req = Req::get("http://example.com:8080/p?q=1");
        assert_eq!(all(Fetch::Url, &req), ["http://example.com:8080/p?q=1"]);
        assert_eq!(all(Fetch::Path, &req), ["/p"]);
    }

    #[test]
    fn hdr_yields_each_comma_value_of_each_line_trimmed() {
        let req = Req::get("/")
            .header("x-list", "a, b ,c")
            .header("x-list", "d");
        assert_eq!(all(Fetch::Hdr("x-list".into()), &req), ["a", "b", "c", "d"]);
    }

    #[test]
    fn hdr_does_not_split_inside_quotes() {
        let req = Req::get("/").header("x-q", r#""a,b", "c\",d", e"#);
        assert_eq!(
            all(Fetch::Hdr("x-q".into()), &req),
            [r#""a,b""#, r#""c\",d""#, "e"]
        );
    }

    #[test]
    fn hdr_of_empty_header_yields_one_empty_value() {
        let req = Req::get("/").header("x-empty", "");
        assert_eq!(all(Fetch::Hdr("x-empty".into()), &req), [""]);
    }

    #[test]
    fn hdr_host_falls_back_to_the_authority_of_an_http2_request() {
        let req = Req::get("https://h2.example:8443/");
        assert_eq!(all(Fetch::Hdr("host".into()), &req), ["h2.example:8443"]);
        let with_host = Req::get("https://h2.example/").header("host", "other.example");
        assert_eq!(
            all(Fetch::Hdr("host".into()), &with_host),
            ["other.example"]
        );
    }

    #[test]
    fn url_param_yields_every_occurrence_and_needs_an_equal_sign() {
        let req = Req::get("/p?id=1&idx=9&id=2&id&x=id=3");
        assert_eq!(all(Fetch::UrlParam("id".into()), &req), ["1", "2"]);
    }

    #[test]
    fn render_takes_last_header_value_and_first_url_param() {
        let req = Req::get("/?u=first&u=second")
            .header("x-f", "1.1.1.1, 2.2.2.2")
            .header("x-f", "3.3.3.3");
        assert_eq!(rendered(Fetch::Hdr("x-f".into()), &req), "3.3.3.3");
        assert_eq!(rendered(Fetch::UrlParam("u".into()), &req), "first");
    }

    #[test]
    fn render_of_missing_sample_is_empty() {
        let req = Req::get("/");
        assert_eq!(rendered(Fetch::Hdr("x-none".into()), &req), "");
        assert_eq!(rendered(Fetch::UrlParam("u".into()), &req), "");
    }

    #[test]
    fn render_of_src_method_path() {
        let req = Req::post("/x?y").from("[::ffff:192.0.2.4]:5000");
        assert_eq!(rendered(Fetch::Src, &req), "192.0.2.4");
        assert_eq!(rendered(Fetch::Method, &req), "POST");
        assert_eq!(rendered(Fetch::Path, &req), "/x");
    }

    #[test]
    fn invalid_header_name_is_rejected_by_name() {
        let err = SampleFetch::compile(&Fetch::Hdr("bad name".into())).unwrap_err();
        assert!(err.to_string().contains("'bad name'"), "{err}");
    }
}
