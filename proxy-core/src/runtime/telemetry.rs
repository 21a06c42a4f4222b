//! What the embedding application's `metrics` recorder sees of the responses, by status class:
//! `switchyard_backend_responses_total{backend, code}` (every answer of a backend, including the
//! 502/503/504 the proxy makes up) and `switchyard_server_responses_total{backend, server,
//! code}` (answers that came from a server). The keys are made once per backend and server, so
//! counting a response allocates nothing; without a recorder it costs a lookup of the no-op one.

use metrics::{Key, Label, Level, Metadata, SharedString};
use std::sync::Arc;

/// Where the counters come from, for recorders that filter on it.
static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// The `code` labels, in the order of [`class`].
const CLASSES: [&str; 6] = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"];

/// The index in [`CLASSES`] of a status: `1xx` to `5xx`, or `other`.
fn class(status: u16) -> usize {
    match status / 100 {
        hundreds @ 1..=5 => usize::from(hundreds - 1),
        _ => 5,
    }
}

/// The keys of one backend's or one server's response counter, one per status class.
#[derive(Debug)]
pub(crate) struct ResponseKeys([Key; 6]);

impl ResponseKeys {
    /// `switchyard_backend_responses_total` of `backend`.
    pub(crate) fn backend(backend: &Arc<str>) -> ResponseKeys {
        ResponseKeys(CLASSES.map(|code| {
            let labels = vec![name("backend", backend), Label::new("code", code)];
            Key::from_parts("switchyard_backend_responses_total", labels)
        }))
    }

    /// `switchyard_server_responses_total` of `server` in `backend`.
    pub(crate) fn server(backend: &Arc<str>, server: &Arc<str>) -> ResponseKeys {
        ResponseKeys(CLASSES.map(|code| {
            let labels = vec![
                name("backend", backend),
                name("server", server),
                Label::new("code", code),
            ];
            Key::from_parts("switchyard_server_responses_total", labels)
        }))
    }

    /// Counts one response with `status`.
    pub(crate) fn count(&self, status: u16) {
        let key = &self.0[class(status)];
        metrics::with_recorder(|recorder| recorder.register_counter(key, &METADATA).increment(1));
    }
}

/// A label whose value shares `value` instead of copying it.
fn name(label: &'static str, value: &Arc<str>) -> Label {
    Label::new(label, SharedString::from(Arc::clone(value)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn statuses_are_counted_by_class() {
        assert_eq!(super::CLASSES[super::class(204)], "2xx");
        assert_eq!(super::CLASSES[super::class(503)], "5xx");
        assert_eq!(super::CLASSES[super::class(999)], "other");
        assert_eq!(super::CLASSES[super::class(42)], "other");
    }
}
