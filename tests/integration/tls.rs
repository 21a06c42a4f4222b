//! TLS termination (`bind ... ssl crt <file>`) with the binary, checked with curl as the client:
//! HTTPS requests are proxied, a client that does not speak TLS is dropped without harm, a
//! reload (SIGUSR2) serves a renewed certificate, and `ssl_fc` tells the two kinds of binds
//! apart (the usual redirect to HTTPS); the global `ssl-default-bind-*` settings choose the
//! cipher suite and the lowest version.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use switchyard_tests::{free_port, get, wait_until, Backend, ProxyProcess, TEST_DEFAULTS};

/// A new self-signed certificate for `localhost`, as HAProxy's `crt` takes it (certificate
/// then key), written to `path`; returns the certificate alone, for the client to trust.
fn new_certificate(path: &Path) -> String {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let certificate = generated.cert.pem();
    std::fs::write(
        path,
        certificate.clone() + &generated.signing_key.serialize_pem(),
    )
    .unwrap();
    certificate
}

/// A backend server `web1`, a directory, and in it `site.pem`, a new certificate for
/// `localhost` (returned too, for the client to trust).
fn site() -> (Backend, tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let crt = dir.path().join("site.pem");
    let certificate = new_certificate(&crt);
    (Backend::start("web1"), dir, crt, certificate)
}

/// A frontend `www` whose `bind_options` follow `bind 127.0.0.1:<port>`, in front of `web`.
fn config(port: u16, bind_options: &str, web: &Backend) -> String {
    format!(
        "{TEST_DEFAULTS}\nfrontend www\n    bind 127.0.0.1:{port} {bind_options}\n    \
         default_backend app\nbackend app\n{}",
        web.server_line("")
    )
}

/// `curl https://localhost:<port>/`, trusting `trusted` (PEM); the body, or `None` if the
/// request failed.
fn curl_https(port: u16, trusted: &str, dir: &Path) -> Option<String> {
    curl_https_path(port, "/", trusted, dir)
}

/// [`curl_https`] for `path`.
fn curl_https_path(port: u16, path: &str, trusted: &str, dir: &Path) -> Option<String> {
    let output = curl_with(port, path, trusted, dir, &[]);
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `curl <options> https://localhost:<port><path>`, trusting `trusted` (PEM).
fn curl_with(
    port: u16,
    path: &str,
    trusted: &str,
    dir: &Path,
    options: &[&str],
) -> std::process::Output {
    let ca = dir.join("trusted.pem");
    std::fs::write(&ca, trusted).unwrap();
    Command::new("curl")
        .args(["--silent", "--show-error", "--fail", "--max-time", "5"])
        .args(options)
        .arg("--cacert")
        .arg(&ca)
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
        .arg(format!("https://localhost:{port}{path}"))
        .output()
        .expect("curl runs (.ci/run installs it)")
}

#[test]
fn https_requests_are_proxied_and_a_reload_serves_a_renewed_certificate() {
    let (web1, dir, crt, first) = site();
    let port = free_port();
    let bind = format!("ssl crt {} alpn h2,http/1.1", crt.display());
    let config = config(port, &bind, &web1);
    let proxy = ProxyProcess::start(&config, port);
    assert_eq!(
        curl_https(port, &first, dir.path()).as_deref(),
        Some("web1")
    );

    // A client speaking plain HTTP to the TLS port gets nothing; the next one is served.
    let plain = Command::new("curl")
        .args(["--silent", "--max-time", "5"])
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("web1"));
    assert_eq!(
        curl_https(port, &first, dir.path()).as_deref(),
        Some("web1")
    );

    let renewed = new_certificate(&crt);
    proxy.reload(&config);
    assert!(
        wait_until(Duration::from_secs(5), || proxy
            .stderr()
            .contains("reload: nothing changed")),
        "{}",
        proxy.stderr()
    );
    assert_eq!(
        curl_https(port, &renewed, dir.path()).as_deref(),
        Some("web1")
    );
    assert_eq!(curl_https(port, &first, dir.path()), None);
}

#[test]
fn a_crt_file_without_a_key_stops_the_start_naming_the_file() {
    let (web1, dir, crt, certificate) = site();
    std::fs::write(&crt, certificate).unwrap();
    let port = free_port();
    let file = dir.path().join("switchyard.cfg");
    let bind = format!("ssl crt {}", crt.display());
    std::fs::write(&file, config(port, &bind, &web1)).unwrap();
    let output = switchyard_tests::run_to_exit(&["-f".as_ref(), file.as_os_str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("no private key in '{}'", crt.display())),
        "{stderr}"
    );
}

#[test]
fn ssl_fc_redirects_plain_http_to_https_and_marks_tls_requests() {
    let (web1, dir, crt, certificate) = site();
    let (plain, tls) = (free_port(), free_port());
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend www\n    bind 127.0.0.1:{plain}\n    \
         bind 127.0.0.1:{tls} ssl crt {}\n    \
         http-request redirect scheme https code 301 unless {{ ssl_fc }}\n    \
         http-request set-header X-Forwarded-Proto https if {{ ssl_fc }}\n    \
         default_backend app\nbackend app\n{}",
        crt.display(),
        web1.server_line("")
    );
    let proxy = ProxyProcess::start(&config, plain);
    let reply = get(&proxy.url("/cart?id=1"));
    assert_eq!(reply.status, 301);
    assert_eq!(
        reply.headers["location"],
        format!("https://127.0.0.1:{plain}/cart?id=1")
    );
    assert_eq!(web1.hits(), 0);
    assert_eq!(
        curl_https_path(tls, "/cart", &certificate, dir.path()).as_deref(),
        Some("web1")
    );
    let request = web1.requests().pop().unwrap();
    assert!(
        request
            .headers
            .contains(&("x-forwarded-proto".to_owned(), "https".to_owned())),
        "{request:?}"
    );
}

#[test]
fn global_ssl_defaults_choose_the_suite_and_refuse_tls_1_2_clients() {
    let (web1, dir, crt, trusted) = site();
    let port = free_port();
    let global = "global\n    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256\n    \
                  ssl-default-bind-options ssl-min-ver TLSv1.3 no-tls-tickets\n";
    let config = global.to_string() + &config(port, &format!("ssl crt {}", crt.display()), &web1);
    let _proxy = ProxyProcess::start(&config, port);

    // curl (OpenSSL) prefers TLS_AES_256_GCM_SHA384, which rustls also lists first; the bind
    // allows only the suite both put last.
    let modern = curl_with(port, "/", &trusted, dir.path(), &["--verbose"]);
    let handshake = String::from_utf8_lossy(&modern.stderr);
    assert!(modern.status.success(), "{handshake}");
    assert_eq!(String::from_utf8_lossy(&modern.stdout), "web1");
    assert!(
        handshake.contains("SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256"),
        "{handshake}"
    );
    let old = curl_with(port, "/", &trusted, dir.path(), &["--tls-max", "1.2"]);
    assert!(!old.status.success(), "a TLS 1.2 client was served");
    assert_eq!(web1.hits(), 1);
}
