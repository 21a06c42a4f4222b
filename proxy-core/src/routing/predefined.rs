//! HAProxy's predefined ACLs (configuration manual 7.4), built when a condition names one.
//!
//! Not provided, because they look at raw TCP buffers Switchyard does not expose:
//! `RDP_COOKIE` and `REQ_CONTENT`. `HTTP` and `WAIT_END` are always true here: a request that
//! reaches the rules is valid HTTP and fully parsed.

use super::acl::{AclTest, CompiledAcl};
use super::matcher::CompiledPattern;
use super::RoutingError;
use crate::model::{Fetch, Matcher, Pattern};
use http::Version;

/// The predefined ACL called `name`, or `None` when there is none.
pub(crate) fn lookup(name: &str) -> Result<Option<CompiledAcl>, RoutingError> {
    let test = match name {
        "TRUE" | "HTTP" | "WAIT_END" => AclTest::Always(true),
        "FALSE" => AclTest::Always(false),
        "HTTP_1.0" => AclTest::Version(Version::HTTP_10),
        "HTTP_1.1" => AclTest::Version(Version::HTTP_11),
        "HTTP_2.0" => AclTest::Version(Version::HTTP_2),
        "HTTP_CONTENT" => AclTest::HasContentLength,
        "HTTP_URL_ABS" => pattern(name, Fetch::Url, Matcher::Regex, &["^[^/:]*://"])?,
        "HTTP_URL_SLASH" => pattern(name, Fetch::Url, Matcher::Begin, &["/"])?,
        "HTTP_URL_STAR" => pattern(name, Fetch::Url, Matcher::Exact, &["*"])?,
        "LOCALHOST" => pattern(name, Fetch::Src, Matcher::Ip, &["127.0.0.1/8", "::1"])?,
        "METH_GET" => pattern(name, Fetch::Method, Matcher::Exact, &["GET", "HEAD"])?,
        _ => match name.strip_prefix("METH_") {
            Some(
                method @ ("CONNECT" | "DELETE" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "TRACE"),
            ) => pattern(name, Fetch::Method, Matcher::Exact, &[method])?,
            _ => return Ok(None),
        },
    };
    Ok(Some(CompiledAcl::new(vec![test])))
}

fn pattern(
    name: &str,
    fetch: Fetch,
    matcher: Matcher,
    values: &[&str],
) -> Result<AclTest, RoutingError> {
    let model = Pattern {
        fetch,
        matcher,
        ignore_case: false,
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    };
    Ok(AclTest::Pattern(CompiledPattern::compile(&model, name)?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::routing::test_support::Req;

    fn holds(name: &str, req: &Req) -> bool {
        lookup(name).unwrap().unwrap().holds(&req.info())
    }

    #[test]
    fn true_and_false_are_constant() {
        assert!(holds("TRUE", &Req::get("/")));
        assert!(!holds("FALSE", &Req::get("/")));
    }

    #[test]
    fn meth_get_matches_get_and_head_only() {
        assert!(holds("METH_GET", &Req::get("/")));
        assert!(holds("METH_GET", &Req::new("HEAD", "/")));
        assert!(!holds("METH_GET", &Req::post("/")));
    }

    #[test]
    fn each_meth_acl_matches_its_method_only() {
        for method in [
            "CONNECT", "DELETE", "HEAD", "OPTIONS", "POST", "PUT", "TRACE",
        ] {
            let acl = format!("METH_{method}");
            let target = if method == "CONNECT" {
                "example.com:443"
            } else {
                "/"
            };
            assert!(holds(&acl, &Req::new(method, target)), "{acl}");
            assert!(!holds(&acl, &Req::new("PATCH", "/")), "{acl}");
        }
    }

    #[test]
    fn http_version_acls_follow_the_request_version() {
        let v10 = Req::get("/").version(Version::HTTP_10);
        assert!(holds("HTTP_1.0", &v10));
        assert!(!holds("HTTP_1.1", &v10));
        let v2 = Req::get("/").version(Version::HTTP_2);
        assert!(holds("HTTP_2.0", &v2));
        assert!(holds("HTTP_1.1", &Req::get("/")));
    }

    #[test]
    fn localhost_matches_loopback_clients_of_both_families() {
        assert!(holds("LOCALHOST", &Req::get("/").from("127.0.0.2:1")));
        assert!(holds("LOCALHOST", &Req::get("/").from("[::1]:1")));
        assert!(holds(
            "LOCALHOST",
            &Req::get("/").from("[::ffff:127.0.0.1]:1")
        ));
        assert!(!holds("LOCALHOST", &Req::get("/").from("192.0.2.1:1")));
    }

    #[test]
    fn url_shape_acls_tell_origin_absolute_and_star_forms_apart() {
        let origin = Req::get("/x");
        let absolute = Req::get("http://example.com/x");
        let star = Req::new("OPTIONS", "*");
        assert!(holds("HTTP_URL_SLASH", &origin) && !holds("HTTP_URL_SLASH", &absolute));
        assert!(holds("HTTP_URL_ABS", &absolute) && !holds("HTTP_URL_ABS", &origin));
        assert!(holds("HTTP_URL_STAR", &star) && !holds("HTTP_URL_STAR", &origin));
    }

    #[test]
    fn http_content_needs_a_positive_content_length() {
        assert!(holds(
            "HTTP_CONTENT",
            &Req::post("/").header("content-length", "12")
        ));
        assert!(!holds(
            "HTTP_CONTENT",
            &Req::post("/").header("content-length", "0")
        ));
        assert!(!holds("HTTP_CONTENT", &Req::get("/")));
    }

    #[test]
    fn lower_case_and_unknown_names_are_not_predefined() {
        assert!(lookup("true").unwrap().is_none());
        assert!(lookup("METH_PATCH").unwrap().is_none());
        assert!(lookup("RDP_COOKIE").unwrap().is_none());
    }
}
