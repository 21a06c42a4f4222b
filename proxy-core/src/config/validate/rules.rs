//! `use_backend`, `http-request` and `http-response` rules, and the log-format strings their header
//! values are written in.

use super::super::lexer::Line;
use super::acl::trailing_condition;
use super::draft::ProxyDraft;
use super::Ctx;
use crate::model::{
    Fetch, FormatPart, HeaderAction, LogFormat, Redirect, RedirectTarget, RequestAction,
    RequestRule, ResponseRule, UseBackend,
};

/// `use_backend <name> [if|unless <cond>]`.
pub(super) fn apply_use_backend(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let Some(backend) = line.words.get(1) else {
        ctx.bad_arg(span, "use_backend", "expects a backend name");
        return;
    };
    if backend.contains("%[") {
        ctx.unsupported(span, "use_backend with a dynamic name");
        return;
    }
    let condition = trailing_condition(&line.words[2..], &draft.acls);
    if let Some(condition) = ctx.check(span, "use_backend", condition) {
        let rule = UseBackend {
            backend: backend.clone(),
            condition,
        };
        draft.use_backends.push((rule, span.clone()));
    }
}

/// `http-request <action> ... [if|unless <cond>]`.
pub(super) fn apply_http_request(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let words = &line.words;
    let Some(action) = words.get(1).map(String::as_str) else {
        ctx.bad_arg(&line.span, "http-request", "expects an action");
        return;
    };
    let keyword = format!("http-request {action}");
    let args = &words[2..];
    let parsed = match (header_action(action, args), action) {
        (Some(parsed), _) => parsed.map(|(header, rest)| (RequestAction::Header(header), rest)),
        (None, "deny") => deny_args(args),
        (None, "return") => return_args(args),
        (None, "redirect") => redirect_args(args),
        (None, "use-service") => match args {
            [service, rest @ ..] if service == "prometheus-exporter" => {
                Ok((RequestAction::UsePrometheusExporter, rest))
            }
            [service, ..] => Err(format!("service '{service}' is not supported yet")),
            [] => Err("expects a service name".to_string()),
        },
        (None, _) => return unknown_action(line, &keyword, ctx, REQUEST_ACTIONS),
    };
    let rule = parsed.and_then(|(action, rest)| {
        trailing_condition(rest, &draft.acls).map(|condition| RequestRule { action, condition })
    });
    if let Some(rule) = ctx.check(&line.span, &keyword, rule) {
        draft.request_rules.push(rule);
    }
}

/// A proxy's `redirect <type> <to> [options] [if|unless <cond>]` line. HAProxy runs these after
/// every `http-request` rule of the proxy, so they are kept apart until the proxy is built.
pub(super) fn apply_redirect(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let rule = redirect_args(&line.words[1..]).and_then(|(action, rest)| {
        trailing_condition(rest, &draft.acls).map(|condition| RequestRule { action, condition })
    });
    if let Some(rule) = ctx.check(&line.span, "redirect", rule) {
        draft.redirects.push(rule);
    }
}

/// `http-response set-header|add-header|del-header ... [if|unless <cond>]`.
pub(super) fn apply_http_response(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let words = &line.words;
    let Some(action) = words.get(1).map(String::as_str) else {
        ctx.bad_arg(&line.span, "http-response", "expects an action");
        return;
    };
    let keyword = format!("http-response {action}");
    let args = &words[2..];
    let Some(parsed) = header_action(action, args) else {
        return unknown_action(line, &keyword, ctx, RESPONSE_ACTIONS);
    };
    let rule = parsed.and_then(|(action, rest)| {
        trailing_condition(rest, &draft.acls).map(|condition| ResponseRule { action, condition })
    });
    if let Some(rule) = ctx.check(&line.span, &keyword, rule) {
        draft.response_rules.push(rule);
    }
}

const REQUEST_ACTIONS: &[&str] = &[
    "set-header",
    "add-header",
    "del-header",
    "deny",
    "return",
    "redirect",
    "use-service",
];
const RESPONSE_ACTIONS: &[&str] = &["set-header", "add-header", "del-header"];

/// HAProxy actions Switchyard knows but does not perform yet.
const KNOWN_ACTIONS: &[&str] = &[
    "allow",
    "auth",
    "cache-use",
    "cache-store",
    "capture",
    "del-acl",
    "del-map",
    "disable-l7-retry",
    "do-resolve",
    "early-hint",
    "normalize-uri",
    "reject",
    "replace-header",
    "replace-path",
    "replace-pathq",
    "replace-uri",
    "replace-value",
    "sc-inc-gpc0",
    "set-dst",
    "set-log-level",
    "set-map",
    "set-method",
    "set-path",
    "set-pathq",
    "set-query",
    "set-src",
    "set-status",
    "set-timeout",
    "set-uri",
    "set-var",
    "silent-drop",
    "tarpit",
    "track-sc0",
    "track-sc1",
    "track-sc2",
    "unset-var",
    "wait-for-body",
    "wait-for-handshake",
    "lua",
    "set-nice",
    "set-tos",
    "set-mark",
    "strict-mode",
    "send-spoe-group",
    "sc-set-gpt0",
    "sc-inc-gpc1",
    "add-acl",
    "set-var-fmt",
    "set-bandwidth-limit",
];

