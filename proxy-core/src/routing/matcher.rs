//! Compiled ACL patterns: a fetch plus the values to compare its samples with, using HAProxy's
//! match methods (configuration manual 7.1.3): `str beg end sub dir dom reg ip found len`.
//!
//! `-i` compares ignoring ASCII case. `dir` and `dom` look for the value as a whole run of
//! delimited segments: `dir` delimits with `/` and `?`, `dom` with `/`, `?`, `.` and `:`;
//! delimiters at either end of the value are ignored. `len` takes lengths, `min:max` ranges
//! (either side may be empty) or an operator word (`eq ge gt le lt`) before a length. A text
//! sample compared with `ip` is parsed as an address first; the client address compared with a
//! text method is compared as its printed form.

use super::network::{ip_text, Network};
use super::sample::{Sample, SampleFetch};
use super::RoutingError;
use crate::model::{Matcher, Pattern};
use regex::bytes::{Regex, RegexBuilder};
use std::net::IpAddr;

/// One ACL line, ready to evaluate: matches when any sample matches any value.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPattern {
    fetch: SampleFetch,
    test: ValueTest,
}

#[derive(Debug, Clone)]
enum ValueTest {
    Words(Matcher, Words),
    Regex(Vec<Regex>),
    Ip(Vec<Network>),
    Found,
    Len(Vec<LenRange>),
}

/// Literal values with their case rule.
#[derive(Debug, Clone)]
struct Words {
    values: Vec<Box<[u8]>>,
    ignore_case: bool,
}

/// An inclusive range of lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LenRange {
    min: usize,
    max: usize,
}

