//! The statistics page over HTTP (`stats uri`): HTML by default, `;csv` for the same CSV as
//! `show stat`, `;json` for its JSON form; `;up` keeps only servers that are UP and
//! `;norefresh` drops the `stats refresh` header. `stats auth` asks for HTTP Basic credentials.
//! With `stats admin if <cond>`, requests meeting the condition get a form per backend and may
//! POST server state changes; the answer is a 303 back to the page with `;st=<code>`.

use super::actions::{self, Status};
use super::html::{self, PageInfo};
use super::{render, rows, StatFilter};
use crate::model;
use crate::routing::{Acls, CompiledCondition, RequestInfo, RoutingError};
use crate::runtime::Runtime;
use base64::Engine;
use bytes::Bytes;
use http::header::{
    HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE,
};
use http::{HeaderMap, Method, Response, StatusCode};

/// HAProxy's realm when `stats realm` is not set.
const DEFAULT_REALM: &str = "HAProxy Statistics";

/// A frontend's statistics page, ready to answer.
#[derive(Debug)]
pub struct StatsPage {
    uri: String,
    refresh: Option<u64>,
    realm: String,
    /// `user:password` pairs, as Basic authentication sends them.
    credentials: Vec<String>,
    hide_version: bool,
    /// `stats admin`: the requests allowed to change servers.
    admin: Option<CompiledCondition>,
}

impl StatsPage {
    /// The page described by a frontend's `stats` lines; `acls` are the frontend's, for the
    /// `stats admin` condition.
    pub fn new(page: &model::StatsPage, acls: &Acls) -> Result<StatsPage, RoutingError> {
        let admin = page
            .admin
            .as_ref()
            .map(|c| CompiledCondition::compile(c, acls))
            .transpose()?;
        Ok(StatsPage {
            uri: page.uri.clone(),
            refresh: page.refresh.map(|r| r.as_secs().max(1)),
            realm: page
                .realm
                .clone()
                .unwrap_or_else(|| DEFAULT_REALM.to_owned()),
            credentials: page.auth.iter().map(|(u, p)| format!("{u}:{p}")).collect(),
            hide_version: page.hide_version,
            admin,
        })
    }

    /// Whether a request for `target` (path and query) is for this page: it starts with the
    /// `stats uri`, as in HAProxy.
    pub fn is_for(&self, target: &str) -> bool {
        target.starts_with(&self.uri)
    }

    /// The answer to `request`; `body` is a POST's form, read by the caller.
    pub fn respond(
        &self,
        runtime: &Runtime,
        request: &RequestInfo<'_>,
        body: &[u8],
    ) -> Response<Bytes> {
        if !self.credentials.is_empty() && !self.authorized(request.headers) {
            return self.unauthorized();
        }
        let target = request.uri.path_and_query().map_or("/", |pq| pq.as_str());
        let options: Vec<&str> = target
            .get(self.uri.len()..)
            .unwrap_or("")
            .split(';')
            .skip(1)
            .collect();
        let admin = self.admin.as_ref().is_some_and(|c| c.holds(request));
        if request.method == Method::POST {
            let status = if admin {
                actions::apply(runtime, body)
            } else {
                Status::Deny
            };
            return self.redirect(status, &options);
        }
        let filter = StatFilter {
            up_only: options.contains(&"up"),
            ..StatFilter::default()
        };
        let rows: Vec<rows::Row> = super::filtered_rows(runtime, &filter);
        let (content_type, body) = if options.contains(&"csv") {
            ("text/plain", render::csv(&rows))
        } else if options.contains(&"json") {
            ("application/json", render::json(&rows))
        } else {
            let info = PageInfo {
                version: (!self.hide_version).then_some(env!("CARGO_PKG_VERSION")),
                uptime: runtime.uptime().as_secs(),
                refresh: self.refresh.filter(|_| !options.contains(&"norefresh")),
                admin_uri: admin.then_some(self.uri.as_str()),
                note: options
                    .iter()
                    .find_map(|o| o.strip_prefix("st="))
                    .and_then(Status::note),
            };
            ("text/html; charset=utf-8", html::page(&rows, &info))
        };
        let mut response = Response::new(Bytes::from(body));
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if content_type.starts_with("text/html") {
            if let Some(seconds) = self.refresh.filter(|_| !options.contains(&"norefresh")) {
                headers.insert("refresh", HeaderValue::from(seconds));
            }
        }
        response
    }

    /// HAProxy's answer to a POST: a 303 back to the page with the outcome, so that reloading
    /// it does not post again.
    fn redirect(&self, status: Status, options: &[&str]) -> Response<Bytes> {
        let mut location = format!("{};st={}", self.uri, status.code());
        for kept in ["up", "norefresh"] {
            if options.contains(&kept) {
                location.push(';');
                location.push_str(kept);
            }
        }
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::SEE_OTHER;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Ok(location) = HeaderValue::from_str(&location) {
            headers.insert(LOCATION, location);
        }
        response
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let Some(encoded) = value.strip_prefix("Basic ") else {
            return false;
        };
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim());
        match decoded.ok().and_then(|d| String::from_utf8(d).ok()) {
            Some(pair) => self.credentials.contains(&pair),
            None => false,
        }
    }

    fn unauthorized(&self) -> Response<Bytes> {
        let body = "<html><body><h1>401 Unauthorized</h1>\nThis page needs a valid user name and password.\n</body></html>\n";
        let mut response = Response::new(Bytes::from_static(body.as_bytes()));
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        let challenge = format!("Basic realm=\"{}\"", self.realm.replace('"', ""));
        if let Ok(challenge) = HeaderValue::from_str(&challenge) {
            headers.insert(WWW_AUTHENTICATE, challenge);
        }
        response
    }
}
