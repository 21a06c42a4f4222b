//! Commands that add, remove or stop servers at run time: `add server`, `del server`,
//! `shutdown sessions server`, `enable health` and `disable health`. They call the runtime's
//! operations (`BackendState::add_server`/`remove_server`, shared with
//! [`crate::ProxyHandle`]) and answer with HAProxy's wording.

use super::commands::Reply;
use super::servers::find;
use super::session::State;
use super::Shared;
use crate::model;

/// `add server <bk>/<srv> <addr>:<port> [weight <w>] [backup] [maxconn <n>] [id <n>] ...`:
/// the options are those of a `server` line, parsed by the configuration parser; no
/// `default-server` applies and the server starts in maintenance, as in HAProxy; with `check`,
/// its checks start with `enable health`.
pub(crate) fn add_server(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let Some((backend, name)) = words.get(2).and_then(|s| s.split_once('/')) else {
        return Reply::line("Require 'backend/server'.");
    };
    let server = match parse_server(name, &words[3..]) {
        Ok(server) => server,
        Err(message) => return Reply::line(message),
    };
    let Some(backend) = shared.runtime.backend(backend) else {
        return Reply::line("No such backend.");
    };
    match backend.add_server(&server) {
        Ok(_) => {
            shared.runtime.note_servers_changed();
            Reply::line("New server registered.")
        }
        Err(error) => Reply::line(error.to_string()),
    }
}

/// The server `name` with `args` (address then options), as a `server` line would give it; id
/// 0 unless `id` is given, so that the backend picks the next free one.
fn parse_server(name: &str, args: &[&str]) -> Result<model::Server, String> {
    if name.is_empty() || args.is_empty() {
        return Err("'add server' expects '<backend>/<server> <address>:<port> [options]'.".into());
    }
    let text = format!(
        "backend added\n    mode http\n    server {name} {}\n",
        args.join(" ")
    );
    let loaded = crate::config::load_str("add server", &text).map_err(|errors| {
        errors
            .errors
            .first()
            .map_or_else(|| errors.to_string(), |e| e.message.clone())
    })?;
    let mut server = loaded
        .config
        .backends
        .into_iter()
        .next()
        .and_then(|b| b.servers.into_iter().next())
        .ok_or_else(|| "the server line did not parse".to_owned())?;
    if !args.contains(&"id") {
        server.id = 0;
    }
    Ok(server)
}

/// `del server <bk>/<srv>`.
pub(crate) fn del_server(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let Some((backend, name)) = words.get(2).and_then(|s| s.split_once('/')) else {
        return Reply::line("Require 'backend/server'.");
    };
    let Some(backend) = shared.runtime.backend(backend) else {
        return Reply::line("No such backend.");
    };
    match backend.remove_server(name) {
        Ok(()) => {
            shared.runtime.note_servers_changed();
            Reply::line("Server deleted.")
        }
        Err(error) => Reply::line(error.to_string()),
    }
}

/// `shutdown sessions server <bk>/<srv>`.
pub(crate) fn shutdown_sessions(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    match find(shared, words.get(3)) {
        Ok((_, server)) => {
            server.shutdown_sessions();
            Reply::done()
        }
        Err(reply) => reply,
    }
}

/// `enable health <bk>/<srv>` and `disable health <bk>/<srv>`.
pub(crate) fn set_health(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let (backend, server) = match find(shared, words.get(2)) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let enable = words.first() == Some(&"enable");
    if !server.set_checks_enabled(enable) {
        let verb = if enable { "enable" } else { "disable" };
        return Reply::line(format!(
            "Health check was not configured on this server, cannot {verb}."
        ));
    }
    backend.refresh_selection();
    Reply::done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_servers_take_server_line_options() {
        let server = parse_server("web9", &["127.0.0.1:8080", "weight", "7", "backup"]);
        let server = server.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(server.addr.port(), 8080);
        assert_eq!((server.weight, server.backup), (7, true));
        assert_eq!(server.id, 0, "an id is chosen by the backend");
        assert!(parse_server("web9", &["127.0.0.1:8080", "weight", "x"]).is_err());
        assert!(parse_server("web9", &[]).is_err());
    }
}
