//! ACLs (`acl <name> <criterion> [flags] <values>`) and the `if`/`unless` conditions that combine
//! them (configuration manual §7): `!` negation, implicit AND, `||`/`or`, and anonymous ACLs
//! between braces. Regexes are compiled here so a bad one is reported at its line.

use super::super::lexer::Line;
use super::super::units::suggestion;
use super::draft::ProxyDraft;
use super::Ctx;
use crate::model::{Acl, AclTerm, Condition, Fetch, Matcher, Pattern};
use std::net::IpAddr;

/// The predefined ACLs conditions may name without declaring them (HAProxy's list, the ones
/// Switchyard evaluates).
pub const PREDEFINED_ACLS: &[&str] = &[
    "TRUE",
    "FALSE",
    "METH_GET",
    "METH_POST",
    "METH_HEAD",
    "METH_PUT",
    "METH_DELETE",
    "METH_OPTIONS",
    "HTTP_1.0",
    "HTTP_1.1",
];

/// `acl <name> <criterion> [flags] <values...>`; a second line with the same name adds a pattern.
pub(super) fn apply_acl(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let [_, name, criterion @ ..] = line.words.as_slice() else {
        return;
    };
    if criterion.is_empty() {
        ctx.bad_arg(span, "acl", "expects '<name> <criterion> [flags] [values]'");
        return;
    }
    if PREDEFINED_ACLS.contains(&name.as_str()) {
        ctx.bad_arg(
            span,
            "acl",
            format!("'{name}' is a predefined ACL and cannot be redefined"),
        );
        return;
    }
    let Some(pattern) = ctx.check(span, &format!("acl {name}"), parse_pattern(criterion)) else {
        return;
    };
    match draft.acls.iter_mut().find(|acl| acl.name == *name) {
        Some(acl) => acl.patterns.push(pattern),
        None => draft.acls.push(Acl {
            name: name.clone(),
            patterns: vec![pattern],
        }),
    }
}

const CRITERIA: &[&str] = &[
    "path",
    "path_beg",
    "path_end",
    "path_sub",
    "path_reg",
    "path_dir",
    "path_dom",
    "path_len",
    "url",
    "url_beg",
    "url_end",
    "url_sub",
    "url_reg",
    "url_dir",
    "url_dom",
    "url_len",
    "method",
    "src",
    "ssl_fc",
    "hdr",
    "hdr_beg",
    "hdr_end",
    "hdr_sub",
    "hdr_reg",
    "hdr_dir",
    "hdr_dom",
    "hdr_len",
    "req.hdr",
    "url_param",
    "urlp",
    "urlp_beg",
    "urlp_end",
    "urlp_sub",
    "urlp_reg",
];

/// Parses `<criterion> [-i] [-m <method>] [--] <values...>`.
pub(super) fn parse_pattern(words: &[String]) -> Result<Pattern, String> {
    let (criterion, rest) = words.split_first().ok_or("missing ACL criterion")?;
    let (fetch, mut matcher) = parse_criterion(criterion)?;
    let mut ignore_case = false;
    let mut i = 0;
    while let Some(flag) = rest.get(i).filter(|w| w.starts_with('-')) {
        i += 1;
        match flag.as_str() {
            "-i" => ignore_case = true,
            "-n" => {}
            "--" => break,
            "-m" => {
                let method = rest.get(i).ok_or("'-m' needs a match method")?;
                i += 1;
                matcher = match_method(method)?;
            }
            "-f" | "-M" | "-u" => return Err(format!("ACL flag '{flag}' is not supported yet")),
            _ => return Err(format!("unknown ACL flag '{flag}'")),
        }
    }
    let values = rest[i..].to_vec();
    if values.is_empty() && matcher != Matcher::Found {
        return Err(format!("'{criterion}' has no value to match"));
    }
    for value in &values {
        check_value(matcher, ignore_case, value)?;
    }
    Ok(Pattern {
        fetch,
        matcher,
        ignore_case,
        values,
    })
}

