//! The `global` section: process-wide settings.

use super::super::keywords::{self, Unhandled};
use super::super::lexer::Line;
use super::super::sections::Section;
use super::super::units::{parse_int, parse_time};
use super::addr::stats_socket_addr;
use super::log::parse_target;
use super::Ctx;
use crate::model::{Account, Global, StatsLevel, StatsSocket};
use std::path::PathBuf;

const KEYWORDS: &[&str] = &[
    "maxconn",
    "nbthread",
    "daemon",
    "user",
    "group",
    "pidfile",
    "chroot",
    "crt-base",
    "log",
    "stats",
    "ssl-default-bind-ciphers",
    "ssl-default-bind-ciphersuites",
    "ssl-default-bind-options",
];

/// Applies every line of the `global` section.
pub(super) fn apply(section: &Section, global: &mut Global, ctx: &mut Ctx<'_>) {
    for line in &section.lines {
        apply_line(line, global, ctx);
    }
}

fn apply_line(line: &Line, global: &mut Global, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let keyword = line.words[0].as_str();
    let args = &line.words[1..];
    let one = |ctx: &mut Ctx<'_>| match args {
        [value] => Some(value.clone()),
        _ => {
            ctx.bad_arg(span, keyword, "expects one value");
            None
        }
    };
    match keyword {
        "maxconn" => {
            global.maxconn =
                one(ctx).and_then(|v| ctx.check(span, keyword, parse_int(&v, 1, u32::MAX)))
        }
        "nbthread" => {
            global.nbthread =
                one(ctx).and_then(|v| ctx.check(span, keyword, parse_int(&v, 1, 4096)))
        }
        "user" => global.user = one(ctx),
        "group" => global.group = one(ctx),
        "pidfile" => global.pidfile = one(ctx).map(PathBuf::from),
        "chroot" => global.chroot = one(ctx).map(PathBuf::from),
        "crt-base" => {
            if let Some(dir) = one(ctx) {
                ctx.tls_defaults.set_crt_base(&dir);
            }
        }
        "daemon" => {
            global.daemon = true;
            ctx.warn(span, "'daemon' is ignored: Switchyard stays in the foreground (run it under a service manager)");
        }
        "log" => {
            if let Some(target) = ctx.check(span, keyword, parse_target(args)) {
                global.logs.push(target);
            }
        }
        "stats" => apply_stats(line, global, ctx),
        "ssl-default-bind-ciphers"
        | "ssl-default-bind-ciphersuites"
        | "ssl-default-bind-options" => super::tls::apply_default(line, ctx),
        _ => match keywords::global_keyword(keyword) {
            Some(how) => ctx.unhandled(span, keyword, how),
            None if keywords::proxy_keyword(keyword).is_some() || is_proxy_keyword(keyword) => {
                ctx.not_allowed(span, keyword)
            }
            None => ctx.unknown(span, "keyword", keyword, KEYWORDS.iter().copied()),
        },
    }
}

/// Keywords of proxies that people put in `global` by mistake.
fn is_proxy_keyword(keyword: &str) -> bool {
    matches!(
        keyword,
        "mode"
            | "timeout"
            | "option"
            | "bind"
            | "server"
            | "balance"
            | "retries"
            | "default_backend"
            | "use_backend"
            | "acl"
    )
}

/// `stats socket ...`, `stats timeout <t>`, `stats maxconn <n>`.
fn apply_stats(line: &Line, global: &mut Global, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    match &line.words[1..] {
        [what, args @ ..] if what == "socket" => {
            if let Some(socket) = ctx.check(span, "stats socket", stats_socket(args)) {
                global.stats_sockets.push(socket);
            }
        }
        [what, time] if what == "timeout" => {
            global.stats_timeout = ctx.check(span, "stats timeout", parse_time(time));
        }
        [what, _] if what == "maxconn" => ctx.unhandled(span, "stats maxconn", Unhandled::Knob),
        [what, ..] if what == "bind-process" => ctx.unhandled(
            span,
            "stats bind-process",
            Unhandled::Removed("processes are gone since HAProxy 2.5"),
        ),
        _ => ctx.bad_arg(
            span,
            "stats",
            "expects 'socket <address> [options]' or 'timeout <time>'",
        ),
    }
}

/// A `uid`/`gid` value.
fn numeric_id(option: &str, value: &str) -> Result<u32, String> {
    value
        .parse()
        .map_err(|_| format!("'{option}' expects a number, got '{value}'"))
}

/// `stats socket <address> [mode <octal>] [level user|operator|admin] [user <name>|uid <id>]
/// [group <name>|gid <id>] [expose-fd listeners]`.
fn stats_socket(args: &[String]) -> Result<StatsSocket, String> {
    let (address, mut rest) = args.split_first().ok_or("expects an address")?;
    let mut socket = StatsSocket {
        addr: stats_socket_addr(address)?,
        mode: None,
        level: StatsLevel::Operator,
        user: None,
        group: None,
    };
    while let [option, value, tail @ ..] = rest {
        match option.as_str() {
            "mode" => {
                let mode = u32::from_str_radix(value, 8)
                    .ok()
                    .filter(|m| *m <= 0o777)
                    .ok_or_else(|| format!("invalid mode '{value}' (expected octal, e.g. 600)"))?;
                socket.mode = Some(mode);
            }
            "level" => {
                socket.level = match value.as_str() {
                    "user" => StatsLevel::User,
                    "operator" => StatsLevel::Operator,
                    "admin" => StatsLevel::Admin,
                    _ => {
                        return Err(format!(
                            "unknown level '{value}' (expected user, operator or admin)"
                        ))
                    }
                }
            }
            "user" => socket.user = Some(Account::Name(value.clone())),
            "group" => socket.group = Some(Account::Name(value.clone())),
            "uid" => socket.user = Some(Account::Id(numeric_id(option, value)?)),
            "gid" => socket.group = Some(Account::Id(numeric_id(option, value)?)),
            // Seamless reload hands listening sockets over; Switchyard reloads in-process.
            "expose-fd" => {}
            _ => return Err(format!("option '{option}' is not supported yet")),
        }
        rest = tail;
    }
    match rest {
        [] => Ok(socket),
        [option] => Err(format!(
            "option '{option}' is not supported yet or needs a value"
        )),
        _ => Err("unexpected arguments".to_string()),
    }
}
