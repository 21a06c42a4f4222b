//! Parity with HAProxy 2.6 through the real binary: the configuration files HAProxy ran when the
//! fixtures were recorded are run unchanged by `switchyard` (only their loopback ports are moved
//! to free ones), and every recorded request is sent again over real connections. The server that
//! answers must be the one HAProxy chose. `parity_balance` replays the same rows through
//! the library API; this file proves the whole chain: parsing, request-target handling, source
//! addresses, headers and keep-alive connections.
//!
//! Not replayed here: `consistent_removal.tsv`, which needs the stats socket's `disable server`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use switchyard_tests::{free_port, send, Backend, ProxyProcess, RequestSpec};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/haproxy-2.6/parity/"
);

fn fixture(file: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}{file}")).unwrap()
}

/// The data rows of a TSV fixture, split on tabs.
fn rows(file: &str) -> Vec<Vec<String>> {
    fixture(file)
        .lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .map(|line| line.split('\t').map(str::to_string).collect())
        .collect()
}

/// A recorded config running under `switchyard`, with backends `s1`..`s4` standing in for the
/// origins on ports 17101-17104, and each frontend's port.
struct RecordedSetup {
    proxy: ProxyProcess,
    ports: HashMap<String, u16>,
    _origins: Vec<Backend>,
}

impl RecordedSetup {
    fn start(config_file: &str) -> RecordedSetup {
        let origins: Vec<Backend> = (1..=4).map(|n| Backend::start(&format!("s{n}"))).collect();
        let mut config = fixture(&format!("configs/{config_file}"));
        for (n, origin) in origins.iter().enumerate() {
            let recorded = format!("127.0.0.1:{}", 17101 + n);
            config = config.replace(&recorded, &origin.addr().to_string());
        }
        let mut ports = HashMap::new();
        let mut frontend = String::new();
        let mut lines = Vec::new();
        for line in config.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["frontend", name] => frontend = name.to_string(),
                ["bind", _] => {
                    let port = free_port();
                    ports.insert(frontend.clone(), port);
                    lines.push(format!("    bind 127.0.0.1:{port}"));
                    continue;
                }
                _ => {}
            }
            lines.push(line.to_string());
        }
        let first_port = *ports.values().next().unwrap();
        let proxy = ProxyProcess::start(&lines.join("\n"), first_port);
        RecordedSetup {
            proxy,
            ports,
            _origins: origins,
        }
    }

    fn url(&self, frontend: &str, uri: &str) -> String {
        let port = self
            .ports
            .get(frontend)
            .unwrap_or_else(|| panic!("no {frontend}"));
        format!("http://127.0.0.1:{port}{uri}")
    }

    /// Checks every reply against HAProxy's choice and lists all the rows that differ.
    fn assert_rows(&self, checked: Vec<(String, String, Option<String>)>) {
        let mismatches: Vec<String> = checked
            .iter()
            .filter(|(_, expected, got)| got.as_deref() != Some(expected.as_str()))
            .map(|(row, expected, got)| format!("{row}: HAProxy chose {expected}, we {got:?}"))
            .collect();
        assert!(
            mismatches.is_empty(),
            "{} of {} rows differ:\n{}\n{}",
            mismatches.len(),
            checked.len(),
            mismatches.join("\n"),
            self.proxy.stderr()
        );
    }
}

/// `map-based` → `mapbased`, `1,2,3,4` → `1234`: how the recorded frontends are named.
fn name_part(text: &str) -> String {
    text.replace(['-', ','], "")
}

fn server_of(spec: RequestSpec) -> Option<String> {
    send(spec.timeout(Duration::from_secs(5)))
        .ok()
        .and_then(|reply| reply.server().map(str::to_string))
}

#[test]
fn uri_hashing_through_the_binary_matches_haproxy() {
    let setup = RecordedSetup::start("hash_uri.cfg");
    let checked = rows("hash_uri.tsv")
        .into_iter()
        .map(|row| {
            let suffix = match row[2].as_str() {
                "-" => String::new(),
                options => format!("_{}", options.replace(' ', "")),
            };
            let frontend = format!(
                "fe_uri_{}_{}{suffix}",
                name_part(&row[0]),
                name_part(&row[1])
            );
            let got = server_of(RequestSpec::get(&setup.url(&frontend, &row[3])));
            (row.join(" "), row[4].clone(), got)
        })
        .collect();
    setup.assert_rows(checked);
}

#[test]
fn source_hashing_through_the_binary_matches_haproxy() {
    let setup = RecordedSetup::start("hash_source.cfg");
    let checked = rows("hash_source.tsv")
        .into_iter()
        .map(|row| {
            let frontend = format!("fe_src_{}_{}", name_part(&row[0]), name_part(&row[1]));
            let got = server_of(RequestSpec::get(&setup.url(&frontend, "/")).from_ip(&row[2]));
            (row.join(" "), row[3].clone(), got)
        })
        .collect();
    setup.assert_rows(checked);
}

#[test]
fn host_header_and_url_param_hashing_through_the_binary_match_haproxy() {
    let setup = RecordedSetup::start("hash_hdr.cfg");
    let checked = rows("hash_hdr.tsv")
        .into_iter()
        .map(|row| {
            let spec = if row[0] == "hdr(host)" {
                let frontend = format!("fe_hdr_{}", name_part(&row[1]));
                RequestSpec::get(&setup.url(&frontend, "/")).header("Host", &row[3])
            } else {
                RequestSpec::get(&setup.url("fe_urlparam_mapbased", &row[4]))
            };
            (row.join(" "), row[5].clone(), server_of(spec))
        })
        .collect();
    setup.assert_rows(checked);
}

/// Sends `count` requests for `/` on one keep-alive connection and returns who answered each.
fn keep_alive_sequence(port: u16, count: usize) -> Vec<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    (0..count)
        .map(|_| {
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            let (mut server, mut length) = (String::new(), 0);
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(": ") {
                    match name.to_ascii_lowercase().as_str() {
                        "x-server" => server = value.to_string(),
                        "content-length" => length = value.parse().unwrap(),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            server
        })
        .collect()
}

#[test]
fn roundrobin_and_static_rr_sequences_through_the_binary_match_haproxy() {
    let setup = RecordedSetup::start("roundrobin.cfg");
    let checked = rows("roundrobin.tsv")
        .into_iter()
        .map(|row| {
            let algo = if row[0] == "static-rr" {
                "staticrr"
            } else {
                "roundrobin"
            };
            let disabled = if row[4] == "-" {
                String::new()
            } else {
                format!("_{}dis", row[4])
            };
            let frontend = format!("fe_{algo}_{}{disabled}_{}", name_part(&row[1]), row[2]);
            let expected: Vec<&str> = row[3].split(' ').collect();
            let got = if row[2] == "keepalive" {
                keep_alive_sequence(setup.ports[&frontend], expected.len())
            } else {
                (0..expected.len())
                    .map(|_| {
                        let spec = RequestSpec::get(&setup.url(&frontend, "/"))
                            .header("Connection", "close");
                        server_of(spec).unwrap_or_default()
                    })
                    .collect()
            };
            (frontend, row[3].clone(), Some(got.join(" ")))
        })
        .collect();
    setup.assert_rows(checked);
}
