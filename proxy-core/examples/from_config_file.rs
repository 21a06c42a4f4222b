//! The binary's behaviour from a library call: `Proxy::from_config_file(path)`, bind the
//! frontends, run the background work, serve until told to stop.
//!
//! ```sh
//! cargo run -p switchyard-core --example from_config_file                     # until Ctrl-C
//! cargo run -p switchyard-core --example from_config_file -- --requests 6     # 6 requests, exit
//! cargo run -p switchyard-core --example from_config_file -- --config my.cfg  # another file
//! ```
//!
//! The bundled `from_config_file.cfg` names its servers `${WEB1}`..`${WEB3}`; the example
//! starts three upstreams and sets those variables unless they are set already, and `PORT`
//! (the frontend's) to a free port unless it is set.

mod common;

use common::{requests_arg, start_upstreams, BoxError};
use std::path::PathBuf;
use switchyard_core::Proxy;

fn config_arg() -> PathBuf {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--config" {
            if let Some(path) = args.next() {
                return path.into();
            }
        }
    }
    concat!(env!("CARGO_MANIFEST_DIR"), "/examples/from_config_file.cfg").into()
}

// One thread: the environment is set before anything else could read it.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let upstreams = start_upstreams(3).await?;
    for (index, addr) in upstreams.iter().enumerate() {
        let name = format!("WEB{}", index + 1);
        if std::env::var_os(&name).is_none() {
            std::env::set_var(name, addr.to_string());
        }
    }
    if std::env::var_os("PORT").is_none() {
        // `bind` needs a real port: take one the system says is free.
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        std::env::set_var("PORT", port.to_string());
    }
    let proxy = Proxy::from_config_file(config_arg())?;
    let _background = proxy.background().spawn();
    let listeners = proxy.bind().await?;
    let (_, addr) = listeners
        .local_addrs()
        .into_iter()
        .next()
        .ok_or("the configuration has no frontend")?;

    let Some(count) = requests_arg()? else {
        println!("listening on http://{addr}");
        listeners
            .serve(async { tokio::signal::ctrl_c().await.unwrap_or(()) })
            .await?;
        return Ok(());
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(listeners.serve(async {
        let _ = stopped.await;
    }));
    for _ in 0..count {
        let (status, body) = common::get(&format!("http://{addr}/")).await?;
        println!("/: {status} {body}");
    }
    let _ = stop.send(());
    serving.await??;
    Ok(())
}
