//! System users and groups by name, read from `/etc/passwd` and `/etc/group`.
//!
//! HAProxy asks the C library (`getpwnam`/`getgrnam`), which may also consult NSS sources such
//! as LDAP. Switchyard reads the two files directly, which needs no `unsafe` code; an account
//! known only to another NSS source is not found (see `docs/compat.md`).

use std::fs;

/// The uid of user `name`, if `/etc/passwd` lists it.
///
/// ```
/// assert_eq!(switchyard_core::accounts::user_id("root"), Some(0));
/// ```
pub fn user_id(name: &str) -> Option<u32> {
    id_in("/etc/passwd", name)
}

/// The gid of group `name`, if `/etc/group` lists it.
///
/// ```
/// assert_eq!(switchyard_core::accounts::group_id("root"), Some(0));
/// ```
pub fn group_id(name: &str) -> Option<u32> {
    id_in("/etc/group", name)
}

/// The third field (the id) of the `name:...` line of a passwd-style database.
fn id_in(path: &str, name: &str) -> Option<u32> {
    let text = fs::read_to_string(path).ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        (fields.next() == Some(name))
            .then(|| fields.nth(1))
            .flatten()
            .and_then(|id| id.parse().ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_accounts_are_not_found() {
        assert_eq!(user_id("no-such-user-switchyard"), None);
        assert_eq!(group_id("no-such-group-switchyard"), None);
        assert_eq!(user_id(""), None);
    }
}
