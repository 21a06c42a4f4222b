//! `option ...` / `no option ...` and the statistics page (`stats enable|uri|refresh|realm|auth|
//! admin|hide-version`).

use super::super::keywords::{self, Unhandled};
use super::super::lexer::Line;
use super::super::sections::SectionKind;
use super::super::units::parse_time;
use super::acl::trailing_condition;
use super::draft::ProxyDraft;
use super::proxy::{caps_of, ALL, BE, DEF, FE};
use super::{backend, Ctx};
use crate::model::{ConnMode, ForwardFor, StatsPage};

/// The options Switchyard acts on, with the sections that accept them and whether `no` may
/// precede them.
const OPTIONS: &[(&str, u8, bool)] = &[
    ("allbackups", DEF | BE, true),
    ("dontlognull", DEF | FE, true),
    ("forwardfor", ALL, false),
    ("http-keep-alive", ALL, true),
    ("http-server-close", ALL, true),
    ("httpchk", DEF | BE, false),
    ("httpclose", ALL, true),
    ("httplog", DEF | FE, true),
    ("redispatch", DEF | BE, true),
];

/// `option <name> [args]`, or `no option <name>` when `negated` (then the words start at `no`).
pub(super) fn apply_option(line: &Line, negated: bool, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let skip = if negated { 2 } else { 1 };
    let span = &line.span;
    let Some(name) = line.words.get(skip).map(String::as_str) else {
        ctx.bad_arg(span, "option", "expects an option name");
        return;
    };
    let args = &line.words[skip + 1..];
    let keyword = if negated {
        format!("no option {name}")
    } else {
        format!("option {name}")
    };
    let Some(&(_, caps, negatable)) = OPTIONS.iter().find(|(known, _, _)| *known == name) else {
        match keywords::option(name) {
            Some(how) => ctx.unhandled(span, &keyword, how),
            None => ctx.unknown(span, "option", name, OPTIONS.iter().map(|(n, _, _)| *n)),
        }
        return;
    };
    if caps & caps_of(draft.kind) == 0 {
        return ctx.not_allowed(span, &keyword);
    }
    if negated && !negatable {
        return ctx.bad_arg(span, &keyword, "this option cannot be negated with 'no'");
    }
    if name != "forwardfor" && name != "httpchk" && name != "redispatch" && !args.is_empty() {
        return ctx.bad_arg(span, &keyword, "takes no arguments");
    }
    let on = !negated;
    match name {
        "allbackups" => draft.allbackups = on,
        "dontlognull" => draft.dontlognull = on,
        "httplog" => draft.httplog = on,
        "http-keep-alive" | "http-server-close" | "httpclose" => {
            // `no option X` goes back to the default mode only if X was the one in force.
            let mode = match name {
                "http-server-close" => ConnMode::ServerClose,
                "httpclose" => ConnMode::Close,
                _ => ConnMode::KeepAlive,
            };
            if on {
                draft.http.conn_mode = mode;
            } else if draft.http.conn_mode == mode {
                draft.http.conn_mode = ConnMode::KeepAlive;
            }
        }
        "redispatch" => {
            draft.redispatch = match (on, args) {
                (false, _) => None,
                (true, []) => Some(1),
                (true, [interval]) => match interval.parse::<i32>() {
                    Ok(n) if n != 0 => Some(n),
                    _ => {
                        return ctx.bad_arg(
                            span,
                            &keyword,
                            format!("invalid interval '{interval}' (expected a non-zero integer)"),
                        )
                    }
                },
                (true, _) => return ctx.bad_arg(span, &keyword, "expects at most one interval"),
            }
        }
        "forwardfor" => {
            if let Some(forward) = ctx.check(span, &keyword, forwardfor(args)) {
                draft.http.forwardfor = Some(forward);
            }
        }
        _ => backend::apply_httpchk(line, args, draft, ctx),
    }
}

