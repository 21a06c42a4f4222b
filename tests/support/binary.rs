//! Builds the `switchyard` binary (and the library's examples) once per test process and hands
//! out their paths.
//!
//! A test package cannot see another package's `CARGO_BIN_EXE_*`, so the binary is built with
//! `cargo build -p switchyard --bin switchyard` (through `escargot`, which reads cargo's JSON
//! messages to find the artifact). Under `cargo test --workspace` the binary is usually built
//! already and this is a no-op check.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The path of a freshly built `switchyard` binary (same profile as the tests).
pub fn switchyard_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let build = escargot::CargoBuild::new()
            .package("switchyard")
            .bin("switchyard")
            .manifest_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .current_release()
            .run()
            .unwrap_or_else(|e| panic!("cannot build the switchyard binary: {e}"));
        build.path().to_path_buf()
    })
}

/// The path of the library example `name` (`proxy-core/examples/<name>.rs`), built once per
/// test process.
pub fn example_bin(name: &str) -> PathBuf {
    let build = escargot::CargoBuild::new()
        .package("switchyard-core")
        .example(name)
        .manifest_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .current_release()
        .run()
        .unwrap_or_else(|e| panic!("cannot build the example {name}: {e}"));
    build.path().to_path_buf()
}
