//! Each fetch against each match method.

use super::*;
use crate::model::Fetch;
use crate::routing::test_support::Req;

fn pattern(fetch: Fetch, matcher: Matcher, ignore_case: bool, values: &[&str]) -> CompiledPattern {
    let model = Pattern {
        fetch,
        matcher,
        ignore_case,
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    CompiledPattern::compile(&model, "test").unwrap()
}

fn hits(fetch: Fetch, matcher: Matcher, values: &[&str], req: &Req) -> bool {
    pattern(fetch, matcher, false, values).matches(&req.info())
}

fn hits_i(fetch: Fetch, matcher: Matcher, values: &[&str], req: &Req) -> bool {
    pattern(fetch, matcher, true, values).matches(&req.info())
}

fn host() -> Fetch {
    Fetch::Hdr("host".into())
}

#[test]
fn path_str_is_exact_and_ignores_the_query() {
    let req = Req::get("/login?next=/");
    assert!(hits(Fetch::Path, Matcher::Exact, &["/login"], &req));
    assert!(!hits(Fetch::Path, Matcher::Exact, &["/log"], &req));
    assert!(!hits(Fetch::Path, Matcher::Exact, &["/login?next=/"], &req));
}

#[test]
fn path_beg_matches_prefixes_only() {
    let req = Req::get("/api/v1/users");
    assert!(hits(
        Fetch::Path,
        Matcher::Begin,
        &["/static", "/api"],
        &req
    ));
    assert!(!hits(Fetch::Path, Matcher::Begin, &["/v1"], &req));
}

#[test]
fn path_end_matches_suffixes_only() {
    let req = Req::get("/img/logo.PNG?v=2");
    assert!(hits_i(Fetch::Path, Matcher::End, &[".png", ".jpg"], &req));
    assert!(!hits(Fetch::Path, Matcher::End, &[".png"], &req));
    assert!(!hits(Fetch::Path, Matcher::End, &["v=2"], &req));
}

#[test]
fn path_sub_finds_the_value_anywhere() {
    let req = Req::get("/shop/cart/add");
    assert!(hits(Fetch::Path, Matcher::Substring, &["cart"], &req));
    assert!(!hits(Fetch::Path, Matcher::Substring, &["basket"], &req));
}

#[test]
fn path_dir_needs_whole_segments() {
    let req = Req::get("/api/v1/users");
    assert!(hits(Fetch::Path, Matcher::Dir, &["v1"], &req));
    assert!(hits(Fetch::Path, Matcher::Dir, &["/api/v1/"], &req));
    assert!(hits(Fetch::Path, Matcher::Dir, &["users"], &req));
    assert!(!hits(Fetch::Path, Matcher::Dir, &["v"], &req));
    assert!(!hits(Fetch::Path, Matcher::Dir, &["pi/v1"], &req));
    assert!(!hits(Fetch::Path, Matcher::Dir, &["/"], &req));
}

#[test]
fn path_reg_uses_regex_and_i_makes_it_case_insensitive() {
    let req = Req::get("/Images/a.gif");
    assert!(hits(
        Fetch::Path,
        Matcher::Regex,
        &[r"^/[A-Z]\w+/.*\.gif$"],
        &req
    ));
    assert!(!hits(Fetch::Path, Matcher::Regex, &["^/images/"], &req));
    assert!(hits_i(Fetch::Path, Matcher::Regex, &["^/images/"], &req));
}

#[test]
fn path_len_compares_lengths_and_ranges() {
    let req = Req::get("/abcd?long-query");
    assert!(hits(Fetch::Path, Matcher::Len, &["5"], &req));
    assert!(hits(Fetch::Path, Matcher::Len, &["1:5"], &req));
    assert!(hits(Fetch::Path, Matcher::Len, &["gt", "4"], &req));
    assert!(!hits(Fetch::Path, Matcher::Len, &["lt", "5"], &req));
    assert!(!hits(Fetch::Path, Matcher::Len, &["6:"], &req));
}

#[test]
fn url_beg_and_sub_see_the_query_string() {
    let req = Req::get("/search?q=rust");
    assert!(hits(Fetch::Url, Matcher::Begin, &["/search?q="], &req));
    assert!(hits(Fetch::Url, Matcher::Substring, &["q=rust"], &req));
    assert!(hits(Fetch::Url, Matcher::Exact, &["/search?q=rust"], &req));
}

#[test]
fn url_found_is_true_for_every_request() {
    assert!(hits(Fetch::Url, Matcher::Found, &[], &Req::get("/")));
}

#[test]
fn method_is_exact_and_case_sensitive_without_i() {
    let req = Req::new("PATCH", "/");
    assert!(hits(Fetch::Method, Matcher::Exact, &["GET", "PATCH"], &req));
    assert!(!hits(Fetch::Method, Matcher::Exact, &["patch"], &req));
    assert!(hits_i(Fetch::Method, Matcher::Exact, &["patch"], &req));
    assert!(!hits(Fetch::Method, Matcher::Exact, &["PAT"], &req));
}

#[test]
fn hdr_host_includes_the_port_as_sent() {
    let req = Req::get("/").header("host", "Example.com:8080");
    assert!(!hits_i(host(), Matcher::Exact, &["example.com"], &req));
    assert!(hits_i(host(), Matcher::Exact, &["example.com:8080"], &req));
    assert!(!hits(host(), Matcher::Exact, &["example.com:8080"], &req));
    assert!(hits_i(host(), Matcher::Begin, &["example.com"], &req));
}

#[test]
fn hdr_host_dom_matches_whole_labels_ignoring_the_port() {
    let req = Req::get("/").header("host", "www.shop.example.com:443");
    assert!(hits(host(), Matcher::Domain, &["shop.example.com"], &req));
    assert!(hits(host(), Matcher::Domain, &["www"], &req));
    assert!(hits(host(), Matcher::Domain, &[".example."], &req));
    assert!(!hits(host(), Matcher::Domain, &["hop.example.com"], &req));
    assert!(!hits(host(), Matcher::Domain, &["exam"], &req));
}

#[test]
fn hdr_matches_when_any_comma_value_matches() {
    let req = Req::get("/").header("accept", "text/html, application/json;q=0.9");
    assert!(hits(
        Fetch::Hdr("accept".into()),
        Matcher::Begin,
        &["application/json"],
        &req
    ));
    assert!(!hits(
        Fetch::Hdr("accept".into()),
        Matcher::Exact,
        &["text/html, application/json;q=0.9"],
        &req
    ));
}

#[test]
fn hdr_checks_every_header_line() {
    let req = Req::get("/").header("x-tag", "a").header("x-tag", "b");
    assert!(hits(
        Fetch::Hdr("x-tag".into()),
        Matcher::Exact,
        &["b"],
        &req
    ));
}

#[test]
fn hdr_found_and_len_see_presence_and_size() {
    let req = Req::get("/").header("x-token", "abc");
    let token = || Fetch::Hdr("x-token".into());
    assert!(hits(token(), Matcher::Found, &[], &req));
    assert!(!hits(
        Fetch::Hdr("x-other".into()),
        Matcher::Found,
        &[],
        &req
    ));
    assert!(hits(token(), Matcher::Len, &["3"], &req));
    assert!(!hits(token(), Matcher::Len, &["ge", "4"], &req));
}

#[test]
fn hdr_end_sub_reg_and_dir() {
    let req = Req::get("/").header("user-agent", "Mozilla/5.0 curl/8.1");
    let ua = || Fetch::Hdr("user-agent".into());
    assert!(hits(ua(), Matcher::End, &["8.1"], &req));
    assert!(hits_i(ua(), Matcher::Substring, &["CURL"], &req));
    assert!(hits(ua(), Matcher::Regex, &[r"curl/\d+"], &req));
    assert!(hits(ua(), Matcher::Dir, &["5.0 curl"], &req));
}

#[test]
fn hdr_ip_parses_the_value_as_an_address() {
    let req = Req::get("/").header("x-forwarded-for", "10.1.2.3, 203.0.113.5");
    let xff = || Fetch::Hdr("x-forwarded-for".into());
    assert!(hits(xff(), Matcher::Ip, &["203.0.113.0/24"], &req));
    assert!(!hits(xff(), Matcher::Ip, &["192.168.0.0/16"], &req));
    let garbage = Req::get("/").header("x-forwarded-for", "unknown");
    assert!(!hits(xff(), Matcher::Ip, &["0.0.0.0/0"], &garbage));
}

#[test]
fn src_ip_matches_ipv4_and_ipv6_addresses_and_networks() {
    let v4 = Req::get("/").from("10.0.5.9:1234");
    assert!(hits(Fetch::Src, Matcher::Ip, &["10.0.0.0/16"], &v4));
    assert!(hits(Fetch::Src, Matcher::Ip, &["10.0.5.9"], &v4));
    assert!(!hits(Fetch::Src, Matcher::Ip, &["10.1.0.0/16", "::1"], &v4));
    let v6 = Req::get("/").from("[2001:db8::7]:1234");
    assert!(hits(
        Fetch::Src,
        Matcher::Ip,
        &["10.0.0.0/8", "2001:db8::/64"],
        &v6
    ));
    assert!(!hits(Fetch::Src, Matcher::Ip, &["2001:db9::/32"], &v6));
}

#[test]
fn src_ipv4_mapped_client_matches_ipv4_network() {
    let mapped = Req::get("/").from("[::ffff:10.0.5.9]:1234");
    assert!(hits(Fetch::Src, Matcher::Ip, &["10.0.0.0/8"], &mapped));
}

#[test]
fn src_with_text_matcher_compares_the_printed_address() {
    let req = Req::get("/").from("[::ffff:10.0.5.9]:1234");
    assert!(hits(Fetch::Src, Matcher::Begin, &["10.0."], &req));
    assert!(hits(Fetch::Src, Matcher::Found, &[], &req));
}

#[test]
fn url_param_str_beg_found_and_len() {
    let req = Req::get("/p?user=alice&lang=en-GB");
    let user = || Fetch::UrlParam("user".into());
    assert!(hits(user(), Matcher::Exact, &["alice"], &req));
    assert!(hits(
        Fetch::UrlParam("lang".into()),
        Matcher::Begin,
        &["en"],
        &req
    ));
    assert!(hits(user(), Matcher::Found, &[], &req));
    assert!(!hits(
        Fetch::UrlParam("nobody".into()),
        Matcher::Found,
        &[],
        &req
    ));
    assert!(hits(user(), Matcher::Len, &["5"], &req));
}

#[test]
fn several_values_match_when_any_matches() {
    let req = Req::get("/b");
    assert!(hits(Fetch::Path, Matcher::Exact, &["/a", "/b", "/c"], &req));
    assert!(!hits(Fetch::Path, Matcher::Exact, &[], &req));
}

#[test]
fn invalid_regex_error_names_the_acl_and_value() {
    let model = Pattern {
        fetch: Fetch::Path,
        matcher: Matcher::Regex,
        ignore_case: false,
        values: vec!["(unclosed".into()],
    };
    let err = CompiledPattern::compile(&model, "is_api")
        .unwrap_err()
        .to_string();
    assert!(err.contains("is_api") && err.contains("(unclosed"), "{err}");
}

#[test]
fn invalid_network_and_length_are_rejected() {
    let bad = |matcher, value: &str| Pattern {
        fetch: Fetch::Src,
        matcher,
        ignore_case: false,
        values: vec![value.into()],
    };
    assert!(matches!(
        CompiledPattern::compile(&bad(Matcher::Ip, "10.0.0.0/40"), "a"),
        Err(RoutingError::InvalidNetwork { .. })
    ));
    assert!(matches!(
        CompiledPattern::compile(&bad(Matcher::Len, "three"), "a"),
        Err(RoutingError::InvalidLength { .. })
    ));
    assert!(matches!(
        CompiledPattern::compile(&bad(Matcher::Len, "gt"), "a"),
        Err(RoutingError::InvalidLength { .. })
    ));
}
