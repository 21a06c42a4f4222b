//! `if <cond>` / `unless <cond>`: HAProxy's ACL-based conditions (configuration manual 7.2).
//!
//! A condition is an OR (`||` or `or`) of alternatives, each an AND of terms; a term is a named
//! ACL or an anonymous `{ ... }` one, optionally negated with `!`. `unless` negates the whole.
//! Evaluation stops at the first false term of an alternative and the first true alternative.

use super::acl::{AclTest, CompiledAcl};
use super::matcher::CompiledPattern;
use super::{Acls, RequestInfo, RoutingError};
use crate::model::{AclTerm, Condition};
use std::sync::Arc;

/// The name anonymous ACLs get in error messages.
const ANONYMOUS: &str = "anonymous";

/// A compiled `if`/`unless` condition, ready to evaluate against requests.
#[derive(Debug, Clone)]
pub struct CompiledCondition {
    negated: bool,
    any_of: Vec<Vec<Term>>,
}

#[derive(Debug, Clone)]
struct Term {
    negated: bool,
    acl: Arc<CompiledAcl>,
}

impl CompiledCondition {
    /// Compiles `cond`, resolving ACL names in `acls` (or among the predefined ACLs).
    ///
    /// Fails when a name is unknown or an anonymous ACL does not compile.
    pub fn compile(cond: &Condition, acls: &Acls) -> Result<CompiledCondition, RoutingError> {
        let any_of = cond
            .any_of
            .iter()
            .map(|all_of| {
                all_of
                    .iter()
                    .map(|term| Term::compile(term, acls))
                    .collect()
            })
            .collect::<Result<_, _>>()?;
        Ok(CompiledCondition {
            negated: cond.negated,
            any_of,
        })
    }

    /// Whether the condition holds for `req`. A condition with no alternatives is false (so
    /// `unless` of it is true).
    pub fn holds(&self, req: &RequestInfo<'_>) -> bool {
        let any = self.any_of.iter().any(|all_of| {
            all_of
                .iter()
                .all(|term| term.acl.holds(req) != term.negated)
        });
        any != self.negated
    }
}

impl Term {
    fn compile(term: &AclTerm, acls: &Acls) -> Result<Term, RoutingError> {
        Ok(match term {
            AclTerm::Named { negated, name } => Term {
                negated: *negated,
                acl: acls.resolve(name)?,
            },
            AclTerm::Inline { negated, pattern } => Term {
                negated: *negated,
                acl: Arc::new(CompiledAcl::new(vec![AclTest::Pattern(
                    CompiledPattern::compile(pattern, ANONYMOUS)?,
                )])),
            },
        })
    }
}

/// Compiles an optional rule condition (`None`: the rule always applies).
pub(crate) fn compile_guard(
    cond: Option<&Condition>,
    acls: &Acls,
) -> Result<Option<CompiledCondition>, RoutingError> {
    cond.map(|c| CompiledCondition::compile(c, acls))
        .transpose()
}

