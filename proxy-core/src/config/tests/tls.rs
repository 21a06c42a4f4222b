//! `bind ... ssl crt <file>` and its companions.

use super::*;

/// The frontend lines of a configuration binding `options` after `127.0.0.1:8443`.
fn tls_bind(options: &str) -> String {
    proxies(&format!("  bind 127.0.0.1:8443 {options}"), "")
}

#[test]
fn ssl_crt_makes_a_tls_bind_and_alpn_h2_is_left_out_with_a_warning() {
    let crt = tempfile::NamedTempFile::new().unwrap();
    let path = crt.path().display();
    let text = tls_bind(&format!("ssl crt {path} alpn h2,http/1.1"));
    let config = load_ok(&text).config;
    let binds = &config.frontends[0].binds;
    assert_eq!(binds[0].tls, None);
    let tls = binds[1].tls.as_ref().unwrap();
    assert_eq!(tls.certificate, crt.path());
    assert_eq!(
        warnings_of(&text),
        ["t.cfg:8: 'bind ... alpn h2': HTTP/2 is not supported yet; TLS clients are offered http/1.1 only (in 'frontend f' section)"]
    );
}

#[test]
fn incomplete_or_unsupported_tls_binds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("ssl", "'bind ... ssl': needs 'crt <file>' on the same line"),
        ("crt /x.pem", "'bind ... crt': needs 'ssl' on the same line"),
        (
            "ssl crt /no/such.pem",
            "'bind ... crt': cannot read '/no/such.pem': No such file or directory (os error 2)",
        ),
        (
            "ssl alpn spdy/3 crt /x.pem",
            "'bind ... alpn': protocol 'spdy/3' is not supported (http/1.1 is)",
        ),
        (
            "ssl crt /x.pem verify required",
            "'bind ... verify' is not supported yet",
        ),
    ];
    for (options, message) in cases {
        let errors = errors_of(&tls_bind(options));
        assert!(
            errors.iter().any(|e| e.contains(message)),
            "{options}: {errors:?}"
        );
    }
    let directory = format!("ssl crt {}", dir.path().display());
    assert_eq!(
        errors_of(&tls_bind(&directory)),
        ["t.cfg:8: 'bind ... crt <directory>' is not supported yet (in 'frontend f' section)"]
    );
}
