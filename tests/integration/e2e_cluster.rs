//! The shipped `config-examples/haproxy-cluster.cfg`, run by the real binary with its four
//! servers pointed at local test backends: requests go web1, web2, web3, web4, web1, ...

use switchyard_tests::{free_port, get, Backend, ProxyProcess};

/// The example with its `server` addresses replaced by the test backends (matched by server
/// name), `bind *:80` moved to `port` on loopback, and `user`/`group` dropped (they would need
/// root and an existing user; the binary's handling of them is tested elsewhere).
fn localised_cluster_config(backends: &[Backend], port: u16) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config-examples/haproxy-cluster.cfg"
    );
    let original = std::fs::read_to_string(path).unwrap();
    let mut servers_rewritten = 0;
    let mut lines = Vec::new();
    for line in original.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["user" | "group", ..] => continue,
            ["bind", _, rest @ ..] => {
                lines.push(format!("    bind 127.0.0.1:{port} {}", rest.join(" ")));
            }
            ["server", name, _, rest @ ..] => {
                let backend = backends.iter().find(|b| b.name() == *name).unwrap();
                lines.push(format!(
                    "    server {name} {} {}",
                    backend.addr(),
                    rest.join(" ")
                ));
                servers_rewritten += 1;
            }
            _ => lines.push(line.to_string()),
        }
    }
    assert_eq!(
        servers_rewritten,
        backends.len(),
        "the example should have web1..web4"
    );
    lines.join("\n") + "\n"
}

#[test]
fn cluster_example_sends_eight_requests_to_web1_through_web4_in_order() {
    let webs = ["web1", "web2", "web3", "web4"].map(Backend::start);
    let port = free_port();
    let proxy = ProxyProcess::start(&localised_cluster_config(&webs, port), port);

    let order: Vec<String> = (0..8)
        .map(|_| {
            let reply = get(&proxy.url("/"));
            assert_eq!(reply.status, 200);
            reply.body
        })
        .collect();
    assert_eq!(
        order,
        ["web1", "web2", "web3", "web4", "web1", "web2", "web3", "web4"]
    );
}
