//! Generated configurations for benches and allocation tests: one backend with many servers,
//! and every `balance` algorithm Switchyard implements.

use std::fmt::Write;

/// Every `balance` line a backend can have, with the `hash-type` it is measured with
/// (`None`: HAProxy's default, map-based). Hash keys come from [`pick_request`]'s request.
pub const BALANCE_ALGORITHMS: &[(&str, &str, Option<&str>)] = &[
    ("roundrobin", "roundrobin", None),
    ("static-rr", "static-rr", None),
    ("leastconn", "leastconn", None),
    ("first", "first", None),
    ("random", "random", None),
    ("source", "source", None),
    ("uri", "uri", None),
    ("uri-consistent", "uri", Some("consistent")),
    ("url_param", "url_param userid", None),
    ("hdr", "hdr(host)", None),
];

/// The request target every hash-based pick sees: it has a path and a `userid` parameter.
pub const PICK_URI: &str = "/catalog/item/42?userid=1234&lang=en";

/// The `Host` header every `balance hdr(host)` pick hashes.
pub const PICK_HOST: &str = "shop.example.com";

/// A configuration with one backend `be` of `servers` servers (weights 1 to 4, ids from 1) on
/// `balance <balance>`, and `hash-type <hash_type>` when given.
pub fn backend_config(balance: &str, hash_type: Option<&str>, servers: usize) -> String {
    let mut text = String::from("defaults\n    mode http\n\nbackend be\n");
    let _ = writeln!(text, "    balance {balance}");
    if let Some(hash_type) = hash_type {
        let _ = writeln!(text, "    hash-type {hash_type}");
    }
    push_servers(&mut text, "s", servers);
    text
}

/// A realistic large configuration: a frontend with ACL-based routing to ten backends sharing
/// `servers` servers, with health checks and per-server options, as a big site might have.
pub fn large_config(servers: usize) -> String {
    let mut text = String::from(
        "global\n    maxconn 50000\n\ndefaults\n    mode http\n    timeout connect 5s\n    \
         timeout client 30s\n    timeout server 30s\n    retries 3\n    option redispatch\n\n\
         frontend www\n    bind 127.0.0.1:8080\n",
    );
    let backends = 10;
    for b in 0..backends {
        let _ = writeln!(text, "    acl is_app{b} path_beg /app{b}/");
        let _ = writeln!(text, "    use_backend app{b} if is_app{b}");
    }
    text.push_str("    default_backend app0\n");
    for b in 0..backends {
        let _ = writeln!(
            text,
            "\nbackend app{b}\n    balance roundrobin\n    option httpchk GET /health"
        );
        let share = servers / backends + usize::from(b < servers % backends);
        push_servers(&mut text, &format!("app{b}_"), share);
    }
    text
}

/// `count` server lines named `<prefix>1`... on distinct loopback ports.
fn push_servers(text: &mut String, prefix: &str, count: usize) {
    for i in 0..count {
        let port = 10_000 + i % 50_000;
        let weight = 1 + i % 4;
        let _ = writeln!(
            text,
            "    server {prefix}{n} 127.0.0.{host}:{port} weight {weight} check inter 2s maxconn 1000",
            n = i + 1,
            host = 1 + i / 50_000,
        );
    }
}
