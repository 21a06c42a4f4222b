//! Live state built from the model: servers' states as atomics and each backend's balancer snapshot.

mod server;

pub use server::{AdminState, ServerId, ServerSlot, ServerState};
