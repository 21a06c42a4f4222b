//! Backend settings: `balance`, `hash-type`, `option httpchk` and `http-check`.

use super::super::lexer::Line;
use super::super::units::parse_int;
use super::draft::ProxyDraft;
use super::Ctx;
use crate::model::{
    Balance, HashFunction, HashMethod, HashType, HealthCheck, HttpCheckRule, RetryOn,
    UriHashOptions,
};

const ALGORITHMS: &[&str] = &[
    "roundrobin",
    "static-rr",
    "leastconn",
    "first",
    "source",
    "uri",
    "url_param",
    "hdr",
    "random",
];

/// `balance <algorithm> [arguments]`.
pub(super) fn apply_balance(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let Some(algorithm) = line.words.get(1) else {
        ctx.bad_arg(span, "balance", "expects an algorithm, e.g. 'roundrobin'");
        return;
    };
    let args = &line.words[2..];
    let (name, paren) = match algorithm.split_once('(') {
        Some((name, rest)) => (name, Some(rest.strip_suffix(')').unwrap_or(rest))),
        None => (algorithm.as_str(), None),
    };
    let keyword = format!("balance {name}");
    let no_args = |balance: Balance| match (args, paren) {
        ([], None) => Ok(balance),
        _ => Err("takes no arguments".to_string()),
    };
    let balance = match name {
        "roundrobin" => no_args(Balance::RoundRobin),
        "static-rr" => no_args(Balance::StaticRr),
        "leastconn" => no_args(Balance::LeastConn),
        "first" => no_args(Balance::First),
        "source" => no_args(Balance::Source),
        "uri" if paren.is_none() => uri_options(args).map(Balance::Uri),
        "url_param" => match (args, paren) {
            ([param], None) => Ok(Balance::UrlParam {
                name: param.clone(),
            }),
            ([_, option, ..], None) => Err(format!("option '{option}' is not supported yet")),
            _ => Err("expects a parameter name".to_string()),
        },
        "hdr" => match (args, paren) {
            ([], Some(header)) if !header.is_empty() => Ok(Balance::Hdr {
                name: header.to_ascii_lowercase(),
            }),
            ([option, ..], Some(_)) => Err(format!("option '{option}' is not supported yet")),
            _ => Err("expects a header name: 'hdr(<name>)'".to_string()),
        },
        "random" => match (args, paren) {
            ([], None) => Ok(Balance::Random { draws: 2 }),
            ([], Some(draws)) => parse_int(draws, 1, 100).map(|draws| Balance::Random { draws }),
            _ => Err("takes no arguments besides '(<draws>)'".to_string()),
        },
        "rdp-cookie" | "hash" | "uri" => return ctx.unsupported(span, &keyword),
        _ => {
            return ctx.unknown(
                span,
                "balance algorithm",
                algorithm,
                ALGORITHMS.iter().copied(),
            )
        }
    };
    if let Some(balance) = ctx.check(span, &keyword, balance) {
        draft.balance = balance;
    }
}

/// `balance uri [whole] [len <n>] [depth <n>]`.
fn uri_options(args: &[String]) -> Result<UriHashOptions, String> {
    let mut options = UriHashOptions::default();
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let number = || -> Result<u32, String> {
            let value = args
                .get(i + 1)
                .ok_or_else(|| format!("'{word}' needs a number"))?;
            parse_int(value, 1, u32::MAX).map_err(|e| format!("'{word}' {e}"))
        };
        match word.as_str() {
            "whole" => options.whole = true,
            "len" => options.len = Some(number()?),
            "depth" => options.depth = Some(number()?),
            "path-only" => return Err("'path-only' is not supported yet".to_string()),
            _ => {
                return Err(format!(
                    "unknown option '{word}' (expected whole, len or depth)"
                ))
            }
        }
        i += if word == "whole" { 1 } else { 2 };
    }
    Ok(options)
}

