//! [`Client`]: client-side load balancing. The same data path as [`super::ProxyService`] (the
//! backend's rules, balancer, queue, retries, passive observation and connection pool) behind
//! a `tower::Service` an application calls directly, with no listener.

use super::dispatch::unrouted_response;
use super::{BoxError, ProxyBody};
use crate::live::PlanSlot;
use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::{Request, Response};
use http_body::Body;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_service::Service;

/// A load-balanced HTTP client for the servers of one backend. Cheap to clone (one `Arc`).
///
/// Get one from [`crate::Proxy::client`]. Each request goes to the server the backend's
/// balancer picks, with its retries and health state; the request's path and query are kept, its
/// `Host` header (or the authority of an absolute URI) is sent as is. Failures are HTTP
/// responses, as on the proxy: 503 when no server is usable, 502 when the server could not be
/// reached or answered garbage, 504 on `timeout server`. The service never fails. It follows
/// reconfigurations ([`crate::ProxyHandle::apply`]); once its backend is removed it answers 503.
///
/// ```no_run
/// use switchyard_core::model::{Backend, Config};
/// use tower::ServiceExt;
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = Config::builder()
///     .backend(Backend::builder("users").server("a", "10.0.0.1:80".parse()?).server("b", "10.0.0.2:80".parse()?))
///     .build()?;
/// let proxy = switchyard_core::Proxy::from_config(config)?;
/// let client = proxy.client("users").expect("backend users exists");
/// let request = http::Request::get("/users/42").body(http_body_util::Empty::<bytes::Bytes>::new())?;
/// let response = client.oneshot(request).await?;
/// println!("{}", response.status());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    plan: Arc<PlanSlot>,
}

impl Client {
    pub(crate) fn new(plan: Arc<PlanSlot>) -> Client {
        Client { plan }
    }
}

impl<B> Service<Request<B>> for Client
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<ProxyBody>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response<ProxyBody>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let plan = self.plan.load_full();
        // The plan's only route is its backend, so nothing is left unrouted.
        let client = request
            .extensions()
            .get::<super::ClientAddr>()
            .map(|c| crate::routing::Peer::plain(c.0));
        Box::pin(super::serve(plan, request, client, |_, _| async {
            Ok(unrouted_response())
        }))
    }
}
