//! `http-request` and `http-response` rules as a client and a server would see them.

use super::*;
use crate::model::{self, AclTerm, Condition, Fetch, FormatPart, LogFormat, Matcher, Pattern};
use crate::routing::test_support::{values, Req};

fn acls() -> Acls {
    Acls::compile(&[model::Acl {
        name: "is_admin".into(),
        patterns: vec![Pattern {
            fetch: Fetch::Path,
            matcher: Matcher::Begin,
            ignore_case: false,
            values: vec!["/admin".into()],
        }],
    }])
    .unwrap()
}

fn when(name: &str) -> Option<Condition> {
    Some(Condition {
        negated: false,
        any_of: vec![vec![AclTerm::Named {
            negated: false,
            name: name.into(),
        }]],
    })
}

fn rule(action: RequestAction, condition: Option<Condition>) -> RequestRule {
    RequestRule { action, condition }
}

fn set(name: &str, value: LogFormat) -> RequestAction {
    RequestAction::Header(HeaderAction::Set {
        name: name.into(),
        value,
    })
}

fn add(name: &str, value: LogFormat) -> RequestAction {
    RequestAction::Header(HeaderAction::Add {
        name: name.into(),
        value,
    })
}

fn run(rules: Vec<RequestRule>, req: &mut Req) -> RuleVerdict {
    let compiled = RequestRules::compile(&rules, &acls()).unwrap();
    compiled.apply(&mut req.parts, super::Peer::plain(req.client))
}

fn response(verdict: RuleVerdict) -> http::Response<Bytes> {
    match verdict {
        RuleVerdict::Respond(response) | RuleVerdict::Deny(response) => response,
        other => panic!("expected a response, got {other:?}"),
    }
}

#[test]
fn set_header_replaces_every_value_with_one() {
    let mut req = Req::get("/").header("x-env", "a").header("x-env", "b");
    let verdict = run(
        vec![rule(set("X-Env", LogFormat::literal("prod")), None)],
        &mut req,
    );
    assert!(matches!(verdict, RuleVerdict::Continue));
    assert_eq!(values(&req.parts.headers, "x-env"), ["prod"]);
}

#[test]
fn add_header_keeps_existing_values() {
    let mut req = Req::get("/").header("x-tag", "a");
    run(
        vec![rule(add("X-Tag", LogFormat::literal("b")), None)],
        &mut req,
    );
    assert_eq!(values(&req.parts.headers, "x-tag"), ["a", "b"]);
}

#[test]
fn del_header_removes_every_value() {
    let mut req = Req::get("/")
        .header("x-secret", "1")
        .header("x-secret", "2");
    let del = RequestAction::Header(HeaderAction::Del {
        name: "X-Secret".into(),
    });
    run(vec![rule(del, None)], &mut req);
    assert!(!req.parts.headers.contains_key("x-secret"));
}

#[test]
fn set_header_value_is_rendered_from_samples_before_the_header_changes() {
    let mut req = Req::get("/p")
        .header("x-chain", "one")
        .from("198.51.100.4:7");
    let value = LogFormat {
        parts: vec![
            FormatPart::Sample(Fetch::Hdr("x-chain".into())),
            FormatPart::Text(",".into()),
            FormatPart::Sample(Fetch::Src),
        ],
    };
    run(vec![rule(set("X-Chain", value), None)], &mut req);
    assert_eq!(values(&req.parts.headers, "x-chain"), ["one,198.51.100.4"]);
}

#[test]
fn rule_applies_only_when_its_condition_holds() {
    let rules = || {
        vec![rule(
            set("X-Admin", LogFormat::literal("1")),
            when("is_admin"),
        )]
    };
    let mut admin = Req::get("/admin/users");
    run(rules(), &mut admin);
    assert_eq!(values(&admin.parts.headers, "x-admin"), ["1"]);
    let mut other = Req::get("/home");
    run(rules(), &mut other);
    assert!(!other.parts.headers.contains_key("x-admin"));
}

#[test]
fn later_rules_see_headers_set_by_earlier_ones() {
    let inline = Some(Condition {
        negated: false,
        any_of: vec![vec![AclTerm::Inline {
            negated: false,
            pattern: Pattern {
                fetch: Fetch::Hdr("x-stage".into()),
                matcher: Matcher::Exact,
                ignore_case: false,
                values: vec!["one".into()],
            },
        }]],
    });
    let mut req = Req::get("/");
    run(
        vec![
            rule(set("X-Stage", LogFormat::literal("one")), None),
            rule(set("X-Seen", LogFormat::literal("yes")), inline),
        ],
        &mut req,
    );
    assert_eq!(values(&req.parts.headers, "x-seen"), ["yes"]);
}

#[test]
fn deny_answers_403_with_an_html_page_by_default() {
    let mut req = Req::get("/admin");
    let verdict = run(
        vec![rule(RequestAction::Deny { status: 403 }, when("is_admin"))],
        &mut req,
    );
    let answer = response(verdict);
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert_eq!(answer.headers()["content-type"], "text/html");
    assert!(String::from_utf8_lossy(answer.body()).contains("403 Forbidden"));
}

