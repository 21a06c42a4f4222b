//! The Prometheus HAProxy exporter (`prometheus-haproxy-exporter`, the Debian package of the
//! standalone exporter) scraping Switchyard's stats socket as it scrapes HAProxy's: it reports
//! Switchyard up and exports the proxies', servers' and counters' metrics.

use std::process::{Child, Command, Stdio};
use std::time::Duration;
use switchyard_tests::{free_port, get, send, wait_for_port, Backend, CliSetup, RequestSpec};

/// The exporter, killed when dropped.
struct Exporter {
    child: Child,
    port: u16,
}

impl Exporter {
    /// Starts the exporter on a free loopback port, scraping `scrape_uri`.
    fn start(scrape_uri: &str) -> Exporter {
        let port = free_port();
        let child = Command::new("prometheus-haproxy-exporter")
            .arg(format!("--haproxy.scrape-uri={scrape_uri}"))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus-haproxy-exporter is installed (.ci/run installs it)");
        assert!(
            wait_for_port(port, Duration::from_secs(10)),
            "exporter did not start"
        );
        Exporter { child, port }
    }

    /// The metric lines of one scrape that start with `prefix`.
    fn metrics(&self, prefix: &str) -> Vec<String> {
        let body = get(&format!("http://127.0.0.1:{}/metrics", self.port)).body;
        body.lines()
            .filter(|line| line.starts_with(prefix))
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_haproxy_exporter_scrapes_the_stats_socket() {
    let (web1, web2) = (Backend::start("web1"), Backend::start("web2"));
    let setup = CliSetup::start_with(&[(&web1, "check inter 100"), (&web2, "")]);
    setup.servers_of(6);
    setup.admin().command("disable server pool/web2");
    let exporter = Exporter::start(&format!("unix:{}", setup.admin_path().display()));

    assert_eq!(exporter.metrics("haproxy_up "), ["haproxy_up 1"]);
    assert_eq!(
        exporter.metrics("haproxy_server_up{"),
        [
            r#"haproxy_server_up{backend="pool",server="web1"} 1"#,
            r#"haproxy_server_up{backend="pool",server="web2"} 0"#,
        ]
    );
    assert_eq!(
        exporter.metrics("haproxy_backend_http_responses_total{backend=\"pool\",code=\"2xx\"}"),
        [r#"haproxy_backend_http_responses_total{backend="pool",code="2xx"} 6"#]
    );
    assert_eq!(
        exporter.metrics("haproxy_server_sessions_total{"),
        [
            r#"haproxy_server_sessions_total{backend="pool",server="web1"} 3"#,
            r#"haproxy_server_sessions_total{backend="pool",server="web2"} 3"#,
        ]
    );
    // GETs have no body: the bytes are their heads, counted as HAProxy counts them.
    let bytes_in =
        exporter.metrics("haproxy_server_bytes_in_total{backend=\"pool\",server=\"web1\"}");
    let value: f64 = bytes_in[0].rsplit(' ').next().unwrap().parse().unwrap();
    assert!(value > 0.0, "{bytes_in:?}");
    let url = setup.proxy.url("/");
    assert_eq!(send(RequestSpec::get(&url)).unwrap().status, 200);
    assert_eq!(
        exporter.metrics("haproxy_frontend_http_requests_total{"),
        [r#"haproxy_frontend_http_requests_total{frontend="fe"} 7"#]
    );
}
