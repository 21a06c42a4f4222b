//! Client-side load balancing: an application calls a pool of upstream servers through a
//! [`switchyard_core::Client`], a `tower::Service` with the proxy's balancers, retries and
//! health checks, and no listener at all.
//!
//! ```sh
//! cargo run -p switchyard-core --example client_side -- --requests 8
//! ```

mod common;

use common::{requests_arg, start_upstreams, BoxError};
use http_body_util::{BodyExt, Empty};
use std::time::Duration;
use switchyard_core::model::{Backend, Balance, Config, Server};
use switchyard_core::Proxy;
use tower::ServiceExt;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let upstreams = start_upstreams(4).await?;
    let mut pool = Backend::builder("pool")
        .balance(Balance::RoundRobin)
        .timeout_connect(Duration::from_secs(1))
        .timeout_server(Duration::from_secs(5))
        .retries(2)
        .redispatch(1);
    for (index, addr) in upstreams.iter().enumerate() {
        let server = Server::builder(format!("up{}", index + 1), *addr)
            .check()
            .inter(Duration::from_secs(1));
        pool = pool.server_with(server);
    }
    let proxy = Proxy::from_config(Config::builder().backend(pool).build()?)?;
    // Health checks run only while this handle lives.
    let background = proxy.background().spawn();
    let client = proxy.client("pool").ok_or("backend pool is missing")?;

    let count = requests_arg()?.unwrap_or(8);
    for _ in 0..count {
        let request = http::Request::get("/hello")
            .header(http::header::HOST, "pool.internal")
            .body(Empty::<bytes::Bytes>::new())?;
        let response = client.clone().oneshot(request).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        println!("{status} {}", String::from_utf8_lossy(&body));
    }
    background.shutdown().await;
    Ok(())
}
