//! Reloading the configuration on SIGUSR2, the signal HAProxy's master process reloads on
//! (`systemctl reload` sends it).
//!
//! The files are read again and checked like at start (every warning and error printed). A
//! valid configuration is applied to the running proxy with [`ProxyHandle::apply`]: connections
//! stay open, servers and backends it keeps keep their state. A configuration with errors, or
//! with changes only a restart makes (binds, `global`, frontends added or removed), is refused
//! and the running one is kept. After `chroot` every reload is refused.

use std::path::PathBuf;
use switchyard_core::config;
use switchyard_core::runtime::diff::Change;
use switchyard_core::{ControlError, ProxyHandle};
use tokio::signal::unix::{signal, SignalKind};
use tracing::{info, warn};

/// Reloads `files` into `handle`'s proxy on every SIGUSR2; never returns (unless the signal
/// cannot be watched, which is logged). A process `chrooted` into a directory refuses every
/// reload: its files are outside (HAProxy's master process, which reloads, stays outside).
pub(crate) async fn on_signal(files: Vec<PathBuf>, handle: ProxyHandle, chrooted: Option<PathBuf>) {
    let mut signals = match signal(SignalKind::user_defined2()) {
        Ok(signals) => signals,
        Err(error) => {
            warn!("reload on SIGUSR2 is not available: {error}");
            return std::future::pending().await;
        }
    };
    while signals.recv().await.is_some() {
        if let Some(dir) = &chrooted {
            warn!(
                "SIGUSR2 received: reload refused, the running configuration is kept: the process \
                 is chrooted into '{}' and cannot read {}; restart it to apply a new configuration",
                dir.display(),
                describe(&files)
            );
            continue;
        }
        info!("SIGUSR2 received: reloading {}", describe(&files));
        reload(&files, &handle);
    }
}

/// Reads `files` and applies them to `handle`'s proxy, logging the outcome.
fn reload(files: &[PathBuf], handle: &ProxyHandle) {
    let keeping = "the running configuration is kept";
    let Some(config) = crate::check::report(config::load(files), keeping) else {
        return;
    };
    match handle.apply(config) {
        Ok(changes) if changes.is_empty() => info!("reload: nothing changed"),
        Ok(changes) => {
            for change in &changes {
                info!("reload: {}", describe_change(change));
            }
            info!("reload: {} change(s) applied", changes.len());
        }
        Err(ControlError::NeedsRestart(changes)) => {
            let list: Vec<String> = changes.iter().map(describe_change).collect();
            warn!(
                "reload refused, {keeping}: these changes need a restart: {}",
                list.join("; ")
            );
        }
        Err(error) => warn!("reload refused, {keeping}: {error}"),
    }
}

/// The `-f` arguments, for the log.
fn describe(files: &[PathBuf]) -> String {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    names.join(", ")
}

/// One change in words, for the log.
fn describe_change(change: &Change) -> String {
    match change {
        Change::Global => "the global section changed".into(),
        Change::FrontendAdded { name } => format!("frontend '{name}' added"),
        Change::FrontendRemoved { name } => format!("frontend '{name}' removed"),
        Change::Binds { frontend } => format!("the binds of frontend '{frontend}' changed"),
        Change::Frontend { name } => format!("frontend '{name}' changed"),
        Change::BackendAdded { name } => format!("backend '{name}' added"),
        Change::BackendRemoved { name } => format!("backend '{name}' removed"),
        Change::BackendSettings { name } => format!("backend '{name}' changed"),
        Change::ServerAdded { backend, server } => {
            format!("server '{backend}/{}' added", server.name)
        }
        Change::ServerRemoved { backend, server } => {
            format!("server '{backend}/{server}' removed")
        }
        Change::Weight {
            backend,
            server,
            weight,
        } => format!("server '{backend}/{server}' weight {weight}"),
        Change::Disabled {
            backend,
            server,
            disabled,
        } => {
            let state = if *disabled { "disabled" } else { "enabled" };
            format!("server '{backend}/{server}' {state}")
        }
        Change::ServerSettings { backend, server } => {
            format!("server '{backend}/{server}' changed")
        }
        other => format!("{other:?}"),
    }
}