/// `option forwardfor [except <network>] [header <name>] [if-none]`.
fn forwardfor(args: &[String]) -> Result<ForwardFor, String> {
    let mut forward = ForwardFor {
        header: "X-Forwarded-For".to_string(),
        except: None,
        if_none: false,
    };
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let value = args.get(i + 1);
        match (word.as_str(), value) {
            ("if-none", _) => {
                forward.if_none = true;
                i += 1;
                continue;
            }
            ("except", Some(network)) => {
                let ip = network.split('/').next().unwrap_or_default();
                if ip.parse::<std::net::IpAddr>().is_err() {
                    return Err(format!("invalid network '{network}' after 'except'"));
                }
                forward.except = Some(network.clone());
            }
            ("header", Some(name)) => {
                http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("invalid header name '{name}'"))?;
                forward.header = name.clone();
            }
            ("except" | "header", None) => return Err(format!("'{word}' needs a value")),
            _ => {
                return Err(format!(
                    "unknown argument '{word}' (expected except, header or if-none)"
                ))
            }
        }
        i += 2;
    }
    Ok(forward)
}

const STATS: &[&str] = &[
    "enable",
    "uri",
    "refresh",
    "realm",
    "auth",
    "admin",
    "hide-version",
];

/// `stats <what> [args]` in a proxy. The page lives on the frontend side; `stats uri` and the
/// others turn it on, as in HAProxy.
pub(super) fn apply_stats(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let Some(what) = line.words.get(1).map(String::as_str) else {
        ctx.bad_arg(
            span,
            "stats",
            "expects a sub-keyword such as 'uri' or 'enable'",
        );
        return;
    };
    let keyword = format!("stats {what}");
    let args = &line.words[2..];
    match what {
        "show-legends" | "show-node" | "show-desc" => return ctx.unhandled(span, &keyword, Unhandled::Knob),
        "scope" | "http-request" => return ctx.unsupported(span, &keyword),
        "socket" | "timeout" | "maxconn" => {
            return ctx.bad_arg(span, &keyword, "belongs in the 'global' section")
        }
        _ if !STATS.contains(&what) => {
            return ctx.unknown(span, "'stats' keyword", what, STATS.iter().copied())
        }
        _ if draft.kind == SectionKind::Backend => {
            return ctx.bad_arg(span, &keyword, "a statistics page in a backend is not supported yet; put it in a frontend or a 'listen' section")
        }
        _ => {}
    }
    let page = draft.stats.get_or_insert_with(|| StatsPage {
        uri: "/haproxy?stats".to_string(),
        refresh: None,
        realm: None,
        auth: Vec::new(),
        hide_version: false,
        admin: None,
    });
    let result: Result<(), String> = match (what, args) {
        ("enable" | "hide-version", [_, ..]) => Err("takes no arguments".to_string()),
        ("enable", []) => Ok(()),
        ("hide-version", []) => {
            page.hide_version = true;
            Ok(())
        }
        ("uri", [uri]) if uri.starts_with('/') => {
            page.uri = uri.clone();
            Ok(())
        }
        ("realm", [realm]) => {
            page.realm = Some(realm.clone());
            Ok(())
        }
        ("refresh", [time]) => parse_time(time).map(|t| page.refresh = Some(t)),
        ("auth", [pair]) => match pair.split_once(':') {
            Some((user, password)) if !user.is_empty() => {
                page.auth.push((user.to_string(), password.to_string()));
                Ok(())
            }
            _ => Err(format!("expects '<user>:<password>', got '{pair}'")),
        },
        ("admin", [_, ..]) => match trailing_condition(args, &draft.acls) {
            Ok(condition) => {
                page.admin = condition;
                Ok(())
            }
            Err(message) => Err(message),
        },
        ("admin", []) => Err("expects 'if' or 'unless' followed by a condition".to_string()),
        ("uri", _) => Err("expects one path starting with '/'".to_string()),
        _ => Err("expects exactly one argument".to_string()),
    };
    ctx.check(span, &keyword, result);
}
