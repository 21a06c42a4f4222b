//! `set maxconn frontend <fe> <n>` and `set maxconn global <n>`: the connection limits taken
//! before `accept`, changed while connections are open (see [`crate::runtime::ConnLimit`]).

use super::commands::Reply;
use super::session::State;
use super::Shared;

/// `set maxconn frontend <fe> <n>`; 0 removes the frontend's own limit.
pub(crate) fn set_frontend(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let Some(name) = words.get(3) else {
        return Reply::line("Frontend name expected.");
    };
    let Some(frontend) = shared.runtime.frontend(name) else {
        return Reply::line("No such frontend.");
    };
    match words.get(4).and_then(|v| v.parse::<u32>().ok()) {
        Some(limit) => {
            frontend.limit().set(Some(limit).filter(|&l| l > 0));
            Reply::done()
        }
        None => Reply::line("Integer value expected."),
    }
}

/// `set maxconn global <n>`: at most the configured global `maxconn`; 0 restores it.
pub(crate) fn set_global(shared: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let Some(value) = words.get(3).and_then(|v| v.parse::<u32>().ok()) else {
        return Reply::line("Expects an integer value.");
    };
    let configured = shared.config.global.maxconn;
    if configured.is_some_and(|hard| value > hard) {
        return Reply::line("Value out of range.");
    }
    let limit = Some(value).filter(|&v| v > 0).or(configured);
    shared.runtime.global_limit().set(limit);
    Reply::done()
}
