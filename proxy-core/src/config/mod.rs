//! HAProxy configuration language: files to a validated [`crate::model::Config`].
//!
//! The pipeline is HAProxy's: text is cut into words (`lexer`: quoting, escapes, environment
//! variables), lines are grouped into sections (`sections`), and each section is validated into
//! the model (`validate`: keywords, arguments, defaults inheritance, cross-references). Every
//! problem is collected with its file and line, so one run reports them all, like `haproxy -c`.
//!
//! Keywords Switchyard does not implement are never silently dropped: behaviour it lacks is an
//! error ("not supported yet"), pure performance knobs (`tune.*` ...) are warnings.

mod diag;
mod keywords;
mod lexer;
mod sections;
mod units;
mod validate;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use diag::{ConfigErrors, Diagnostic};
pub use validate::PREDEFINED_ACLS;
#[cfg(test)]
pub(crate) use validate::{TLS12_SUITES, TLS13_SUITES};

use diag::{Diags, Span};
use lexer::{EnvLookup, Line};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A configuration that passed validation, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated model.
    pub config: crate::model::Config,
    /// Non-fatal findings (ignored tuning knobs, missing timeouts...), in file order.
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates configuration files, as `haproxy -f` does: each path is a file, or a
/// directory whose `*.cfg` files are read in lexical order. A section may continue into the next
/// file.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, ConfigErrors> {
    let mut diags = Diags::default();
    let mut lines = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        for file in config_files(path, &mut diags) {
            let name: Arc<str> = Arc::from(file.display().to_string());
            files.push(Arc::clone(&name));
            match std::fs::read_to_string(&file) {
                Ok(text) => lines.extend(lexer::lex(&name, &text, &process_env, &mut diags)),
                Err(error) => {
                    diags.error(&whole_file(name), format!("cannot read the file: {error}"))
                }
            }
        }
    }
    finish(lines, diags, &files)
}

/// Parses and validates configuration text; `name` stands for the file in messages.
pub fn load_str(name: &str, text: &str) -> Result<Loaded, ConfigErrors> {
    load_str_with_env(name, text, &process_env)
}

/// [`load_str`] with a chosen environment, so tests need not change the process's.
fn load_str_with_env(name: &str, text: &str, env: EnvLookup<'_>) -> Result<Loaded, ConfigErrors> {
    let mut diags = Diags::default();
    let name = Arc::from(name);
    let lines = lexer::lex(&name, text, env, &mut diags);
    finish(lines, diags, &[name])
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Groups and validates the lines of `files` (in reading order); the diagnostics come out in
/// that order too: by file, then by line.
fn finish(lines: Vec<Line>, mut diags: Diags, files: &[Arc<str>]) -> Result<Loaded, ConfigErrors> {
    let sections = sections::group(lines, &mut diags);
    let config = validate::validate(&sections, &mut diags);
    // Problems not tied to a read file (a directory that cannot be listed) come first.
    let position = |d: &Diagnostic| {
        let file = files
            .iter()
            .position(|f| **f == *d.file)
            .map_or(0, |i| i + 1);
        (file, d.line)
    };
    diags.errors.sort_by_key(position);
    diags.warnings.sort_by_key(position);
    if diags.errors.is_empty() {
        Ok(Loaded {
            config,
            warnings: diags.warnings,
        })
    } else {
        Err(ConfigErrors {
            errors: diags.errors,
            warnings: diags.warnings,
        })
    }
}

/// The files `path` stands for: itself, or the `*.cfg` files of a directory in lexical order.
fn config_files(path: &Path, diags: &mut Diags) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let name: Arc<str> = Arc::from(path.display().to_string());
    match std::fs::read_dir(path) {
        Ok(entries) => {
            let mut files: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|ext| ext == "cfg"))
                .collect();
            files.sort();
            files
        }
        Err(error) => {
            diags.error(
                &whole_file(name),
                format!("cannot read the directory: {error}"),
            );
            Vec::new()
        }
    }
}

fn whole_file(file: Arc<str>) -> Span {
    Span { file, line: 0 }
}
