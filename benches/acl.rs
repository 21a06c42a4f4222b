//! ACL evaluation: a frontend's `use_backend` rules over a request head, as the data path runs
//! them for every request (HAProxy: `process_switching_rules()` and `acl_exec_cond()`).
//!
//! Run with `cargo bench --bench acl`. The rules mix the usual fetches: path prefix and suffix
//! lists, a case-insensitive host match, the method, a source network and a regex.

// criterion's macros write undocumented functions; a bench stops at the first surprise.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use http::{HeaderMap, HeaderValue, Method, Uri, Version};
use std::hint::black_box;
use std::net::SocketAddr;
use switchyard_core::config::load_str;
use switchyard_core::routing::{Acls, RequestInfo, Router};

const CONFIG: &str = "\
defaults
    mode http

frontend www
    bind 127.0.0.1:8080
    acl is_api      path_beg /api/ /v1/ /v2/
    acl api_host    hdr(host) -i api.example.com
    acl is_static   path_end .css .js .png .jpg .svg
    acl is_admin    path_reg ^/admin/[a-z]+/[0-9]+$
    acl internal    src 10.0.0.0/8 192.168.0.0/16
    use_backend api     if is_api || api_host
    use_backend admin   if is_admin internal
    use_backend static  if is_static METH_GET
    default_backend web

backend api
backend admin
backend static
backend web
";

fn router() -> Router {
    let config = load_str("bench.cfg", CONFIG).unwrap().config;
    let frontend = &config.frontends[0];
    let acls = Acls::compile(&frontend.acls).unwrap();
    Router::compile(frontend, &acls, |name| {
        config.backends.iter().position(|b| b.name == name)
    })
    .unwrap()
}

fn route(c: &mut Criterion) {
    let router = router();
    let client: SocketAddr = ([192, 0, 2, 7], 50_000).into();
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("www.example.com"));
    headers.insert("user-agent", HeaderValue::from_static("bench/1.0"));
    headers.insert("accept", HeaderValue::from_static("*/*"));
    let mut group = c.benchmark_group("acl");
    // (what the request shows, its target): the first rule, the third, and no rule at all.
    for (case, target) in [
        ("first_rule", "/api/users/42"),
        ("third_rule", "/assets/site.css"),
        ("default_backend", "/products/shoes?page=2"),
    ] {
        let uri: Uri = target.parse().unwrap();
        let request = RequestInfo {
            method: &Method::GET,
            uri: &uri,
            headers: &headers,
            version: Version::HTTP_11,
            client,
            tls: false,
        };
        group.bench_function(format!("route/{case}"), |b| {
            b.iter(|| black_box(router.route(black_box(&request))))
        });
    }
    group.finish();
}

criterion_group!(benches, route);
criterion_main!(benches);