/// `path_beg` → (Path, Begin); `hdr(host)` → (Hdr("host"), Exact); `hdr_end(host)` → ...
fn parse_criterion(criterion: &str) -> Result<(Fetch, Matcher), String> {
    let (name, arg) = match criterion.split_once('(') {
        Some((name, rest)) => {
            let arg = rest
                .strip_suffix(')')
                .ok_or_else(|| format!("missing ')' in '{criterion}'"))?;
            (name, Some(arg))
        }
        None => (criterion, None),
    };
    let (base, suffix) = match name.rsplit_once('_') {
        Some((base, suffix)) if suffix_matcher(suffix).is_some() => (base, Some(suffix)),
        _ => (name, None),
    };
    let needs_arg = |what: &str| -> Result<String, String> {
        match arg {
            Some(arg) if !arg.is_empty() && !arg.contains(',') => Ok(arg.to_string()),
            Some(arg) if arg.contains(',') => {
                Err(format!("'{criterion}': only one {what} is supported"))
            }
            _ => Err(format!("'{criterion}' needs a {what}, e.g. '{name}(x)'")),
        }
    };
    let (fetch, default) = match base {
        "path" => (Fetch::Path, Matcher::Exact),
        "url" => (Fetch::Url, Matcher::Exact),
        "method" => (Fetch::Method, Matcher::Exact),
        "src" => (Fetch::Src, Matcher::Ip),
        // A boolean: it yields a sample only when true, which `found` matches.
        "ssl_fc" => (Fetch::SslFc, Matcher::Found),
        "hdr" | "req.hdr" => (
            Fetch::Hdr(needs_arg("header name")?.to_ascii_lowercase()),
            Matcher::Exact,
        ),
        "url_param" | "urlp" => (
            Fetch::UrlParam(needs_arg("parameter name")?),
            Matcher::Exact,
        ),
        _ => {
            let hint = suggestion(name, CRITERIA.iter().copied());
            return Err(format!(
                "unknown or unsupported ACL criterion '{criterion}'{hint}"
            ));
        }
    };
    if arg.is_some() && !matches!(fetch, Fetch::Hdr(_) | Fetch::UrlParam(_)) {
        return Err(format!("'{name}' takes no argument"));
    }
    let matcher = match suffix {
        Some(suffix) if matches!(fetch, Fetch::Src | Fetch::Method) => {
            return Err(format!("'{base}_{suffix}' is not supported yet"));
        }
        Some(suffix) => suffix_matcher(suffix).unwrap_or(default),
        None => default,
    };
    Ok((fetch, matcher))
}

fn suffix_matcher(suffix: &str) -> Option<Matcher> {
    Some(match suffix {
        "beg" => Matcher::Begin,
        "end" => Matcher::End,
        "sub" => Matcher::Substring,
        "reg" => Matcher::Regex,
        "dir" => Matcher::Dir,
        "dom" => Matcher::Domain,
        "len" => Matcher::Len,
        _ => return None,
    })
}

fn match_method(method: &str) -> Result<Matcher, String> {
    Ok(match method {
        "str" => Matcher::Exact,
        "ip" => Matcher::Ip,
        "found" => Matcher::Found,
        "bool" | "int" | "bin" => {
            return Err(format!("match method '-m {method}' is not supported yet"))
        }
        _ => suffix_matcher(method).ok_or_else(|| format!("unknown match method '-m {method}'"))?,
    })
}

fn check_value(matcher: Matcher, ignore_case: bool, value: &str) -> Result<(), String> {
    match matcher {
        Matcher::Regex => regex::RegexBuilder::new(value)
            .case_insensitive(ignore_case)
            .build()
            .map(drop)
            .map_err(|e| format!("invalid regex '{value}': {}", first_line(&e.to_string()))),
        Matcher::Ip => check_network(value),
        Matcher::Len => value
            .parse::<u32>()
            .map(drop)
            .map_err(|_| format!("invalid length '{value}'")),
        _ => Ok(()),
    }
}

