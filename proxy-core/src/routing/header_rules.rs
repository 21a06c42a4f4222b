//! `http-request` and `http-response` rules (configuration manual 4.2): header edits, `deny`,
//! `return` and `redirect`.
//!
//! Rules run in declaration order, each only when its condition holds. A request rule sees the
//! request as earlier rules left it, and a header value is rendered before the header is changed,
//! so `set-header X-A %[hdr(x-a)]-suffix` works. `deny`, `return` and `redirect` end rule processing with a
//! response made here. A header value that renders to invalid HTTP skips that one action.

use super::condition::{compile_guard, guard_holds};
use super::log_format::ValueFormat;
use super::redirect::Redirect;
use super::sample::header_name;
use super::{Acls, CompiledCondition, Peer, RequestInfo, RoutingError};
use crate::model::{HeaderAction, RequestAction, RequestRule, ResponseRule};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

/// What the proxy does after the `http-request` rules ran.
#[derive(Debug)]
pub enum RuleVerdict {
    /// Forward the (possibly changed) request.
    Continue,
    /// Answer the client with this response (`return`) and do not forward.
    Respond(http::Response<Bytes>),
    /// Refuse the request with this response (`deny`; counted in `dreq`).
    Deny(http::Response<Bytes>),
    /// Answer with the Prometheus exporter (`use-service prometheus-exporter`).
    PrometheusExporter,
}

/// The `http-request` rules of one proxy.
#[derive(Debug, Clone, Default)]
pub struct RequestRules {
    rules: Vec<(Option<CompiledCondition>, RequestStep)>,
}

#[derive(Debug, Clone)]
enum RequestStep {
    Edit(HeaderEdit),
    Respond {
        status: StatusCode,
        content_type: Option<HeaderValue>,
        body: Bytes,
        /// `deny` rather than `return`.
        denied: bool,
    },
    Prometheus,
    Redirect(Redirect),
}

impl RequestRules {
    /// Compiles `rules`; conditions resolve ACL names in `acls`.
    pub fn compile(rules: &[RequestRule], acls: &Acls) -> Result<RequestRules, RoutingError> {
        let rules = rules
            .iter()
            .map(|rule| {
                let step = match &rule.action {
                    RequestAction::Header(header) => RequestStep::Edit(HeaderEdit::of(header)?),
                    RequestAction::Deny { status } => deny_response(*status)?,
                    RequestAction::UsePrometheusExporter => RequestStep::Prometheus,
                    RequestAction::Redirect(redirect) => {
                        RequestStep::Redirect(Redirect::compile(redirect)?)
                    }
                    RequestAction::Return {
                        status,
                        content_type,
                        body,
                    } => RequestStep::Respond {
                        status: status_code(*status)?,
                        content_type: content_type.as_deref().map(constant_value).transpose()?,
                        body: body.clone().map(Bytes::from).unwrap_or_default(),
                        denied: false,
                    },
                };
                Ok((compile_guard(rule.condition.as_ref(), acls)?, step))
            })
            .collect::<Result<_, RoutingError>>()?;
        Ok(RequestRules { rules })
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Applies the rules in order to the request head from `peer`; stops at `deny`, `return`
    /// and `redirect`.
    pub fn apply(&self, parts: &mut http::request::Parts, peer: Peer) -> RuleVerdict {
        for (guard, step) in &self.rules {
            let req = RequestInfo::from_parts(parts, peer);
            if !guard_holds(guard.as_ref(), &req) {
                continue;
            }
            match step {
                RequestStep::Edit(edit) => edit.change(&req).write(&mut parts.headers),
                RequestStep::Respond {
                    status,
                    content_type,
                    body,
                    denied,
                } => {
                    let mut response = http::Response::new(body.clone());
                    *response.status_mut() = *status;
                    if let Some(content_type) = content_type {
                        response
                            .headers_mut()
                            .insert(http::header::CONTENT_TYPE, content_type.clone());
                    }
                    return if *denied {
                        RuleVerdict::Deny(response)
                    } else {
                        RuleVerdict::Respond(response)
                    };
                }
                RequestStep::Prometheus => return RuleVerdict::PrometheusExporter,
                RequestStep::Redirect(redirect) => {
                    // A location that is not a valid header value skips the rule, like a
                    // header edit that renders to invalid HTTP.
                    if let Some(response) = redirect.response(&req) {
                        return RuleVerdict::Respond(response);
                    }
                }
            }
        }
        RuleVerdict::Continue
    }
}

/// The `http-response` rules of one proxy.
#[derive(Debug, Clone, Default)]
pub struct ResponseRules {
    rules: Vec<(Option<CompiledCondition>, HeaderEdit)>,
}

impl ResponseRules {
    /// Compiles `rules`; conditions resolve ACL names in `acls`.
    pub fn compile(rules: &[ResponseRule], acls: &Acls) -> Result<ResponseRules, RoutingError> {
        let rules = rules
            .iter()
            .map(|rule| {
                let edit = HeaderEdit::of(&rule.action)?;
                Ok((compile_guard(rule.condition.as_ref(), acls)?, edit))
            })
            .collect::<Result<_, RoutingError>>()?;
        Ok(ResponseRules { rules })
    }

