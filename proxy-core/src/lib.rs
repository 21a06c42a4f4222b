//! Switchyard: an HAProxy-compatible HTTP reverse proxy and load balancer, as a library.
//!
//! Start with [`Proxy`]: build it from an HAProxy configuration file (or a [`model::Config`]),
//! then either [`Proxy::bind`] its frontends and serve them, or take one frontend's
//! [`Proxy::layer`] and put it in front of your own tower service.

mod admin;
mod app;
pub mod balance;
pub mod config;
mod error;
pub mod frontend;
mod health;
mod log;
pub mod model;
pub mod proxy;
pub mod routing;
pub mod runtime;
pub mod stats;
mod tasks;

pub use app::Proxy;
pub use error::{Error, ErrorKind};
pub use frontend::Listeners;
pub use proxy::{ClientAddr, ProxyBody, ProxyLayer, ProxyService};
