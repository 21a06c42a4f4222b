//! Parity with HAProxy 2.6: every row recorded from a real HAProxy in
//! `tests/fixtures/haproxy-2.6/parity/` is replayed through the public balancer API
//! (`balance::build` + `Balancer::pick`), with a backend built in code to match each recorded
//! configuration (`configs/*.cfg`: servers s1..sN with ids 1..N, the listed weights).

use http::{HeaderMap, HeaderValue};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use switchyard_core::balance::{build, Balancer, PickCtx};
use switchyard_core::model::{
    Backend, Balance, HashFunction, HashMethod, HashType, Server, UriHashOptions,
};
use switchyard_core::runtime::{AdminState, ServerId, ServerState};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/haproxy-2.6/parity/"
);

/// The data rows of a fixture (header row dropped), split on tabs.
fn rows(file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(format!("{FIXTURES}{file}")).unwrap();
    text.lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .map(|line| line.split('\t').map(str::to_string).collect())
        .collect()
}

/// `hash-type` as written in a fixture. `consistent` alone also means `avalanche`, as HAProxy
/// documents.
fn hash_type(written: &str) -> HashType {
    match written {
        "consistent" => HashType {
            method: HashMethod::Consistent,
            function: HashFunction::Sdbm,
            avalanche: true,
        },
        "map-based" => HashType::default(),
        other => panic!("unknown hash type {other}"),
    }
}

/// A recorded backend: `server sN 127.0.0.1:1710N weight W`, with `disabled` on `disabled`.
fn backend(
    balance: Balance,
    hash_type: HashType,
    weights: &str,
    disabled: Option<&str>,
) -> Backend {
    let backend = Backend::builder("be_parity")
        .balance(balance)
        .hash_type(hash_type);
    weights
        .split(',')
        .zip(1u16..)
        .fold(backend, |backend, (weight, n)| {
            let name = format!("s{n}");
            let server = Server::builder(&name, ([127, 0, 0, 1], 17100 + n).into())
                .weight(weight.parse().unwrap())
                .disabled(disabled == Some(name.as_str()));
            backend.server_with(server)
        })
        .build()
        .unwrap()
}

/// A backend's live server states and its balancer.
struct Live {
    servers: Vec<Arc<ServerState>>,
    balancer: Box<dyn Balancer>,
}

impl Live {
    fn start(backend: &Backend) -> Live {
        let servers: Vec<_> = backend
            .servers
            .iter()
            .enumerate()
            .map(|(i, s)| Arc::new(ServerState::from_model(ServerId(i as u32), s)))
            .collect();
        let balancer = build(backend, &servers);
        Live { servers, balancer }
    }

    fn rebuild(&mut self, backend: &Backend) {
        self.balancer = build(backend, &self.servers);
    }

    /// The name of the server picked for this request, or `-` for none.
    fn pick(&self, uri: &str, headers: &HeaderMap, client_ip: Option<IpAddr>) -> String {
        let ctx = PickCtx {
            client_ip,
            uri,
            headers,
        };
        match self.balancer.pick(&ctx, None) {
            Some(id) => self.servers[id.index()].name.to_string(),
            None => "-".into(),
        }
    }
}

