//! `show stat`'s three forms: CSV (HAProxy's header and column order), `typed` lines and JSON.
//!
//! Each form ends with an empty line, as HAProxy's CLI answers do; the HTTP `;csv` form is
//! the same text without it.

use super::fields::{COLUMNS, GENERAL};
use super::rows::{Row, Value};
use serde::Serialize;
use std::fmt::Write;

/// The CSV header line: `# ` then every column name followed by a comma.
pub(crate) fn csv_header() -> String {
    let mut line = String::from("# ");
    for column in COLUMNS {
        line.push_str(column.name);
        line.push(',');
    }
    line.push('\n');
    line
}

/// The header and one line per row, each field followed by a comma.
pub(crate) fn csv(rows: &[Row]) -> String {
    let mut out = csv_header();
    for row in rows {
        for value in &row.values {
            match value {
                Some(Value::Str(text)) => out.push_str(&csv_escape(text)),
                Some(Value::Num(n)) => {
                    let _ = write!(out, "{n}");
                }
                None => {}
            }
            out.push(',');
        }
        // The `-` separator column, then the per-module columns Switchyard leaves empty.
        out.push_str("-,");
        out.push_str(&",".repeat(COLUMNS.len() - GENERAL - 1));
        out.push('\n');
    }
    out
}

/// Text fields never hold commas or line breaks in a valid config; replace any so a row keeps
/// its column count.
fn csv_escape(text: &str) -> String {
    text.replace([',', '\n', '\r'], " ")
}

/// The filled fields of every row, as `F.2.0.4.scur.1:MGP:u32:0` lines; with `describe`, each
/// line ends with `:"<what the column counts>"` as HAProxy's `desc` option adds.
pub(crate) fn typed(rows: &[Row], describe: bool) -> String {
    let mut out = String::new();
    for row in rows {
        for (position, name, tags, kind, value) in fields(row) {
            let text = match value {
                Value::Str(text) => text.clone(),
                Value::Num(n) => n.to_string(),
            };
            let _ = write!(
                out,
                "{}.{}.{}.{position}.{name}.1:{tags}:{kind}:{text}",
                row.kind.letter(),
                row.iid,
                row.sid
            );
            if describe {
                let _ = write!(out, ":\"{}\"", COLUMNS[position].desc);
            }
            out.push('\n');
        }
    }
    out
}

/// The filled fields of a row: position, name, tags, type and value.
fn fields(
    row: &Row,
) -> impl Iterator<Item = (usize, &'static str, &'static str, &'static str, &Value)> {
    row.values
        .iter()
        .enumerate()
        .filter_map(move |(position, value)| {
            let value = value.as_ref()?;
            let column = COLUMNS.get(position)?;
            let (tags, kind) = column.meta?;
            let tags = row_tags(row, column.name, tags);
            Some((position, column.name, tags, kind, value))
        })
}

/// HAProxy tags a backend's `act`, `bck`, `rate` and `rate_max` as gauges.
fn row_tags(row: &Row, name: &str, tags: &'static str) -> &'static str {
    let backend_gauge = matches!(name, "act" | "bck" | "rate" | "rate_max");
    if row.kind == super::rows::Kind::Backend && backend_gauge {
        "MGP"
    } else {
        tags
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonField<'a> {
    obj_type: &'static str,
    proxy_id: u32,
    id: u32,
    field: JsonName,
    process_num: u32,
    tags: JsonTags,
    value: JsonValue<'a>,
}

#[derive(Serialize)]
pub(super) struct JsonName {
    pub(super) pos: usize,
    pub(super) name: &'static str,
}

#[derive(Serialize)]
pub(super) struct JsonTags {
    origin: &'static str,
    nature: &'static str,
    scope: &'static str,
}

#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum JsonScalar<'a> {
    Str(&'a str),
    Num(i64),
}

#[derive(Serialize)]
pub(super) struct JsonValue<'a> {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) value: JsonScalar<'a>,
}

impl JsonValue<'_> {
    /// `value` with its declared type `kind`.
    pub(super) fn of<'a>(kind: &'static str, value: &'a Value) -> JsonValue<'a> {
        JsonValue {
            kind,
            value: match value {
                Value::Str(text) => JsonScalar::Str(text),
                Value::Num(n) => JsonScalar::Num(*n),
            },
        }
    }
}

/// Every row as a JSON array of field objects, the whole an array of rows.
pub(crate) fn json(rows: &[Row]) -> String {
    let document: Vec<Vec<JsonField<'_>>> = rows
        .iter()
        .map(|row| {
            fields(row)
                .map(|(pos, name, tags, kind, value)| JsonField {
                    obj_type: row.kind.json_name(),
                    proxy_id: row.iid,
                    id: row.sid,
                    field: JsonName { pos, name },
                    process_num: 1,
                    tags: json_tags(tags),
                    value: JsonValue::of(kind, value),
                })
                .collect()
        })
        .collect();
    let mut out = serde_json::to_string(&document).unwrap_or_else(|_| String::from("[]"));
    out.push('\n');
    out
}

/// The words of the typed tags' letters.
pub(super) fn json_tags(tags: &str) -> JsonTags {
    let mut letters = tags.chars();
    let origin = match letters.next() {
        Some('P') => "Product",
        Some('K') => "Key",
        Some('C') => "Config",
        Some('S') => "Status",
        _ => "Metric",
    };
    let nature = match letters.next() {
        Some('N') => "Name",
        Some('G') => "Gauge",
        Some('L') => "Limit",
        Some('M') => "Max",
        Some('R') => "Rate",
        Some('A') => "Age",
        Some('a') => "Avg",
        Some('D') => "Duration",
        Some('O') => "Output",
        _ => "Counter",
    };
    let scope = match letters.next() {
        Some('S') => "Service",
        _ => "Process",
    };
    JsonTags {
        origin,
        nature,
        scope,
    }
}