/// Whether a rule guarded by `guard` applies to `req`.
pub(crate) fn guard_holds(guard: Option<&CompiledCondition>, req: &RequestInfo<'_>) -> bool {
    guard.map_or(true, |cond| cond.holds(req))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{self, Fetch, Matcher, Pattern};
    use crate::routing::test_support::Req;

    fn path_beg(value: &str) -> Pattern {
        Pattern {
            fetch: Fetch::Path,
            matcher: Matcher::Begin,
            ignore_case: false,
            values: vec![value.into()],
        }
    }

    fn acls() -> Acls {
        let acl = |name: &str, pattern| model::Acl {
            name: name.into(),
            patterns: vec![pattern],
        };
        Acls::compile(&[
            acl("is_api", path_beg("/api")),
            acl("is_v2", path_beg("/api/v2")),
            acl("is_admin", path_beg("/admin")),
        ])
        .unwrap()
    }

    fn named(name: &str) -> AclTerm {
        AclTerm::Named {
            negated: false,
            name: name.into(),
        }
    }

    fn not(name: &str) -> AclTerm {
        AclTerm::Named {
            negated: true,
            name: name.into(),
        }
    }

    fn cond(negated: bool, any_of: Vec<Vec<AclTerm>>) -> CompiledCondition {
        CompiledCondition::compile(&Condition { negated, any_of }, &acls()).unwrap()
    }

    fn holds(c: &CompiledCondition, path: &str) -> bool {
        c.holds(&Req::get(path).info())
    }

    #[test]
    fn single_named_acl_holds_when_it_matches() {
        let c = cond(false, vec![vec![named("is_api")]]);
        assert!(holds(&c, "/api/x"));
        assert!(!holds(&c, "/web"));
    }

    #[test]
    fn bang_negates_one_term() {
        let c = cond(false, vec![vec![named("is_api"), not("is_v2")]]);
        assert!(holds(&c, "/api/v1"));
        assert!(!holds(&c, "/api/v2/x"));
        assert!(!holds(&c, "/web"));
    }

    #[test]
    fn terms_side_by_side_must_all_hold() {
        let c = cond(false, vec![vec![named("is_api"), named("is_v2")]]);
        assert!(holds(&c, "/api/v2"));
        assert!(!holds(&c, "/api/v1"));
    }

    #[test]
    fn or_holds_when_any_alternative_holds() {
        let c = cond(false, vec![vec![named("is_v2")], vec![named("is_admin")]]);
        assert!(holds(&c, "/api/v2"));
        assert!(holds(&c, "/admin"));
        assert!(!holds(&c, "/api/v1"));
    }

    #[test]
    fn unless_negates_the_whole_expression() {
        let c = cond(true, vec![vec![named("is_api")], vec![named("is_admin")]]);
        assert!(!holds(&c, "/api"));
        assert!(!holds(&c, "/admin"));
        assert!(holds(&c, "/home"));
    }

    #[test]
    fn anonymous_acl_and_its_negation() {
        let inline = |negated| AclTerm::Inline {
            negated,
            pattern: path_beg("/static"),
        };
        assert!(holds(&cond(false, vec![vec![inline(false)]]), "/static/a"));
        assert!(!holds(&cond(false, vec![vec![inline(true)]]), "/static/a"));
        assert!(holds(&cond(false, vec![vec![inline(true)]]), "/other"));
    }

    #[test]
    fn predefined_acl_can_be_named_in_a_condition() {
        let c = cond(false, vec![vec![named("METH_POST"), named("is_api")]]);
        assert!(c.holds(&Req::post("/api").info()));
        assert!(!c.holds(&Req::get("/api").info()));
        assert!(holds(&cond(true, vec![vec![named("FALSE")]]), "/"));
    }

    #[test]
    fn empty_condition_is_false_and_unless_empty_is_true() {
        assert!(!holds(&cond(false, vec![]), "/"));
        assert!(holds(&cond(true, vec![]), "/"));
    }

    #[test]
    fn unknown_acl_in_condition_is_an_error() {
        let model = Condition {
            negated: false,
            any_of: vec![vec![named("is_api"), named("is_nothing")]],
        };
        let err = CompiledCondition::compile(&model, &acls()).unwrap_err();
        assert!(matches!(err, RoutingError::UnknownAcl { name } if name == "is_nothing"));
    }

    #[test]
    fn anonymous_acl_compile_error_says_anonymous() {
        let mut pattern = path_beg("(");
        pattern.matcher = Matcher::Regex;
        let model = Condition {
            negated: false,
            any_of: vec![vec![AclTerm::Inline {
                negated: false,
                pattern,
            }]],
        };
        let err = CompiledCondition::compile(&model, &acls()).unwrap_err();
        assert!(err.to_string().contains("anonymous"), "{err}");
    }
}
