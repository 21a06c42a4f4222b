//! `show info` in HAProxy 2.6's three forms: `Key: value` lines, `typed`
//! (`<pos>.<name>.1:<tags>:<type>:<value>`) and `json`, for the keys whose values Switchyard
//! knows. Positions and tags are HAProxy's (`info_fields` in `src/stats.c`), so tools that read
//! fields by number find them where HAProxy puts them.

use super::render::{json_tags, JsonName, JsonTags, JsonValue};
use super::rows::Value;
use super::StatFormat;
use crate::runtime::{Counters, Runtime};
use serde::Serialize;
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::time::UNIX_EPOCH;

/// The version `show version` and `show info` report.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The release date of [`VERSION`] (`Release_date`), in HAProxy's `YYYY/MM/DD` form; changed
/// with the version.
const RELEASE_DATE: &str = "2026/11/22";

/// One `show info` field: HAProxy's position and name, typed tags, type and value.
struct Field {
    pos: usize,
    name: &'static str,
    tags: &'static str,
    kind: &'static str,
    value: Value,
}

fn text(pos: usize, name: &'static str, tags: &'static str, value: String) -> Field {
    Field {
        pos,
        name,
        tags,
        kind: "str",
        value: Value::Str(value),
    }
}

fn number(pos: usize, name: &'static str, tags: &'static str, value: u64) -> Field {
    Field {
        pos,
        name,
        tags,
        kind: if name == "TotalBytesOut" {
            "u64"
        } else {
            "u32"
        },
        value: Value::Num(i64::try_from(value).unwrap_or(i64::MAX)),
    }
}

/// `show info` for `runtime`, which serves `listeners` listening sockets, in `format`.
pub fn show_info(runtime: &Runtime, listeners: usize, format: StatFormat) -> String {
    let fields = fields(runtime, listeners);
    match format {
        StatFormat::Csv => {
            let mut out = String::new();
            for field in &fields {
                let _ = writeln!(out, "{}: {}", field.name, value_text(&field.value));
            }
            out
        }
        StatFormat::Typed | StatFormat::TypedDescribed => {
            let mut out = String::new();
            for f in &fields {
                let _ = writeln!(
                    out,
                    "{}.{}.1:{}:{}:{}",
                    f.pos,
                    f.name,
                    f.tags,
                    f.kind,
                    value_text(&f.value)
                );
            }
            out
        }
        StatFormat::Json => json(&fields),
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Str(text) => text.clone(),
        Value::Num(n) => n.to_string(),
    }
}

fn fields(runtime: &Runtime, listeners: usize) -> Vec<Field> {
    let uptime = runtime.uptime().as_secs();
    let sum = |read: &dyn Fn(&Counters) -> u64| -> u64 {
        runtime.frontends().iter().map(|f| read(&f.counters)).sum()
    };
    let load = |counter: fn(&Counters) -> &std::sync::atomic::AtomicU64| {
        sum(&|c| counter(c).load(Ordering::Relaxed))
    };
    let started = runtime
        .started_at()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // The tokio runtime serving the stats socket is the proxy's (absent in unit tests).
    let tokio = tokio::runtime::Handle::try_current()
        .ok()
        .map(|h| h.metrics());
    let mut fields = vec![
        text(0, "Name", "POS", "Switchyard".into()),
        text(1, "Version", "POS", VERSION.into()),
        text(2, "Release_date", "POS", RELEASE_DATE.into()),
    ];
    if let Some(tokio) = &tokio {
        fields.push(count(3, "Nbthread", "CGS", tokio.num_workers()));
    }
    fields.extend([
        number(4, "Nbproc", "CGS", 1),
        number(5, "Process_num", "KGP", 1),
        number(6, "Pid", "SGP", u64::from(std::process::id())),
        text(7, "Uptime", "MDP", format_uptime(uptime)),
        number(8, "Uptime_sec", "MDP", uptime),
    ]);
    // 0: no global `maxconn`, so no limit (HAProxy always has one, derived from `ulimit-n`).
    let maxconn = runtime.global_limit().get().map_or(0, u64::from);
    fields.extend([
        number(15, "Maxconn", "CLP", maxconn),
        number(16, "Hard_maxconn", "CLP", maxconn),
        number(17, "CurrConns", "MGP", load(|c| &c.current)),
        number(18, "CumConns", "MCP", load(|c| &c.total)),
        number(19, "CumReq", "MCP", load(|c| &c.requests)),
        // Switchyard never splices, so it has no pipes.
        number(23, "Maxpipes", "CLP", 0),
        number(24, "PipesUsed", "MGP", 0),
        number(25, "PipesFree", "MGP", 0),
        number(26, "ConnRate", "MRP", sum(&|c| c.session_rate.read())),
        number(29, "SessRate", "MRP", sum(&|c| c.session_rate.read())),
    ]);
    if let Some(tokio) = &tokio {
        fields.push(count(47, "Tasks", "MGP", tokio.num_alive_tasks()));
        fields.push(count(48, "Run_queue", "MGP", tokio.global_queue_depth()));
    }
    fields.push(text(50, "node", "COS", node_name()));
    fields.extend([
        number(52, "Stopping", "MGP", 0),
        number(
            55,
            "Listeners",
            "MGP",
            u64::try_from(listeners).unwrap_or(u64::MAX),
        ),
        number(58, "DroppedLogs", "MGP", runtime.dropped_logs()),
        number(61, "TotalBytesOut", "MGP", load(|c| &c.bytes_out)),
        number(70, "Start_time_sec", "MDP", started),
    ]);
    fields
}

/// A count as a `u32` field.
fn count(pos: usize, name: &'static str, tags: &'static str, value: usize) -> Field {
    number(pos, name, tags, u64::try_from(value).unwrap_or(u64::MAX))
}

/// HAProxy's default `node`: the host name (Linux), else `switchyard`.
fn node_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "switchyard".to_owned())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonInfoField<'a> {
    field: JsonName,
    process_num: u32,
    tags: JsonTags,
    value: JsonValue<'a>,
}

fn json(fields: &[Field]) -> String {
    let document: Vec<JsonInfoField<'_>> = fields
        .iter()
        .map(|f| JsonInfoField {
            field: JsonName {
                pos: f.pos,
                name: f.name,
            },
            process_num: 1,
            tags: json_tags(f.tags),
            value: JsonValue::of(f.kind, &f.value),
        })
        .collect();
    let mut out = serde_json::to_string(&document).unwrap_or_else(|_| String::from("[]"));
    out.push('\n');
    out
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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model;

    #[test]
    fn uptime_reads_like_haproxy_s() {
        assert_eq!(format_uptime(2), "0d 0h00m02s");
        assert_eq!(format_uptime(90_061), "1d 1h01m01s");
    }

    #[test]
    fn typed_and_json_forms_carry_haproxy_s_positions_and_tags() {
        let runtime = Runtime::from_model(&model::Config::default()).unwrap();
        let typed = show_info(&runtime, 0, StatFormat::Typed);
        assert!(
            typed.starts_with("0.Name.1:POS:str:Switchyard\n"),
            "{typed}"
        );
        assert!(typed.contains("\n19.CumReq.1:MCP:u32:0\n"), "{typed}");
        let json: serde_json::Value =
            serde_json::from_str(&show_info(&runtime, 0, StatFormat::Json)).unwrap();
        assert_eq!(json[0]["field"]["name"], "Name");
        assert_eq!(json[0]["tags"]["origin"], "Product");
        assert_eq!(json[0]["value"]["value"], "Switchyard");
    }
}
