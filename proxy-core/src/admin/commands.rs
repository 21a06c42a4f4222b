//! The command table of the stats socket and how a command line finds its handler.

use super::session::State;
use super::{diagnostics, dynamic, help, limits, servers, servers_state, show, Shared};
use crate::model::StatsLevel;

/// What a command answers.
#[derive(Debug)]
pub(crate) enum Reply {
    /// Text, ending with a line feed unless empty; the session adds the prompt.
    Text(String),
    /// Close the connection now (`quit`).
    Quit,
}

impl Reply {
    /// A one-line answer.
    pub(crate) fn line(text: impl Into<String>) -> Reply {
        let mut text = text.into();
        text.push('\n');
        Reply::Text(text)
    }

    /// The empty answer of a command that succeeded silently.
    pub(crate) fn done() -> Reply {
        Reply::Text(String::new())
    }
}

/// A handler: the shared state, the session, and the words of the command line.
type Handler = fn(&Shared, &mut State, &[&str]) -> Reply;

/// One command of the stats socket.
pub(crate) struct Command {
    /// The words that name it.
    pub(crate) words: &'static [&'static str],
    /// Its arguments' shape, as `help` prints it.
    pub(crate) usage: &'static str,
    /// What it does, as `help` prints it.
    pub(crate) description: &'static str,
    /// The lowest level allowed to run it.
    pub(crate) level: StatsLevel,
    run: Handler,
}

const fn command(
    words: &'static [&'static str],
    usage: &'static str,
    description: &'static str,
    level: StatsLevel,
    run: Handler,
) -> Command {
    Command {
        words,
        usage,
        description,
        level,
        run,
    }
}

use StatsLevel::{Admin, Operator, User};

/// Every command, in `help` order: by usage, then `help`, `prompt` and `quit` as HAProxy lists
/// them.
pub(crate) static COMMANDS: &[Command] = &[
    command(
        &["add", "server"],
        "add server <bk>/<srv> <addr> [opts]",
        "add a server to a backend, in maintenance until enabled",
        Admin,
        dynamic::add_server,
    ),
    command(
        &["clear", "counters"],
        "clear counters [all]",
        "reset the maximum values (with 'all', every counter)",
        Operator,
        show::clear_counters,
    ),
    command(
        &["del", "server"],
        "del server <bk>/<srv>",
        "remove a server that is in maintenance and idle",
        Admin,
        dynamic::del_server,
    ),
    command(
        &["disable", "health"],
        "disable health <bk>/<srv>",
        "stop a server's health checks; it counts as UP meanwhile",
        Admin,
        dynamic::set_health,
    ),
    command(
        &["disable", "server"],
        "disable server <bk>/<srv>",
        "put a server in maintenance (same as 'set server ... state maint')",
        Admin,
        servers::disable,
    ),
    command(
        &["enable", "health"],
        "enable health <bk>/<srv>",
        "resume a server's health checks",
        Admin,
        dynamic::set_health,
    ),
    command(
        &["enable", "server"],
        "enable server <bk>/<srv>",
        "take a server out of maintenance (same as 'set server ... state ready')",
        Admin,
        servers::enable,
    ),
    command(
        &["get", "weight"],
        "get weight <bk>/<srv>",
        "print a server's current and configured weights",
        User,
        servers::get_weight,
    ),
    command(
        &["operator"],
        "operator",
        "lower this session's level to operator",
        User,
        lower_to_operator,
    ),
    command(
        &["set", "maxconn", "frontend"],
        "set maxconn frontend <fe> <n>",
        "change how many connections a frontend accepts at once",
        Admin,
        limits::set_frontend,
    ),
    command(
        &["set", "maxconn", "global"],
        "set maxconn global <n>",
        "change how many connections the process accepts at once",
        Admin,
        limits::set_global,
    ),
    command(
        &["set", "maxconn", "server"],
        "set maxconn server <bk>/<srv>",
        "change how many requests a server takes at once",
        Admin,
        servers::set_maxconn,
    ),
    command(
        &["set", "server"],
        "set server <bk>/<srv> [opts]",
        "change a server's state, health, weight or address",
        Admin,
        servers::set_server,
    ),
    command(
        &["set", "weight"],
        "set weight <bk>/<srv> <w>[%]",
        "change a server's weight (same as 'set server ... weight')",
        Admin,
        servers::set_weight,
    ),
    command(
        &["show", "backend"],
        "show backend",
        "list the backends",
        User,
        show::backends,
    ),
    command(
        &["show", "cli", "level"],
        "show cli level",
        "print this session's level",
        User,
        show::cli_level,
    ),
    command(
        &["show", "errors"],
        "show errors [<fe>]",
        "print the last malformed request each frontend refused",
        Operator,
        diagnostics::show_errors,
    ),
    command(
        &["show", "info"],
        "show info [json|typed]",
        "print information about the running process",
        User,
        show::info,
    ),
    command(
        &["show", "servers", "state"],
        "show servers state [<backend>]",
        "print the servers' live state (all or one backend)",
        User,
        servers_state::servers_state,
    ),
    command(
        &["show", "sess"],
        "show sess",
        "list the open client connections",
        Operator,
        diagnostics::show_sess,
    ),
    command(
        &["show", "stat"],
        "show stat [desc|json|no-maint|typed|up]*",
        "print the counters of every proxy and server",
        User,
        show::stat,
    ),
    command(
        &["show", "version"],
        "show version",
        "print the version of this process",
        User,
        show::version,
    ),
    command(
        &["shutdown", "sessions", "server"],
        "shutdown sessions server <bk>/<srv>",
        "end every request in flight on a server",
        Admin,
        dynamic::shutdown_sessions,
    ),
    command(
        &["user"],
        "user",
        "lower this session's level to user",
        User,
        lower_to_user,
    ),
    command(
        &["help"],
        "help [<command>]",
        "list the commands (or those starting with the given words)",
        User,
        help::help,
    ),
    command(
        &["prompt"],
        "prompt",
        "switch interactive mode with a prompt on or off",
        User,
        toggle_prompt,
    ),
    command(
        &["quit"],
        "quit",
        "close this connection",
        User,
        |_, _, _| Reply::Quit,
    ),
];

/// HAProxy's answer to a command above the session's level.
pub(crate) const PERMISSION_DENIED: &str = "Permission denied\n";

/// Runs one command (one `;`-separated part of a line).
pub(crate) fn execute(shared: &Shared, state: &mut State, command: &str) -> Reply {
    let words: Vec<&str> = command.split_whitespace().collect();
    if words.is_empty() {
        return Reply::done();
    }
    let found = COMMANDS
        .iter()
        .filter(|c| words.len() >= c.words.len() && c.words.iter().zip(&words).all(|(a, b)| a == b))
        .max_by_key(|c| c.words.len());
    match found {
        Some(c) if state.level < c.level => Reply::Text(PERMISSION_DENIED.to_owned()),
        Some(c) => (c.run)(shared, state, &words),
        None => Reply::Text(help::unknown(&words)),
    }
}

fn toggle_prompt(_: &Shared, state: &mut State, _: &[&str]) -> Reply {
    state.prompt = !state.prompt;
    Reply::done()
}

fn lower_to_operator(_: &Shared, state: &mut State, _: &[&str]) -> Reply {
    if state.level < Operator {
        return Reply::Text(PERMISSION_DENIED.to_owned());
    }
    state.level = Operator;
    Reply::done()
}

fn lower_to_user(_: &Shared, state: &mut State, _: &[&str]) -> Reply {
    state.level = User;
    Reply::done()
}
