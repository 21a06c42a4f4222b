//! `show sess` (the open client connections) and `show errors` (the last malformed request each
//! frontend refused, as HAProxy keeps one per proxy).

use super::commands::Reply;
use super::session::State;
use super::Shared;
use crate::log::log_date;
use crate::runtime::{CapturedError, FrontendState};
use std::fmt::Write;
use std::time::SystemTime;

/// `show sess`: one line per open client connection, HAProxy's `<id>: proto=... src=...
/// fe=... age=...` fields (the stream internals HAProxy adds are not tracked).
pub(crate) fn show_sess(shared: &Shared, _: &mut State, _: &[&str]) -> Reply {
    let mut out = String::new();
    for frontend in shared.runtime.frontends() {
        for session in frontend.sessions() {
            let proto = if session.client.is_ipv4() {
                "tcpv4"
            } else {
                "tcpv6"
            };
            let _ = writeln!(
                out,
                "{:#x}: proto={proto} src={} fe={} age={}s",
                (u64::from(frontend.iid()) << 48) | session.id,
                session.client,
                frontend.name(),
                session.age.as_secs()
            );
        }
    }
    Reply::Text(out)
}

/// `show errors [<frontend>|<iid>] [request]`: the total captured, then each frontend's last
/// malformed request with its bytes.
pub(crate) fn show_errors(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let wanted = words.get(2).filter(|w| **w != "request" && **w != "-1");
    let frontends: Vec<_> = shared
        .runtime
        .frontends()
        .iter()
        .filter(|f| {
            wanted.map_or(true, |w| {
                *w == f.name() || w.trim_start_matches('#') == f.iid().to_string()
            })
        })
        .collect();
    if wanted.is_some() && frontends.is_empty() {
        return Reply::line("No such proxy.");
    }
    let total: u64 = frontends.iter().map(|f| f.errors_captured()).sum();
    let mut out = format!(
        "Total events captured on [{}] : {total}\n",
        log_date(SystemTime::now())
    );
    for frontend in frontends {
        if let Some(error) = frontend.last_error() {
            describe(&mut out, frontend, &error);
        }
    }
    Reply::Text(out)
}

fn describe(out: &mut String, frontend: &FrontendState, error: &CapturedError) {
    let _ = write!(
        out,
        " \n[{}] frontend {} (#{}): invalid request\n  backend <NONE> (#-1), server <NONE> (#-1), \
         event #{}, src {}\n  len {}\n  \n",
        log_date(error.when),
        frontend.name(),
        frontend.iid(),
        error.event,
        error.client,
        error.bytes.len()
    );
    dump(out, &error.bytes);
}

/// The bytes as HAProxy dumps them: lines cut after each line feed, prefixed with their offset,
/// control and non-ASCII bytes escaped.
fn dump(out: &mut String, bytes: &[u8]) {
    let mut offset = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let _ = write!(out, "  {offset:05}  ");
        for &byte in line {
            match byte {
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                b'\\' => out.push_str("\\\\"),
                0x20..=0x7e => out.push(char::from(byte)),
                _ => {
                    let _ = write!(out, "\\x{byte:02x}");
                }
            }
        }
        out.push('\n');
        offset += line.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_cut_lines_after_line_feeds_and_escape_control_bytes() {
        let mut out = String::new();
        dump(&mut out, b"GE\x01T / HTTP/1.1\r\nHost: a\r\n");
        assert_eq!(
            out,
            "  00000  GE\\x01T / HTTP/1.1\\r\\n\n  00017  Host: a\\r\\n\n"
        );
    }
}
