//! An HTTP check compiled from `option httpchk` and its `http-check send|expect` lines: the
//! request to send and the expectations the response must meet.
//!
//! HAProxy 2.6 semantics: `http-check send` overrides the method, URI, version and adds headers;
//! every `http-check expect` must pass; without one, a status from 200 to 399 passes. A failed
//! status expectation reports `L7STS` with the code; a failed body expectation `L7RSP`.

use crate::model::{HealthCheck, HttpCheckRule};
use crate::runtime::CheckStatus;
use regex::Regex;

/// Why an HTTP check does not compile.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpCheckError {
    /// A `rstatus`/`rstring` pattern is not a valid regular expression.
    #[error("'http-check expect {kind}': invalid regex '{pattern}'")]
    Regex {
        /// `rstatus` or `rstring`.
        kind: String,
        /// The pattern.
        pattern: String,
    },
    /// A `status` pattern is not a list of codes or ranges.
    #[error("'http-check expect status': invalid status list '{0}'")]
    Status(String),
    /// An expectation kind other than `status`, `rstatus`, `string`, `rstring`.
    #[error("'http-check expect {0}' is not supported yet")]
    Kind(String),
    /// The method or a header cannot be sent.
    #[error("'option httpchk': invalid method or header")]
    Request,
}

/// The request an HTTP check sends.
#[derive(Debug, Clone)]
pub(crate) struct CheckRequest {
    pub(crate) method: http::Method,
    pub(crate) uri: String,
    pub(crate) version: http::Version,
    pub(crate) headers: http::HeaderMap,
}

#[derive(Debug)]
enum Test {
    Status(Vec<(u16, u16)>),
    RStatus(Regex),
    String(String),
    RString(Regex),
}

#[derive(Debug)]
struct Expect {
    negated: bool,
    test: Test,
}

/// A compiled HTTP check.
#[derive(Debug)]
pub(crate) struct HttpCheck {
    pub(crate) request: CheckRequest,
    expects: Vec<Expect>,
}

impl HttpCheck {
    /// Compiles `check`.
    pub(crate) fn compile(check: &HealthCheck) -> Result<HttpCheck, HttpCheckError> {
        let mut method = check.method.clone();
        let mut uri = check.uri.clone();
        let mut version = check.version.clone();
        let mut header_lines = check.headers.clone();
        let mut expects = Vec::new();
        for rule in &check.rules {
            match rule {
                HttpCheckRule::Send {
                    method: m,
                    uri: u,
                    version: v,
                    headers,
                } => {
                    method = m.clone().unwrap_or(method);
                    uri = u.clone().unwrap_or(uri);
                    version = v.clone().unwrap_or(version);
                    header_lines.extend(headers.iter().cloned());
                }
                HttpCheckRule::Expect {
                    negated,
                    kind,
                    pattern,
                } => expects.push(Expect {
                    negated: *negated,
                    test: compile_test(kind, pattern)?,
                }),
            }
        }
        let mut headers = http::HeaderMap::new();
        for (name, value) in header_lines {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| HttpCheckError::Request)?;
            let value = http::HeaderValue::from_str(&value).map_err(|_| HttpCheckError::Request)?;
            headers.append(name, value);
        }
        let request = CheckRequest {
            method: http::Method::from_bytes(method.as_bytes())
                .map_err(|_| HttpCheckError::Request)?,
            uri,
            version: if version.eq_ignore_ascii_case("HTTP/1.0") {
                http::Version::HTTP_10
            } else {
                http::Version::HTTP_11
            },
            headers,
        };
        Ok(HttpCheck { request, expects })
    }

    /// Whether the response body is needed to judge the response.
    pub(crate) fn needs_body(&self) -> bool {
        self.expects
            .iter()
            .any(|e| matches!(e.test, Test::String(_) | Test::RString(_)))
    }

    /// Judges a response: the status and description to report.
    pub(crate) fn judge(&self, status: u16, body: &[u8]) -> (CheckStatus, String) {
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_string();
        if self.expects.is_empty() {
            let passed = (200..400).contains(&status);
            let result = if passed {
                CheckStatus::L7Ok
            } else {
                CheckStatus::L7Status
            };
            return (result, reason);
        }
        let text = String::from_utf8_lossy(body);
        for expect in &self.expects {
            let (matched, on_failure, what) = match &expect.test {
                Test::Status(ranges) => (
                    ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&status)),
                    CheckStatus::L7Status,
                    "status",
                ),
                Test::RStatus(re) => (
                    re.is_match(&status.to_string()),
                    CheckStatus::L7Status,
                    "status",
                ),
                Test::String(s) => (
                    text.contains(s.as_str()),
                    CheckStatus::L7Response,
                    "content",
                ),
                Test::RString(re) => (re.is_match(&text), CheckStatus::L7Response, "content"),
            };
            if matched == expect.negated {
                let desc = if what == "status" {
                    reason
                } else {
                    "HTTP content check did not match".to_string()
                };
                return (on_failure, desc);
            }
        }
        (CheckStatus::L7Ok, reason)
    }
}