fn unknown_action(line: &Line, keyword: &str, ctx: &mut Ctx<'_>, supported: &[&str]) {
    let action = line.words[1].as_str();
    if KNOWN_ACTIONS.contains(&action) || action.starts_with("lua.") {
        ctx.unsupported(&line.span, keyword);
    } else {
        ctx.unknown(
            &line.span,
            &format!("'{}' action", line.words[0]),
            action,
            supported.iter().copied(),
        );
    }
}

type WithRest<'a, T> = Result<(T, &'a [String]), String>;

/// `<name> <fmt> [cond...]`.
/// `set-header`, `add-header` and `del-header` with their arguments, the actions both
/// directions share; `None` for any other action.
fn header_action<'a>(action: &str, args: &'a [String]) -> Option<WithRest<'a, HeaderAction>> {
    let with_value = |set: bool| {
        header_args(args).map(|(name, value, rest)| {
            let header = if set {
                HeaderAction::Set { name, value }
            } else {
                HeaderAction::Add { name, value }
            };
            (header, rest)
        })
    };
    match action {
        "set-header" => Some(with_value(true)),
        "add-header" => Some(with_value(false)),
        "del-header" => {
            Some(del_header_args(args).map(|(name, rest)| (HeaderAction::Del { name }, rest)))
        }
        _ => None,
    }
}

fn header_args(args: &[String]) -> Result<(String, LogFormat, &[String]), String> {
    let [name, value, rest @ ..] = args else {
        return Err("expects '<name> <value>'".to_string());
    };
    check_header_name(name)?;
    Ok((name.clone(), parse_log_format(value)?, rest))
}

/// `<name> [cond...]`.
fn del_header_args(args: &[String]) -> WithRest<'_, String> {
    let [name, rest @ ..] = args else {
        return Err("expects a header name".to_string());
    };
    if rest.first().is_some_and(|w| w == "-m") {
        return Err("'-m' is not supported yet".to_string());
    }
    check_header_name(name)?;
    Ok((name.clone(), rest))
}

/// `[deny_status <code>] [cond...]`.
fn deny_args(args: &[String]) -> WithRest<'_, RequestAction> {
    match args {
        [key, code, rest @ ..] if key == "deny_status" || key == "status" => Ok((
            RequestAction::Deny {
                status: parse_status(code)?,
            },
            rest,
        )),
        [key, ..] if !matches!(key.as_str(), "if" | "unless") => Err(format!(
            "option '{key}' is not supported yet (only 'deny_status <code>')"
        )),
        _ => Ok((RequestAction::Deny { status: 403 }, args)),
    }
}

/// `[status <code>] [content-type <type>] [string <text>] [cond...]`.
fn return_args(mut args: &[String]) -> WithRest<'_, RequestAction> {
    let (mut status, mut content_type, mut body) = (200, None, None);
    while let [key, value, rest @ ..] = args {
        match key.as_str() {
            "status" => status = parse_status(value)?,
            "content-type" => content_type = Some(value.clone()),
            "string" => body = Some(value.clone()),
            "if" | "unless" => break,
            "lf-string" | "file" | "lf-file" | "errorfile" | "errorfiles" | "hdr" => {
                return Err(format!("'{key}' is not supported yet"));
            }
            _ => return Err(format!("unknown option '{key}'")),
        }
        args = rest;
    }
    if body.is_some() && content_type.is_none() {
        return Err("'string' needs a 'content-type'".to_string());
    }
    let action = RequestAction::Return {
        status,
        content_type,
        body,
    };
    Ok((action, args))
}

/// `location|prefix|scheme <to> [code <n>] [drop-query] [append-slash]`, up to the condition.
fn redirect_args(args: &[String]) -> WithRest<'_, RequestAction> {
    let [kind, to, options @ ..] = args else {
        return Err("expects 'location', 'prefix' or 'scheme' and where to".to_string());
    };
    let mut rest = options;
    let to = parse_log_format(to)?;
    let target = match kind.as_str() {
        "location" => RedirectTarget::Location(to),
        "prefix" => RedirectTarget::Prefix(to),
        "scheme" => RedirectTarget::Scheme(to),
        other => {
            return Err(format!(
                "unknown redirect type '{other}' (location, prefix, scheme)"
            ))
        }
    };
    let mut redirect = Redirect {
        target,
        code: 302,
        drop_query: false,
        append_slash: false,
    };
    while let [option, more @ ..] = rest {
        match (option.as_str(), more) {
            ("if" | "unless", _) => break,
            ("code", [code, after @ ..]) => {
                redirect.code = code
                    .parse()
                    .ok()
                    .filter(|c| [301, 302, 303, 307, 308].contains(c))
                    .ok_or_else(|| format!("invalid code '{code}' (301, 302, 303, 307, 308)"))?;
                rest = after;
                continue;
            }
            ("drop-query", _) => redirect.drop_query = true,
            ("append-slash", _) => redirect.append_slash = true,
            ("set-cookie" | "clear-cookie" | "ignore-empty", _) => {
                return Err(format!("'{option}' is not supported yet"))
            }
            _ => return Err(format!("unknown option '{option}'")),
        }
        rest = more;
    }
    Ok((RequestAction::Redirect(redirect), rest))
}

