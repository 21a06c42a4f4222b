//! Switchyard's integration tests: real binaries, listeners, backends and clients over real
//! sockets. One test binary holds them all (one link instead of one per file); each module is one
//! subject. Tests that need the whole process to themselves (a global tracing subscriber, a
//! counting allocator) are separate binaries beside this folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_log;
mod binary_lifecycle;
mod config_check;
mod e2e_balance;
mod e2e_cluster;
mod e2e_errorfiles;
mod e2e_errors;
mod e2e_frontend;
mod e2e_health;
mod e2e_routing;
mod examples;
mod failover;
mod haproxy_exporter;
mod hatop;
mod health_states;
mod library;
mod parity_balance;
mod parity_e2e;
mod prometheus;
mod reconfigure;
mod reload;
mod stats_commands;
mod stats_counters;
mod stats_page;
mod stats_socket;
mod stats_socket_owner;
mod tls;
mod websocket;