/// The regex crate's messages span several lines; the last non-empty one says what is wrong.
fn first_line(message: &str) -> &str {
    message
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or(message)
        .trim()
}

/// `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`.
fn check_network(value: &str) -> Result<(), String> {
    let (ip, prefix) = match value.split_once('/') {
        Some((ip, prefix)) => (ip, Some(prefix)),
        None => (value, None),
    };
    let ip: IpAddr = ip
        .parse()
        .map_err(|_| format!("invalid IP address or network '{value}'"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    match prefix.map(str::parse::<u8>) {
        None => Ok(()),
        Some(Ok(bits)) if bits <= max => Ok(()),
        Some(_) => Err(format!(
            "invalid network prefix in '{value}' (expected /0 to /{max})"
        )),
    }
}

/// Parses what follows `if`/`unless`, checking named ACLs against `declared` and the predefined.
pub(super) fn parse_condition(
    negated: bool,
    words: &[String],
    declared: &[Acl],
) -> Result<Condition, String> {
    let keyword = if negated { "unless" } else { "if" };
    if words.is_empty() {
        return Err(format!("missing condition after '{keyword}'"));
    }
    let mut any_of = Vec::new();
    let mut all_of = Vec::new();
    let mut negate_next = false;
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        i += 1;
        match word {
            "||" | "or" => {
                if all_of.is_empty() || negate_next {
                    return Err(format!("missing ACL before '{word}'"));
                }
                any_of.push(std::mem::take(&mut all_of));
            }
            "!" => negate_next = !negate_next,
            "{" | "!{" => {
                let negated = std::mem::take(&mut negate_next) ^ (word == "!{");
                let close = words[i..]
                    .iter()
                    .position(|w| w == "}")
                    .ok_or("missing '}' after '{' (braces need spaces around them)")?;
                let pattern = parse_pattern(&words[i..i + close])?;
                all_of.push(AclTerm::Inline { negated, pattern });
                i += close + 1;
            }
            "}" => return Err("unexpected '}'".to_string()),
            _ => {
                let (bang, name) = match word.strip_prefix('!') {
                    Some(name) => (true, name),
                    None => (false, word),
                };
                check_acl_name(name, declared)?;
                let negated = std::mem::take(&mut negate_next) ^ bang;
                all_of.push(AclTerm::Named {
                    negated,
                    name: name.to_string(),
                });
            }
        }
    }
    if all_of.is_empty() {
        return Err(format!("condition after '{keyword}' ends without an ACL"));
    }
    any_of.push(all_of);
    Ok(Condition { negated, any_of })
}

fn check_acl_name(name: &str, declared: &[Acl]) -> Result<(), String> {
    if declared.iter().any(|acl| acl.name == name) || PREDEFINED_ACLS.contains(&name) {
        return Ok(());
    }
    if name.starts_with('{') {
        return Err(format!("'{name}': put a space after '{{'"));
    }
    let candidates = declared
        .iter()
        .map(|acl| acl.name.as_str())
        .chain(PREDEFINED_ACLS.iter().copied());
    let hint = suggestion(name, candidates);
    Err(format!(
        "unknown ACL '{name}' in condition (ACLs must be declared before use){hint}"
    ))
}

/// Splits `words` at a trailing `if|unless <cond>`: `rest` must be empty or start with one.
pub(super) fn trailing_condition(
    rest: &[String],
    declared: &[Acl],
) -> Result<Option<Condition>, String> {
    match rest.split_first() {
        None => Ok(None),
        Some((first, cond)) if first == "if" => parse_condition(false, cond, declared).map(Some),
        Some((first, cond)) if first == "unless" => parse_condition(true, cond, declared).map(Some),
        Some((first, _)) => Err(format!("unexpected '{first}' (expected 'if' or 'unless')")),
    }
}
