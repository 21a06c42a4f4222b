//! The statistics page's admin form (`stats admin if <cond>`): the POSTed
//! `s=<server>&...&action=<ready|drain|maint>&b=<#iid|name>` fields, applied with the same
//! runtime operation as the CLI's `set server ... state`, and the `;st=<code>` status HAProxy
//! puts in the redirect after it.

use crate::runtime::{AdminState, BackendState, Runtime};
use std::sync::Arc;

/// The outcome of a POST, as the `st=` code HAProxy redirects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Every checked server was changed.
    Done,
    /// Some of them were.
    Part,
    /// None was (no server checked, or none found).
    None,
    /// The form was malformed: unknown backend or action.
    Errp,
    /// The request is not allowed to change anything.
    Deny,
}

impl Status {
    /// The code in the `;st=` option.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Status::Done => "DONE",
            Status::Part => "PART",
            Status::None => "NONE",
            Status::Errp => "ERRP",
            Status::Deny => "DENY",
        }
    }

    /// The note the page shows for a `;st=` code, if it knows it.
    pub(crate) fn note(code: &str) -> Option<&'static str> {
        Some(match code {
            "DONE" => "Action processed successfully.",
            "PART" => "Action processed for some of the selected servers only.",
            "NONE" => "Nothing changed: no known server was selected.",
            "ERRP" => "Action not processed: unknown backend or action in the form.",
            "DENY" => "Action denied: this request may not change servers.",
            _ => return None,
        })
    }
}

/// Applies a form body: the last `b` and `action` win, every `s` names a server of `b`.
pub(crate) fn apply(runtime: &Runtime, body: &[u8]) -> Status {
    let text = String::from_utf8_lossy(body);
    let mut backend = None;
    let mut action = None;
    let mut servers = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match key {
            "b" => backend = Some(value),
            "action" => action = Some(value),
            "s" => servers.push(value),
            _ => {}
        }
    }
    let Some(backend) = backend.and_then(|b| find_backend(runtime, &b)) else {
        return Status::Errp;
    };
    let Some(state) = action.as_deref().and_then(AdminState::from_word) else {
        return Status::Errp;
    };
    let mut changed = 0;
    for name in &servers {
        if let Some(server) = backend.server(name) {
            backend.set_admin_state(server.id, state);
            changed += 1;
        }
    }
    match changed {
        0 => Status::None,
        n if n == servers.len() => Status::Done,
        _ => Status::Part,
    }
}

/// A backend by `#<iid>` or by name, as HAProxy's form names it.
fn find_backend(runtime: &Runtime, spec: &str) -> Option<Arc<BackendState>> {
    match spec.strip_prefix('#').map(str::parse::<u32>) {
        Some(Ok(iid)) => runtime.backends().iter().find(|b| b.iid() == iid).cloned(),
        Some(Err(_)) => None,
        None => runtime.backend(spec),
    }
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (byte, _) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_url_decoded() {
        assert_eq!(decode("%23%32+a%2"), "#2 a%2");
        assert_eq!(decode("web%2D1"), "web-1");
    }
}
