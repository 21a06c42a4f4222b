//! Access-log formats: `option httplog`, HAProxy's default format, and `log-format` strings
//! with the common `%` variables (HAProxy's configuration manual, section 8.2.4).

use super::record::LogRecord;
use super::time::log_date;
use std::fmt::Write;

/// HAProxy's `option httplog` format.
pub(crate) const HTTPLOG: &str = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc \
%ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";

/// HAProxy's format when neither `option httplog` nor `log-format` is set.
pub(crate) const DEFAULT: &str =
    "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";

/// The variables Switchyard fills, longest names first so that `%Tr` is not read as `%T`.
const VARIABLES: &[&str] = &[
    "pid", "tsc", "ci", "cp", "tr", "ft", "TR", "Tw", "Tc", "Tr", "Ta", "Tt", "ST", "CC", "CS",
    "ts", "ac", "fc", "bc", "sc", "rc", "sq", "bq", "hr", "hs", "HM", "HU", "HV", "t", "f", "b",
    "s", "B", "r",
];

/// A compiled format.
#[derive(Debug, Clone)]
pub(crate) struct Format {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Var { name: &'static str, quote: bool },
}

impl Format {
    /// Compiles `text`; an unknown variable or flag is an error naming it.
    pub(crate) fn compile(text: &str) -> Result<Format, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('%') {
            literal.push_str(&rest[..at]);
            rest = &rest[at + 1..];
            if let Some(after) = rest.strip_prefix('%') {
                literal.push('%');
                rest = after;
                continue;
            }
            let mut quote = false;
            if let Some(flags) = rest.strip_prefix('{') {
                let end = flags.find('}').ok_or("unclosed '{' in log-format")?;
                for flag in flags[..end].split(',') {
                    match flag {
                        "+Q" => quote = true,
                        "-Q" | "" => {}
                        other => {
                            return Err(format!("log-format flag '{other}' is not supported yet"))
                        }
                    }
                }
                rest = &flags[end + 1..];
            }
            let Some(name) = VARIABLES.iter().find(|v| rest.starts_with(**v)) else {
                let shown: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '[')
                    .collect();
                return Err(format!(
                    "log-format variable '%{shown}' is not supported yet"
                ));
            };
            rest = &rest[name.len()..];
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(Part::Var { name, quote });
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Format { parts })
    }

    /// The log line for `record`.
    pub(crate) fn render(&self, record: &LogRecord) -> String {
        let mut out = String::with_capacity(160);
        let mut skip_space = false;
        for part in &self.parts {
            match part {
                Part::Text(text) => {
                    let text = if skip_space {
                        text.strip_prefix(' ').unwrap_or(text)
                    } else {
                        text
                    };
                    out.push_str(text);
                    skip_space = false;
                }
                Part::Var { name, quote } => {
                    let value = value(name, record);
                    // Captures that captured nothing take their separator with them, as in
                    // HAProxy's `option httplog` lines.
                    skip_space = value.is_empty() && matches!(*name, "hr" | "hs");
                    if *quote {
                        let _ = write!(out, "\"{}\"", value.replace('"', "\\\""));
                    } else {
                        out.push_str(&value);
                    }
                }
            }
        }
        out
    }
}

fn value(name: &str, r: &LogRecord) -> String {
    match name {
        "ci" => r.client.map_or("-".to_owned(), |c| c.ip().to_string()),
        "cp" => r.client.map_or("-".to_owned(), |c| c.port().to_string()),
        "tr" | "t" => log_date(r.accepted),
        "ft" | "f" => r.frontend.to_string(),
        "b" => r.backend.clone().unwrap_or_else(|| r.frontend.to_string()),
        "s" => r.server.clone().unwrap_or_else(|| "<NOSRV>".to_owned()),
        "TR" => "0".to_owned(),
        "Tw" => r.queue_ms.to_string(),
        "Tc" => r.connect_ms.to_string(),
        "Tr" => r.response_ms.to_string(),
        "Ta" | "Tt" => r.total_ms.to_string(),
        "ST" => r.status.to_string(),
        "B" => r.bytes.to_string(),
        "CC" | "CS" => "-".to_owned(),
        "tsc" => r.termination.to_owned(),
        "ts" => r.termination.get(..2).unwrap_or("--").to_owned(),
        "ac" => r.process_conns.to_string(),
        "fc" => r.frontend_conns.to_string(),
        "bc" => r.backend_conns.to_string(),
        "sc" => r.server_conns.to_string(),
        "rc" => r.retries.to_string(),
        "sq" => r.server_queue.to_string(),
        "bq" => r.backend_queue.to_string(),
        "hr" | "hs" => String::new(),
        "HM" => r.method.clone(),
        "HU" => r.uri.clone(),
        "HV" => r.version.clone(),
        "r" => format!("{} {} {}", r.method, r.uri, r.version),
        "pid" => std::process::id().to_string(),
        _ => "-".to_owned(),
    }
}
