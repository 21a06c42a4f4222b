//! Switchyard: an HAProxy-compatible HTTP reverse proxy and load balancer, as a library.

pub mod balance;
pub mod config;
pub mod frontend;
pub mod model;
pub mod proxy;
pub mod routing;
pub mod runtime;
