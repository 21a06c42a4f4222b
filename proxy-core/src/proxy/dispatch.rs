//! The steps of one request through a frontend, in HAProxy's order: frontend `http-request`
//! rules, `use_backend`/`default_backend`, the backend's `http-request` rules, `option
//! forwardfor`, then forwarding; on the way back the backend's and then the frontend's
//! `http-response` rules.

use super::error::error_response;
use super::error_pages::{custom_page, ErrorPages};
use super::forward::forward;
use super::headers::strip_hop_by_hop;
use super::plan::{stricter, FrontendPlan};
use super::span::request_span;
use super::trace::Trace;
use super::tunnel;
use super::{full_body, ProxyBody};
use crate::model::ConnMode;
use crate::routing::{Peer, RequestInfo, RuleVerdict};
use crate::runtime::{Counters, Runtime};
use crate::stats::exporter_response;
use bytes::Bytes;
use http::header::{HeaderValue, CONNECTION};
use http::request::Parts;
use http::{HeaderMap, Method, Request, Response, StatusCode, Uri, Version};
use http_body::Body;
use http_body_util::BodyExt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// What the proxy did with a request.
pub(crate) enum Dispatch<B> {
    /// It produced the response (a server's, a rule's or an error page), and what happened on
    /// the way, for the access log.
    Answered(Response<ProxyBody>, Trace),
    /// No rule routed it and there is no `default_backend`: the fallback service answers.
    Unrouted(Request<B>),
}

/// The address used for rules when the client's is unknown (no [`super::ClientAddr`]).
const UNKNOWN_CLIENT: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);

/// The most of a stats page form that is read; HAProxy's limit is its buffer size.
const MAX_FORM: usize = 64 * 1024;

/// A POSTed stats page form, or nothing when it is too large or the client failed to send it.
async fn read_form<B>(body: B) -> Bytes
where
    B: Body<Data = Bytes>,
    B::Error: Into<super::BoxError>,
{
    match http_body_util::Limited::new(body, MAX_FORM).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    }
}

