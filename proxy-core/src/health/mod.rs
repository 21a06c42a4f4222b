//! Health checks: HAProxy's active checks (`check`, `inter`/`fastinter`/`downinter`, `rise`/`fall`,
//! `port`/`addr`, `option httpchk`, `http-check send|expect`, `timeout check`), passive observation
//! (`observe`, `error-limit`, `on-error`) and `slowstart`.
//!
//! - `machine`: the pure rise/fall state machine (HAProxy's `health` counter).
//! - `probe` and `http_check`: one TCP or HTTP check, with HAProxy's `check_status` results.
//! - `checker`: the loop of one server, the only writer of its UP/DOWN state and check fields.
//! - `HealthChecks`: every checker of a proxy, started spread over their interval (server k
//!   of n first waits `inter * k / n`) so checks never arrive all at once.
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
use crate::runtime::Runtime;
use checker::Checker;
use futures_util::future::{join_all, BoxFuture};
use http_check::HttpCheck;
use probe::Probe;
use std::sync::Arc;

/// Every health checker of a proxy, compiled. Run them with [`HealthChecks::run`].
#[derive(Debug, Default)]
pub(crate) struct HealthChecks {
    checkers: Vec<Arc<Checker>>,
}

impl HealthChecks {
    /// Compiles a checker for every server with `check` in `config`; `runtime` must be built
    /// from the same configuration.
    pub(crate) fn compile(
        config: &model::Config,
        runtime: &Runtime,
    ) -> Result<HealthChecks, HttpCheckError> {
        let mut checkers = Vec::new();
        for (backend, state) in config.backends.iter().zip(runtime.backends()) {
            let http = backend.health_check.as_ref();
            for (server, server_state) in backend.servers.iter().zip(state.servers()) {
                if !server.check.enabled {
                    continue;
                }
                let check = &server.check;
                let connect_timeout = match backend.timeouts.check {
                    Some(_) => backend
                        .timeouts
                        .connect
                        .map_or(check.inter, |c| c.min(check.inter)),
                    None => check.inter,
                };
                let probe = Probe {
                    addr: check.addr,
                    port: check.port,
                    connect_timeout,
                    response_timeout: backend.timeouts.check,
                    http: http.map(HttpCheck::compile).transpose()?,
                };
                checkers.push(Arc::new(Checker {
                    backend: Arc::clone(state),
                    server: server_state,
                    settings: check.clone(),
                    probe,
                }));
            }
        }
        Ok(HealthChecks { checkers })
    }

    /// Every check loop as one future that never completes (unless no server is checked).
    pub(crate) fn run(&self) -> BoxFuture<'static, ()> {
        let count = u32::try_from(self.checkers.len())
            .unwrap_or(u32::MAX)
            .max(1);
        let loops = self.checkers.iter().zip(0u32..).map(|(checker, position)| {
            let first_delay = checker.settings.inter * position / count;
            Arc::clone(checker).run(first_delay)
        });
        let all = join_all(loops);
        Box::pin(async move {
            all.await;
        })
    }
}
