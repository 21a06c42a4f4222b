//! The statistics page as one self-contained HTML document (no scripts, no external assets):
//! per proxy a table with a row per server, coloured by state, as HAProxy's page is read at a
//! glance. With `stats admin`, each backend's table is a form: a checkbox per server and an
//! action list, POSTed with HAProxy's field names (`s`, `action`, `b`).

use super::rows::{Kind, Row};
use std::fmt::Write;

/// The columns of each table: heading and `show stat` column.
const COLUMNS: &[(&str, &str)] = &[
    ("Status", "status"),
    ("Last chg", "lastchg"),
    ("Weight", "weight"),
    ("Act", "act"),
    ("Bck", "bck"),
    ("Queue", "qcur"),
    ("Queue max", "qmax"),
    ("Sessions", "scur"),
    ("Max", "smax"),
    ("Limit", "slim"),
    ("Total", "stot"),
    ("Rate", "rate"),
    ("LbTot", "lbtot"),
    ("Bytes in", "bin"),
    ("Bytes out", "bout"),
    ("Conn err", "econ"),
    ("Resp err", "eresp"),
    ("Retr", "wretr"),
    ("Redis", "wredis"),
    ("2xx", "hrsp_2xx"),
    ("3xx", "hrsp_3xx"),
    ("4xx", "hrsp_4xx"),
    ("5xx", "hrsp_5xx"),
    ("Check", "check_status"),
    ("Address", "addr"),
];

const STYLE: &str = "body{font-family:sans-serif;font-size:13px;margin:1em}\
h1{font-size:18px}h2{font-size:15px;margin:1.2em 0 .3em}\
table{border-collapse:collapse}th,td{border:1px solid #999;padding:2px 6px;text-align:right;white-space:nowrap}\
th{background:#20364a;color:#fff}td.name{text-align:left;font-weight:bold}\
tr.up td{background:#c0f0c0}tr.down td{background:#ff9b9b}tr.maint td{background:#c7a0ff}\
tr.drain td{background:#a0c8ff}tr.nocheck td{background:#e4e4e4}tr.total td{background:#f0e68c}\
p.legend span{padding:1px 6px;margin-right:6px}";

/// What the page header says about the process, and what it offers.
pub(crate) struct PageInfo<'a> {
    /// The version, or `None` with `stats hide-version`.
    pub(crate) version: Option<&'static str>,
    /// Seconds since start.
    pub(crate) uptime: u64,
    /// `stats refresh`, in seconds.
    pub(crate) refresh: Option<u64>,
    /// The page's uri when the request may change servers (`stats admin`), for the forms.
    pub(crate) admin_uri: Option<&'a str>,
    /// The outcome of the last action, from the `;st=` option.
    pub(crate) note: Option<&'static str>,
}

/// The whole page.
pub(crate) fn page(rows: &[Row], info: &PageInfo<'_>) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">");
    out.push_str("<title>Statistics Report</title><style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body>\n<h1>Switchyard statistics");
    if let Some(version) = info.version {
        let _ = write!(out, " <small>version {version}</small>");
    }
    let _ = write!(
        out,
        "</h1>\n<p>pid {}, uptime {}s{}</p>\n",
        std::process::id(),
        info.uptime,
        info.refresh
            .map_or(String::new(), |s| format!(", refreshed every {s}s"))
    );
    out.push_str("<p class=\"legend\"><span style=\"background:#c0f0c0\">UP</span>\
        <span style=\"background:#ff9b9b\">DOWN</span><span style=\"background:#a0c8ff\">DRAIN</span>\
        <span style=\"background:#c7a0ff\">MAINT</span><span style=\"background:#e4e4e4\">no check</span></p>\n");
    if let Some(note) = info.note {
        let _ = writeln!(out, "<p class=\"note\"><b>{note}</b></p>");
    }
    let mut start = 0;
    while start < rows.len() {
        let iid = rows[start].iid;
        let end = rows[start..]
            .iter()
            .position(|r| r.iid != iid)
            .map_or(rows.len(), |n| start + n);
        proxy_table(&mut out, &rows[start..end], info.admin_uri);
        start = end;
    }
    out.push_str("</body></html>\n");
    out
}

fn proxy_table(out: &mut String, rows: &[Row], admin_uri: Option<&str>) {
    let name = rows
        .first()
        .map(|r| r.text_of("pxname"))
        .unwrap_or_default();
    let form = admin_uri.filter(|_| rows.iter().any(|r| r.kind == Kind::Server));
    let _ = writeln!(out, "<h2>{}</h2>", escape(&name));
    if let Some(uri) = form {
        let _ = writeln!(out, "<form method=\"post\" action=\"{}\">", escape(uri));
    }
    out.push_str("<table><tr>");
    if form.is_some() {
        out.push_str("<th></th>");
    }
    out.push_str("<th>Name</th>");
    for (heading, _) in COLUMNS {
        let _ = write!(out, "<th>{heading}</th>");
    }
    out.push_str("</tr>\n");
    for row in rows {
        let status = row.text_of("status");
        let class = match (row.kind, status.as_str()) {
            (Kind::Frontend | Kind::Backend, _) => "total",
            (_, s) if s.starts_with("UP") => "up",
            (_, s) if s.starts_with("DOWN") => "down",
            (_, "MAINT") => "maint",
            (_, "DRAIN") => "drain",
            _ => "nocheck",
        };
        let svname = escape(&row.text_of("svname"));
        let _ = write!(out, "<tr class=\"{class}\">");
        match (form, row.kind) {
            (Some(_), Kind::Server) => {
                let _ = write!(
                    out,
                    "<td><input type=\"checkbox\" name=\"s\" value=\"{svname}\"></td>"
                );
            }
            (Some(_), _) => out.push_str("<td></td>"),
            (None, _) => {}
        }
        let _ = write!(out, "<td class=\"name\">{svname}</td>");
        for (_, column) in COLUMNS {
            let _ = write!(out, "<td>{}</td>", escape(&row.text_of(column)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    if form.is_some() {
        action_list(out, rows.first().map_or(0, |r| r.iid));
    }
}

/// The end of a backend's form: the state to set on the checked servers, the backend's id.
fn action_list(out: &mut String, iid: u32) {
    out.push_str(
        "<p>Set the checked servers to <select name=\"action\"><option value=\"\"></option>\
         <option value=\"ready\">READY</option><option value=\"drain\">DRAIN</option>\
         <option value=\"maint\">MAINT</option></select>",
    );
    let _ = writeln!(
        out,
        "<input type=\"hidden\" name=\"b\" value=\"#{iid}\"> <input type=\"submit\" value=\"Apply\"></p></form>"
    );
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped() {
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
