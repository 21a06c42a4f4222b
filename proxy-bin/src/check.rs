//! Loading the configuration and reporting its problems, as `haproxy -c` does.
//!
//! Warnings print as `[WARNING] file:line: message` and errors as `[ALERT] file:line: message`
//! on stderr, every one of them, so a user fixes a file in one pass.

use std::path::PathBuf;
use std::process::ExitCode;
use switchyard_core::config::{self, Diagnostic};
use switchyard_core::model::Config;

/// Load `files`, print every warning and error, and return the model if there was no error.
pub(crate) fn load_and_report(files: &[PathBuf]) -> Option<Config> {
    report(config::load(files), "nothing was started")
}

/// Print the diagnostics of a load result; the model if there was no error, else a last line
/// counting the errors and saying `consequence`.
pub(crate) fn report(
    result: Result<config::Loaded, config::ConfigErrors>,
    consequence: &str,
) -> Option<Config> {
    match result {
        Ok(loaded) => {
            print_all("WARNING", &loaded.warnings);
            Some(loaded.config)
        }
        Err(failed) => {
            print_all("WARNING", &failed.warnings);
            print_all("ALERT", &failed.errors);
            eprintln!(
                "[ALERT] configuration has {} error(s); {consequence}",
                failed.errors.len()
            );
            None
        }
    }
}

/// `-c [--dump]`: exit 0 and say `Configuration file is valid`, or exit 1.
///
/// With `--dump` the model goes to stdout as JSON and the verdict to stderr, so stdout stays
/// machine-readable.
pub(crate) fn check(files: &[PathBuf], dump: bool) -> ExitCode {
    let Some(config) = load_and_report(files) else {
        return ExitCode::from(1);
    };
    if dump {
        match serde_json::to_string_pretty(&config) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("[ALERT] cannot print the configuration as JSON: {error}");
                return ExitCode::from(1);
            }
        }
        eprintln!("Configuration file is valid");
    } else {
        println!("Configuration file is valid");
    }
    ExitCode::SUCCESS
}

fn print_all(level: &str, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("[{level}] {diagnostic}");
    }
}
