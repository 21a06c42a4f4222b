//! The data path as a tower [`Layer`]: route, pick a server, forward, and map failures to HTTP
//! errors.
//!
//! [`ProxyLayer`] wraps a fallback service (what answers requests that no `use_backend` rule
//! routes when the frontend has no `default_backend`) into a [`ProxyService`]. For each request
//! it applies the frontend's `http-request` rules, routes, applies the backend's rules and
//! `option forwardfor`, takes a slot on the server the balancer picks (queueing while every
//! usable server is at its `maxconn`), forwards over a pooled keep-alive connection with both
//! bodies streaming, removes connection-specific headers both ways (RFC 9110 §7.6.1), and applies
//! the `http-response` rules. Failures become HAProxy's statuses: 503 (no usable server, queue
//! timeout), 502 (connection failed after the retries, invalid or cut response head), 504
//! (`timeout server` before the response head).
//!
//! Connection modes: `option http-server-close` sends `Connection: close` to the server so its
//! connection is not reused; `option httpclose` also answers the client with `Connection: close`,
//! which ends the client connection after the response.
//!
//! Switchyard's listeners give the client's address with each request; behind an embedder's
//! own server it comes from the [`ClientAddr`] request extension. Without it, `src` ACLs see `0.0.0.0:0`, `balance source` hashes nothing
//! and `option forwardfor` adds no header.

mod body;
mod client;
mod counted;
mod cut;
mod dispatch;
mod error;
mod error_pages;
mod forward;
pub(crate) mod headers;
mod logged;
mod outgoing;
mod plan;
mod queue;
mod span;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
mod trace;
mod tunnel;
mod upstream;

pub use body::{box_body, BoxError, ProxyBody};
pub use client::Client;
pub use span::REQUEST_SPAN_TARGET;

pub(crate) use body::full_body;
pub(crate) use error::error_html;
pub(crate) use error_pages::ErrorPages;
pub(crate) use plan::{BackendPlan, FrontendPlan};
pub(crate) use tunnel::ListenerUpgrade;

use crate::frontend::NoBackend;
use crate::live::PlanSlot;
use crate::routing::Peer;
use arc_swap::Cache;
use bytes::Bytes;
use dispatch::{dispatch, Dispatch};
use error::ProxyError;
use futures_util::future::BoxFuture;
use http::{Request, Response};
use http_body::Body;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::ServiceExt;
use tower_layer::Layer;
use tower_service::Service;

/// The address of the client that sent a request, as a request extension.
///
/// An application embedding [`ProxyLayer`] behind its own server inserts it so that `src` ACLs, `balance source` and `option forwardfor` work.
///
/// ```
/// use switchyard_core::proxy::ClientAddr;
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(ClientAddr("192.0.2.7:50000".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub SocketAddr);

/// A tower layer that proxies the requests of one frontend. Cheap to clone (one `Arc`).
///
/// Get one from [`crate::Proxy::layer`]. It follows reconfigurations
/// ([`crate::ProxyHandle::apply`]): each request runs on the frontend's configuration of the
/// moment it arrives.
#[derive(Debug, Clone)]
pub struct ProxyLayer {
    plan: Arc<PlanSlot>,
}

impl ProxyLayer {
    pub(crate) fn new(plan: Arc<PlanSlot>) -> ProxyLayer {
        ProxyLayer { plan }
    }
}

impl<S> Layer<S> for ProxyLayer {
    type Service = ProxyService<S>;

    fn layer(&self, fallback: S) -> ProxyService<S> {
        ProxyService {
            plan: Cache::new(Arc::clone(&self.plan)),
            fallback,
        }
    }
}

/// The service [`ProxyLayer`] builds: proxies what the frontend routes, hands the rest to the
/// fallback service `S`.
///
/// It is always ready; the fallback's readiness is awaited only for the requests it receives.
/// Its errors are the fallback's: proxying failures are HTTP responses.
#[derive(Debug, Clone)]
pub struct ProxyService<S> {
    /// The frontend's plan slot, with the plan last read from it: while no reconfiguration
    /// swaps it, a request reads it with one atomic load instead of a load of the slot.
    plan: Cache<Arc<PlanSlot>, Arc<FrontendPlan>>,
    fallback: S,
}

impl<S> ProxyService<S> {
    /// The frontend's configuration of the moment.
    pub(crate) fn plan(&mut self) -> Arc<FrontendPlan> {
        Arc::clone(self.plan.load())
    }
}

impl ProxyService<NoBackend> {
    /// The answer to `request` from a listener's connection with `client`, as
    /// [`Service::call`] gives it but without boxing the future (the connection's task awaits
    /// it in place) and without a [`ClientAddr`] extension.
    pub(crate) fn serve_connection_request<B>(
        &mut self,
        request: Request<B>,
        peer: Peer,
    ) -> impl std::future::Future<Output = Result<Response<ProxyBody>, Infallible>> + Send + 'static
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let plan = self.plan();
        // The listener's fallback only answers 503, with the frontend's `errorfile` if any.
        serve(plan, request, Some(peer), |plan, _| {
            let status = http::StatusCode::SERVICE_UNAVAILABLE;
            std::future::ready(Ok(error_pages::page_for(status, &[&plan.error_pages])))
        })
    }
}

impl<S, B, FB> Service<Request<B>> for ProxyService<S>
where
    S: Service<Request<B>, Response = Response<FB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
    FB: Body<Data = Bytes> + Send + 'static,
    FB::Error: Into<BoxError>,
{
    type Response = Response<ProxyBody>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response<ProxyBody>, S::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let client = request
            .extensions()
            .get::<ClientAddr>()
            .map(|c| Peer::plain(c.0));
        let plan = self.plan();
        let fallback = self.fallback.clone();
        Box::pin(serve(plan, request, client, move |_, request| async move {
            Ok(fallback.oneshot(request).await?.map(box_body))
        }))
    }
}

/// One request through a frontend from `client`, for [`ProxyService`] and [`Client`]: counted
/// on the frontend, dispatched, handed to `unrouted` (with the plan) when no backend takes it,
/// and logged once its response body is finished when the frontend has an access log.
async fn serve<B, U, F, E>(
    plan: Arc<FrontendPlan>,
    request: Request<B>,
    peer: Option<Peer>,
    unrouted: U,
) -> Result<Response<ProxyBody>, E>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
    U: FnOnce(&FrontendPlan, Request<B>) -> F,
    F: std::future::Future<Output = Result<Response<ProxyBody>, E>>,
{
    let counters = &plan.frontend.counters;
    counters.count_request();
    let pending = plan
        .access_log
        .as_ref()
        .map(|_| logged::Pending::of(&plan, &request, peer.map(|p| p.addr)));
    let (response, trace) = match dispatch(&plan, request, peer).await {
        Dispatch::Answered(response, trace) => (response, Some(trace)),
        Dispatch::Unrouted(request) => (unrouted(&plan, request).await?, None),
    };
    let status = response.status().as_u16();
    counters.count_response(status);
    Ok(match pending {
        Some(pending) => {
            let trace = trace.unwrap_or_else(trace::Trace::unrouted);
            response.map(|body| box_body(logged::logged(body, status, trace, pending)))
        }
        None => response,
    })
}
