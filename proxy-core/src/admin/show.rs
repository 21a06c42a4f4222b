//! Read-only commands (`show info`, `show stat`, `show backend`, `show version`,
//! `show cli level`) and `clear counters`.

use super::commands::{Reply, PERMISSION_DENIED};
use super::session::State;
use super::Shared;
use crate::model::StatsLevel;
use crate::stats::{self, StatFilter, StatFormat};
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::time::UNIX_EPOCH;

/// The version `show version` and `show info` report.
const VERSION: &str = env!("CARGO_PKG_VERSION");

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
    for backend in shared.runtime.backends() {
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

/// `show stat [json|typed|up|no-maint]* [<proxy> <type> <sid>]`.
pub(crate) fn stat(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let mut format = StatFormat::Csv;
    let mut filter = StatFilter::default();
    let mut positional = Vec::new();
    for word in &words[2..] {
        match *word {
            "json" => format = StatFormat::Json,
            "typed" => format = StatFormat::Typed,
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
    Reply::Text(stats::show_stat(&shared.runtime, &filter, format))
}

/// `show info`: `Key: value` lines with HAProxy's key names, for what Switchyard knows.
pub(crate) fn info(shared: &Shared, _: &mut State, _: &[&str]) -> Reply {
    let runtime = &shared.runtime;
    let global = &shared.config.global;
    let uptime = runtime.uptime().as_secs();
    let sum = |read: &dyn Fn(&crate::runtime::Counters) -> u64| -> u64 {
        runtime.frontends().iter().map(|f| read(&f.counters)).sum()
    };
    let listeners: usize = shared
        .config
        .frontends
        .iter()
        .map(|f| f.binds.len())
        .sum::<usize>()
        + global.stats_sockets.len();
    let started = runtime
        .started_at()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut lines: Vec<(&str, String)> = vec![
        ("Name", "Switchyard".into()),
        ("Version", VERSION.into()),
        ("Nbproc", "1".into()),
        ("Process_num", "1".into()),
        ("Pid", std::process::id().to_string()),
        ("Uptime", format_uptime(uptime)),
        ("Uptime_sec", uptime.to_string()),
    ];
    if let Some(maxconn) = global.maxconn {
        lines.push(("Maxconn", maxconn.to_string()));
        lines.push(("Hard_maxconn", maxconn.to_string()));
    }
    lines.extend([
        (
            "CurrConns",
            sum(&|c| c.current.load(Ordering::Relaxed)).to_string(),
        ),
        (
            "CumConns",
            sum(&|c| c.total.load(Ordering::Relaxed)).to_string(),
        ),
        (
            "CumReq",
            sum(&|c| c.requests.load(Ordering::Relaxed)).to_string(),
        ),
        ("ConnRate", sum(&|c| c.session_rate.read()).to_string()),
        ("SessRate", sum(&|c| c.session_rate.read()).to_string()),
        ("Stopping", "0".into()),
        ("Listeners", listeners.to_string()),
        ("DroppedLogs", runtime.dropped_logs().to_string()),
        (
            "TotalBytesOut",
            sum(&|c| c.bytes_out.load(Ordering::Relaxed)).to_string(),
        ),
        ("Start_time_sec", started.to_string()),
    ]);
    let mut out = String::new();
    for (key, value) in lines {
        let _ = writeln!(out, "{key}: {value}");
    }
    Reply::Text(out)
}

/// HAProxy's `Uptime` form: `0d 0h00m02s`.
fn format_uptime(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    format!(
        "{days}d {}h{:02}m{:02}s",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_reads_like_haproxy_s() {
        assert_eq!(format_uptime(2), "0d 0h00m02s");
        assert_eq!(format_uptime(90_061), "1d 1h01m01s");
    }
}
