//! A proxy's named ACLs, compiled: HAProxy's `acl <name> <criterion> [flags] <values...>`.
//!
//! Several `acl` lines with one name make one ACL that is true when any line matches. A
//! condition naming an ACL the proxy does not declare gets HAProxy's predefined ACL of that name,
//! if there is one (see [`predefined`](super::predefined)); a declared ACL hides a predefined one.

use super::matcher::CompiledPattern;
use super::{predefined, RequestInfo, RoutingError};
use crate::model;
use std::collections::HashMap;
use std::sync::Arc;

/// A proxy's named ACLs, compiled once (regexes built, networks parsed) and shared by the
/// conditions that name them.
#[derive(Debug, Clone, Default)]
pub struct Acls {
    named: HashMap<String, Arc<CompiledAcl>>,
}

impl Acls {
    /// Compiles `acls`; entries sharing a name are merged into one ACL (their tests are ORed).
    ///
    /// Fails with the ACL's name when a regex, network or length does not parse.
    pub fn compile(acls: &[model::Acl]) -> Result<Acls, RoutingError> {
        let mut tests: HashMap<String, Vec<AclTest>> = HashMap::new();
        for acl in acls {
            let entry = tests.entry(acl.name.clone()).or_default();
            for pattern in &acl.patterns {
                entry.push(AclTest::Pattern(CompiledPattern::compile(
                    pattern, &acl.name,
                )?));
            }
        }
        let named = tests
            .into_iter()
            .map(|(name, tests)| (name, Arc::new(CompiledAcl { tests })))
            .collect();
        Ok(Acls { named })
    }

    /// The ACL called `name`: the proxy's own, else the predefined one.
    pub(crate) fn resolve(&self, name: &str) -> Result<Arc<CompiledAcl>, RoutingError> {
        if let Some(acl) = self.named.get(name) {
            return Ok(Arc::clone(acl));
        }
        predefined::lookup(name)?
            .map(Arc::new)
            .ok_or_else(|| RoutingError::UnknownAcl {
                name: name.to_owned(),
            })
    }
}

/// One ACL: true when any of its tests is.
#[derive(Debug)]
pub(crate) struct CompiledAcl {
    tests: Vec<AclTest>,
}

impl CompiledAcl {
    /// An ACL made of the given tests.
    pub(crate) fn new(tests: Vec<AclTest>) -> CompiledAcl {
        CompiledAcl { tests }
    }

    /// Whether any test holds for `req`.
    pub(crate) fn holds(&self, req: &RequestInfo<'_>) -> bool {
        self.tests.iter().any(|test| test.holds(req))
    }
}

/// A test: a pattern from the configuration, or one of the fixed tests predefined ACLs need.
#[derive(Debug)]
pub(crate) enum AclTest {
    /// A fetch compared with values.
    Pattern(CompiledPattern),
    /// `always_true` / `always_false`.
    Always(bool),
    /// `req.ver`: the request's HTTP version.
    Version(http::Version),
    /// `req.hdr_val(content-length) gt 0`.
    HasContentLength,
}

impl AclTest {
    fn holds(&self, req: &RequestInfo<'_>) -> bool {
        match self {
            AclTest::Pattern(pattern) => pattern.matches(req),
            AclTest::Always(value) => *value,
            AclTest::Version(version) => req.version == *version,
            AclTest::HasContentLength => req
                .headers
                .get_all(http::header::CONTENT_LENGTH)
                .into_iter()
                .filter_map(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
                .any(|len| len > 0),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Fetch, Matcher, Pattern};
    use crate::routing::test_support::Req;

    fn acl(name: &str, fetch: Fetch, values: &[&str]) -> model::Acl {
        model::Acl {
            name: name.into(),
            patterns: vec![Pattern {
                fetch,
                matcher: Matcher::Begin,
                ignore_case: false,
                values: values.iter().map(|v| v.to_string()).collect(),
            }],
        }
    }

    #[test]
    fn acl_name_declared_twice_ors_its_lines() {
        let acls = Acls::compile(&[
            acl("static", Fetch::Path, &["/img"]),
            acl("static", Fetch::Path, &["/css"]),
        ])
        .unwrap();
        let is_static = acls.resolve("static").unwrap();
        assert!(is_static.holds(&Req::get("/img/a.png").info()));
        assert!(is_static.holds(&Req::get("/css/a.css").info()));
        assert!(!is_static.holds(&Req::get("/js/a.js").info()));
    }

    #[test]
    fn declared_acl_hides_predefined_one_of_same_name() {
        let acls = Acls::compile(&[acl("METH_GET", Fetch::Path, &["/only"])]).unwrap();
        let acl = acls.resolve("METH_GET").unwrap();
        assert!(!acl.holds(&Req::get("/").info()));
        assert!(acl.holds(&Req::post("/only").info()));
    }

    #[test]
    fn unknown_acl_error_names_it() {
        let err = Acls::default().resolve("is_missing").unwrap_err();
        assert!(err.to_string().contains("'is_missing'"), "{err}");
    }

    #[test]
    fn compile_error_names_the_acl() {
        let mut bad = acl("bad_src", Fetch::Src, &["not-an-ip"]);
        bad.patterns[0].matcher = Matcher::Ip;
        let err = Acls::compile(&[bad]).unwrap_err();
        assert!(err.to_string().contains("bad_src"), "{err}");
    }
}