fn parse_status(code: &str) -> Result<u16, String> {
    code.parse::<u16>()
        .ok()
        .filter(|c| (200..=599).contains(c))
        .ok_or_else(|| format!("invalid status '{code}' (expected 200 to 599)"))
}

fn check_header_name(name: &str) -> Result<(), String> {
    http::HeaderName::from_bytes(name.as_bytes())
        .map(drop)
        .map_err(|_| format!("invalid header name '{name}'"))
}

/// Parses a log-format string: text, `%%`, and `%[<fetch>]` with the fetches of [`Fetch`].
pub(super) fn parse_log_format(text: &str) -> Result<LogFormat, String> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        literal.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            literal.push('%');
            rest = tail;
        } else if let Some(expr_and_tail) = after.strip_prefix('[') {
            let (expr, tail) = expr_and_tail
                .split_once(']')
                .ok_or_else(|| format!("missing ']' in '{text}'"))?;
            if !literal.is_empty() {
                parts.push(FormatPart::Text(std::mem::take(&mut literal)));
            }
            parts.push(FormatPart::Sample(sample_fetch(expr)?));
            rest = tail;
        } else {
            let variable: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '{' || *c == '}' || *c == '+')
                .collect();
            return Err(format!("log-format variable '%{variable}' is not supported yet; use %[src], %[path], %[url], %[method], %[req.hdr(<name>)] or %[url_param(<name>)]"));
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(FormatPart::Text(literal));
    }
    Ok(LogFormat { parts })
}

fn sample_fetch(expr: &str) -> Result<Fetch, String> {
    if expr.contains(',') {
        return Err(format!("converters in '%[{expr}]' are not supported yet"));
    }
    let arg = |prefix: &str| {
        expr.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(')'))
            .filter(|a| !a.is_empty() && !a.contains(','))
    };
    Ok(match expr {
        "src" => Fetch::Src,
        "path" => Fetch::Path,
        "url" => Fetch::Url,
        "method" => Fetch::Method,
        "ssl_fc" => Fetch::SslFc,
        _ => {
            if let Some(name) = arg("req.hdr(").or_else(|| arg("hdr(")) {
                Fetch::Hdr(name.to_ascii_lowercase())
            } else if let Some(name) = arg("url_param(").or_else(|| arg("urlp(")) {
                Fetch::UrlParam(name.to_string())
            } else {
                return Err(format!("sample fetch '{expr}' is not supported yet (supported: src, path, url, method, ssl_fc, req.hdr(<name>), url_param(<name>))"));
            }
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn log_format_splits_text_and_samples() {
        let format = parse_log_format("for=%[src];host=%[req.hdr(Host)] 100%%").unwrap();
        assert_eq!(
            format.parts,
            [
                FormatPart::Text("for=".into()),
                FormatPart::Sample(Fetch::Src),
                FormatPart::Text(";host=".into()),
                FormatPart::Sample(Fetch::Hdr("host".into())),
                FormatPart::Text(" 100%".into()),
            ]
        );
    }

    #[test]
    fn log_format_of_plain_text_is_literal() {
        assert_eq!(
            parse_log_format("plain").unwrap(),
            LogFormat::literal("plain")
        );
    }

    #[test]
    fn log_format_accepts_every_supported_fetch() {
        for expr in [
            "%[path]",
            "%[url]",
            "%[method]",
            "%[hdr(x)]",
            "%[urlp(id)]",
            "%[url_param(id)]",
            "%[ssl_fc]",
        ] {
            assert!(parse_log_format(expr).is_ok(), "{expr}");
        }
    }

    #[test]
    fn log_format_rejects_unsupported_fetches_converters_and_variables() {
        assert!(parse_log_format("%[ssl_fc_sni]")
            .unwrap_err()
            .contains("sample fetch 'ssl_fc_sni' is not supported yet"));
        assert!(parse_log_format("%[src,lower]")
            .unwrap_err()
            .contains("converters"));
        assert!(parse_log_format("%ci")
            .unwrap_err()
            .contains("'%ci' is not supported yet"));
        assert!(parse_log_format("%[src")
            .unwrap_err()
            .contains("missing ']'"));
    }
}
