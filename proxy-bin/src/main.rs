//! `switchyard`: the command-line front of the Switchyard proxy.
//!
//! Like `haproxy`, it takes `-f <file|dir>` (repeatable), checks with `-c`, and otherwise serves
//! in the foreground until SIGINT/SIGTERM, reloading its files on SIGUSR2. `switchyard demo` starts a self-contained demo.
//! Exit codes: 0 success, 1 configuration or start-up error, 2 usage error.

mod check;
mod cli;
mod demo;
mod privileges;
mod reload;
mod serve;

use cli::Command;
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let command = match cli::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(error) => {
            eprintln!("switchyard: {error}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    init_logging();
    match command {
        Command::Help => {
            println!("{}", cli::USAGE);
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!("switchyard {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Check { files, dump } => check::check(&files, dump),
        Command::Run { files } => match check::load_and_report(&files) {
            Some(config) => {
                let threads = config.global.nbthread;
                run_async(threads, serve::run(config, files))
            }
            None => ExitCode::from(1),
        },
        Command::Demo { requests } => run_async(None, demo::run(requests)),
    }
}

/// The log filter when `RUST_LOG` is not set: `info`, except the `request` span the library
/// opens for every proxied request. Nothing is logged inside it at `info`, yet an enabled span
/// costs the formatting of its fields and a slab entry per request (a tenth of the proxy's
/// user-space CPU time with keep-alive); `RUST_LOG=debug` brings it back with the retry events.
const DEFAULT_FILTER: &str = "info,switchyard::request=warn";

/// Logs go to stderr; `RUST_LOG` selects them, by default `info` without the library's
/// per-request span (see [`DEFAULT_FILTER`]).
fn init_logging() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Run `task` on a tokio runtime with `threads` workers (`nbthread`; one per CPU if `None`).
///
/// One worker runs on tokio's current-thread scheduler: it runs ready tasks first in, first
/// out, where the multi-thread scheduler's bounded local queue sends its overflow to a global
/// queue it visits rarely, which starved some of 1,000 busy connections for 250 ms or more.
/// It is also the cheaper of the two per request (docs/performance.md).
fn run_async(
    threads: Option<u32>,
    task: impl std::future::Future<Output = anyhow::Result<()>>,
) -> ExitCode {
    let threads = threads.filter(|&n| n > 0).map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        |n| n as usize,
    );
    let mut builder = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(threads);
        builder
    };
    let outcome = builder
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(task));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("[ALERT] {error:#}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DEFAULT_FILTER;
    use switchyard_core::proxy::REQUEST_SPAN_TARGET;
    use tracing_subscriber::EnvFilter;

    #[test]
    fn the_default_filter_leaves_out_the_request_span_but_not_info_events() {
        assert!(DEFAULT_FILTER.contains(&format!("{REQUEST_SPAN_TARGET}=warn")));
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new(DEFAULT_FILTER))
            .with_writer(std::io::sink)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!(target: REQUEST_SPAN_TARGET, "request");
            assert!(span.is_disabled());
            assert!(!tracing::info_span!(target: "switchyard_core::health", "check").is_disabled());
        });
    }
}
