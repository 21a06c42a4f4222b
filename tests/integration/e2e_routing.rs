//! Routing and header handling through the real binary: ACL-based `use_backend`, `http-request`
//! and `http-response` header rules, `deny`, `return`, `redirect`, `option forwardfor`, and hop-by-hop
//! header removal in both directions.

use switchyard_tests::{
    free_port, get, send, Backend, BackendOptions, ProxyProcess, RequestSpec, TEST_DEFAULTS,
};

/// A proxy whose frontend holds `frontend_lines` and routes by default to a backend `app` with
/// the single server `app`.
fn proxy_with(frontend_lines: &str, app: &Backend, more_backends: &str) -> ProxyProcess {
    let port = free_port();
    let config = format!(
        "{TEST_DEFAULTS}\nfrontend fe\n    bind 127.0.0.1:{port}\n{frontend_lines}    default_backend app\n\n\
         backend app\n{}\n{more_backends}",
        app.server_line("")
    );
    ProxyProcess::start(&config, port)
}

fn echoing(name: &str) -> Backend {
    Backend::with_options(
        name,
        BackendOptions {
            echo_headers: true,
            ..BackendOptions::default()
        },
    )
}

#[test]
fn path_beg_acl_sends_api_requests_to_the_api_backend() {
    let app = Backend::start("app");
    let api = Backend::start("api");
    let proxy = proxy_with(
        "    acl is_api path_beg /api\n    use_backend api if is_api\n",
        &app,
        &format!("backend api\n{}", api.server_line("")),
    );
    assert_eq!(get(&proxy.url("/api/users")).server(), Some("api"));
    assert_eq!(get(&proxy.url("/index.html")).server(), Some("app"));
    assert_eq!(get(&proxy.url("/apix")).server(), Some("api"));
    assert_eq!((api.hits(), app.hits()), (2, 1));
}

#[test]
fn host_header_acl_sends_static_host_to_the_static_backend() {
    let app = Backend::start("app");
    let assets = Backend::start("assets");
    let proxy = proxy_with(
        "    acl is_static hdr(host) -i static.example.com\n    use_backend assets if is_static\n",
        &app,
        &format!("backend assets\n{}", assets.server_line("")),
    );
    let to_static = RequestSpec::get(&proxy.url("/logo.png")).header("Host", "STATIC.example.com");
    assert_eq!(send(to_static).unwrap().server(), Some("assets"));
    let to_app = RequestSpec::get(&proxy.url("/logo.png")).header("Host", "www.example.com");
    assert_eq!(send(to_app).unwrap().server(), Some("app"));
}

#[test]
fn request_header_rules_set_add_and_delete_what_the_server_sees() {
    let app = echoing("app");
    let proxy = proxy_with(
        "    http-request set-header X-Env production\n\
         \x20   http-request add-header X-Tag added\n\
         \x20   http-request del-header X-Secret\n",
        &app,
        "",
    );
    let request = RequestSpec::get(&proxy.url("/"))
        .header("X-Env", "staging")
        .header("X-Tag", "original")
        .header("X-Secret", "hunter2");
    assert_eq!(send(request).unwrap().status, 200);

    let seen = &app.requests()[0];
    assert_eq!(seen.header_values("x-env"), ["production"]);
    assert_eq!(seen.header_values("x-tag"), ["original", "added"]);
    assert!(seen.header_values("x-secret").is_empty());
}

