//! Reads the lines of a `defaults`, `frontend`, `backend` or `listen` section into a draft,
//! checking that each keyword is allowed in that kind of section (HAProxy's keyword matrix,
//! configuration manual §4.1).

use super::super::keywords::{self, Unhandled};
use super::super::lexer::Line;
use super::super::sections::{Section, SectionKind};
use super::super::units::{parse_int, parse_time};
use super::draft::ProxyDraft;
use super::{acl, backend, log, options, rules, server, Ctx};
use crate::model::ErrorFile;
use std::path::Path;

/// Capabilities: which sections accept a keyword.
pub(super) const DEF: u8 = 1;
pub(super) const FE: u8 = 2;
pub(super) const BE: u8 = 4;
pub(super) const ALL: u8 = DEF | FE | BE;

const KEYWORDS: &[(&str, u8)] = &[
    ("acl", FE | BE),
    ("backlog", DEF | FE),
    ("balance", DEF | BE),
    ("bind", FE),
    ("default-server", DEF | BE),
    ("default_backend", DEF | FE),
    ("errorfile", ALL),
    ("hash-type", DEF | BE),
    ("http-check", DEF | BE),
    ("http-request", FE | BE),
    ("http-response", FE | BE),
    ("redirect", FE | BE),
    ("log", ALL),
    ("log-format", DEF | FE),
    ("maxconn", DEF | FE),
    ("mode", ALL),
    ("no", ALL),
    ("option", ALL),
    ("retries", DEF | BE),
    ("retry-on", DEF | BE),
    ("server", BE),
    ("stats", ALL),
    ("timeout", ALL),
    ("use_backend", FE),
];

/// The capabilities of a section kind.
pub(super) fn caps_of(kind: SectionKind) -> u8 {
    match kind {
        SectionKind::Defaults => DEF,
        SectionKind::Frontend => FE,
        SectionKind::Backend => BE,
        SectionKind::Listen => FE | BE,
        SectionKind::Global => 0,
    }
}

/// Applies every line of `section` to `draft`.
pub(super) fn apply(section: &Section, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let caps = caps_of(section.kind);
    for line in &section.lines {
        let keyword = line.words[0].as_str();
        match KEYWORDS.iter().find(|(name, _)| *name == keyword) {
            Some((_, allowed)) if allowed & caps == 0 => ctx.not_allowed(&line.span, keyword),
            Some(_) => apply_line(keyword, line, draft, ctx),
            None => match keywords::proxy_keyword(keyword) {
                Some(how) => ctx.unhandled(&line.span, keyword, how),
                None => ctx.unknown(&line.span, "keyword", keyword, known_keywords()),
            },
        }
    }
}

fn known_keywords() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().map(|(name, _)| *name)
}