/// Runs one request from `peer` (unknown for an embedder's request without [`super::ClientAddr`])
/// through the frontend described by `plan`.
pub(crate) async fn dispatch<B>(
    plan: &FrontendPlan,
    request: Request<B>,
    peer: Option<Peer>,
) -> Dispatch<B>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<super::BoxError>,
{
    let client = peer.map(|p| p.addr);
    let peer = peer.unwrap_or(Peer::plain(UNKNOWN_CLIENT));
    let (mut parts, body) = request.into_parts();

    let mut trace = Trace {
        termination: "----",
        ..Trace::default()
    };
    let verdict = plan.request_rules.apply(&mut parts, peer);
    if matches!(verdict, RuleVerdict::PrometheusExporter) {
        trace.applet = Some("<PROMEX>");
    }
    let pages = [&plan.error_pages];
    if let Some(answer) = rule_answer(verdict, &plan.runtime, &[&plan.frontend.counters], &pages) {
        return answered(answer, trace);
    }
    if let Some(page) = &plan.stats {
        let target = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        if page.is_for(target) {
            let form = if parts.method == Method::POST {
                // Boxed: rare, and it would otherwise add its size to every request's state.
                Box::pin(read_form(body)).await
            } else {
                Bytes::new()
            };
            let request = RequestInfo::from_parts(&parts, peer);
            let answer = page.respond(&plan.runtime, &request, &form);
            trace.termination = "LR--";
            trace.applet = Some("<STATS>");
            return answered(answer.map(full_body), trace);
        }
    }
    let Some(index) = plan.router.route(&RequestInfo::from_parts(&parts, peer)) else {
        return Dispatch::Unrouted(Request::from_parts(parts, body));
    };
    let Some(backend_plan) = plan.backends.get(index) else {
        // The router only returns indices of existing backends; answer sanely regardless.
        let error = super::ProxyError::NoServer;
        return answered(error_response(&error, &[&plan.error_pages]), trace);
    };
    let backend = &backend_plan.state;
    trace.backend = Some(Arc::clone(backend));
    backend.counters.count_request();
    let verdict = backend_plan.request_rules.apply(&mut parts, peer);
    let denied_on = [&plan.frontend.counters, &backend.counters];
    let pages = [&backend_plan.error_pages, &plan.error_pages];
    if let Some(answer) = rule_answer(verdict, &plan.runtime, &denied_on, &pages) {
        backend.counters.count_response(answer.status().as_u16());
        return answered(answer, trace);
    }
    if let (Some(forwardfor), Some(client)) = (
        backend_plan
            .forwardfor
            .as_ref()
            .or(plan.forwardfor.as_ref()),
        client,
    ) {
        forwardfor.apply(&mut parts.headers, client.ip());
    }
    tunnel::strip_keeping_upgrade(&mut parts.headers);
    let needs_head = !(backend_plan.response_rules.is_empty() && plan.response_rules.is_empty());
    let head = needs_head.then(|| RequestHead::of(&parts));
    let conn_mode = stricter(plan.conn_mode, backend_plan.conn_mode);

    let close_upstream = conn_mode != ConnMode::KeepAlive;
    let span = request_span(backend.name(), &parts);
    let forwarded = forward(
        backend,
        backend_plan,
        parts,
        client.map(|c| c.ip()),
        body,
        close_upstream,
        &mut trace,
        span,
    )
    .await;
    let mut response = match forwarded {
        Ok(mut response) => {
            if response.status() == StatusCode::SWITCHING_PROTOCOLS {
                tunnel::strip_keeping_upgrade(response.headers_mut());
            } else {
                strip_hop_by_hop(response.headers_mut());
            }
            if let Some(head) = &head {
                let info = head.info(peer);
                backend_plan
                    .response_rules
                    .apply(response.headers_mut(), &info);
                plan.response_rules.apply(response.headers_mut(), &info);
            }
            response
        }
        Err(error) => {
            trace.termination = error.termination();
            error_response(&error, &pages)
        }
    };
    backend.counters.count_response(response.status().as_u16());
    backend.count_response_metric(response.status().as_u16());
    if conn_mode == ConnMode::Close {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    answered(response, trace)
}

/// The response, with what happened on the way for the access log (not as a response
/// extension: that would cost three allocations per request). An answer the proxy made itself
/// gets HAProxy's `LR--` (a local answer) or `PR--` (refused by a rule).
fn answered<B>(response: Response<ProxyBody>, mut trace: Trace) -> Dispatch<B> {
    if trace.server.is_none() && trace.termination == "----" {
        let refused = response.status().is_client_error() || response.status().is_server_error();
        trace.termination = if refused { "PR--" } else { "LR--" };
    }
    Dispatch::Answered(response, trace)
}

/// The answer `http-request` rules gave, if they answered; a `deny` counts in the `dreq` of
/// each of `denied_on` and answers the first `errorfile` page of `pages` for its status if any.
fn rule_answer(
    verdict: RuleVerdict,
    runtime: &Runtime,
    denied_on: &[&Counters],
    pages: &[&ErrorPages],
) -> Option<Response<ProxyBody>> {
    match verdict {
        RuleVerdict::Continue => None,
        RuleVerdict::Respond(answer) => Some(answer.map(full_body)),
        RuleVerdict::Deny(answer) => {
            for counters in denied_on {
                Counters::bump(&counters.denied_requests);
            }
            Some(custom_page(answer.status(), pages).unwrap_or_else(|| answer.map(full_body)))
        }
        RuleVerdict::PrometheusExporter => Some(exporter_response(runtime).map(full_body)),
    }
}

/// A copy of the request head kept for `http-response` rules, whose conditions look at the
/// request after it has been sent.
struct RequestHead {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    version: Version,
}

impl RequestHead {
    fn of(parts: &Parts) -> RequestHead {
        RequestHead {
            method: parts.method.clone(),
            uri: parts.uri.clone(),
            headers: parts.headers.clone(),
            version: parts.version,
        }
    }

    fn info(&self, peer: Peer) -> RequestInfo<'_> {
        RequestInfo {
            method: &self.method,
            uri: &self.uri,
            headers: &self.headers,
            version: self.version,
            client: peer.addr,
            tls: peer.tls,
        }
    }
}

/// The answer to a request no backend takes, when the frontend serves it alone: 503.
pub(crate) fn unrouted_response() -> Response<ProxyBody> {
    super::error::error_page(StatusCode::SERVICE_UNAVAILABLE)
}
