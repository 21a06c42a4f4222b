//! Turns sections into the model, checking every keyword, argument and cross-reference, and
//! collecting every problem rather than stopping at the first (HAProxy reports all alerts of a
//! file too).
//!
//! Proxies inherit from the `defaults` section in force when they start (or the one named by
//! `from`); each new `defaults` section replaces the previous one for the proxies after it.

mod acl;
mod addr;
mod backend;
mod draft;
mod finish;
mod global;
mod log;
mod options;
mod proxy;
mod rules;
mod server;
mod tls;

pub use acl::PREDEFINED_ACLS;
#[cfg(test)]
pub(crate) use tls::{TLS12_SUITES, TLS13_SUITES};

use super::diag::{Diags, Span};
use super::keywords::Unhandled;
use super::sections::{Section, SectionKind};
use super::units::suggestion;
use crate::model::Config;
use draft::ProxyDraft;
use std::collections::HashMap;
use std::fmt::Display;

/// Builds the model from `sections`, reporting problems into `diags`. The returned config is only
/// meaningful when no error was reported.
pub(crate) fn validate(sections: &[Section], diags: &mut Diags) -> Config {
    let mut config = Config::default();
    let mut defaults = ProxyDraft::builtin();
    let mut named_defaults: HashMap<String, ProxyDraft> = HashMap::new();
    let mut proxies: Vec<(&Section, ProxyDraft)> = Vec::new();
    let mut tls_defaults = tls::TlsDraft::default();
    for section in sections {
        let mut ctx = Ctx {
            section: section.to_string(),
            diags: &mut *diags,
            tls_defaults: &mut tls_defaults,
        };
        if section.kind == SectionKind::Global {
            global::apply(section, &mut config.global, &mut ctx);
            continue;
        }
        let parent = match &section.from {
            None => defaults.clone(),
            Some(name) => {
                match named_defaults.get(name) {
                    Some(named) => named.clone(),
                    None => {
                        ctx.error(
                        &section.span,
                        format!("{} inherits from 'defaults {name}', which is not declared before it", ctx.section),
                    );
                        defaults.clone()
                    }
                }
            }
        };
        let mut draft = parent.for_section(section);
        proxy::apply(section, &mut draft, &mut ctx);
        if section.kind == SectionKind::Defaults {
            if let Some(name) = &section.name {
                named_defaults.insert(name.clone(), draft.clone());
            }
            defaults = draft;
        } else {
            proxies.push((section, draft));
        }
    }
    finish::finish(&mut config, proxies, diags);
    config
}

/// The section being read, for messages.
pub(crate) struct Ctx<'a> {
    /// How messages name the section: `'backend web'`.
    pub(crate) section: String,
    pub(crate) diags: &'a mut Diags,
    /// The global `ssl-default-bind-*` settings read so far, where `bind ... ssl` lines start.
    pub(crate) tls_defaults: &'a mut tls::TlsDraft,
}

impl Ctx<'_> {
    pub(crate) fn error(&mut self, span: &Span, message: impl Into<String>) {
        self.diags.error(span, message);
    }

    pub(crate) fn warn(&mut self, span: &Span, message: impl Into<String>) {
        self.diags.warn(span, message);
    }

    /// `'<keyword>': <problem> (in '<section>' section)`.
    pub(crate) fn bad_arg(&mut self, span: &Span, keyword: &str, problem: impl Display) {
        let message = format!("'{keyword}': {problem} (in {} section)", self.section);
        self.diags.error(span, message);
    }

    /// `unknown <what> '<word>' in '<section>' section (did you mean '<x>'?)`.
    pub(crate) fn unknown<'k>(
        &mut self,
        span: &Span,
        what: &str,
        word: &str,
        candidates: impl IntoIterator<Item = &'k str>,
    ) {
        let hint = suggestion(word, candidates);
        let message = format!("unknown {what} '{word}' in {} section{hint}", self.section);
        self.diags.error(span, message);
    }

    /// `'<keyword>' is not allowed in '<section>' section`.
    pub(crate) fn not_allowed(&mut self, span: &Span, keyword: &str) {
        let message = format!("'{keyword}' is not allowed in {} section", self.section);
        self.diags.error(span, message);
    }

    /// Reports a keyword Switchyard knows but does not act on, as an error or a warning.
    pub(crate) fn unhandled(&mut self, span: &Span, keyword: &str, how: Unhandled) {
        let message = how.message(keyword, &self.section);
        if how.is_error() {
            self.diags.error(span, message);
        } else {
            self.diags.warn(span, message);
        }
    }

    /// `'<keyword>' is not supported yet (in '<section>' section)`.
    pub(crate) fn unsupported(&mut self, span: &Span, keyword: &str) {
        self.unhandled(span, keyword, Unhandled::Unsupported);
    }

    /// Reports `result`'s error as a bad argument of `keyword`; returns the value if any.
    pub(crate) fn check<T>(
        &mut self,
        span: &Span,
        keyword: &str,
        result: Result<T, String>,
    ) -> Option<T> {
        result
            .map_err(|problem| self.bad_arg(span, keyword, problem))
            .ok()
    }
}