fn apply_line(keyword: &str, line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let args = &line.words[1..];
    let span = &line.span;
    match keyword {
        "acl" => acl::apply_acl(line, draft, ctx),
        "balance" => backend::apply_balance(line, draft, ctx),
        "bind" => super::addr::apply_bind(line, draft, ctx),
        "default-server" => server::apply_default_server(line, draft, ctx),
        "server" => server::apply_server(line, draft, ctx),
        "default_backend" => match args {
            [name] => draft.default_backend = Some((name.clone(), span.clone())),
            _ => ctx.bad_arg(span, keyword, "expects exactly one backend name"),
        },
        "use_backend" => rules::apply_use_backend(line, draft, ctx),
        "errorfile" => apply_errorfile(line, draft, ctx),
        "hash-type" => backend::apply_hash_type(line, draft, ctx),
        "http-check" => backend::apply_http_check(line, draft, ctx),
        "http-request" => rules::apply_http_request(line, draft, ctx),
        "redirect" => rules::apply_redirect(line, draft, ctx),
        "http-response" => rules::apply_http_response(line, draft, ctx),
        "log" => log::apply_proxy_log(line, draft, ctx),
        "log-format" => match args {
            [format] => draft.log_format = Some(format.clone()),
            _ => ctx.bad_arg(
                span,
                keyword,
                "expects one format string (quote it if it has spaces)",
            ),
        },
        "maxconn" => apply_int(line, 1, u32::MAX, ctx, |n| draft.maxconn = Some(n)),
        "backlog" => apply_int(line, 1, u32::MAX, ctx, |n| draft.backlog = Some(n)),
        "retries" => apply_int(line, 0, u32::MAX, ctx, |n| draft.retries = n),
        "retry-on" => {
            if let Some(retry_on) = ctx.check(span, keyword, backend::retry_on(args)) {
                draft.retry_on = retry_on;
            }
        }
        "mode" => match args {
            [mode] if mode == "http" => draft.mode_http = true,
            [mode] if mode == "tcp" || mode == "health" => {
                ctx.unsupported(span, &format!("mode {mode}"))
            }
            _ => ctx.bad_arg(span, keyword, "expects 'http'"),
        },
        "option" => options::apply_option(line, false, draft, ctx),
        "no" => match args.first().map(String::as_str) {
            Some("option") => options::apply_option(line, true, draft, ctx),
            Some("log") if args.len() == 1 => draft.logs.clear(),
            _ => ctx.bad_arg(span, keyword, "expects 'option <name>' or 'log'"),
        },
        "stats" => options::apply_stats(line, draft, ctx),
        "timeout" => apply_timeout(line, draft, ctx),
        _ => ctx.unknown(span, "keyword", keyword, known_keywords()),
    }
}

/// `errorfile <code> <file>`: the file is read and checked now; a later line for the same code
/// replaces the earlier (or inherited) one.
fn apply_errorfile(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let [code, path] = &line.words[1..] else {
        return ctx.bad_arg(span, "errorfile", "expects <code> <file>");
    };
    let Ok(code) = code.parse::<u16>() else {
        return ctx.bad_arg(span, "errorfile", format!("'{code}' is not a status code"));
    };
    let Some(file) = ctx.check(span, "errorfile", ErrorFile::load(code, Path::new(path))) else {
        return;
    };
    draft.http.error_files.retain(|known| known.code != code);
    draft.http.error_files.push(file);
}

/// `<keyword> <integer>` with the value in `min..=max`.
fn apply_int(line: &Line, min: u32, max: u32, ctx: &mut Ctx<'_>, set: impl FnOnce(u32)) {
    let keyword = &line.words[0];
    match &line.words[1..] {
        [value] => {
            if let Some(n) = ctx.check(&line.span, keyword, parse_int(value, min, max)) {
                set(n);
            }
        }
        _ => ctx.bad_arg(
            &line.span,
            keyword,
            format!("expects one integer from {min} to {max}"),
        ),
    }
}

const TIMEOUTS: &[&str] = &[
    "client",
    "connect",
    "server",
    "http-request",
    "http-keep-alive",
    "queue",
    "check",
    "tunnel",
];

/// `timeout <name> <time>`. A zero time means no timeout, as in HAProxy.
fn apply_timeout(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let [name, value] = &line.words[1..] else {
        ctx.bad_arg(
            span,
            "timeout",
            "expects '<name> <time>', e.g. 'timeout client 30s'",
        );
        return;
    };
    let keyword = format!("timeout {name}");
    let slot = match name.as_str() {
        "client" => &mut draft.timeouts.client,
        "connect" => &mut draft.timeouts.connect,
        "server" => &mut draft.timeouts.server,
        "http-request" => &mut draft.timeouts.http_request,
        "http-keep-alive" => &mut draft.timeouts.http_keep_alive,
        "queue" => &mut draft.timeouts.queue,
        "check" => &mut draft.timeouts.check,
        "tunnel" => &mut draft.timeouts.tunnel,
        "client-fin" | "server-fin" => return ctx.unhandled(span, &keyword, Unhandled::Knob),
        "tarpit" => return ctx.unsupported(span, &keyword),
        _ => return ctx.unknown(span, "timeout", name, TIMEOUTS.iter().copied()),
    };
    if let Some(time) = ctx.check(span, &keyword, parse_time(value)) {
        *slot = Some(time).filter(|t| !t.is_zero());
    }
}
