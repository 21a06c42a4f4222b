//! `global` `user` and `group`: checked, not yet applied.
//!
//! HAProxy switches to `user`/`group` after binding when started as root. Switchyard does not
//! switch yet (it would need `unsafe` system calls, which the crate forbids until that work is
//! done); it checks that the names exist, so a config that HAProxy would refuse is refused here
//! too, and says clearly that it keeps running as the current user.

use std::fs;
use switchyard_core::accounts;
use switchyard_core::model::Global;
use tracing::warn;

/// Check `global.user`/`group` against this system. An error only when running as root and a
/// name does not exist; otherwise warnings explaining that they are ignored.
pub(crate) fn check(global: &Global) -> Result<(), String> {
    if global.user.is_none() && global.group.is_none() {
        return Ok(());
    }
    if !running_as_root() {
        warn!("global 'user'/'group' ignored: not running as root");
        return Ok(());
    }
    if let Some(user) = &global.user {
        if accounts::user_id(user).is_none() {
            return Err(format!("user '{user}' not found"));
        }
    }
    if let Some(group) = &global.group {
        if accounts::group_id(group).is_none() {
            return Err(format!("group '{group}' not found"));
        }
    }
    warn!("global 'user'/'group' are not applied yet: still running as root");
    Ok(())
}

/// Whether the effective user id is 0, read from `/proc/self/status` (Linux). Elsewhere, or
/// if the file cannot be read, the answer is "no": the user/group lines are then only warned about.
fn running_as_root() -> bool {
    let Ok(status) = fs::read_to_string("/proc/self/status") else {
        return false;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .is_some_and(|effective| effective == "0")
}
