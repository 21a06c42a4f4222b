//! `errorfile <code> <file>`: a complete HTTP response, read once at load, that replaces the page
//! the proxy itself generates for one status (HAProxy's `errorfile`, configuration manual 4.2).
//!
//! The file is checked as HAProxy checks it: it must parse as an HTTP/1 response head followed
//! by its body, a `Content-Length` must match the body, and it must fit in HAProxy's default
//! buffer (16 kB). An empty file (HAProxy's `/dev/null` idiom) means closing the connection
//! without an answer; Switchyard supports that for 408 only.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The statuses HAProxy can generate, and so the codes `errorfile` accepts.
pub const ERROR_FILE_CODES: &[u16] = &[
    200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504,
];

/// The largest error file: HAProxy's default `tune.bufsize`.
pub const MAX_ERROR_FILE: usize = 16 * 1024;

/// The most header lines an error file may have.
const MAX_HEADERS: usize = 64;

/// One `errorfile` line with the response its file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorFile {
    /// The status this file replaces (`<code>`).
    pub code: u16,
    /// The file, as written (for messages).
    pub path: PathBuf,
    /// The response in the file. `None`: the file is empty, the connection is closed without an
    /// answer.
    pub answer: Option<ErrorAnswer>,
}

/// The response of an error file, as sent to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorAnswer {
    /// The status of the file's status line (usually `code`, but the file decides).
    pub status: u16,
    /// The reason phrase of the status line, as written.
    pub reason: String,
    /// The header lines, names as written, in order.
    pub headers: Vec<(String, String)>,
    /// The bytes after the blank line.
    pub body: Vec<u8>,
}

impl ErrorFile {
    /// Reads and checks `path` as the page for `code`; the error says what is wrong, naming the
    /// file.
    pub fn load(code: u16, path: &Path) -> Result<ErrorFile, String> {
        check_code(code)?;
        let content = std::fs::read(path)
            .map_err(|error| format!("cannot read '{}': {error}", path.display()))?;
        ErrorFile::parse(code, path, &content)
            .map_err(|problem| format!("'{}': {problem}", path.display()))
    }

    /// Checks `content`, the text of `path`, as the page for `code`.
    pub fn parse(code: u16, path: &Path, content: &[u8]) -> Result<ErrorFile, String> {
        check_code(code)?;
        if content.len() > MAX_ERROR_FILE {
            return Err(format!(
                "the file has {} bytes, more than the {MAX_ERROR_FILE} a response may have",
                content.len()
            ));
        }
        let answer = if content.is_empty() {
            if code != 408 {
                return Err(format!(
                    "an empty file (closing without an answer) is only supported for 408, not {code}"
                ));
            }
            None
        } else {
            Some(ErrorAnswer::parse(content)?)
        };
        Ok(ErrorFile {
            code,
            path: path.to_path_buf(),
            answer,
        })
    }
}

/// Whether `errorfile` can replace the page for `code`.
fn check_code(code: u16) -> Result<(), String> {
    if ERROR_FILE_CODES.contains(&code) {
        return Ok(());
    }
    Err(format!(
        "status code {code} cannot be customised (one of {})",
        ERROR_FILE_CODES
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

impl ErrorAnswer {
    fn parse(content: &[u8]) -> Result<ErrorAnswer, String> {
        let mut lines = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut lines);
        let head_len = match response.parse(content) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => {
                return Err("the response head does not end with a blank line".to_string())
            }
            Err(error) => return Err(format!("not a valid HTTP response: {error}")),
        };
        let status = response.code.unwrap_or_default();
        if status < 200 {
            return Err(format!(
                "invalid HTTP status code for an error page ({status})"
            ));
        }
        let mut headers = Vec::with_capacity(response.headers.len());
        let mut content_length = None;
        for header in response.headers.iter() {
            let value = std::str::from_utf8(header.value)
                .ok()
                .filter(|v| http::HeaderValue::from_str(v).is_ok())
                .ok_or_else(|| format!("header '{}' has an invalid value", header.name))?;
            if http::HeaderName::from_bytes(header.name.as_bytes()).is_err() {
                return Err(format!("'{}' is not a valid header name", header.name));
            }
            if header.name.eq_ignore_ascii_case("transfer-encoding") {
                return Err("a chunked (Transfer-Encoding) body is not supported".to_string());
            }
            if header.name.eq_ignore_ascii_case("content-length") {
                content_length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("invalid Content-Length '{value}'"))?,
                );
            }
            headers.push((header.name.to_string(), value.to_string()));
        }
        let body = content.get(head_len..).unwrap_or_default().to_vec();
        if let Some(announced) = content_length.filter(|&n| n != body.len()) {
            return Err(format!(
                "the body has {} bytes but Content-Length announces {announced}",
                body.len()
            ));
        }
        if (status == 204 || status == 304) && !body.is_empty() {
            return Err(format!("a {status} response cannot have a body"));
        }
        Ok(ErrorAnswer {
            status,
            reason: response.reason.unwrap_or_default().to_string(),
            headers,
            body,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(content: &str) -> Result<ErrorFile, String> {
        ErrorFile::parse(503, Path::new("503.http"), content.as_bytes())
    }

    #[test]
    fn a_debian_style_page_keeps_its_status_line_headers_and_body() {
        let file = parse(
            "HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\n\
             Connection: close\r\nContent-Type: text/html\r\n\r\n<html>down</html>\n",
        )
        .unwrap();
        let answer = file.answer.unwrap();
        assert_eq!(answer.status, 503);
        assert_eq!(answer.reason, "Service Unavailable");
        assert_eq!(
            answer.headers[0],
            ("Cache-Control".into(), "no-cache".into())
        );
        assert_eq!(answer.headers.len(), 3);
        assert_eq!(answer.body, b"<html>down</html>\n");
    }

    #[test]
    fn an_empty_file_closes_without_an_answer_for_408_only() {
        let file = ErrorFile::parse(408, Path::new("/dev/null"), b"").unwrap();
        assert_eq!(file.answer, None);
        assert!(parse("").unwrap_err().contains("only supported for 408"));
    }

    #[test]
    fn broken_files_are_refused_with_the_reason() {
        let no_end = parse("HTTP/1.0 503 Down\r\nX: y\r\n").unwrap_err();
        assert!(no_end.contains("blank line"), "{no_end}");
        let html = parse("<html>hello</html>\r\n\r\n").unwrap_err();
        assert!(html.contains("not a valid HTTP response"), "{html}");
        let length = parse("HTTP/1.1 503 Down\r\nContent-Length: 10\r\n\r\nabc").unwrap_err();
        assert!(length.contains("Content-Length announces 10"), "{length}");
        let informational = parse("HTTP/1.1 100 Continue\r\n\r\n").unwrap_err();
        assert!(informational.contains("status code"), "{informational}");
    }

    #[test]
    fn only_haproxys_codes_and_small_files_are_accepted() {
        let page = "HTTP/1.1 302 Found\r\n\r\n";
        let code = ErrorFile::parse(302, Path::new("x"), page.as_bytes()).unwrap_err();
        assert!(code.contains("302 cannot be customised"), "{code}");
        let big = format!("HTTP/1.1 503 Down\r\n\r\n{}", "x".repeat(MAX_ERROR_FILE));
        assert!(parse(&big).unwrap_err().contains("more than the 16384"));
    }
}
