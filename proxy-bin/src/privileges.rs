//! `global` `chroot`, `user` and `group`: started as root, the proxy binds its ports and
//! sockets, writes its `pidfile`, makes `chroot` its root directory, then runs as that user and
//! group, as HAProxy does.
//!
//! The system calls go through `nix`'s safe wrappers (the workspace forbids `unsafe`); glibc
//! applies them to every thread of the process. Without root `user` and `group` cannot be
//! honoured and are ignored with a warning, as HAProxy does; `chroot` without root is an error
//! (HAProxy fails to start too).

use nix::unistd::{self, Gid, Uid};
use std::path::Path;
use switchyard_core::accounts;
use switchyard_core::model::Global;
use tracing::{info, warn};

/// The accounts to switch to after binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SwitchTo {
    user: Option<u32>,
    group: Option<u32>,
}

/// Resolves `global.user`/`group` before anything is started. An error when running as root
/// and a name does not exist; `None` (after a warning) when not running as root or when
/// neither is set.
pub(crate) fn resolve(global: &Global) -> Result<Option<SwitchTo>, String> {
    if global.user.is_none() && global.group.is_none() {
        return Ok(None);
    }
    if !Uid::effective().is_root() {
        warn!("global 'user'/'group' ignored: not running as root");
        return Ok(None);
    }
    let user = global
        .user
        .as_ref()
        .map(|name| accounts::user_id(name).ok_or(format!("user '{name}' not found")))
        .transpose()?;
    let group = global
        .group
        .as_ref()
        .map(|name| accounts::group_id(name).ok_or(format!("group '{name}' not found")))
        .transpose()?;
    Ok(Some(SwitchTo { user, group }))
}

/// Refuses a `chroot` that cannot be made because the process is not root, before anything is
/// bound.
pub(crate) fn check_chroot(global: &Global) -> Result<(), String> {
    match &global.chroot {
        Some(dir) if !Uid::effective().is_root() => Err(format!(
            "cannot chroot into '{}': not running as root",
            dir.display()
        )),
        _ => Ok(()),
    }
}

/// Makes `dir` the root directory of the process and moves into it.
pub(crate) fn chroot(dir: &Path) -> Result<(), String> {
    let failed = |e| format!("cannot chroot into '{}': {e}", dir.display());
    unistd::chroot(dir).map_err(failed)?;
    unistd::chdir("/").map_err(failed)?;
    info!("chrooted into '{}'", dir.display());
    Ok(())
}

/// Runs as `to` from now on: supplementary groups dropped, then the group, then the user (the
/// user last, since it takes away the right to change the others).
pub(crate) fn switch(to: SwitchTo) -> Result<(), String> {
    unistd::setgroups(&[]).map_err(|e| format!("cannot drop supplementary groups: {e}"))?;
    if let Some(gid) = to.group {
        unistd::setgid(Gid::from_raw(gid)).map_err(|e| format!("cannot set group {gid}: {e}"))?;
    }
    if let Some(uid) = to.user {
        unistd::setuid(Uid::from_raw(uid)).map_err(|e| format!("cannot set user {uid}: {e}"))?;
    }
    info!(
        "running as uid {} gid {}",
        Uid::effective(),
        Gid::effective()
    );
    Ok(())
}
