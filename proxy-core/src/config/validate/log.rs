//! `log` lines: `log <target> [len <n>] [format <f>] <facility> [<level> [<minlevel>]]`, and
//! `log global` in proxies.

use super::super::lexer::Line;
use super::draft::{LogEntry, ProxyDraft};
use super::Ctx;
use crate::model::{LogTarget, SYSLOG_FACILITIES, SYSLOG_LEVELS};

/// `log ...` in a proxy or `defaults` section.
pub(super) fn apply_proxy_log(line: &Line, draft: &mut ProxyDraft, ctx: &mut Ctx<'_>) {
    match &line.words[1..] {
        [global] if global == "global" => draft.logs.push(LogEntry::Global),
        args => {
            if let Some(target) = ctx.check(&line.span, "log", parse_target(args)) {
                draft.logs.push(LogEntry::Target(target));
            }
        }
    }
}

/// Parses the arguments of a `log` line that names a target.
pub(super) fn parse_target(args: &[String]) -> Result<LogTarget, String> {
    let (address, mut rest) = args
        .split_first()
        .ok_or("expects '<target> <facility> [level [minlevel]]' or 'global'")?;
    if address == "global" {
        return Err("'log global' takes no other arguments".to_string());
    }
    while let [option, value, tail @ ..] = rest {
        match option.as_str() {
            "len" => {
                value
                    .parse::<u32>()
                    .map_err(|_| format!("invalid length '{value}'"))?;
            }
            "format" | "sample" => return Err(format!("'{option}' is not supported yet")),
            _ => break,
        }
        rest = tail;
    }
    let (facility, levels) = rest
        .split_first()
        .ok_or("missing facility (e.g. 'local0')")?;
    if !SYSLOG_FACILITIES.contains(&facility.as_str()) {
        return Err(format!("unknown facility '{facility}'"));
    }
    for level in levels {
        if !SYSLOG_LEVELS.contains(&level.as_str()) {
            return Err(format!(
                "unknown level '{level}' (expected one of {})",
                SYSLOG_LEVELS.join(", ")
            ));
        }
    }
    if levels.len() > 2 {
        return Err("expects at most a level and a minimum level".to_string());
    }
    Ok(LogTarget {
        address: address.clone(),
        facility: facility.clone(),
        level: levels.first().cloned(),
        min_level: levels.get(1).cloned(),
    })
}