impl CompiledPattern {
    /// Compiles `pattern`; `acl` names it in error messages.
    pub(crate) fn compile(pattern: &Pattern, acl: &str) -> Result<CompiledPattern, RoutingError> {
        let values = &pattern.values;
        let test = match pattern.matcher {
            Matcher::Regex => ValueTest::Regex(
                values
                    .iter()
                    .map(|v| compile_regex(v, pattern.ignore_case, acl))
                    .collect::<Result<_, _>>()?,
            ),
            Matcher::Ip => ValueTest::Ip(
                values
                    .iter()
                    .map(|v| {
                        Network::parse(v).ok_or_else(|| RoutingError::InvalidNetwork {
                            acl: acl.to_owned(),
                            value: v.clone(),
                        })
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Matcher::Found => ValueTest::Found,
            Matcher::Len => ValueTest::Len(parse_lengths(values, acl)?),
            words => ValueTest::Words(
                words,
                Words {
                    values: values.iter().map(|v| v.as_bytes().into()).collect(),
                    ignore_case: pattern.ignore_case,
                },
            ),
        };
        Ok(CompiledPattern {
            fetch: SampleFetch::compile(&pattern.fetch)?,
            test,
        })
    }

    /// Whether any sample of `req` matches any value.
    pub(crate) fn matches(&self, req: &super::RequestInfo<'_>) -> bool {
        self.fetch.any(req, |sample| self.test.matches(sample))
    }
}

impl ValueTest {
    fn matches(&self, sample: Sample<'_>) -> bool {
        match (self, sample) {
            (ValueTest::Found, _) => true,
            (ValueTest::Ip(networks), Sample::Ip(ip)) => networks.iter().any(|n| n.contains(ip)),
            (ValueTest::Ip(networks), Sample::Text(text)) => {
                parse_ip(text).is_some_and(|ip| networks.iter().any(|n| n.contains(ip)))
            }
            (_, Sample::Ip(ip)) => self.matches_text(ip_text(ip, &mut [0; 48])),
            (_, Sample::Text(text)) => self.matches_text(text),
        }
    }

    fn matches_text(&self, text: &[u8]) -> bool {
        match self {
            ValueTest::Words(matcher, words) => words.matches(*matcher, text),
            ValueTest::Regex(regexes) => regexes.iter().any(|r| r.is_match(text)),
            ValueTest::Len(ranges) => ranges.iter().any(|r| (r.min..=r.max).contains(&text.len())),
            ValueTest::Found => true,
            ValueTest::Ip(_) => false,
        }
    }
}

impl Words {
    fn matches(&self, matcher: Matcher, text: &[u8]) -> bool {
        self.values.iter().any(|value| match matcher {
            Matcher::Begin => text.get(..value.len()).is_some_and(|h| self.eq(h, value)),
            Matcher::End => text
                .len()
                .checked_sub(value.len())
                .is_some_and(|start| self.eq(&text[start..], value)),
            Matcher::Substring => {
                value.is_empty() || text.windows(value.len()).any(|w| self.eq(w, value))
            }
            Matcher::Dir => self.contains_word(text, value, b"/?"),
            Matcher::Domain => self.contains_word(text, value, b"/?.:"),
            _ => self.eq(text, value),
        })
    }

    fn eq(&self, a: &[u8], b: &[u8]) -> bool {
        if self.ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }

    /// Whether `word` (delimiters at its ends ignored) appears in `text` starting right after a
    /// delimiter or at the start, and ending right before a delimiter or at the end.
    fn contains_word(&self, text: &[u8], word: &[u8], delimiters: &[u8]) -> bool {
        let is_delim = |b: &u8| delimiters.contains(b);
        let start = word.iter().position(|b| !is_delim(b)).unwrap_or(word.len());
        let end = word
            .iter()
            .rposition(|b| !is_delim(b))
            .map_or(start, |i| i + 1);
        let word = &word[start..end];
        if word.is_empty() {
            return false;
        }
        (0..text.len()).any(|at| {
            let at_boundary = at == 0 || is_delim(&text[at - 1]);
            let after = at + word.len();
            at_boundary
                && !is_delim(&text[at])
                && text.get(at..after).is_some_and(|seg| self.eq(seg, word))
                && text.get(after).map_or(true, is_delim)
        })
    }
}

fn compile_regex(value: &str, ignore_case: bool, acl: &str) -> Result<Regex, RoutingError> {
    RegexBuilder::new(value)
        .case_insensitive(ignore_case)
        .build()
        .map_err(|e| RoutingError::InvalidRegex {
            acl: acl.to_owned(),
            value: value.to_owned(),
            reason: e.to_string(),
        })
}

fn parse_ip(text: &[u8]) -> Option<IpAddr> {
    std::str::from_utf8(text).ok()?.trim().parse().ok()
}

/// Parses `len` values: `N`, `min:max`, `min:`, `:max`, or `eq|ge|gt|le|lt` followed by `N`.
fn parse_lengths(values: &[String], acl: &str) -> Result<Vec<LenRange>, RoutingError> {
    let invalid = |value: &str| RoutingError::InvalidLength {
        acl: acl.to_owned(),
        value: value.to_owned(),
    };
    let number = |text: &str| text.parse::<usize>().map_err(|_| invalid(text));
    let mut ranges = Vec::with_capacity(values.len());
    let mut words = values.iter().map(String::as_str);
    while let Some(word) = words.next() {
        let range = match word {
            "eq" | "ge" | "gt" | "le" | "lt" => {
                let n = number(words.next().ok_or_else(|| invalid(word))?)?;
                let (min, max) = match word {
                    "eq" => (n, n),
                    "ge" => (n, usize::MAX),
                    "gt" => (n.checked_add(1).ok_or_else(|| invalid(word))?, usize::MAX),
                    "le" => (0, n),
                    _ => (0, n.checked_sub(1).ok_or_else(|| invalid(word))?),
                };
                LenRange { min, max }
            }
            _ => match word.split_once(':') {
                Some((min, max)) => LenRange {
                    min: if min.is_empty() { 0 } else { number(min)? },
                    max: if max.is_empty() {
                        usize::MAX
                    } else {
                        number(max)?
                    },
                },
                None => {
                    let n = number(word)?;
                    LenRange { min: n, max: n }
                }
            },
        };
        ranges.push(range);
    }
    Ok(ranges)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "matcher_tests.rs"]
mod tests;
