//! The library API as an embedding application uses it: a model built in code, the balanced
//! [`Client`](switchyard_core::Client), the [`ProxyHandle`](switchyard_core::ProxyHandle) and the
//! background work's handle, against real test backends on loopback.

use http_body_util::{BodyExt, Empty};
use std::time::Duration;
use switchyard_core::model::{Backend, Config, HealthCheck, Server};
use switchyard_core::runtime::AdminState;
use switchyard_core::{ControlError, Proxy};
use switchyard_tests::{runtime, wait_until, Backend as TestBackend};
use tower::ServiceExt;

/// A proxy with one backend `app` over `servers`.
fn proxy_over(servers: &[&TestBackend]) -> Proxy {
    let mut backend = Backend::builder("app").timeout_connect(Duration::from_secs(1));
    for server in servers {
        backend = backend.server(server.name(), server.addr());
    }
    Proxy::from_config(Config::builder().backend(backend).build().unwrap()).unwrap()
}

/// Sends `GET /` through the proxy's balanced client for `app`; returns status and body.
fn call(proxy: &Proxy) -> (u16, String) {
    let client = proxy.client("app").unwrap();
    runtime().block_on(async move {
        let request = http::Request::get("/")
            .body(Empty::<bytes::Bytes>::new())
            .unwrap();
        let response = client.oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    })
}

#[test]
fn a_server_put_in_maintenance_through_the_handle_gets_no_requests() {
    let (a, b) = (TestBackend::start("a"), TestBackend::start("b"));
    let proxy = proxy_over(&[&a, &b]);
    let handle = proxy.handle().clone();
    handle
        .set_server_state("app", "b", AdminState::Maint)
        .unwrap();
    for _ in 0..4 {
        assert_eq!(call(&proxy), (200, "a".to_string()));
    }
    assert_eq!(b.hits(), 0);
    handle
        .set_server_state("app", "b", AdminState::Ready)
        .unwrap();
    let bodies: Vec<String> = (0..4).map(|_| call(&proxy).1).collect();
    assert_eq!(bodies.iter().filter(|body| *body == "b").count(), 2);
}

#[test]
fn weights_set_through_the_handle_change_the_shares() {
    let (a, b) = (TestBackend::start("a"), TestBackend::start("b"));
    let proxy = proxy_over(&[&a, &b]);
    proxy.handle().set_weight("app", "a", 3).unwrap();
    for _ in 0..8 {
        call(&proxy);
    }
    assert_eq!((a.hits(), b.hits()), (6, 2));
    let snapshot = proxy.handle().snapshot();
    let sessions = |server| snapshot.server("app", server).unwrap().number("stot");
    assert_eq!((sessions("a"), sessions("b")), (Some(6), Some(2)));
    assert_eq!(snapshot.server("app", "a").unwrap().text("weight"), "3");
}

#[test]
fn the_handle_refuses_unknown_names_and_weights_above_256() {
    let a = TestBackend::start("a");
    let handle = proxy_over(&[&a]).handle();
    assert_eq!(
        handle.set_weight("app", "a", 257),
        Err(ControlError::WeightOutOfRange)
    );
    assert_eq!(
        handle.set_weight("nope", "a", 1),
        Err(ControlError::NoSuchBackend)
    );
    assert_eq!(
        handle.set_server_state("app", "zz", AdminState::Drain),
        Err(ControlError::NoSuchServer)
    );
}

#[test]
fn the_client_answers_503_when_no_server_is_usable() {
    let a = TestBackend::start("a");
    let proxy = proxy_over(&[&a]);
    proxy
        .handle()
        .set_server_state("app", "a", AdminState::Maint)
        .unwrap();
    assert_eq!(call(&proxy).0, 503);
    assert_eq!(a.hits(), 0);
}

