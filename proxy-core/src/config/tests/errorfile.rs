//! `errorfile <code> <file>`: read at load, inherited from `defaults`, refused with file:line.

use super::*;
use std::io::Write;

/// A temporary error file holding `content`.
fn page(content: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content.as_bytes()).unwrap();
    file
}

const PAGE_503: &str = "HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\n\
                        Content-Type: text/html\r\n\r\n<h1>down</h1>\n";

#[test]
fn errorfiles_in_defaults_are_inherited_and_a_proxy_line_replaces_its_code() {
    let defaults_503 = page(PAGE_503);
    let backend_503 = page("HTTP/1.1 503 Backend Down\r\nX-Page: backend\r\n\r\n");
    let defaults_403 = page("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno");
    let text = format!(
        "defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n\
         \x20 errorfile 503 {}\n  errorfile 403 {}\n\
         frontend f\n  bind 127.0.0.1:8080\n  default_backend b\n\
         backend b\n  errorfile 503 {}\n  server s1 127.0.0.1:9001\n",
        defaults_503.path().display(),
        defaults_403.path().display(),
        backend_503.path().display(),
    );
    let config = config_of(&text);
    let front = &config.frontends[0].http.error_files;
    assert_eq!(front.iter().map(|f| f.code).collect::<Vec<_>>(), [503, 403]);
    let answer = front[0].answer.as_ref().unwrap();
    assert_eq!(
        (answer.status, answer.reason.as_str()),
        (503, "Service Unavailable")
    );
    assert_eq!(answer.body, b"<h1>down</h1>\n");
    let back = &config.backends[0].http.error_files;
    assert_eq!(back.iter().map(|f| f.code).collect::<Vec<_>>(), [403, 503]);
    assert_eq!(back[1].path, backend_503.path());
    assert_eq!(back[1].answer.as_ref().unwrap().reason, "Backend Down");
}

#[test]
fn unreadable_invalid_or_unknown_code_errorfiles_are_refused_with_file_and_line() {
    let html = page("<html>sorry</html>\n");
    let good = page(PAGE_503);
    let cases = [
        (
            "errorfile 503 /no/such.http".to_string(),
            "t.cfg:8: 'errorfile': cannot read '/no/such.http': No such file or directory \
             (os error 2) (in 'frontend f' section)"
                .to_string(),
        ),
        (
            format!("errorfile 503 {}", html.path().display()),
            format!(
                "t.cfg:8: 'errorfile': '{}': not a valid HTTP response: invalid HTTP version \
                 (in 'frontend f' section)",
                html.path().display()
            ),
        ),
        (
            format!("errorfile 302 {}", good.path().display()),
            "t.cfg:8: 'errorfile': status code 302 cannot be customised".to_string(),
        ),
        (
            "errorfile 503".to_string(),
            "t.cfg:8: 'errorfile': expects <code> <file>".to_string(),
        ),
    ];
    for (line, message) in cases {
        let errors = errors_of(&proxies(&format!("  {line}"), ""));
        assert!(errors[0].starts_with(&message), "{line}: {errors:?}");
    }
}
