//! Health checks: HAProxy's active checks (`check`, `inter`/`fastinter`/`downinter`, `rise`/`fall`,
//! `port`/`addr`, `option httpchk`, `http-check send|expect`, `timeout check`), passive observation
//! (`observe`, `error-limit`, `on-error`) and `slowstart`.
//!
//! - `machine`: the pure rise/fall state machine (HAProxy's `health` counter).
//! - `probe` and `http_check`: one TCP or HTTP check, with HAProxy's `check_status` results.
//! - `checker`: the loop of one server, the only writer of its UP/DOWN state and check fields.
//! - `HealthChecks`: runs a checker for every server with `check` of every backend the runtime
//!   lists now, starting and stopping checkers as servers are added, removed or reconfigured
//!   (`add server`, `del server`, [`crate::ProxyHandle::apply`]). Checkers started together are
//!   spread over their interval (server k of n first waits `inter * k / n`) so checks never
//!   arrive all at once.
//!
//! Checks open their own connections and run as one future the embedder drives (see
//! [`crate::Proxy::background`]); the data path only reads the state they publish.
//! Passive observation reports go through [`crate::runtime::ServerState::observe`], which only
//! wakes the server's checker when `error-limit` is reached; it needs `check` on the server, as
//! in HAProxy.

mod checker;
mod http_check;
mod machine;
mod probe;

pub(crate) use http_check::HttpCheckError;

use crate::model;
use crate::runtime::{BackendState, Runtime, ServerState};
use checker::Checker;
use futures_util::future::{abortable, AbortHandle, BoxFuture};
use futures_util::stream::{FuturesUnordered, StreamExt};
use http_check::HttpCheck;
use probe::Probe;
use std::collections::HashMap;
use std::sync::Arc;

/// The health checks of a proxy's runtime. Run them with [`HealthChecks::run`].
#[derive(Debug, Clone)]
pub(crate) struct HealthChecks {
    runtime: Arc<Runtime>,
}

impl HealthChecks {
    /// Fails when the `option httpchk` / `http-check` settings of a backend of `config` cannot
    /// make a request, so that the error comes when the configuration is loaded or applied.
    pub(crate) fn validate(config: &model::Config) -> Result<(), HttpCheckError> {
        for backend in &config.backends {
            if let Some(check) = &backend.health_check {
                HttpCheck::compile(check)?;
            }
        }
        Ok(())
    }

    /// The health checks of `runtime`'s servers.
    pub(crate) fn new(runtime: Arc<Runtime>) -> HealthChecks {
        HealthChecks { runtime }
    }

    /// Every check loop as one future, which never completes: it follows the servers the
    /// runtime lists.
    pub(crate) fn run(&self) -> BoxFuture<'static, ()> {
        Box::pin(supervise(Arc::clone(&self.runtime)))
    }
}

/// What a running checker was started for: the server, and the backend configuration its probe
/// was compiled from. Holding both keeps their addresses from being reused while it runs.
struct Started {
    server: Arc<ServerState>,
    backend: Arc<model::Backend>,
    stop: AbortHandle,
}

/// Runs a checker per checked server, starting the missing ones and stopping the ones no longer
/// wanted whenever the runtime's servers change.
async fn supervise(runtime: Arc<Runtime>) {
    let mut changes = runtime.watch_servers();
    let mut started: HashMap<usize, Started> = HashMap::new();
    let mut loops = FuturesUnordered::new();
    loop {
        changes.borrow_and_update();
        let wanted = wanted_checkers(&runtime);
        started.retain(|key, run| {
            let keep = wanted
                .iter()
                .any(|(k, backend, _)| k == key && Arc::ptr_eq(backend, &run.backend));
            if !keep {
                run.stop.abort();
            }
            keep
        });
        let new: Vec<_> = wanted
            .into_iter()
            .filter(|(key, _, _)| !started.contains_key(key))
            .collect();
        let count = u32::try_from(new.len()).unwrap_or(u32::MAX).max(1);
        for ((key, backend, checker), position) in new.into_iter().zip(0u32..) {
            let first_delay = checker.settings.inter * position / count;
            let server = Arc::clone(&checker.server);
            let (run, stop) = abortable(Arc::new(checker).run(first_delay));
            loops.push(run);
            let run = Started {
                server,
                backend,
                stop,
            };
            started.insert(key, run);
        }
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    // The runtime is gone: nothing is left to check.
                    return;
                }
            }
            Some(_) = loops.next(), if !loops.is_empty() => {
                // A checker ended because its server was removed; the next pass forgets it.
            }
        }
        started.retain(|_, run| !run.server.is_removed());
    }
}

/// A checker for every checked server the runtime lists now, keyed by the server's address,
/// with the backend configuration it follows. Servers whose probe does not compile are
/// skipped (configurations are validated before they run, see [`HealthChecks::validate`]).
fn wanted_checkers(runtime: &Runtime) -> Vec<(usize, Arc<model::Backend>, Checker)> {
    let mut wanted = Vec::new();
    for backend in runtime.backends().iter() {
        let model = backend.model();
        for server in backend.servers() {
            if !server.checked {
                continue;
            }
            let key = Arc::as_ptr(&server) as usize;
            match checker(backend, &model, server) {
                Ok(checker) => wanted.push((key, Arc::clone(&model), checker)),
                Err(error) => tracing::warn!(backend = backend.name(), %error, "health check"),
            }
        }
    }
    wanted
}

/// The checker of `server`, a server of `backend` configured by `model`.
fn checker(
    backend: &Arc<BackendState>,
    model: &model::Backend,
    server: Arc<ServerState>,
) -> Result<Checker, HttpCheckError> {
    let check = server.model().check.clone();
    let connect_timeout = match model.timeouts.check {
        Some(_) => model
            .timeouts
            .connect
            .map_or(check.inter, |c| c.min(check.inter)),
        None => check.inter,
    };
    let probe = Probe {
        addr: check.addr,
        port: check.port,
        connect_timeout,
        response_timeout: model.timeouts.check,
        http: model
            .health_check
            .as_ref()
            .map(HttpCheck::compile)
            .transpose()?,
    };
    Ok(Checker {
        backend: Arc::clone(backend),
        server,
        settings: check,
        probe,
    })
}
