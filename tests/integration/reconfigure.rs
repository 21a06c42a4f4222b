//! Hot reconfiguration from code: `ProxyHandle::apply` swaps a running proxy's configuration,
//! and the layers, clients and health checks already handed out follow it, against real test
//! backends on loopback.

use http_body_util::{BodyExt, Empty};
use std::convert::Infallible;
use std::time::Duration;
use switchyard_core::model::{Backend, Balance, Config, Fetch, Frontend, Matcher, Pattern, Server};
use switchyard_core::runtime::diff::Change;
use switchyard_core::{Client, ControlError, Proxy};
use switchyard_tests::{free_port, runtime, wait_until, Backend as TestBackend};
use tower::{Layer, ServiceExt};

/// A backend `name` over `servers`, connecting within a second.
fn backend(name: &str, servers: &[&TestBackend]) -> switchyard_core::model::BackendBuilder {
    servers.iter().fold(
        Backend::builder(name).timeout_connect(Duration::from_secs(1)),
        |backend, server| backend.server(server.name(), server.addr()),
    )
}

/// Sends `GET path` through `client`; returns the body (the answering server's name).
fn call(client: &Client, path: &str) -> String {
    let request = http::Request::get(path)
        .body(Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = runtime().block_on(client.clone().oneshot(request)).unwrap();
    let body = runtime().block_on(response.into_body().collect()).unwrap();
    String::from_utf8_lossy(&body.to_bytes()).into_owned()
}

/// Sends `GET path` through frontend `www`'s layer in front of a fallback answering "local".
fn through_layer(proxy: &Proxy, path: &str) -> String {
    let fallback = tower::service_fn(|_request: http::Request<Empty<bytes::Bytes>>| async {
        Ok::<_, Infallible>(http::Response::new(http_body_util::Full::new(
            bytes::Bytes::from_static(b"local"),
        )))
    });
    let service = proxy.layer("www").unwrap().layer(fallback);
    let request = http::Request::get(path)
        .body(Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = runtime().block_on(service.oneshot(request)).unwrap();
    let body = runtime().block_on(response.into_body().collect()).unwrap();
    String::from_utf8_lossy(&body.to_bytes()).into_owned()
}

#[test]
fn a_client_made_before_apply_follows_the_new_balance_and_servers() {
    let (a, b, c) = (
        TestBackend::start("a"),
        TestBackend::start("b"),
        TestBackend::start("c"),
    );
    let config = Config::builder().backend(backend("app", &[&a, &b]));
    let proxy = Proxy::from_config(config.build().unwrap()).unwrap();
    let client = proxy.client("app").unwrap();
    assert_eq!(call(&client, "/"), "a");
    assert_eq!(call(&client, "/"), "b");

    let first = backend("app", &[&c, &a]).balance(Balance::First);
    let changes = proxy
        .handle()
        .apply(Config::builder().backend(first).build().unwrap())
        .unwrap();
    assert!(changes.contains(&Change::BackendSettings { name: "app".into() }));
    let bodies: Vec<String> = (0..4).map(|_| call(&client, "/")).collect();
    // `balance first` takes the server with the lowest id among the kept and the added ones:
    // `a` (id 1, kept) comes before `c` (added, next id).
    assert_eq!(bodies, ["a", "a", "a", "a"]);
    assert_eq!(b.hits(), 1);
    let snapshot = proxy.handle().snapshot();
    assert_eq!(snapshot.server("app", "a").unwrap().number("stot"), Some(5));
    assert_eq!(snapshot.backend("app").unwrap().text("algo"), "first");
}

#[test]
fn a_layer_routes_by_the_new_rules_and_to_a_new_backend_after_apply() {
    let (a, b) = (TestBackend::start("a"), TestBackend::start("b"));
    let www = |target: &str| {
        Frontend::builder("www")
            .acl("api", Pattern::new(Fetch::Path, Matcher::Begin, ["/api"]))
            .use_backend_if(target, "api")
    };
    let old = Config::builder()
        .backend(backend("one", &[&a]))
        .frontend(www("one"));
    let proxy = Proxy::from_config(old.build().unwrap()).unwrap();
    assert_eq!(through_layer(&proxy, "/api/x"), "a");
    assert_eq!(through_layer(&proxy, "/other"), "local");

    let new = Config::builder()
        .backend(backend("two", &[&b]))
        .frontend(www("two"));
    let changes = proxy.handle().apply(new.build().unwrap()).unwrap();
    assert_eq!(
        changes,
        [
            Change::Frontend { name: "www".into() },
            Change::BackendAdded { name: "two".into() },
            Change::BackendRemoved { name: "one".into() },
        ]
    );
    assert_eq!(through_layer(&proxy, "/api/x"), "b");
    assert_eq!(through_layer(&proxy, "/other"), "local");
    assert!(proxy.runtime().backend("one").is_none());
    assert_eq!(
        proxy
            .handle()
            .snapshot()
            .backend("two")
            .unwrap()
            .text("pxname"),
        "two"
    );
}

#[test]
fn a_client_of_a_removed_backend_answers_503() {
    let (a, b) = (TestBackend::start("a"), TestBackend::start("b"));
    let config = Config::builder()
        .backend(backend("one", &[&a]))
        .backend(backend("two", &[&b]));
    let proxy = Proxy::from_config(config.build().unwrap()).unwrap();
    let client = proxy.client("one").unwrap();
    assert_eq!(call(&client, "/"), "a");
    let only_two = Config::builder().backend(backend("two", &[&b]));
    proxy.handle().apply(only_two.build().unwrap()).unwrap();
    let request = http::Request::get("/")
        .body(Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = runtime().block_on(client.oneshot(request)).unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(a.hits(), 1);
}

#[test]
fn apply_refuses_binds_global_and_new_frontends_and_changes_nothing() {
    let a = TestBackend::start("a");
    let www = |port: u16| {
        Frontend::builder("www")
            .bind(([127, 0, 0, 1], port).into())
            .default_backend("app")
    };
    let port = free_port();
    let old = Config::builder()
        .backend(backend("app", &[&a]))
        .frontend(www(port));
    let proxy = Proxy::from_config(old.build().unwrap()).unwrap();
    let new = Config::builder()
        .maxconn(5)
        .backend(backend("app", &[&a]).balance(Balance::LeastConn))
        .frontend(www(free_port()))
        .frontend(Frontend::builder("admin").default_backend("app"));
    let error = proxy.handle().apply(new.build().unwrap()).unwrap_err();
    let ControlError::NeedsRestart(changes) = error else {
        panic!("{error:?}");
    };
    assert_eq!(
        changes,
        [
            Change::Global,
            Change::Binds {
                frontend: "www".into()
            },
            Change::FrontendAdded {
                name: "admin".into()
            },
        ]
    );
    assert_eq!(proxy.config().backends[0].balance, Balance::RoundRobin);
    assert_eq!(proxy.config().frontends[0].binds[0].addr.port(), port);
}

#[test]
fn health_checks_start_for_servers_added_by_apply_and_stop_for_removed_ones() {
    let a = TestBackend::start("a");
    let proxy = Proxy::from_config(
        Config::builder()
            .backend(backend("app", &[&a]))
            .build()
            .unwrap(),
    )
    .unwrap();
    let background = {
        let _entered = runtime().enter();
        proxy.background().spawn()
    };
    let checked = |name: &str, port: u16| {
        Server::builder(name, ([127, 0, 0, 1], port).into())
            .check()
            .inter(Duration::from_millis(50))
            .rise(1)
            .fall(1)
    };
    let closed = free_port();
    let grown = backend("app", &[&a]).server_with(checked("dead", closed));
    proxy
        .handle()
        .apply(Config::builder().backend(grown).build().unwrap())
        .unwrap();
    let status = |server: &str| {
        let snapshot = proxy.handle().snapshot();
        snapshot.server("app", server).map(|s| s.text("status"))
    };
    assert!(
        wait_until(Duration::from_secs(3), || status("dead").as_deref()
            == Some("DOWN")),
        "{:?}",
        status("dead")
    );
    // The same server moved to a live address is replaced: a new checker finds it there.
    let moved = backend("app", &[&a]).server_with(checked("dead", a.addr().port()));
    proxy
        .handle()
        .apply(Config::builder().backend(moved).build().unwrap())
        .unwrap();
    let check = || {
        let snapshot = proxy.handle().snapshot();
        let row = snapshot.server("app", "dead").unwrap();
        (row.text("status"), row.text("check_status"))
    };
    assert!(
        wait_until(Duration::from_secs(3), || check()
            == ("UP".to_owned(), "L4OK".to_owned())),
        "{:?}",
        check()
    );
    runtime().block_on(background.shutdown());
}