    /// Whether there are no rules (the proxy can then skip building a [`RequestInfo`]).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Applies the rules in order to the response `headers`. Conditions and `%[...]` samples are
    /// evaluated on the request `req` the response answers.
    pub fn apply(&self, headers: &mut HeaderMap, req: &RequestInfo<'_>) {
        for (guard, edit) in &self.rules {
            if guard_holds(guard.as_ref(), req) {
                edit.change(req).write(headers);
            }
        }
    }
}

/// `set-header`, `add-header` or `del-header`.
#[derive(Debug, Clone)]
struct HeaderEdit {
    name: HeaderName,
    kind: EditKind,
}

#[derive(Debug, Clone)]
enum EditKind {
    Set(ValueFormat),
    Add(ValueFormat),
    Del,
}

/// A header change computed from the request, to be written once the request is no longer read.
enum Change {
    Replace(HeaderName, HeaderValue),
    Append(HeaderName, HeaderValue),
    Remove(HeaderName),
    Skip,
}

impl HeaderEdit {
    fn of(action: &HeaderAction) -> Result<HeaderEdit, RoutingError> {
        let (name, kind) = match action {
            HeaderAction::Set { name, value } => {
                (name, EditKind::Set(ValueFormat::compile(value)?))
            }
            HeaderAction::Add { name, value } => {
                (name, EditKind::Add(ValueFormat::compile(value)?))
            }
            HeaderAction::Del { name } => (name, EditKind::Del),
        };
        Ok(HeaderEdit {
            name: header_name(name)?,
            kind,
        })
    }

    fn change(&self, req: &RequestInfo<'_>) -> Change {
        let name = self.name.clone();
        match &self.kind {
            EditKind::Set(format) => format
                .render(req)
                .map_or(Change::Skip, |v| Change::Replace(name, v)),
            EditKind::Add(format) => format
                .render(req)
                .map_or(Change::Skip, |v| Change::Append(name, v)),
            EditKind::Del => Change::Remove(name),
        }
    }
}

impl Change {
    fn write(self, headers: &mut HeaderMap) {
        match self {
            Change::Replace(name, value) => {
                headers.insert(name, value);
            }
            Change::Append(name, value) => {
                headers.append(name, value);
            }
            Change::Remove(name) => {
                headers.remove(name);
            }
            Change::Skip => {}
        }
    }
}

/// `deny [deny_status <code>]`: the status with a short HTML page, like HAProxy's error pages.
fn deny_response(status: u16) -> Result<RequestStep, RoutingError> {
    let status = status_code(status)?;
    let body = format!(
        "<html><body><h1>{} {}</h1>\nThe request was refused by a rule of this proxy.\n</body></html>\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Denied"),
    );
    Ok(RequestStep::Respond {
        status,
        content_type: Some(HeaderValue::from_static("text/html")),
        body: Bytes::from(body),
        denied: true,
    })
}

fn status_code(status: u16) -> Result<StatusCode, RoutingError> {
    StatusCode::from_u16(status).map_err(|_| RoutingError::InvalidStatus { status })
}

fn constant_value(text: &str) -> Result<HeaderValue, RoutingError> {
    HeaderValue::from_str(text).map_err(|_| RoutingError::InvalidHeaderValue {
        value: text.to_owned(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "header_rules_tests.rs"]
mod tests;
