//! `demo --requests N`: send requests through the proxy and show which server answered each.

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

/// How long one demo request may take before the demo reports a failure.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Send `count` GET requests to `frontend`, print each answer and a summary. Errors if any
/// request failed or did not get a `200`.
pub(crate) async fn send(frontend: SocketAddr, count: u32) -> anyhow::Result<()> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let url: hyper::Uri = format!("http://{frontend}/")
        .parse()
        .context("bad frontend address")?;
    let mut answered_by: BTreeMap<String, u32> = BTreeMap::new();
    let mut failures = 0u32;
    for n in 1..=count {
        match tokio::time::timeout(REQUEST_TIMEOUT, one(&client, url.clone())).await {
            Ok(Ok((status, server, body))) => {
                println!(
                    "request {n:>3}: {status} from {server:<6} {}",
                    body.trim_end()
                );
                if status != 200 {
                    failures += 1;
                }
                *answered_by.entry(server).or_default() += 1;
            }
            Ok(Err(error)) => {
                println!("request {n:>3}: failed: {error:#}");
                failures += 1;
            }
            Err(_) => {
                println!("request {n:>3}: no answer within {REQUEST_TIMEOUT:?}");
                failures += 1;
            }
        }
    }
    println!("\nsummary: {count} requests, {failures} failed");
    for (server, hits) in &answered_by {
        println!("  {server:<6} answered {hits}");
    }
    anyhow::ensure!(failures == 0, "{failures} of {count} demo requests failed");
    Ok(())
}

type DemoClient = Client<hyper_util::client::legacy::connect::HttpConnector, Empty<Bytes>>;

async fn one(client: &DemoClient, url: hyper::Uri) -> anyhow::Result<(u16, String, String)> {
    let response = client.get(url).await.context("request failed")?;
    let status = response.status().as_u16();
    let server = response
        .headers()
        .get("x-server")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("?")
        .to_string();
    let body = response
        .into_body()
        .collect()
        .await
        .context("response body cut short")?
        .to_bytes();
    Ok((status, server, String::from_utf8_lossy(&body).into_owned()))
}