#[test]
fn response_header_rules_change_what_the_client_sees() {
    let app = Backend::with_options(
        "app",
        BackendOptions {
            response_headers: vec![("X-Powered-By".into(), "php".into())],
            ..BackendOptions::default()
        },
    );
    let proxy = proxy_with(
        "    http-response del-header X-Powered-By\n\
         \x20   http-response set-header X-Frame-Options DENY\n",
        &app,
        "",
    );
    let reply = get(&proxy.url("/"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-powered-by"), None);
    assert_eq!(reply.header("x-frame-options"), Some("DENY"));
}

#[test]
fn deny_rule_answers_403_and_never_reaches_the_server() {
    let app = Backend::start("app");
    let proxy = proxy_with(
        "    acl is_admin path_beg /admin\n    http-request deny if is_admin\n",
        &app,
        "",
    );
    assert_eq!(get(&proxy.url("/admin/panel")).status, 403);
    assert_eq!(app.hits(), 0);
    assert_eq!(get(&proxy.url("/")).status, 200);
}

#[test]
fn return_rule_answers_its_status_and_body_without_a_server() {
    let app = Backend::start("app");
    let proxy = proxy_with(
        "    acl is_ping path /ping\n\
         \x20   http-request return status 200 content-type text/plain string pong if is_ping\n",
        &app,
        "",
    );
    let reply = get(&proxy.url("/ping"));
    assert_eq!((reply.status, reply.body.as_str()), (200, "pong"));
    assert_eq!(reply.header("content-type"), Some("text/plain"));
    assert_eq!(app.hits(), 0);
}

#[test]
fn forwardfor_appends_the_client_address_for_the_server() {
    let app = echoing("app");
    let proxy = proxy_with("    option forwardfor\n", &app, "");
    send(RequestSpec::get(&proxy.url("/")).from_ip("127.0.0.5")).unwrap();
    let chained = RequestSpec::get(&proxy.url("/"))
        .from_ip("127.0.0.6")
        .header("X-Forwarded-For", "203.0.113.9");
    send(chained).unwrap();

    let seen = app.requests();
    assert_eq!(seen[0].header_values("x-forwarded-for"), ["127.0.0.5"]);
    // An existing header is kept and the client's address comes last, as HAProxy does.
    let joined = seen[1].header_values("x-forwarded-for").join(", ");
    assert_eq!(joined, "203.0.113.9, 127.0.0.6");
}

#[test]
fn hop_by_hop_headers_are_removed_in_both_directions() {
    let app = Backend::with_options(
        "app",
        BackendOptions {
            response_headers: vec![
                ("Connection".into(), "x-backend-private".into()),
                ("X-Backend-Private".into(), "1".into()),
                ("Keep-Alive".into(), "timeout=99".into()),
                ("X-End-To-End".into(), "kept".into()),
            ],
            ..BackendOptions::default()
        },
    );
    let proxy = proxy_with("", &app, "");
    let request = RequestSpec::get(&proxy.url("/"))
        .header("Connection", "keep-alive, x-client-private")
        .header("X-Client-Private", "secret")
        .header("Keep-Alive", "timeout=5")
        .header("Proxy-Connection", "keep-alive")
        .header("X-Request-Id", "abc");
    let reply = send(request).unwrap();

    let seen = &app.requests()[0];
    for hop_by_hop in ["x-client-private", "keep-alive", "proxy-connection"] {
        assert!(seen.header(hop_by_hop).is_none(), "server got {hop_by_hop}");
    }
    assert_eq!(seen.header("x-request-id"), Some("abc"));
    assert_eq!(reply.header("x-backend-private"), None);
    assert_ne!(reply.header("keep-alive"), Some("timeout=99"));
    assert_eq!(reply.header("x-end-to-end"), Some("kept"));
}

#[test]
fn redirects_answer_with_haproxy_s_location_after_every_http_request_rule() {
    let app = Backend::start("app");
    // The `redirect` line comes first but runs after the `http-request` rules, as in HAProxy:
    // `/legacy` is first rewritten into a `return`, never redirected.
    let proxy = proxy_with(
        "    redirect scheme https code 301 if { path_beg /secure /legacy }\n    \
         http-request redirect location /new drop-query if { path /old }\n    \
         http-request return status 410 if { path /legacy }\n",
        &app,
        "",
    );
    let secure = RequestSpec::get(&proxy.url("/secure/x?a=1")).header("Host", "shop.example");
    let reply = send(secure).unwrap();
    assert_eq!(reply.status, 301);
    assert_eq!(
        reply.headers["location"],
        "https://shop.example/secure/x?a=1"
    );
    let reply = get(&proxy.url("/old?a=1"));
    assert_eq!(reply.status, 302);
    assert_eq!(reply.headers["location"], "/new");
    assert_eq!(reply.headers["cache-control"], "no-cache");
    assert_eq!(get(&proxy.url("/legacy")).status, 410);
    assert_eq!(get(&proxy.url("/other")).server(), Some("app"));
    assert_eq!(app.hits(), 1);
}
