//! Shared helpers for Switchyard's integration tests: the real `switchyard` binary, named test
//! backends, a small HTTP client, a bounded keep-alive load generator and a running-proxy handle.
//!
//! Everything here is blocking, so tests are plain `#[test]` functions: backends and the client
//! run on one background tokio runtime owned by this crate ([`runtime`]). Every address is on
//! loopback and every wait is bounded, so a broken proxy fails a test instead of hanging it.
//!
//! A test failure here should stop the test at once, so this test-only crate may `unwrap`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backend;
pub mod balancers;
mod binary;
mod cli;
mod cli_setup;
mod client;
mod embedded;
pub mod generate;
mod load;
mod process;
mod raw_backend;

pub use backend::{Backend, BackendOptions, RecordedRequest};
pub use binary::{example_bin, switchyard_bin};
pub use cli::{CliAddr, Interactive};
pub use cli_setup::{parse_stat, CliSetup};
pub use client::{get, raw_exchange, send, Reply, RequestSpec};
pub use embedded::EmbeddedProxy;
pub use load::{Load, LoadReport};
pub use process::{
    free_port, run_program_to_exit, run_to_exit, wait_for_port, wait_until, ProxyProcess,
};
pub use raw_backend::RawBackend;

/// A `defaults` section for test configs: HTTP mode and short timeouts, so failures show fast.
pub const TEST_DEFAULTS: &str = "\
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
";

use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// The background runtime that runs every test backend and client request of this process.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test runtime")
    })
}