/// `hash-type map-based|consistent [sdbm|djb2|wt6|crc32] [avalanche]`.
pub(super) fn apply_hash_type(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let result = hash_type(&line.words[1..]);
    if let Some(hash_type) = ctx.check(&line.span, "hash-type", result) {
        draft.hash_type = hash_type;
    }
}

fn hash_type(args: &[String]) -> Result<HashType, String> {
    let (method, rest) = args
        .split_first()
        .ok_or("expects 'map-based' or 'consistent'")?;
    let method = match method.as_str() {
        "map-based" => HashMethod::MapBased,
        "consistent" => HashMethod::Consistent,
        other => {
            return Err(format!(
                "unknown method '{other}' (expected map-based or consistent)"
            ))
        }
    };
    let mut hash_type = HashType {
        method,
        ..HashType::default()
    };
    let mut rest = rest.iter().map(String::as_str).peekable();
    // HAProxy: `consistent` with no function given means sdbm *with* the avalanche modifier.
    if method == HashMethod::Consistent && rest.peek().is_none() {
        hash_type.avalanche = true;
        return Ok(hash_type);
    }
    if let Some(function) = rest.next_if(|w| *w != "avalanche") {
        hash_type.function = match function {
            "sdbm" => HashFunction::Sdbm,
            "djb2" => HashFunction::Djb2,
            "wt6" => HashFunction::Wt6,
            "crc32" => HashFunction::Crc32,
            "none" => return Err("hash function 'none' is not supported yet".to_string()),
            other => {
                return Err(format!(
                    "unknown hash function '{other}' (expected sdbm, djb2, wt6 or crc32)"
                ))
            }
        };
    }
    hash_type.avalanche = rest.next_if(|w| *w == "avalanche").is_some();
    match rest.next() {
        None => Ok(hash_type),
        Some(extra) => Err(format!("unexpected '{extra}'")),
    }
}

/// `option httpchk [<uri>] | [<method> <uri> [<version>]]`. The version may carry headers in the
/// old `"HTTP/1.1\r\nHost:\ example.com"` form.
pub(super) fn apply_httpchk(
    line: &Line,
    args: &[String],
    draft: &mut ProxyDraft,
    ctx: &mut Ctx<'_>,
) {
    let (method, uri, version) = match args {
        [] => ("OPTIONS", "/", "HTTP/1.0"),
        [uri] => ("OPTIONS", uri.as_str(), "HTTP/1.0"),
        [method, uri] => (method.as_str(), uri.as_str(), "HTTP/1.0"),
        [method, uri, version] => (method.as_str(), uri.as_str(), version.as_str()),
        _ => {
            return ctx.bad_arg(
                &line.span,
                "option httpchk",
                "expects at most '<method> <uri> <version>'",
            )
        }
    };
    let mut lines = version.split("\r\n").filter(|l| !l.is_empty());
    let version = lines.next().unwrap_or("HTTP/1.0").to_string();
    let mut headers = Vec::new();
    for header in lines {
        match header.split_once(':') {
            Some((name, value)) => {
                headers.push((name.trim().to_string(), value.trim().to_string()))
            }
            None => {
                return ctx.bad_arg(
                    &line.span,
                    "option httpchk",
                    format!("invalid header line '{header}' in the version"),
                )
            }
        }
    }
    draft.httpchk = Some(HealthCheck {
        method: method.to_string(),
        uri: uri.to_string(),
        version,
        headers,
        rules: Vec::new(),
    });
}

/// `http-check send ...` and `http-check expect ...`.
pub(super) fn apply_http_check(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let what = line.words.get(1).map(String::as_str).unwrap_or_default();
    let keyword = format!("http-check {what}");
    let args = &line.words[2..];
    let rule = match what {
        "send" => check_send(args),
        "expect" => check_expect(args),
        "connect" | "comment" | "disable-on-404" | "send-state" | "set-var" | "unset-var" => {
            return ctx.unsupported(span, &keyword)
        }
        _ => return ctx.unknown(span, "'http-check' keyword", what, ["send", "expect"]),
    };
    if let Some(rule) = ctx.check(span, &keyword, rule) {
        draft.check_rules.push(rule);
    }
}

