//! Groups lexed lines into sections (`global`, `defaults`, `frontend`, `backend`, `listen`): the raw
//! syntax tree the validator walks. A section runs until the next section header, even across
//! files, as with HAProxy's `-f a.cfg -f b.cfg`.

use super::diag::{Diags, Span};
use super::lexer::Line;
use std::fmt;

/// The kind of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionKind {
    Global,
    Defaults,
    Frontend,
    Backend,
    Listen,
}

impl SectionKind {
    fn from_keyword(word: &str) -> Option<SectionKind> {
        Some(match word {
            "global" => SectionKind::Global,
            "defaults" => SectionKind::Defaults,
            "frontend" => SectionKind::Frontend,
            "backend" => SectionKind::Backend,
            "listen" => SectionKind::Listen,
            _ => return None,
        })
    }

    pub(crate) fn keyword(self) -> &'static str {
        match self {
            SectionKind::Global => "global",
            SectionKind::Defaults => "defaults",
            SectionKind::Frontend => "frontend",
            SectionKind::Backend => "backend",
            SectionKind::Listen => "listen",
        }
    }
}

/// HAProxy sections Switchyard does not read yet; their lines are skipped after one error.
const UNSUPPORTED_SECTIONS: &[&str] = &[
    "peers",
    "resolvers",
    "userlist",
    "cache",
    "program",
    "http-errors",
    "ring",
    "mailers",
    "fcgi-app",
    "log-forward",
    "dynamic-update",
];

/// One section: its header and its lines.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub(crate) kind: SectionKind,
    /// The name (`None` for `global` and an unnamed `defaults`).
    pub(crate) name: Option<String>,
    /// `from <defaults>`: the named defaults section to inherit from.
    pub(crate) from: Option<String>,
    pub(crate) span: Span,
    pub(crate) lines: Vec<Line>,
}

impl fmt::Display for Section {
    /// `'backend web'`, `'global'`: how messages name the section.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "'{} {}'", self.kind.keyword(), name),
            None => write!(f, "'{}'", self.kind.keyword()),
        }
    }
}

/// Groups `lines` into sections, reporting stray lines and bad headers.
pub(crate) fn group(lines: Vec<Line>, diags: &mut Diags) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    // Inside an unsupported section, lines are skipped until the next header.
    let mut skipping = false;
    for line in lines {
        let keyword = line.words[0].as_str();
        if let Some(kind) = SectionKind::from_keyword(keyword) {
            // After a bad header, its lines are skipped rather than added to the section before.
            match header(kind, &line, diags) {
                Some(section) => {
                    skipping = false;
                    sections.push(section);
                }
                None => skipping = true,
            }
        } else if UNSUPPORTED_SECTIONS.contains(&keyword) {
            skipping = true;
            diags.error(
                &line.span,
                format!("'{keyword}' sections are not supported yet"),
            );
        } else if keyword.starts_with('.') {
            diags.error(
                &line.span,
                format!("'{keyword}': conditional blocks and directives are not supported yet"),
            );
        } else if skipping {
            // Inside an unsupported section or after a bad header: already reported once.
        } else if let Some(section) = sections.last_mut() {
            section.lines.push(line);
        } else {
            diags.error(
                &line.span,
                format!("'{keyword}' appears before any section ('global', 'defaults', 'frontend', 'backend' or 'listen')"),
            );
        }
    }
    sections
}

fn header(kind: SectionKind, line: &Line, diags: &mut Diags) -> Option<Section> {
    let args = &line.words[1..];
    let mut section = Section {
        kind,
        name: None,
        from: None,
        span: line.span.clone(),
        lines: Vec::new(),
    };
    let rest = match (kind, args.first()) {
        (SectionKind::Global, _) => args,
        (SectionKind::Defaults, Some(first)) if first != "from" => {
            section.name = Some(first.clone());
            &args[1..]
        }
        (SectionKind::Defaults, _) => args,
        (_, Some(first)) if first != "from" => {
            section.name = Some(first.clone());
            &args[1..]
        }
        (_, _) => {
            diags.error(&line.span, format!("'{}' needs a name", kind.keyword()));
            return None;
        }
    };
    if let Some(name) = &section.name {
        if let Some(bad) = crate::model::limits::bad_name_char(name) {
            diags.error(
                &line.span,
                format!(
                    "invalid character '{bad}' in {} name '{name}'",
                    kind.keyword()
                ),
            );
            return None;
        }
    }
    match (kind, rest) {
        (_, []) => {}
        (SectionKind::Global, _) => diags.warn(
            &line.span,
            "'global' takes no arguments; the extra words are ignored",
        ),
        (_, [from, parent]) if from == "from" => section.from = Some(parent.clone()),
        (_, _) => {
            diags.error(
                &line.span,
                format!(
                    "unexpected '{}' after the {} header (expected 'from <defaults>')",
                    rest.join(" "),
                    kind.keyword()
                ),
            );
            return None;
        }
    }
    Some(section)
}
