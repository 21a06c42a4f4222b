//! The public error type: opaque, with a [`ErrorKind`] saying which side failed.

use crate::config::ConfigErrors;
use crate::frontend::TlsError;
use crate::health::HttpCheckError;
use crate::routing::RoutingError;
use crate::runtime::RuntimeError;
use std::fmt;
use std::net::SocketAddr;

/// An error of the public API ([`crate::Proxy`], [`crate::Listeners`]).
///
/// ```
/// let error = switchyard_core::Proxy::from_config_file("/nonexistent/haproxy.cfg").unwrap_err();
/// assert!(error.is_config());
/// ```
pub struct Error {
    inner: Inner,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration is invalid (file errors, unknown ACLs or backends, bad values).
    Config,
    /// A listening address could not be bound.
    Bind,
}

#[derive(Debug, thiserror::Error)]
enum Inner {
    #[error("invalid configuration:\n{0}")]
    Config(#[source] ConfigErrors),
    #[error("invalid configuration: {0}")]
    Routing(#[source] RoutingError),
    #[error("invalid configuration: {0}")]
    Runtime(#[source] RuntimeError),
    #[error("invalid configuration: {0}")]
    HealthCheck(#[source] HttpCheckError),
    #[error("frontend '{frontend}': cannot bind {addr}: {source}")]
    Bind {
        frontend: String,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid configuration: {0}")]
    Log(String),
    #[error("frontend '{frontend}': TLS on {addr}: {source}")]
    Tls {
        frontend: String,
        addr: SocketAddr,
        source: Box<TlsError>,
    },
    #[error("stats socket {addr}: cannot bind: {source}")]
    BindStats {
        addr: String,
        source: std::io::Error,
    },
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self.inner {
            Inner::Config(_)
            | Inner::Routing(_)
            | Inner::Runtime(_)
            | Inner::HealthCheck(_)
            | Inner::Log(_)
            | Inner::Tls { .. } => ErrorKind::Config,
            Inner::Bind { .. } | Inner::BindStats { .. } => ErrorKind::Bind,
        }
    }

    /// Whether the configuration is at fault.
    pub fn is_config(&self) -> bool {
        self.kind() == ErrorKind::Config
    }

    /// Whether binding a listening address failed (in use, not allowed, not local).
    pub fn is_bind(&self) -> bool {
        self.kind() == ErrorKind::Bind
    }

    pub(crate) fn bind(frontend: &str, addr: SocketAddr, source: std::io::Error) -> Error {
        Error {
            inner: Inner::Bind {
                frontend: frontend.to_owned(),
                addr,
                source,
            },
        }
    }
}

impl Error {
    pub(crate) fn log(message: String) -> Error {
        Error {
            inner: Inner::Log(message),
        }
    }

    pub(crate) fn tls(frontend: &str, addr: SocketAddr, source: TlsError) -> Error {
        Error {
            inner: Inner::Tls {
                frontend: frontend.to_owned(),
                addr,
                source: Box::new(source),
            },
        }
    }

    pub(crate) fn bind_stats(addr: impl fmt::Display, source: std::io::Error) -> Error {
        Error {
            inner: Inner::BindStats {
                addr: addr.to_string(),
                source,
            },
        }
    }
}

impl From<ConfigErrors> for Error {
    fn from(error: ConfigErrors) -> Error {
        Error {
            inner: Inner::Config(error),
        }
    }
}

impl From<RoutingError> for Error {
    fn from(error: RoutingError) -> Error {
        Error {
            inner: Inner::Routing(error),
        }
    }
}

impl From<RuntimeError> for Error {
    fn from(error: RuntimeError) -> Error {
        Error {
            inner: Inner::Runtime(error),
        }
    }
}

impl From<HttpCheckError> for Error {
    fn from(error: HttpCheckError) -> Error {
        Error {
            inner: Inner::HealthCheck(error),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.inner)
    }
}
