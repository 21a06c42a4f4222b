//! Cuts configuration text into lines of words, as HAProxy's line parser does (configuration manual
//! §2.2 and §2.3): `#` comments, backslash escapes, weak `"..."` and strong `'...'` quoting, and
//! `$NAME` / `${NAME}` / `${NAME-default}` / `${NAME[*]}` environment expansion outside strong quotes.
//!
//! Unlike HAProxy, an unset variable without a default is an error (HAProxy silently expands it
//! to nothing, which hides typos).

use super::diag::{Diags, Span};
use std::sync::Arc;

/// One non-empty line: its position and its words, with quotes and escapes resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) span: Span,
    pub(crate) words: Vec<String>,
}

/// Looks up an environment variable; `None` when unset.
pub(crate) type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Splits `text` into lines of words. Lines with a syntax error are reported and left out.
pub(crate) fn lex(file: &Arc<str>, text: &str, env: EnvLookup<'_>, diags: &mut Diags) -> Vec<Line> {
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let span = Span {
            file: Arc::clone(file),
            line: index + 1,
        };
        match split_words(raw, env) {
            Ok(words) if words.is_empty() => {}
            Ok(words) => lines.push(Line { span, words }),
            Err(message) => diags.error(&span, message),
        }
    }
    lines
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Weak,
    Strong,
}

/// The words being built for one line. `current` is `None` between words, so `""` can be an
/// empty word of its own.
struct Words {
    done: Vec<String>,
    current: Option<String>,
}

impl Words {
    fn push(&mut self, c: char) {
        self.current.get_or_insert_with(String::new).push(c);
    }

    fn push_str(&mut self, s: &str) {
        self.current.get_or_insert_with(String::new).push_str(s);
    }

    fn start_word(&mut self) {
        self.current.get_or_insert_with(String::new);
    }

    fn end_word(&mut self) {
        if let Some(word) = self.current.take() {
            self.done.push(word);
        }
    }
}

fn split_words(raw: &str, env: EnvLookup<'_>) -> Result<Vec<String>, String> {
    let chars: Vec<char> = raw.trim_end_matches('\r').chars().collect();
    let mut words = Words {
        done: Vec::new(),
        current: None,
    };
    let mut quote = Quote::None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match (quote, c) {
            (Quote::Strong, '\'') => quote = Quote::None,
            (Quote::Strong, _) => words.push(c),
            (Quote::Weak, '"') => quote = Quote::None,
            (Quote::None, '"') => {
                words.start_word();
                quote = Quote::Weak;
            }
            (Quote::None, '\'') => {
                words.start_word();
                quote = Quote::Strong;
            }
            (Quote::None, '#') => break,
            (Quote::None, ' ' | '\t') => words.end_word(),
            (_, '\\') => i = escape(&chars, i, &mut words),
            (_, '$') => i = expand_env(&chars, i, env, &mut words)?,
            (_, _) => words.push(c),
        }
    }
    match quote {
        Quote::None => {
            words.end_word();
            Ok(words.done)
        }
        Quote::Weak => Err("unterminated double quote".to_string()),
        Quote::Strong => Err("unterminated single quote".to_string()),
    }
}

/// Handles the character(s) after a backslash at `i`; returns the next position. Unknown escapes
/// keep their backslash, as HAProxy does, so `path_reg ^/a\.b` reaches the regex intact.
fn escape(chars: &[char], i: usize, words: &mut Words) -> usize {
    let Some(&next) = chars.get(i) else {
        words.push('\\');
        return i;
    };
    let simple = match next {
        ' ' | '\t' | '#' | '\\' | '\'' | '"' | '$' => Some(next),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        _ => None,
    };
    if let Some(c) = simple {
        words.push(c);
        return i + 1;
    }
    if next == 'x' {
        let hex: String = chars.iter().skip(i + 1).take(2).collect();
        if hex.len() == 2 {
            if let Ok(byte) = u8::from_str_radix(&hex, 16) {
                words.push(char::from(byte));
                return i + 3;
            }
        }
    }
    words.push('\\');
    i
}

