//! Commands that read or change one server: `enable`/`disable server`, `set server`,
//! `set weight`, `get weight`, `set maxconn server`. Answers use HAProxy's wording, since
//! scripts match on it.

use super::commands::Reply;
use super::session::State;
use super::Shared;
use crate::runtime::{AdminState, BackendState, ServerState};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// HAProxy's highest server weight.
const MAX_WEIGHT: u32 = 256;

/// The backend and server named by `<backend>/<server>`, or the error answer.
pub(crate) fn find(
    shared: &Shared,
    spec: Option<&&str>,
) -> Result<(Arc<BackendState>, Arc<ServerState>), Reply> {
    let Some((backend, server)) = spec.and_then(|s| s.split_once('/')) else {
        return Err(Reply::line("Require 'backend/server'."));
    };
    let Some(backend) = shared.runtime.backend(backend) else {
        return Err(Reply::line("No such backend."));
    };
    match backend.server(server) {
        Some(server) => Ok((backend, server)),
        None => Err(Reply::line("No such server.")),
    }
}

macro_rules! try_reply {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(reply) => return reply,
        }
    };
}

/// `disable server <bk>/<srv>`.
pub(crate) fn disable(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let (backend, server) = try_reply!(find(shared, words.get(2)));
    backend.set_admin_state(server.id, AdminState::Maint);
    Reply::done()
}

/// `enable server <bk>/<srv>`.
pub(crate) fn enable(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let (backend, server) = try_reply!(find(shared, words.get(2)));
    backend.set_admin_state(server.id, AdminState::Ready);
    Reply::done()
}

/// `get weight <bk>/<srv>`: `<current> (initial <configured>)`.
pub(crate) fn get_weight(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let (_, server) = try_reply!(find(shared, words.get(2)));
    Reply::line(format!(
        "{} (initial {})",
        server.weight(),
        server.initial_weight()
    ))
}

/// `set weight <bk>/<srv> <w>[%]`.
pub(crate) fn set_weight(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let (backend, server) = try_reply!(find(shared, words.get(2)));
    apply_weight(&backend, &server, words.get(3).copied())
}

fn apply_weight(backend: &BackendState, server: &ServerState, value: Option<&str>) -> Reply {
    match parse_weight(value, server.initial_weight()) {
        Ok(weight) => {
            backend.set_weight(server.id, weight);
            Reply::done()
        }
        Err(message) => Reply::Text(message.to_owned()),
    }
}

/// `<n>` (0 to 256) or `<n>%` of the configured weight.
fn parse_weight(value: Option<&str>, initial: u32) -> Result<u32, &'static str> {
    let value = value.ok_or("Require <weight> or <weight%>.\n")?;
    if let Some(percent) = value.strip_suffix('%') {
        let percent: u64 = percent
            .parse()
            .map_err(|_| "Relative weight must be positive.\n")?;
        let weight = u64::from(initial) * percent / 100;
        return Ok(u32::try_from(weight.min(u64::from(MAX_WEIGHT))).unwrap_or(MAX_WEIGHT));
    }
    match value.parse::<u32>() {
        Ok(weight) if weight <= MAX_WEIGHT => Ok(weight),
        Ok(_) => Err("Absolute weight can only be between 0 and 256 inclusive.\n"),
        Err(_) => Err("Trailing garbage in weight string\n"),
    }
}

/// `set maxconn server <bk>/<srv> <n>` (0: no limit).
pub(crate) fn set_maxconn(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let (backend, server) = try_reply!(find(shared, words.get(3)));
    match words.get(4).and_then(|v| v.parse::<u32>().ok()) {
        Some(maxconn) => {
            server.set_maxconn(maxconn);
            // Queued requests may fit now.
            backend.refresh_selection();
            Reply::done()
        }
        None => Reply::line("Require <maxconn>."),
    }
}

/// `set server <bk>/<srv> state|health|weight|addr ...`.
pub(crate) fn set_server(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let (backend, server) = try_reply!(find(shared, words.get(2)));
    let value = words.get(4).copied();
    match words.get(3).copied() {
        Some("state") => {
            let Some(state) = value.and_then(AdminState::from_word) else {
                return Reply::line(
                    "'set server <srv> state' expects 'ready', 'drain' and 'maint'.",
                );
            };
            backend.set_admin_state(server.id, state);
            Reply::done()
        }
        Some("health") => match value {
            Some(word @ ("up" | "down")) => {
                let up = word == "up";
                if server.is_up() != up {
                    server
                        .lock_check()
                        .record_change(up, tokio::time::Instant::now());
                }
                backend.set_up(server.id, up);
                Reply::done()
            }
            _ => Reply::line("'set server <srv> health' expects 'up' or 'down'."),
        },
        Some("weight") => apply_weight(&backend, &server, value),
        Some("addr") => set_addr(&server, &words[4..]),
        _ => {
            Reply::line("'set server <srv>' only supports 'state', 'health', 'weight' and 'addr'.")
        }
    }
}

/// `addr <ip> [port <port>]`, answered as HAProxy does.
fn set_addr(server: &ServerState, args: &[&str]) -> Reply {
    let Some(ip) = args.first() else {
        return Reply::line("set server <b>/<s> addr requires an address and optionally a port.");
    };
    let Ok(ip) = ip.parse::<IpAddr>() else {
        return Reply::line("Could not understand IP address format.");
    };
    let current = server.addr();
    let mut message = if current.ip() == ip {
        "no need to change the addr".to_owned()
    } else {
        format!("IP changed from '{}' to '{ip}'", current.ip())
    };
    let mut port = current.port();
    if let (Some(&"port"), Some(text)) = (args.get(1), args.get(2)) {
        match text.parse::<u16>() {
            Ok(new) if new == port => message.push_str(", no need to change the port"),
            Ok(new) => {
                message.push_str(&format!(", port changed from '{port}' to '{new}'"));
                port = new;
            }
            Err(_) => {
                message.push_str(&format!(", problem converting port '{text}' to an int"));
            }
        }
    }
    server.set_addr(SocketAddr::new(ip, port));
    Reply::line(format!("{message} by 'stats socket command'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_absolute_or_relative_to_the_configured_one() {
        assert_eq!(parse_weight(Some("7"), 2), Ok(7));
        assert_eq!(parse_weight(Some("50%"), 10), Ok(5));
        assert_eq!(parse_weight(Some("1000%"), 100), Ok(256));
        assert!(parse_weight(Some("300"), 1).is_err());
        assert!(parse_weight(Some("x"), 1).is_err());
        assert!(parse_weight(None, 1).is_err());
    }
}
