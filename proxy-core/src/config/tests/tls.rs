//! `bind ... ssl crt <file>` and its companions.

use super::*;
use crate::model::TlsVersion;

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

#[test]
fn global_ssl_defaults_apply_to_tls_binds_and_bind_options_replace_them() {
    let crt = tempfile::NamedTempFile::new().unwrap();
    let path = crt.path().display();
    let text = format!(
        "global\n  ssl-default-bind-ciphers ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256\n\
         \x20 ssl-default-bind-ciphersuites TLS_AES_256_GCM_SHA384\n\
         \x20 ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets\n{}",
        proxies(
            &format!(
                "  bind 127.0.0.1:8443 ssl crt {path}\n  \
                 bind 127.0.0.1:8444 ssl crt {path} ssl-min-ver TLSv1.3 ciphersuites TLS_AES_128_GCM_SHA256"
            ),
            ""
        )
    );
    let loaded = load_ok(&text);
    let binds = &loaded.config.frontends[0].binds;
    let defaults = binds[1].tls.as_ref().unwrap();
    assert_eq!(defaults.versions, [TlsVersion::Tls12, TlsVersion::Tls13]);
    assert_eq!(
        defaults.cipher_suites.as_deref().unwrap(),
        [
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS13_AES_256_GCM_SHA384"
        ]
    );
    let own = binds[2].tls.as_ref().unwrap();
    assert_eq!(own.versions, [TlsVersion::Tls13]);
    assert_eq!(
        own.cipher_suites.as_deref().unwrap(),
        ["TLS13_AES_128_GCM_SHA256"]
    );
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "t.cfg:2: 'ssl-default-bind-ciphers': rustls has no cipher suite \
          DHE-RSA-AES128-GCM-SHA256; left out (in 'global' section)"
        ]
    );
}

#[test]
fn tls_settings_rustls_cannot_offer_are_refused_on_their_bind_line() {
    let crt = tempfile::NamedTempFile::new().unwrap();
    let path = crt.path().display();
    let cases = [
        (
            "force-tlsv10",
            "only TLSv1.0 would be enabled; rustls supports TLSv1.2 and TLSv1.3 only",
        ),
        (
            "ssl-min-ver TLSv9",
            "'bind ... ssl-min-ver': 'ssl-min-ver' expects SSLv3",
        ),
        (
            "ciphers HIGH:!aNULL",
            "cipher expressions such as 'HIGH' are not supported yet",
        ),
        (
            "ssl-min-ver TLSv1.3 ciphersuites TLS_AES_128_CCM_SHA256",
            "no cipher suite rustls supports is left",
        ),
        (
            "prefer-client-ciphers",
            "'bind ... prefer-client-ciphers' is not supported yet",
        ),
    ];
    for (options, message) in cases {
        let errors = errors_of(&tls_bind(&format!("ssl crt {path} {options}")));
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("t.cfg:8: ") && e.contains(message)),
            "{options}: {errors:?}"
        );
    }
}

#[test]
fn relative_crt_paths_are_read_under_crt_base() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.pem"), "").unwrap();
    let text = format!(
        "global\n  crt-base {}\n{}",
        dir.path().display(),
        proxies("  bind 127.0.0.1:8443 ssl crt site.pem", "")
    );
    let config = config_of(&text);
    let tls = config.frontends[0].binds[1].tls.as_ref().unwrap();
    assert_eq!(tls.certificate, dir.path().join("site.pem"));
}
