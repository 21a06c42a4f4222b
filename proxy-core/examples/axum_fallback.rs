//! Switchyard inside an axum application: some routes are served by the application itself,
//! every other request is load-balanced over a pool of upstream servers by the Switchyard layer
//! used as the router's fallback service.
//!
//! ```sh
//! cargo run -p switchyard-core --example axum_fallback                 # serve until Ctrl-C
//! cargo run -p switchyard-core --example axum_fallback -- --requests 6 # send 6 requests, exit
//! ```
//!
//! The configuration is built in code here; `Proxy::from_config_file("haproxy.cfg")` works the
//! same way (see the `from_config_file` example).

mod common;

use axum::routing::get;
use axum::Router;
use common::{requests_arg, start_upstreams, BoxError};
use switchyard_core::model::{Backend, Balance, Config, Fetch, Frontend, Matcher, Pattern};
use switchyard_core::Proxy;
use tower::ServiceExt;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let upstreams = start_upstreams(3).await?;
    let mut backend = Backend::builder("app").balance(Balance::RoundRobin);
    for (index, addr) in upstreams.iter().enumerate() {
        backend = backend.server(format!("app{}", index + 1), *addr);
    }
    let config = Config::builder()
        .backend(backend)
        .backend(Backend::builder("admin").server("admin1", upstreams[0]))
        .frontend(
            Frontend::builder("www")
                .acl(
                    "is_admin",
                    Pattern::new(Fetch::Path, Matcher::Begin, ["/admin"]),
                )
                .use_backend_if("admin", "is_admin")
                .default_backend("app"),
        )
        .build()?;
    let proxy = Proxy::from_config(config)?;
    let _background = proxy.background().spawn();
    let layer = proxy.layer("www").ok_or("frontend www is missing")?;

    // The frontend has a default backend, so the inner service never sees a request; with no
    // `default_backend` it would receive every request no `use_backend` rule takes.
    let unrouted = tower::service_fn(|_request: axum::extract::Request| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(axum::body::Body::from("unrouted")))
    });
    let proxied = tower::ServiceBuilder::new()
        .layer(layer)
        .service(unrouted)
        .map_response(axum::response::IntoResponse::into_response);
    let app = Router::new()
        .route("/healthz", get(|| async { "served by axum" }))
        .fallback_service(proxied);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let Some(count) = requests_arg()? else {
        println!("listening on http://{addr} (/healthz is local, everything else is proxied)");
        axum::serve(listener, app).await?;
        return Ok(());
    };
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (_, local) = common::get(&format!("http://{addr}/healthz")).await?;
    println!("/healthz: {local}");
    for _ in 0..count {
        let (status, body) = common::get(&format!("http://{addr}/")).await?;
        println!("/: {status} {body}");
    }
    Ok(())
}