/// Fails with every mismatch (the first 20 in full) out of `total` rows.
fn assert_no_mismatch(file: &str, total: usize, mismatches: &[String]) {
    assert!(
        mismatches.is_empty(),
        "{file}: {} of {total} rows differ from HAProxy:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
}

/// Replays `file`: `case` names the backend a row belongs to (built once per case, like the
/// recorded HAProxy backends), `request` turns a row into (uri, headers, client ip), and the
/// last column is HAProxy's choice.
fn replay_hash_rows(
    file: &str,
    case: impl Fn(&[String]) -> (String, Backend),
    request: impl Fn(&[String]) -> (String, HeaderMap, Option<IpAddr>),
) {
    let rows = rows(file);
    let mut backends: BTreeMap<String, Live> = BTreeMap::new();
    let mut mismatches = Vec::new();
    for row in &rows {
        let (name, backend) = case(row);
        let live = backends
            .entry(name)
            .or_insert_with(|| Live::start(&backend));
        let (uri, headers, client_ip) = request(row);
        let got = live.pick(&uri, &headers, client_ip);
        let expected = row.last().unwrap();
        if &got != expected {
            mismatches.push(format!("{row:?}: switchyard chose {got}"));
        }
    }
    assert_no_mismatch(file, rows.len(), &mismatches);
}

fn no_headers() -> HeaderMap {
    HeaderMap::new()
}

#[test]
fn roundrobin_and_static_rr_sequences_match_haproxy() {
    let rows = rows("roundrobin.tsv");
    let mut mismatches = Vec::new();
    for row in &rows {
        let [algo, weights, mode, sequence, disabled] = &row[..] else {
            panic!("bad row {row:?}");
        };
        let balance = match algo.as_str() {
            "roundrobin" => Balance::RoundRobin,
            "static-rr" => Balance::StaticRr,
            other => panic!("unknown algorithm {other}"),
        };
        let disabled = (disabled != "-").then_some(disabled.as_str());
        let backend = backend(balance, HashType::default(), weights, disabled);
        let live = Live::start(&backend);
        let expected: Vec<&str> = sequence.split(' ').collect();
        let got: Vec<String> = expected
            .iter()
            .map(|_| live.pick("/", &no_headers(), None))
            .collect();
        if got != expected {
            mismatches.push(format!(
                "{algo} {weights} {mode} disabled={disabled:?}:\n  haproxy    {sequence}\n  switchyard {}",
                got.join(" ")
            ));
        }
    }
    assert_no_mismatch("roundrobin.tsv", rows.len(), &mismatches);
}

#[test]
fn uri_hashing_matches_haproxy() {
    replay_hash_rows(
        "hash_uri.tsv",
        |row| {
            let options = match row[2].as_str() {
                "-" => UriHashOptions::default(),
                "whole" => UriHashOptions {
                    whole: true,
                    ..Default::default()
                },
                "len 8" => UriHashOptions {
                    len: Some(8),
                    ..Default::default()
                },
                "depth 2" => UriHashOptions {
                    depth: Some(2),
                    ..Default::default()
                },
                other => panic!("unknown uri options {other}"),
            };
            let name = format!("{} {} {}", row[0], row[1], row[2]);
            (
                name,
                backend(Balance::Uri(options), hash_type(&row[0]), &row[1], None),
            )
        },
        |row| (row[3].clone(), no_headers(), None),
    );
}

#[test]
fn source_hashing_matches_haproxy() {
    replay_hash_rows(
        "hash_source.tsv",
        |row| {
            let name = format!("{} {}", row[0], row[1]);
            (
                name,
                backend(Balance::Source, hash_type(&row[0]), &row[1], None),
            )
        },
        |row| ("/".into(), no_headers(), Some(row[2].parse().unwrap())),
    );
}

#[test]
fn header_and_url_param_hashing_match_haproxy() {
    replay_hash_rows(
        "hash_hdr.tsv",
        |row| {
            let balance = match row[0].as_str() {
                "hdr(host)" => Balance::Hdr {
                    name: "host".into(),
                },
                "url_param userid" => Balance::UrlParam {
                    name: "userid".into(),
                },
                other => panic!("unknown algorithm {other}"),
            };
            let name = format!("{} {} {}", row[0], row[1], row[2]);
            (name, backend(balance, hash_type(&row[1]), &row[2], None))
        },
        |row| {
            let mut headers = HeaderMap::new();
            if row[0] == "hdr(host)" {
                headers.insert("host", HeaderValue::from_bytes(row[3].as_bytes()).unwrap());
            }
            (row[4].clone(), headers, None)
        },
    );
}

#[test]
fn consistent_hashing_moves_only_the_disabled_servers_uris_like_haproxy() {
    let backend = backend(
        Balance::Uri(UriHashOptions::default()),
        hash_type("consistent"),
        "1,1,1,1",
        None,
    );
    let rows = rows("consistent_removal.tsv");
    let mut live = Live::start(&backend);
    let mut phase = "all_up".to_string();
    let mut mismatches = Vec::new();
    for row in &rows {
        let [row_phase, uri, expected] = &row[..] else {
            panic!("bad row {row:?}");
        };
        if *row_phase != phase {
            let s2_state = match row_phase.as_str() {
                "s2_maint" => AdminState::Maint,
                "s2_enabled" => AdminState::Ready,
                other => panic!("unknown phase {other}"),
            };
            live.servers[1].set_admin_state(s2_state);
            live.rebuild(&backend);
            phase = row_phase.clone();
        }
        let got = live.pick(uri, &no_headers(), None);
        if &got != expected {
            mismatches.push(format!("{row:?}: switchyard chose {got}"));
        }
    }
    assert_no_mismatch("consistent_removal.tsv", rows.len(), &mismatches);
}
