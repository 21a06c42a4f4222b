//! Diagnostics: errors and warnings that name a file and a line, as HAProxy's `[file:line]` alerts do.

use std::fmt;
use std::sync::Arc;

/// Where a word came from: a file and a 1-based line number (0 when the whole file is meant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) file: Arc<str>,
    pub(crate) line: usize,
}

/// One error or warning about the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as it was named to [`super::load`] (or the name given to [`super::load_str`]).
    pub file: String,
    /// The 1-based line; 0 when the problem concerns the whole file (e.g. it cannot be read).
    pub line: usize,
    /// What is wrong, naming the keyword and section.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Every error found in a configuration, with the warnings found alongside them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigErrors {
    /// The errors, in file order (at least one).
    pub errors: Vec<Diagnostic>,
    /// The warnings, in file order.
    pub warnings: Vec<Diagnostic>,
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Collects diagnostics while the configuration is read, so one run reports every problem.
#[derive(Debug, Default)]
pub(crate) struct Diags {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Diags {
    pub(crate) fn error(&mut self, span: &Span, message: impl Into<String>) {
        self.errors.push(diagnostic(span, message.into()));
    }

    pub(crate) fn warn(&mut self, span: &Span, message: impl Into<String>) {
        self.warnings.push(diagnostic(span, message.into()));
    }
}

fn diagnostic(span: &Span, message: String) -> Diagnostic {
    Diagnostic {
        file: span.file.to_string(),
        line: span.line,
        message,
    }
}
