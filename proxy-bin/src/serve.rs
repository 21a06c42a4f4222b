//! Serving a loaded configuration: build the proxy, bind, log the addresses, run until a signal,
//! reloading on SIGUSR2.

use anyhow::Context;
use std::path::{Path, PathBuf};
use switchyard_core::model::Config;
use switchyard_core::{BackgroundHandle, Listeners, Proxy, ProxyHandle};
use tracing::info;

/// A bound proxy: its listeners, its running background work (health checks; it stops when
/// dropped) and the handle that changes it.
pub(crate) struct Bound {
    pub(crate) listeners: Listeners,
    pub(crate) background: BackgroundHandle,
    pub(crate) handle: ProxyHandle,
    /// `chroot`: the directory the process runs in as its root, if any.
    pub(crate) chrooted: Option<PathBuf>,
}

/// Build the proxy from `config`, bind every frontend, write the `pidfile`, `chroot`, switch to
/// `global`'s `user`/`group` when started as root, and start the background work on the runtime; logs each listening
/// address.
pub(crate) async fn bind(config: Config) -> anyhow::Result<Bound> {
    crate::privileges::check_chroot(&config.global).map_err(anyhow::Error::msg)?;
    let switch_to = crate::privileges::resolve(&config.global).map_err(anyhow::Error::msg)?;
    let pidfile = config.global.pidfile.clone();
    let chrooted = config.global.chroot.clone();
    let proxy = Proxy::from_config(config).map_err(flatten)?;
    let listeners = proxy.bind().await.map_err(flatten)?;
    if let Some(path) = pidfile {
        write_pidfile(&path)?;
    }
    if let Some(dir) = &chrooted {
        crate::privileges::chroot(dir).map_err(anyhow::Error::msg)?;
    }
    if let Some(to) = switch_to {
        crate::privileges::switch(to).map_err(anyhow::Error::msg)?;
    }
    let background = proxy.background().spawn();
    for (frontend, addr) in listeners.local_addrs() {
        info!("frontend '{frontend}' listening on http://{addr}");
    }
    Ok(Bound {
        listeners,
        background,
        handle: proxy.handle(),
        chrooted,
    })
}

/// Serve `config`, read from `files`, until SIGINT or SIGTERM, then stop gracefully; reload
/// `files` on SIGUSR2.
pub(crate) async fn run(config: Config, files: Vec<PathBuf>) -> anyhow::Result<()> {
    let bound = bind(config).await?;
    let reloads = tokio::spawn(crate::reload::on_signal(
        files,
        bound.handle,
        bound.chrooted,
    ));
    bound
        .listeners
        .serve(shutdown_signal())
        .await
        .map_err(flatten)?;
    reloads.abort();
    bound.background.shutdown().await;
    info!("stopped");
    Ok(())
}

/// Writes the process id and a newline to `path` (`pidfile`), before privileges are dropped,
/// as HAProxy does.
fn write_pidfile(path: &Path) -> anyhow::Result<()> {
    std::fs::write(path, format!("{}\n", std::process::id()))
        .with_context(|| format!("cannot write pidfile '{}'", path.display()))
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
