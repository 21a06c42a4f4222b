//! `server <name> <addr>:<port> [options]` and `default-server [options]`.

use super::super::keywords;
use super::super::lexer::Line;
use super::super::units::{parse_int, parse_time};
use super::addr::server_addr;
use super::draft::{ProxyDraft, ServerDraft, ServerOptions};
use super::Ctx;
use crate::model::limits::{MAX_CHECK_COUNT, MAX_WEIGHT};
use crate::model::{Observe, OnError};

/// `default-server [options]`: presets for the `server` lines after it.
pub(super) fn apply_default_server(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let mut options = draft.default_server.clone();
    if apply_options(line, &line.words[1..], false, &mut options, ctx) {
        draft.default_server = options;
    }
}

/// `server <name> <addr>:<port> [options]`.
pub(super) fn apply_server(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    let span = &line.span;
    let [_, name, spec, options @ ..] = line.words.as_slice() else {
        ctx.bad_arg(
            span,
            "server",
            "expects '<name> <address>:<port> [options]'",
        );
        return;
    };
    let keyword = format!("server {name}");
    if let Some((_, first_line)) = draft.server_names.iter().find(|(known, _)| known == name) {
        let message = format!(
            "duplicate server name '{name}' in {} section (first declared at line {first_line})",
            ctx.section
        );
        ctx.error(span, message);
        return;
    }
    draft.server_names.push((name.clone(), span.line));
    let addr = ctx.check(span, &keyword, server_addr(spec));
    let mut server_options = draft.default_server.clone();
    let options_ok = apply_options(line, options, true, &mut server_options, ctx);
    if let (Some(addr), true) = (addr, options_ok) {
        draft.servers.push(ServerDraft {
            name: name.clone(),
            addr,
            addr_spec: spec.clone(),
            options: server_options,
            span: span.clone(),
        });
    }
}

const OPTIONS: &[&str] = &[
    "weight",
    "check",
    "no-check",
    "inter",
    "fastinter",
    "downinter",
    "rise",
    "fall",
    "port",
    "addr",
    "backup",
    "no-backup",
    "disabled",
    "enabled",
    "maxconn",
    "maxqueue",
    "id",
    "observe",
    "error-limit",
    "on-error",
    "slowstart",
];

/// Applies server options; reports every bad one and returns whether all were good.
fn apply_options(
    line: &Line,
    words: &[String],
    is_server: bool,
    options: &mut ServerOptions,
    ctx: &mut Ctx<'_>,
) -> bool {
    let keyword = if is_server {
        "server"
    } else {
        "default-server"
    };
    let span = &line.span;
    let mut ok = true;
    let mut i = 0;
    while let Some(option) = words.get(i) {
        let value = words.get(i + 1).map(String::as_str);
        let consumed = match apply_option(option, value, is_server, options) {
            Ok(consumed) => consumed,
            Err(OptionError::Bad(problem)) => {
                ctx.bad_arg(span, &format!("{keyword} ... {option}"), problem);
                ok = false;
                2
            }
            Err(OptionError::Unhandled(how)) => {
                ctx.unhandled(span, &format!("{keyword} ... {option}"), how);
                if how.is_error() {
                    // The option's arguments cannot be told apart from the next option.
                    return false;
                }
                // Every ignored knob takes a value except the TCP Fast Open switches.
                if matches!(option.as_str(), "tfo" | "no-tfo") {
                    1
                } else {
                    2
                }
            }
            Err(OptionError::Unknown) => {
                ctx.unknown(
                    span,
                    &format!("'{keyword}' option"),
                    option,
                    OPTIONS.iter().copied(),
                );
                return false;
            }
        };
        i += consumed;
    }
    ok
}

enum OptionError {
    Bad(String),
    Unhandled(keywords::Unhandled),
    Unknown,
}

/// Applies one option; returns how many words it used.
fn apply_option(
    option: &str,
    value: Option<&str>,
    is_server: bool,
    options: &mut ServerOptions,
) -> Result<usize, OptionError> {
    let bad = OptionError::Bad;
    let value_or = || value.ok_or_else(|| bad(format!("'{option}' needs a value")));
    let int = |min: u32, max: u32| -> Result<u32, OptionError> {
        parse_int(value_or()?, min, max).map_err(bad)
    };
    let time = || {
        parse_time(value_or()?).map_err(bad).and_then(|t| {
            if t.is_zero() {
                Err(bad("must be greater than zero".to_string()))
            } else {
                Ok(t)
            }
        })
    };
    let preset = &mut options.preset;
    let check = &mut preset.check;
    match option {
        "check" => check.enabled = true,
        "no-check" => check.enabled = false,
        "backup" => preset.backup = true,
        "no-backup" => preset.backup = false,
        "disabled" => preset.disabled = true,
        "enabled" => preset.disabled = false,
        "weight" => preset.weight = int(0, MAX_WEIGHT)?,
        "inter" => check.inter = time()?,
        "fastinter" => check.fastinter = Some(time()?),
        "downinter" => check.downinter = Some(time()?),
        "rise" => check.rise = int(1, MAX_CHECK_COUNT)?,
        "fall" => check.fall = int(1, MAX_CHECK_COUNT)?,
        "maxconn" => preset.maxconn = Some(int(0, u32::MAX)?).filter(|n| *n > 0),
        "maxqueue" => preset.maxqueue = Some(int(0, u32::MAX)?).filter(|n| *n > 0),
        "port" => {
            check.port = Some(
                u16::try_from(int(1, 65535)?).map_err(|_| bad("port out of range".to_string()))?,
            )
        }
        "addr" => {
            let text = value_or()?;
            check.addr = Some(
                text.parse()
                    .map_err(|_| bad(format!("invalid IP address '{text}'")))?,
            );
        }
        "observe" => {
            check.observe = match value_or()? {
                "layer4" => Some(Observe::Layer4),
                "layer7" => Some(Observe::Layer7),
                "none" => None,
                other => {
                    return Err(bad(format!(
                        "expects 'layer4', 'layer7' or 'none', not '{other}'"
                    )))
                }
            }
        }
        "error-limit" => check.error_limit = int(1, MAX_CHECK_COUNT)?,
        "on-error" => {
            check.on_error = match value_or()? {
                "fastinter" => OnError::FastInter,
                "fail-check" => OnError::FailCheck,
                "sudden-death" => OnError::SuddenDeath,
                "mark-down" => OnError::MarkDown,
                other => {
                    return Err(bad(format!(
                "expects 'fastinter', 'fail-check', 'sudden-death' or 'mark-down', not '{other}'"
            )))
                }
            }
        }
        "slowstart" => check.slowstart = Some(time()?),
        "id" if is_server => options.id = Some(int(1, i32::MAX as u32)?),
        "id" => return Err(bad("'id' is only allowed on 'server' lines".to_string())),
        _ => {
            return Err(keywords::server_option(option)
                .map_or(OptionError::Unknown, OptionError::Unhandled));
        }
    }
    let takes_value = !matches!(
        option,
        "check" | "no-check" | "backup" | "no-backup" | "disabled" | "enabled"
    );
    Ok(if takes_value { 2 } else { 1 })
}
