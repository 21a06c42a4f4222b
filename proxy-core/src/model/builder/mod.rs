//! Code-first builders: the same [`Config`](super::Config) a configuration file describes,
//! written in Rust.
//!
//! [`Backend::builder`](super::Backend::builder), [`Server::builder`](super::Server::builder),
//! [`Frontend::builder`](super::Frontend::builder) and [`Config::builder`](super::Config::builder)
//! start from HAProxy's defaults (the values a section with no settings gets), every setter
//! documents its default, and `build()` refuses what the configuration file refuses (bad names,
//! out-of-range values, duplicate names, references to unknown backends) with a [`BuildError`],
//! never a panic. The rules themselves live in [`super::limits`], shared with the file's validator.
//!
//! ```
//! use switchyard_core::model::{Backend, Balance, Config, Frontend, Server};
//! let config = Config::builder()
//!     .backend(
//!         Backend::builder("app")
//!             .balance(Balance::LeastConn)
//!             .server("a", "127.0.0.1:8001".parse().unwrap())
//!             .server_with(Server::builder("b", "127.0.0.1:8002".parse().unwrap()).weight(3)),
//!     )
//!     .frontend(Frontend::builder("www").bind("127.0.0.1:8080".parse().unwrap()).default_backend("app"))
//!     .build()?;
//! assert_eq!(config.backend("app").unwrap().servers[1].weight, 3);
//! # Ok::<(), switchyard_core::model::BuildError>(())
//! ```

mod backend;
mod frontend;

pub use backend::{BackendBuilder, ServerBuilder};
pub use frontend::{ConfigBuilder, FrontendBuilder};

use super::limits::bad_name_char;

/// Why a builder's `build()` refused its input. The same mistakes in a configuration file are
/// reported by the file's validator with their line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A proxy name holds a character HAProxy does not allow.
    #[error("invalid character '{bad}' in {kind} name '{name}'")]
    InvalidName {
        /// `frontend`, `backend` or `server`.
        kind: &'static str,
        /// The name as given.
        name: String,
        /// The first refused character.
        bad: char,
    },
    /// A frontend, backend or server has an empty name.
    #[error("a {kind} needs a name")]
    EmptyName {
        /// `frontend`, `backend` or `server`.
        kind: &'static str,
    },
    /// A number is outside the range HAProxy accepts.
    #[error("{field} of '{owner}' is {value}; it must be between {min} and {max}")]
    OutOfRange {
        /// The setting, e.g. `weight`.
        field: &'static str,
        /// The server or proxy it belongs to.
        owner: String,
        /// The value given.
        value: u32,
        /// The lowest accepted value.
        min: u32,
        /// The highest accepted value.
        max: u32,
    },
    /// Two items of one kind share a name (servers of a backend, backends, frontends).
    #[error("two {kind}s are named '{name}'")]
    Duplicate {
        /// `server`, `backend` or `frontend`.
        kind: &'static str,
        /// The repeated name.
        name: String,
    },
    /// Two servers of a backend were given the same explicit id.
    #[error("server '{server}': id {id} is already used by another server of backend '{backend}'")]
    DuplicateId {
        /// The backend.
        backend: String,
        /// The second server with that id.
        server: String,
        /// The repeated id.
        id: u32,
    },
    /// A frontend routes to a backend the configuration does not have.
    #[error("frontend '{frontend}': no backend named '{backend}'")]
    UnknownBackend {
        /// The frontend.
        frontend: String,
        /// The missing backend's name.
        backend: String,
    },
}

/// Refuses a proxy or server name HAProxy would refuse.
fn check_name(kind: &'static str, name: &str) -> Result<(), BuildError> {
    if name.is_empty() {
        return Err(BuildError::EmptyName { kind });
    }
    match bad_name_char(name) {
        Some(bad) => Err(BuildError::InvalidName {
            kind,
            name: name.to_owned(),
            bad,
        }),
        None => Ok(()),
    }
}

/// Refuses `value` outside `min..=max`.
fn check_range(
    field: &'static str,
    owner: &str,
    value: u32,
    min: u32,
    max: u32,
) -> Result<(), BuildError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(BuildError::OutOfRange {
            field,
            owner: owner.to_owned(),
            value,
            min,
            max,
        })
    }
}

/// Refuses the first name that appears twice.
fn check_unique<'a>(
    kind: &'static str,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<(), BuildError> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(BuildError::Duplicate {
                kind,
                name: name.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
