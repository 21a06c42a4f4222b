//! Read-only commands (`show info`, `show stat`, `show backend`, `show version`,
//! `show cli level`) and `clear counters`.

use super::commands::{Reply, PERMISSION_DENIED};
use super::session::State;
use super::Shared;
use crate::model::StatsLevel;
use crate::stats::{self, StatFilter, StatFormat, VERSION};
use std::fmt::Write;

/// `show version`.
pub(crate) fn version(_: &Shared, _: &mut State, _: &[&str]) -> Reply {
    Reply::line(VERSION)
}

/// `show cli level`.
pub(crate) fn cli_level(_: &Shared, state: &mut State, _: &[&str]) -> Reply {
    Reply::line(match state.level {
        StatsLevel::User => "user",
        StatsLevel::Operator => "operator",
        StatsLevel::Admin => "admin",
    })
}

/// `show backend`: `# name` then one backend per line.
pub(crate) fn backends(shared: &Shared, _: &mut State, _: &[&str]) -> Reply {
    let mut out = String::from("# name\n");
    for backend in shared.runtime.backends().iter() {
        let _ = writeln!(out, "{}", backend.name());
    }
    Reply::Text(out)
}

/// `clear counters [all]`: `all` needs the admin level, as in HAProxy.
pub(crate) fn clear_counters(shared: &Shared, state: &mut State, words: &[&str]) -> Reply {
    let all = words.get(2) == Some(&"all");
    if all && state.level < StatsLevel::Admin {
        return Reply::Text(PERMISSION_DENIED.to_owned());
    }
    shared.runtime.clear_counters(all);
    Reply::done()
}

/// `show stat [json|typed|desc|up|no-maint]* [<proxy> <type> <sid>]`; `desc` only changes the
/// `typed` form, as in HAProxy.
pub(crate) fn stat(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let mut format = StatFormat::Csv;
    let mut describe = false;
    let mut filter = StatFilter::default();
    let mut positional = Vec::new();
    for word in &words[2..] {
        match *word {
            "json" => format = StatFormat::Json,
            "typed" => format = StatFormat::Typed,
            "desc" => describe = true,
            "up" => filter.up_only = true,
            "no-maint" => filter.no_maint = true,
            other => positional.push(other),
        }
    }
    let given = |index: usize| positional.get(index).copied().filter(|w| *w != "-1");
    filter.proxy = given(0).map(str::to_owned);
    if let Some(types) = given(1) {
        match types.parse() {
            Ok(mask) => filter.types = Some(mask),
            Err(_) => return Reply::line("Invalid type: expected -1 or a bit mask (1, 2, 4)."),
        }
    }
    if let Some(sid) = given(2) {
        match sid.parse() {
            Ok(sid) => filter.server_id = Some(sid),
            Err(_) => return Reply::line("Invalid server id."),
        }
    }
    if describe && format == StatFormat::Typed {
        format = StatFormat::TypedDescribed;
    }
    Reply::Text(stats::show_stat(&shared.runtime, &filter, format))
}

/// `show info [json|typed]`.
pub(crate) fn info(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let format = match words.get(2).copied() {
        Some("json") => StatFormat::Json,
        Some("typed") => StatFormat::Typed,
        _ => StatFormat::Csv,
    };
    let listeners: usize = shared
        .config
        .frontends
        .iter()
        .map(|f| f.binds.len())
        .sum::<usize>()
        + shared.config.global.stats_sockets.len();
    Reply::Text(stats::show_info(&shared.runtime, listeners, format))
}
