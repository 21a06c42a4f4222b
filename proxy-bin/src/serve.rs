//! Serving a loaded configuration: build the proxy, bind, log the addresses, run until a signal.

use switchyard_core::model::Config;
use switchyard_core::{BackgroundHandle, Listeners, Proxy};
use tracing::info;

/// Build the proxy from `config`, bind every frontend and start the background work (health
/// checks) on the runtime; logs each listening address. The work stops when the returned handle
/// is dropped.
pub(crate) async fn bind(config: Config) -> anyhow::Result<(Listeners, BackgroundHandle)> {
    crate::privileges::check(&config.global).map_err(anyhow::Error::msg)?;
    let proxy = Proxy::from_config(config).map_err(flatten)?;
    let listeners = proxy.bind().await.map_err(flatten)?;
    let background = proxy.background().spawn();
    for (frontend, addr) in listeners.local_addrs() {
        info!("frontend '{frontend}' listening on http://{addr}");
    }
    Ok((listeners, background))
}

/// Serve `config` until SIGINT or SIGTERM, then stop gracefully.
pub(crate) async fn run(config: Config) -> anyhow::Result<()> {
    let (listeners, background) = bind(config).await?;
    listeners.serve(shutdown_signal()).await.map_err(flatten)?;
    background.shutdown().await;
    info!("stopped");
    Ok(())
}

/// A library error as one message. Its `Display` already names its cause, so keeping the cause
/// chain would print it twice.
pub(crate) fn flatten(error: switchyard_core::Error) -> anyhow::Error {
    anyhow::Error::msg(error.to_string())
}

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            // Without a SIGTERM handler, Ctrl-C still works; never finish on this branch.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    info!("signal received: finishing open requests, then stopping");
}
