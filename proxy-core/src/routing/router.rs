//! A frontend's `use_backend` rules and `default_backend`, resolved to backend indices.
//!
//! As in HAProxy, rules are tried in declaration order and the first whose condition holds
//! wins; when none does, the `default_backend` is used, and without one no backend is chosen
//! (HAProxy answers 503; an embedding application may route such requests elsewhere).

use super::condition::{compile_guard, guard_holds};
use super::{Acls, CompiledCondition, RequestInfo, RoutingError};
use crate::model;

/// The backend-choosing part of a frontend.
#[derive(Debug, Clone)]
pub struct Router {
    rules: Vec<(Option<CompiledCondition>, usize)>,
    default: Option<usize>,
}

impl Router {
    /// Compiles `frontend`'s `use_backend` rules and `default_backend` against its compiled
    /// `acls` (shared with its `http-request` rules); `backend_index` maps a backend name to its
    /// position in `model::Config::backends`.
    ///
    /// Fails when a rule names an unknown ACL or backend.
    pub fn compile(
        frontend: &model::Frontend,
        acls: &Acls,
        backend_index: impl Fn(&str) -> Option<usize>,
    ) -> Result<Router, RoutingError> {
        let resolve = |name: &str| {
            backend_index(name).ok_or_else(|| RoutingError::UnknownBackend {
                name: name.to_owned(),
            })
        };
        let rules = frontend
            .use_backends
            .iter()
            .map(|rule| {
                Ok((
                    compile_guard(rule.condition.as_ref(), acls)?,
                    resolve(&rule.backend)?,
                ))
            })
            .collect::<Result<_, RoutingError>>()?;
        let default = frontend
            .default_backend
            .as_deref()
            .map(resolve)
            .transpose()?;
        Ok(Router { rules, default })
    }

    /// The index of the backend `req` goes to, or `None` when no rule applies and there is no
    /// default backend.
    pub fn route(&self, req: &RequestInfo<'_>) -> Option<usize> {
        self.rules
            .iter()
            .find(|(guard, _)| guard_holds(guard.as_ref(), req))
            .map(|(_, backend)| *backend)
            .or(self.default)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Acl, AclTerm, Condition, Fetch, Matcher, Pattern, UseBackend};
    use crate::routing::test_support::Req;

    const BACKENDS: [&str; 4] = ["web", "api", "api_v2", "static"];

    fn index(name: &str) -> Option<usize> {
        BACKENDS.iter().position(|b| *b == name)
    }

    fn frontend(rules: &[(&str, Option<&str>)], default: Option<&str>) -> model::Frontend {
        let acl = |name: &str, prefix: &str| Acl {
            name: name.into(),
            patterns: vec![Pattern {
                fetch: Fetch::Path,
                matcher: Matcher::Begin,
                ignore_case: false,
                values: vec![prefix.into()],
            }],
        };
        let use_backends = rules
            .iter()
            .map(|(backend, acl)| UseBackend {
                backend: (*backend).into(),
                condition: acl.map(|name| Condition {
                    negated: false,
                    any_of: vec![vec![AclTerm::Named {
                        negated: false,
                        name: name.into(),
                    }]],
                }),
            })
            .collect();
        model::Frontend {
            name: "fe".into(),
            binds: Vec::new(),
            maxconn: None,
            backlog: None,
            timeouts: model::Timeouts::default(),
            acls: vec![
                acl("is_api", "/api"),
                acl("is_v2", "/api/v2"),
                acl("is_static", "/s/"),
            ],
            request_rules: Vec::new(),
            response_rules: Vec::new(),
            use_backends,
            default_backend: default.map(str::to_owned),
            http: model::HttpOptions::default(),
            logging: model::Logging::default(),
            stats: None,
        }
    }

    fn compile(fe: &model::Frontend) -> Result<Router, RoutingError> {
        Router::compile(fe, &Acls::compile(&fe.acls)?, index)
    }

    fn route(router: &Router, path: &str) -> Option<&'static str> {
        router.route(&Req::get(path).info()).map(|i| BACKENDS[i])
    }

    #[test]
    fn first_matching_rule_wins() {
        let fe = frontend(
            &[("api", Some("is_api")), ("api_v2", Some("is_v2"))],
            Some("web"),
        );
        let router = compile(&fe).unwrap();
        assert_eq!(route(&router, "/api/v2/x"), Some("api"));
    }

    #[test]
    fn more_specific_rule_first_takes_its_requests() {
        let fe = frontend(
            &[("api_v2", Some("is_v2")), ("api", Some("is_api"))],
            Some("web"),
        );
        let router = compile(&fe).unwrap();
        assert_eq!(route(&router, "/api/v2/x"), Some("api_v2"));
        assert_eq!(route(&router, "/api/v1/x"), Some("api"));
    }

    #[test]
    fn unmatched_requests_go_to_default_backend() {
        let fe = frontend(&[("static", Some("is_static"))], Some("web"));
        let router = compile(&fe).unwrap();
        assert_eq!(route(&router, "/s/logo.png"), Some("static"));
        assert_eq!(route(&router, "/home"), Some("web"));
    }

    #[test]
    fn without_default_backend_unmatched_requests_get_none() {
        let fe = frontend(&[("static", Some("is_static"))], None);
        let router = compile(&fe).unwrap();
        assert_eq!(route(&router, "/home"), None);
    }

    #[test]
    fn bare_use_backend_takes_everything_after_earlier_rules() {
        let fe = frontend(&[("static", Some("is_static")), ("api", None)], Some("web"));
        let router = compile(&fe).unwrap();
        assert_eq!(route(&router, "/s/x"), Some("static"));
        assert_eq!(route(&router, "/home"), Some("api"));
    }

    #[test]
    fn unknown_backend_names_are_errors() {
        let fe = frontend(&[("nowhere", Some("is_api"))], Some("web"));
        let err = compile(&fe).unwrap_err();
        assert!(err.to_string().contains("'nowhere'"), "{err}");
        let fe = frontend(&[], Some("missing_default"));
        assert!(matches!(
            compile(&fe),
            Err(RoutingError::UnknownBackend { name }) if name == "missing_default"
        ));
    }

    #[test]
    fn unknown_acl_in_use_backend_is_an_error() {
        let fe = frontend(&[("api", Some("is_unknown"))], Some("web"));
        assert!(matches!(compile(&fe), Err(RoutingError::UnknownAcl { .. })));
    }
}
