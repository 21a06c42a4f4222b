//! Command-line parsing: HAProxy's `-f`/`-c` plus Switchyard's `--dump` and `demo`.
//!
//! Hand-written rather than derived: there are five flags, and HAProxy's style (`-f` repeated,
//! single-dash options) is easier to keep exactly without a framework.

use std::fmt;
use std::path::PathBuf;

/// The usage text printed by `--help` and after a usage error.
pub(crate) const USAGE: &str = "\
Usage: switchyard -f <file|dir> [-f <file|dir> ...] [-c [--dump]]
       switchyard demo [--requests <n>]

  -f <file|dir>    load a configuration file, or every *.cfg file of a directory (repeatable)
  -c               check the configuration and exit (0 if valid, 1 if not) without binding ports
  --dump           with -c: print the parsed configuration as JSON on stdout
  demo             run four demo web servers behind the proxy on 127.0.0.1:8080
  --requests <n>   with demo: send n requests through the proxy, print who answered, and exit
  -h, --help       print this help
  -v, --version    print the version";

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// Load the configuration and serve it until SIGINT/SIGTERM.
    Run {
        /// The `-f` arguments, in order.
        files: Vec<PathBuf>,
    },
    /// `-c`: load and validate only.
    Check {
        /// The `-f` arguments, in order.
        files: Vec<PathBuf>,
        /// `--dump`: also print the model as JSON.
        dump: bool,
    },
    /// `demo`: demo backends plus the proxy; `requests` sends traffic and exits.
    Demo {
        /// `--requests N`.
        requests: Option<u32>,
    },
    /// `-h`/`--help`.
    Help,
    /// `-v`/`--version`.
    Version,
}

/// A command line that does not make sense; printed with the usage text, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parse the arguments after the program name.
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, UsageError> {
    let mut args = args.into_iter();
    let mut files = Vec::new();
    let mut check = false;
    let mut dump = false;
    let mut demo = false;
    let mut requests = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-v" | "-vv" | "--version" => return Ok(Command::Version),
            "-f" => files.push(PathBuf::from(value_of(&mut args, "-f")?)),
            "-c" => check = true,
            "--dump" => dump = true,
            "demo" if !demo && files.is_empty() && !check => demo = true,
            "--requests" if demo => {
                let text = value_of(&mut args, "--requests")?;
                let n = text.parse::<u32>().map_err(|_| {
                    UsageError(format!("--requests needs a whole number, got '{text}'"))
                })?;
                requests = Some(n);
            }
            other => return Err(UsageError(format!("unexpected argument '{other}'"))),
        }
    }
    if demo {
        if !files.is_empty() || check || dump {
            return Err(UsageError("demo takes no -f, -c or --dump".to_string()));
        }
        return Ok(Command::Demo { requests });
    }
    if files.is_empty() {
        return Err(UsageError(
            "no configuration given: use -f <file>".to_string(),
        ));
    }
    match (check, dump) {
        (true, dump) => Ok(Command::Check { files, dump }),
        (false, true) => Err(UsageError("--dump only works with -c".to_string())),
        (false, false) => Ok(Command::Run { files }),
    }
}

fn value_of(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, UsageError> {
    args.next()
        .ok_or_else(|| UsageError(format!("{flag} needs a value")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Command, UsageError> {
        parse(line.split_whitespace().map(str::to_string))
    }

    #[test]
    fn repeated_f_keeps_every_file_in_order() {
        assert_eq!(
            parse_words("-f a.cfg -f conf.d"),
            Ok(Command::Run {
                files: vec![PathBuf::from("a.cfg"), PathBuf::from("conf.d")]
            })
        );
    }

    #[test]
    fn check_with_dump_may_come_before_the_file() {
        assert_eq!(
            parse_words("-c --dump -f a.cfg"),
            Ok(Command::Check {
                files: vec![PathBuf::from("a.cfg")],
                dump: true
            })
        );
    }

    #[test]
    fn demo_takes_a_request_count() {
        assert_eq!(
            parse_words("demo --requests 8"),
            Ok(Command::Demo { requests: Some(8) })
        );
        assert_eq!(parse_words("demo"), Ok(Command::Demo { requests: None }));
    }

    #[test]
    fn nonsense_is_a_usage_error() {
        for line in [
            "",
            "-f",
            "-c",
            "--dump -f a.cfg",
            "-x",
            "demo --requests many",
            "demo -f a.cfg",
            "--requests 3",
        ] {
            assert!(parse_words(line).is_err(), "'{line}' was accepted");
        }
    }
}