#[test]
fn deny_status_sets_the_answer_status() {
    let mut req = Req::get("/");
    let answer = response(run(
        vec![rule(RequestAction::Deny { status: 429 }, None)],
        &mut req,
    ));
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn deny_stops_later_rules() {
    let mut req = Req::get("/admin");
    run(
        vec![
            rule(RequestAction::Deny { status: 403 }, None),
            rule(set("X-After", LogFormat::literal("1")), None),
        ],
        &mut req,
    );
    assert!(!req.parts.headers.contains_key("x-after"));
}

#[test]
fn return_answers_with_status_content_type_and_body() {
    let action = RequestAction::Return {
        status: 200,
        content_type: Some("text/plain".into()),
        body: Some("pong\n".into()),
    };
    let answer = response(run(vec![rule(action, None)], &mut Req::get("/ping")));
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["content-type"], "text/plain");
    assert_eq!(answer.body().as_ref(), b"pong\n");
}

#[test]
fn return_without_body_is_empty_and_has_no_content_type() {
    let action = RequestAction::Return {
        status: 204,
        content_type: None,
        body: None,
    };
    let answer = response(run(vec![rule(action, None)], &mut Req::get("/")));
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    assert!(answer.headers().get("content-type").is_none());
    assert!(answer.body().is_empty());
}

#[test]
fn no_matching_rule_continues_unchanged() {
    let mut req = Req::get("/home").header("x-a", "1");
    let verdict = run(
        vec![rule(RequestAction::Deny { status: 403 }, when("is_admin"))],
        &mut req,
    );
    assert!(matches!(verdict, RuleVerdict::Continue));
    assert_eq!(req.parts.headers.len(), 1);
}

#[test]
fn value_that_renders_invalid_skips_only_that_action() {
    let mut req = Req::get("/");
    let value = LogFormat {
        parts: vec![
            FormatPart::Text("\u{7f}".into()),
            FormatPart::Sample(Fetch::Path),
        ],
    };
    run(
        vec![
            rule(set("X-Bad", value), None),
            rule(set("X-Good", LogFormat::literal("ok")), None),
        ],
        &mut req,
    );
    assert!(!req.parts.headers.contains_key("x-bad"));
    assert_eq!(values(&req.parts.headers, "x-good"), ["ok"]);
}

#[test]
fn invalid_names_statuses_and_content_types_fail_to_compile() {
    let compile = |action| RequestRules::compile(&[rule(action, None)], &acls());
    assert!(matches!(
        compile(set("Bad Name", LogFormat::literal("x"))),
        Err(RoutingError::InvalidHeaderName { .. })
    ));
    assert!(matches!(
        compile(RequestAction::Deny { status: 42 }),
        Err(RoutingError::InvalidStatus { status: 42 })
    ));
    let bad_type = RequestAction::Return {
        status: 200,
        content_type: Some("text/plain\n".into()),
        body: Some("x".into()),
    };
    assert!(matches!(
        compile(bad_type),
        Err(RoutingError::InvalidHeaderValue { .. })
    ));
}

#[test]
fn unknown_acl_in_a_rule_fails_to_compile() {
    let result = RequestRules::compile(
        &[rule(RequestAction::Deny { status: 403 }, when("nope"))],
        &acls(),
    );
    assert!(matches!(result, Err(RoutingError::UnknownAcl { .. })));
}

fn response_rule(action: HeaderAction, condition: Option<Condition>) -> ResponseRule {
    ResponseRule { action, condition }
}

#[test]
fn response_rules_edit_headers_with_conditions_on_the_request() {
    let rules = ResponseRules::compile(
        &[
            response_rule(
                HeaderAction::Set {
                    name: "Cache-Control".into(),
                    value: LogFormat::literal("no-store"),
                },
                when("is_admin"),
            ),
            response_rule(
                HeaderAction::Add {
                    name: "X-Served-Path".into(),
                    value: LogFormat {
                        parts: vec![FormatPart::Sample(Fetch::Path)],
                    },
                },
                None,
            ),
            response_rule(
                HeaderAction::Del {
                    name: "Server".into(),
                },
                None,
            ),
        ],
        &acls(),
    )
    .unwrap();
    assert!(!rules.is_empty());
    let fresh = || {
        let mut headers = HeaderMap::new();
        headers.insert("cache-control", HeaderValue::from_static("max-age=60"));
        headers.insert("server", HeaderValue::from_static("backend/1.0"));
        headers
    };

    let mut admin = fresh();
    rules.apply(&mut admin, &Req::get("/admin/x?y").info());
    assert_eq!(values(&admin, "cache-control"), ["no-store"]);
    assert_eq!(values(&admin, "x-served-path"), ["/admin/x"]);
    assert!(!admin.contains_key("server"));

    let mut public = fresh();
    rules.apply(&mut public, &Req::get("/home").info());
    assert_eq!(values(&public, "cache-control"), ["max-age=60"]);
}

#[test]
fn no_response_rules_is_empty() {
    assert!(ResponseRules::compile(&[], &acls()).unwrap().is_empty());
}