fn compile_test(kind: &str, pattern: &str) -> Result<Test, HttpCheckError> {
    let regex = || {
        Regex::new(pattern).map_err(|_| HttpCheckError::Regex {
            kind: kind.to_string(),
            pattern: pattern.to_string(),
        })
    };
    Ok(match kind {
        "status" => Test::Status(status_ranges(pattern)?),
        "rstatus" => Test::RStatus(regex()?),
        "string" => Test::String(pattern.to_string()),
        "rstring" => Test::RString(regex()?),
        other => return Err(HttpCheckError::Kind(other.to_string())),
    })
}

/// `200`, `200,302` or `200-399,404`.
fn status_ranges(pattern: &str) -> Result<Vec<(u16, u16)>, HttpCheckError> {
    let bad = || HttpCheckError::Status(pattern.to_string());
    pattern
        .split(',')
        .map(|part| {
            let (lo, hi) = part.split_once('-').unwrap_or((part, part));
            let lo: u16 = lo.trim().parse().map_err(|_| bad())?;
            let hi: u16 = hi.trim().parse().map_err(|_| bad())?;
            Ok((lo, hi))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check(rules: Vec<HttpCheckRule>) -> HttpCheck {
        HttpCheck::compile(&HealthCheck {
            method: "OPTIONS".into(),
            uri: "/".into(),
            version: "HTTP/1.0".into(),
            headers: vec![],
            rules,
        })
        .unwrap()
    }

    fn expect(negated: bool, kind: &str, pattern: &str) -> HttpCheckRule {
        HttpCheckRule::Expect {
            negated,
            kind: kind.into(),
            pattern: pattern.into(),
        }
    }

    #[test]
    fn without_expect_2xx_and_3xx_pass() {
        let check = check(vec![]);
        assert_eq!(check.judge(204, b"").0, CheckStatus::L7Ok);
        assert_eq!(check.judge(302, b"").0, CheckStatus::L7Ok);
        assert_eq!(
            check.judge(500, b""),
            (CheckStatus::L7Status, "Internal Server Error".to_string())
        );
    }

    #[test]
    fn status_lists_ranges_and_negation() {
        let check = check(vec![expect(false, "status", "200,404-405")]);
        assert_eq!(check.judge(404, b"").0, CheckStatus::L7Ok);
        assert_eq!(check.judge(301, b"").0, CheckStatus::L7Status);
        let not_5xx = self::check(vec![expect(true, "rstatus", "^5")]);
        assert_eq!(not_5xx.judge(404, b"").0, CheckStatus::L7Ok);
        assert_eq!(not_5xx.judge(503, b"").0, CheckStatus::L7Status);
    }

    #[test]
    fn body_expectations_report_l7rsp() {
        let check = check(vec![expect(false, "string", "ready")]);
        assert!(check.needs_body());
        assert_eq!(check.judge(200, b"all ready").0, CheckStatus::L7Ok);
        assert_eq!(check.judge(200, b"starting").0, CheckStatus::L7Response);
    }

    #[test]
    fn send_overrides_the_request_line_and_adds_headers() {
        let check = check(vec![HttpCheckRule::Send {
            method: Some("GET".into()),
            uri: Some("/health".into()),
            version: Some("HTTP/1.1".into()),
            headers: vec![("Host".into(), "app.example".into())],
        }]);
        assert_eq!(check.request.method, http::Method::GET);
        assert_eq!(check.request.uri, "/health");
        assert_eq!(check.request.version, http::Version::HTTP_11);
        assert_eq!(check.request.headers["host"], "app.example");
    }
}