fn check_send(args: &[String]) -> Result<HttpCheckRule, String> {
    let (mut method, mut uri, mut version, mut headers) = (None, None, None, Vec::new());
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let value = |n: usize| {
            args.get(i + n)
                .cloned()
                .ok_or_else(|| format!("'{word}' needs a value"))
        };
        match word.as_str() {
            "meth" => method = Some(value(1)?),
            "uri" => uri = Some(value(1)?),
            "ver" => version = Some(value(1)?),
            "hdr" => {
                headers.push((value(1)?, value(2)?));
                i += 1;
            }
            "body" | "body-lf" | "uri-lf" | "hdr-lf" => {
                return Err(format!("'{word}' is not supported yet"))
            }
            _ => {
                return Err(format!(
                    "unknown argument '{word}' (expected meth, uri, ver or hdr)"
                ))
            }
        }
        i += 2;
    }
    Ok(HttpCheckRule::Send {
        method,
        uri,
        version,
        headers,
    })
}

fn check_expect(args: &[String]) -> Result<HttpCheckRule, String> {
    let (negated, args) = match args.split_first() {
        Some((bang, rest)) if bang == "!" => (true, rest),
        _ => (false, args),
    };
    let [kind, pattern] = args else {
        return Err("expects '[!] <status|rstatus|string|rstring> <pattern>'".to_string());
    };
    match kind.as_str() {
        "status" | "string" => {}
        "rstatus" | "rstring" => {
            regex::Regex::new(pattern).map_err(|_| format!("invalid regex '{pattern}'"))?;
        }
        _ => {
            return Err(format!(
                "expect kind '{kind}' is not supported yet (status, rstatus, string, rstring are)"
            ))
        }
    }
    Ok(HttpCheckRule::Expect {
        negated,
        kind: kind.clone(),
        pattern: pattern.clone(),
    })
}

/// `retry-on <keyword>...`: `none`, `conn-failure`, `empty-response`, `junk-response`,
/// `response-timeout`, `0rtt-rejected` (nothing to do without TLS early data), a status among
/// [`RetryOn::RETRYABLE_STATUSES`], or `all-retryable-errors`.
pub(super) fn retry_on(args: &[String]) -> Result<RetryOn, String> {
    if args.is_empty() {
        return Err("expects at least one keyword".to_string());
    }
    let mut retry_on = RetryOn::none();
    for word in args {
        match word.as_str() {
            "none" if args.len() == 1 => {}
            "none" => return Err("'none' cannot be combined with other keywords".to_string()),
            "conn-failure" => retry_on.conn_failure = true,
            "empty-response" => retry_on.empty_response = true,
            "junk-response" => retry_on.junk_response = true,
            "response-timeout" => retry_on.response_timeout = true,
            "0rtt-rejected" => {}
            "all-retryable-errors" => {
                retry_on.conn_failure = true;
                retry_on.empty_response = true;
                retry_on.junk_response = true;
                retry_on.response_timeout = true;
                retry_on.statuses.extend([500, 502, 503, 504]);
            }
            other => match other.parse::<u16>() {
                Ok(status) if RetryOn::RETRYABLE_STATUSES.contains(&status) => {
                    retry_on.statuses.push(status)
                }
                _ => return Err(format!("unknown keyword '{other}' (expected conn-failure, empty-response, junk-response, response-timeout, 0rtt-rejected, all-retryable-errors or one of the statuses 401, 403, 404, 408, 425, 500-504)")),
            },
        }
    }
    retry_on.statuses.sort_unstable();
    retry_on.statuses.dedup();
    Ok(retry_on)
}
