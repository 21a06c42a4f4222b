//! Switchyard: an HAProxy-compatible HTTP reverse proxy and load balancer, as a library.
//!
//! Everything starts from a [`model::Config`]: read from an HAProxy configuration file
//! ([`Proxy::from_config_file`]) or built in code ([`model::Config::builder`], which refuses what
//! the file's validator refuses). [`Proxy::from_config`] turns it into live state and hands out
//! the pieces an application needs. Nothing is spawned behind your back: background work
//! (health checks) comes back as a [`Background`] future that you spawn or drive, and stops when
//! its [`BackgroundHandle`] is shut down or dropped.
//!
//! # Reverse proxy inside an axum (or any tower) application
//!
//! [`Proxy::layer`] is a frontend's data path as a tower `Layer`: routing (`use_backend`),
//! `http-request`/`http-response` rules, balancing, queueing, retries. The service it wraps
//! receives the requests no rule routes. With axum, use it as the router's fallback service so
//! some paths are served locally and the rest are load-balanced:
//!
//! ```no_run
//! use switchyard_core::model::{Backend, Config, Frontend};
//! use switchyard_core::Proxy;
//! use tower::ServiceExt;
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::builder()
//!     .backend(Backend::builder("app").server("a", "127.0.0.1:8001".parse()?).server("b", "127.0.0.1:8002".parse()?))
//!     .frontend(Frontend::builder("www").default_backend("app"))
//!     .build()?;
//! let proxy = Proxy::from_config(config)?;
//! let _background = proxy.background().spawn();
//! let layer = proxy.layer("www").ok_or("no frontend www")?;
//! let unrouted = tower::service_fn(|_: axum::extract::Request| async {
//!     Ok::<_, std::convert::Infallible>(http::Response::new(axum::body::Body::empty()))
//! });
//! let proxied = tower::ServiceBuilder::new()
//!     .layer(layer)
//!     .service(unrouted)
//!     .map_response(axum::response::IntoResponse::into_response);
//! let app = axum::Router::new()
//!     .route("/healthz", axum::routing::get(|| async { "ok" }))
//!     .fallback_service(proxied);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! Insert a [`ClientAddr`] extension in requests when the layer sits behind your own server, so
//! `src` ACLs, `balance source` and `option forwardfor` see the client. The full program is
//! `examples/axum_fallback.rs`.
//!
//! # Client-side load balancing
//!
//! [`Proxy::client`] is a `tower::Service<http::Request<B>>` that sends each request to a
//! server of one backend, with that backend's balancer, health checks, retries and connection
//! pool, and no listener at all:
//!
//! ```no_run
//! use switchyard_core::model::{Backend, Balance, Config, Server};
//! use tower::ServiceExt;
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let pool = Backend::builder("users")
//!     .balance(Balance::LeastConn)
//!     .server_with(Server::builder("u1", "10.0.0.1:80".parse()?).check())
//!     .server_with(Server::builder("u2", "10.0.0.2:80".parse()?).check());
//! let proxy = switchyard_core::Proxy::from_config(Config::builder().backend(pool).build()?)?;
//! let checks = proxy.background().spawn();
//! let client = proxy.client("users").ok_or("no backend users")?;
//! let request = http::Request::get("/users/42").body(http_body_util::Empty::<bytes::Bytes>::new())?;
//! let response = client.oneshot(request).await?;
//! checks.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! See `examples/client_side.rs`.
//!
//! # Driven by a configuration file, like the binary
//!
//! ```no_run
//! # async fn run() -> Result<(), switchyard_core::Error> {
//! let proxy = switchyard_core::Proxy::from_config_file("haproxy.cfg")?;
//! let _background = proxy.background().spawn();
//! proxy.bind().await?.serve(std::future::pending()).await
//! # }
//! ```
//!
//! The `switchyard` binary is this and nothing more (plus its command line, logging and
//! signals). See `examples/from_config_file.rs`.
//!
//! # Hot reconfiguration
//!
//! [`ProxyHandle::apply`] runs a new model without a restart, as the binary's reload (SIGUSR2)
//! does: layers, clients and health checks already handed out follow it, and the backends and
//! servers it keeps keep their state.
//!
//! ```no_run
//! # fn run(proxy: &switchyard_core::Proxy) -> Result<(), Box<dyn std::error::Error>> {
//! let reloaded = switchyard_core::config::load(&["haproxy.cfg".into()])?;
//! for change in proxy.handle().apply(reloaded.config)? {
//!     println!("{change:?}");
//! }
//! # Ok(()) }
//! ```
//!
//! # Runtime control and observability
//!
//! [`Proxy::handle`] gives a cloneable [`ProxyHandle`] with the stats socket's operations
//! (`set_server_state`, `set_weight`, `add_server`, `remove_server`, `set_health_checks`,
//! `snapshot`). The data path counts
//! `switchyard_backend_responses_total{backend, code}` and
//! `switchyard_server_responses_total{backend, server, code}` through the `metrics` facade (the
//! application's recorder sees them) and opens a `tracing` span `request` per proxied request
//! with `backend`, `server`, `method` and `path` fields (target
//! [`proxy::REQUEST_SPAN_TARGET`], `switchyard::request`).

pub mod accounts;
mod admin;
mod app;
pub mod balance;
pub mod config;
pub mod control;
mod error;
pub mod frontend;
mod h1;
mod health;
mod live;
mod log;
pub mod model;
pub mod proxy;
pub mod routing;
pub mod runtime;
pub mod stats;
mod tasks;

pub use app::Proxy;
pub use control::{ControlError, ProxyHandle};
pub use error::{Error, ErrorKind};
pub use frontend::Listeners;
pub use proxy::{Client, ClientAddr, ProxyBody, ProxyLayer, ProxyService};
pub use tasks::{Background, BackgroundHandle};