/// Expands the variable after a `$` at `i`; returns the next position. A `$` not followed by a
/// name or `{` stays literal.
fn expand_env(
    chars: &[char],
    i: usize,
    env: EnvLookup<'_>,
    words: &mut Words,
) -> Result<usize, String> {
    let braced = chars.get(i) == Some(&'{');
    let start = if braced { i + 1 } else { i };
    let name_len = chars[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
        .count();
    let name: String = chars[start..start + name_len].iter().collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        if braced {
            return Err("invalid environment variable name after '${'".to_string());
        }
        words.push('$');
        return Ok(i);
    }
    let mut end = start + name_len;
    let mut default = None;
    let mut split = false;
    if braced {
        let close = chars[end..]
            .iter()
            .position(|c| *c == '}')
            .map(|p| end + p)
            .ok_or_else(|| format!("missing '}}' after '${{{name}'"))?;
        let modifier: String = chars[end..close].iter().collect();
        if let Some(value) = modifier.strip_prefix('-') {
            default = Some(value.to_string());
        } else if modifier == "[*]" {
            split = true;
        } else if !modifier.is_empty() {
            return Err(format!("invalid text '{modifier}' in '${{{name}...}}'"));
        }
        end = close + 1;
    }
    let value = env(&name)
        .or(default)
        .ok_or_else(|| format!("environment variable '{name}' is not set"))?;
    if split {
        for (n, piece) in value.split_whitespace().enumerate() {
            if n > 0 {
                words.end_word();
            }
            words.push_str(piece);
        }
    } else {
        words.push_str(&value);
    }
    Ok(end)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn words_of(text: &str) -> Result<Vec<String>, String> {
        split_words(text, &no_env)
    }

    fn words_with_env(text: &str) -> Result<Vec<String>, String> {
        let env = |name: &str| match name {
            "PORT" => Some("8080".to_string()),
            "LIST" => Some("a b  c".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        split_words(text, &env)
    }

    #[test]
    fn spaces_tabs_and_comments_separate_words() {
        assert_eq!(
            words_of("  server\tweb1  1.2.3.4:80 # a comment").unwrap(),
            ["server", "web1", "1.2.3.4:80"]
        );
    }

    #[test]
    fn a_comment_only_line_has_no_words() {
        assert!(words_of("   # nothing here").unwrap().is_empty());
    }

    #[test]
    fn double_quotes_keep_spaces_and_hashes() {
        assert_eq!(words_of(r#"a "b c # d" e"#).unwrap(), ["a", "b c # d", "e"]);
    }

    #[test]
    fn single_quotes_keep_backslashes_and_dollars() {
        assert_eq!(words_of(r"x '\n$HOME'").unwrap(), ["x", r"\n$HOME"]);
    }

    #[test]
    fn empty_quotes_make_an_empty_word() {
        assert_eq!(words_of(r#"a "" b"#).unwrap(), ["a", "", "b"]);
    }

    #[test]
    fn adjacent_quoted_parts_join_into_one_word() {
        assert_eq!(words_of(r#"a"b c"'d e'f"#).unwrap(), ["ab cd ef"]);
    }

    #[test]
    fn backslash_escapes_spaces_hashes_and_control_characters() {
        assert_eq!(
            words_of(r"a\ b \#c \x41 \r\n \\").unwrap(),
            ["a b", "#c", "A", "\r\n", "\\"]
        );
    }

    #[test]
    fn unknown_escapes_keep_their_backslash_for_regexes() {
        assert_eq!(words_of(r"^/a\.b\d").unwrap(), [r"^/a\.b\d"]);
    }

    #[test]
    fn escapes_work_inside_double_quotes() {
        assert_eq!(
            words_of(r#""HTTP/1.1\r\nHost:\ x""#).unwrap(),
            ["HTTP/1.1\r\nHost: x"]
        );
    }

    #[test]
    fn unterminated_quotes_are_errors() {
        assert_eq!(
            words_of(r#"a "b"#).unwrap_err(),
            "unterminated double quote"
        );
        assert_eq!(words_of("a 'b").unwrap_err(), "unterminated single quote");
    }

    #[test]
    fn environment_variables_expand_with_and_without_braces() {
        assert_eq!(
            words_with_env(r#"bind ":${PORT}" $PORT x${PORT}y"#).unwrap(),
            ["bind", ":8080", "8080", "x8080y"]
        );
    }

    #[test]
    fn environment_variables_do_not_expand_in_single_quotes() {
        assert_eq!(words_with_env("'${PORT}'").unwrap(), ["${PORT}"]);
    }

    #[test]
    fn an_escaped_dollar_is_literal() {
        assert_eq!(words_with_env(r#""\$PORT""#).unwrap(), ["$PORT"]);
    }

    #[test]
    fn a_default_replaces_only_an_unset_variable() {
        assert_eq!(
            words_with_env("${NOPE-127.0.0.1} ${EMPTY-x}").unwrap(),
            ["127.0.0.1", ""]
        );
    }

    #[test]
    fn a_star_suffix_splits_the_value_into_words() {
        assert_eq!(
            words_with_env("k ${LIST[*]}").unwrap(),
            ["k", "a", "b", "c"]
        );
    }

    #[test]
    fn an_unset_variable_is_an_error_naming_it() {
        assert_eq!(
            words_with_env("bind :${HTTP_PORT}").unwrap_err(),
            "environment variable 'HTTP_PORT' is not set"
        );
    }

    #[test]
    fn a_lone_dollar_stays_literal() {
        assert_eq!(
            words_of("path_reg ^/a$ $1").unwrap(),
            ["path_reg", "^/a$", "$1"]
        );
    }

    #[test]
    fn lex_reports_bad_lines_with_file_and_line_and_keeps_the_others() {
        let mut diags = Diags::default();
        let file: Arc<str> = Arc::from("t.cfg");
        let lines = lex(
            &file,
            "global\n\n  maxconn \"10\n  daemon\r\n",
            &no_env,
            &mut diags,
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].span.line, 4);
        assert_eq!(lines[1].words, ["daemon"]);
        assert_eq!(
            diags.errors[0].to_string(),
            "t.cfg:3: unterminated double quote"
        );
    }
}
