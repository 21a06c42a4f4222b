//! What the data path precomputes from the model: compiled rules, routes and upstream pools.
//!
//! A [`BackendPlan`] per backend (its live state, rules and pool of keep-alive connections,
//! shared by every frontend) and a [`FrontendPlan`] per frontend. Both are immutable: a
//! reconfiguration compiles new ones and swaps them in (see `crate::live`); live server state is
//! in the [`Runtime`].

use super::upstream::Upstream;
use super::ErrorPages;
use crate::frontend::ClientTimeouts;
use crate::log::AccessLog;
use crate::model::{self, ConnMode};
use crate::routing::{Acls, ForwardFor, RequestRules, ResponseRules, Router, RoutingError};
use crate::runtime::{BackendState, FrontendState, Runtime};
use crate::stats::StatsPage;
use std::sync::Arc;

/// One backend's live state, compiled rules and connection pool.
#[derive(Debug)]
pub(crate) struct BackendPlan {
    pub(crate) state: Arc<BackendState>,
    /// The configuration compiled (timeouts, retries), read by every request without touching
    /// the live state's swappable copy.
    pub(crate) model: Arc<model::Backend>,
    pub(crate) request_rules: RequestRules,
    pub(crate) response_rules: ResponseRules,
    pub(crate) forwardfor: Option<ForwardFor>,
    pub(crate) conn_mode: ConnMode,
    pub(crate) upstream: Upstream,
    /// Its `errorfile` pages.
    pub(crate) error_pages: ErrorPages,
}

impl BackendPlan {
    /// Compiles `backend`'s rules and opens (lazily) its connection pool; `state` is its live
    /// state.
    pub(crate) fn compile(
        backend: &model::Backend,
        state: Arc<BackendState>,
    ) -> Result<BackendPlan, RoutingError> {
        let acls = Acls::compile(&backend.acls)?;
        let upstream = Upstream::new(
            backend.servers.len(),
            backend.timeouts.connect,
            backend.timeouts.server,
        );
        Ok(BackendPlan {
            state,
            model: Arc::new(backend.clone()),
            request_rules: RequestRules::compile(&backend.request_rules, &acls)?,
            response_rules: ResponseRules::compile(&backend.response_rules, &acls)?,
            forwardfor: compile_forwardfor(&backend.http)?,
            conn_mode: backend.http.conn_mode,
            upstream,
            error_pages: ErrorPages::compile(&backend.http.error_files)?,
        })
    }
}

/// One frontend's routes and compiled rules, with every backend's plan.
#[derive(Debug)]
pub(crate) struct FrontendPlan {
    /// The frontend's name (`%ft` in logs).
    pub(crate) name: Arc<str>,
    pub(crate) frontend: Arc<FrontendState>,
    /// Where its requests are logged, if anywhere.
    pub(crate) access_log: Option<AccessLog>,
    /// `stats uri`: the statistics page this frontend serves.
    pub(crate) stats: Option<StatsPage>,
    pub(crate) runtime: Arc<Runtime>,
    /// Every backend, in the order the router's indices follow.
    pub(crate) backends: Arc<[Arc<BackendPlan>]>,
    /// The client-side timeouts of its connections.
    pub(crate) timeouts: ClientTimeouts,
    pub(crate) router: Router,
    pub(crate) request_rules: RequestRules,
    pub(crate) response_rules: ResponseRules,
    pub(crate) forwardfor: Option<ForwardFor>,
    pub(crate) conn_mode: ConnMode,
    /// Its `errorfile` pages.
    pub(crate) error_pages: ErrorPages,
}

impl FrontendPlan {
    /// Compiles `frontend`'s routes and rules; `state` is its live state, `backends` the plans
    /// of every backend its rules may name.
    pub(crate) fn compile(
        frontend: &model::Frontend,
        access_log: Option<AccessLog>,
        state: Arc<FrontendState>,
        runtime: Arc<Runtime>,
        backends: Arc<[Arc<BackendPlan>]>,
    ) -> Result<FrontendPlan, RoutingError> {
        let acls = Acls::compile(&frontend.acls)?;
        let error_pages = ErrorPages::compile(&frontend.http.error_files)?;
        let router = Router::compile(frontend, &acls, |name| {
            backends.iter().position(|b| b.state.name() == name)
        })?;
        Ok(FrontendPlan {
            router,
            request_rules: RequestRules::compile(&frontend.request_rules, &acls)?,
            response_rules: ResponseRules::compile(&frontend.response_rules, &acls)?,
            forwardfor: compile_forwardfor(&frontend.http)?,
            conn_mode: frontend.http.conn_mode,
            name: Arc::from(frontend.name.as_str()),
            frontend: state,
            access_log,
            stats: frontend
                .stats
                .as_ref()
                .map(|page| StatsPage::new(page, &acls))
                .transpose()?,
            runtime,
            backends,
            timeouts: ClientTimeouts::of(&frontend.timeouts, &error_pages),
            error_pages,
        })
    }
}

fn compile_forwardfor(http: &model::HttpOptions) -> Result<Option<ForwardFor>, RoutingError> {
    http.forwardfor
        .as_ref()
        .map(ForwardFor::compile)
        .transpose()
}

/// The connection mode when a frontend and a backend disagree: the one that closes more wins,
/// as in HAProxy where `httpclose` on either side closes.
pub(crate) fn stricter(a: ConnMode, b: ConnMode) -> ConnMode {
    fn rank(mode: ConnMode) -> u8 {
        match mode {
            ConnMode::KeepAlive => 0,
            ConnMode::ServerClose => 1,
            ConnMode::Close => 2,
        }
    }
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}