#[test]
fn shutting_down_the_background_handle_stops_health_checks() {
    let a = TestBackend::start("a");
    let check = HealthCheck {
        method: "GET".into(),
        uri: "/health".into(),
        version: "HTTP/1.0".into(),
        headers: Vec::new(),
        rules: Vec::new(),
    };
    let server = Server::builder("a", a.addr())
        .check()
        .inter(Duration::from_millis(50))
        .rise(1)
        .fall(1);
    let backend = Backend::builder("app")
        .http_check(check)
        .server_with(server);
    let proxy = Proxy::from_config(Config::builder().backend(backend).build().unwrap()).unwrap();
    let status = || proxy.runtime().backend("app").unwrap().servers()[0].status();

    let background = {
        let _entered = runtime().enter();
        proxy.background().spawn()
    };
    a.set_health_status(500);
    assert!(
        wait_until(Duration::from_secs(5), || status() == "DOWN"),
        "{}",
        status()
    );
    runtime().block_on(background.shutdown());
    a.set_health_status(200);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(status(), "DOWN", "a check ran after shutdown");
}

#[test]
fn a_server_added_through_the_handle_takes_requests_once_ready() {
    let (a, b) = (TestBackend::start("a"), TestBackend::start("b"));
    let proxy = proxy_over(&[&a]);
    let handle = proxy.handle();
    let server = Server::builder("b", b.addr()).build_alone().unwrap();
    handle.add_server("app", &server).unwrap();
    assert_eq!(call(&proxy).1, "a", "an added server starts in maintenance");
    handle
        .set_server_state("app", "b", AdminState::Ready)
        .unwrap();
    let bodies: Vec<String> = (0..4).map(|_| call(&proxy).1).collect();
    assert_eq!(bodies.iter().filter(|body| *body == "b").count(), 2);

    let refused = handle.remove_server("app", "b").unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Only servers in maintenance mode can be deleted."
    );
    handle
        .set_server_state("app", "b", AdminState::Maint)
        .unwrap();
    handle.remove_server("app", "b").unwrap();
    assert!(handle.snapshot().server("app", "b").is_none());
    assert_eq!(call(&proxy).1, "a");
}

#[test]
fn apply_adds_removes_and_reweighs_servers_keeping_their_counters() {
    let (a, b, c) = (
        TestBackend::start("a"),
        TestBackend::start("b"),
        TestBackend::start("c"),
    );
    let proxy = proxy_over(&[&a, &b]);
    for _ in 0..4 {
        call(&proxy);
    }
    let new = Config::builder()
        .backend(
            Backend::builder("app")
                .timeout_connect(Duration::from_secs(1))
                .server_with(Server::builder("a", a.addr()).weight(3))
                .server("c", c.addr()),
        )
        .build()
        .unwrap();
    let changes = proxy.handle().apply(new).unwrap();
    assert_eq!(changes.len(), 3, "{changes:?}");
    for _ in 0..8 {
        call(&proxy);
    }
    assert_eq!((a.hits(), b.hits(), c.hits()), (8, 2, 2));
    let snapshot = proxy.handle().snapshot();
    assert_eq!(snapshot.server("app", "a").unwrap().number("stot"), Some(8));
    assert!(snapshot.server("app", "b").is_none());
}

#[test]
fn the_types_an_embedder_keeps_are_clone_and_debug() {
    fn clone_and_debug<T: Clone + std::fmt::Debug>() {}
    clone_and_debug::<Proxy>();
    clone_and_debug::<switchyard_core::ProxyHandle>();
    clone_and_debug::<switchyard_core::Client>();
    clone_and_debug::<switchyard_core::proxy::ProxyLayer>();
    clone_and_debug::<switchyard_core::proxy::ProxyService<switchyard_core::Client>>();
    clone_and_debug::<switchyard_core::stats::Snapshot>();
    clone_and_debug::<switchyard_core::runtime::diff::Change>();
    clone_and_debug::<ControlError>();
    clone_and_debug::<Config>();
}
