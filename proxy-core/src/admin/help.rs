//! `help` and the answer to an unknown command: the command list, or the commands closest to
//! what was typed (HAProxy's "maybe one of the following ones is a better match").

use super::commands::{Command, Reply, COMMANDS};
use super::session::State;
use super::Shared;
use std::fmt::Write;

/// How many suggestions an unknown command gets.
const MAX_SUGGESTIONS: usize = 5;

fn list<'a>(title: &str, commands: impl Iterator<Item = &'a Command>) -> String {
    let mut out = String::from(title);
    for command in commands {
        let _ = writeln!(out, "  {:<40}: {}", command.usage, command.description);
    }
    out
}

/// `help [<words>]`: every command, or those whose name starts with the given words.
pub(crate) fn help(_: &Shared, _: &mut State, words: &[&str]) -> Reply {
    let filter = &words[1..];
    let title = "The following commands are valid at this level:\n";
    let matching: Vec<&Command> = COMMANDS
        .iter()
        .filter(|c| c.words.iter().zip(filter).all(|(a, b)| a == b))
        .collect();
    if matching.is_empty() {
        return Reply::Text(list(title, COMMANDS.iter()));
    }
    Reply::Text(list(title, matching.into_iter()))
}

/// The answer to words that name no command: the closest commands, by edit distance over the
/// words after those that match a command exactly.
pub(crate) fn unknown(words: &[&str]) -> String {
    let matched = COMMANDS
        .iter()
        .map(|c| {
            c.words
                .iter()
                .zip(words)
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0);
    let typed = words[matched..].join(" ");
    let mut ranked: Vec<(usize, &Command)> = COMMANDS
        .iter()
        .filter(|c| c.words.len() > matched && c.words[..matched] == words[..matched])
        .map(|c| (distance(&typed, &c.words[matched..].join(" ")), c))
        .filter(|(d, c)| *d <= typed.len().max(c.words.join(" ").len()) / 2 + 1)
        .collect();
    ranked.sort_by_key(|(d, _)| *d);
    if ranked.is_empty() {
        return list(
            "Unknown command. Please enter one of the following commands only:\n",
            COMMANDS.iter(),
        );
    }
    list(
        "Unknown command, but maybe one of the following ones is a better match:\n",
        ranked.into_iter().take(MAX_SUGGESTIONS).map(|(_, c)| c),
    )
}

/// Levenshtein distance between two strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_suggests_the_command_meant() {
        let answer = unknown(&["show", "stta"]);
        assert!(answer.starts_with("Unknown command, but maybe"), "{answer}");
        assert!(answer.contains("  show stat "), "{answer}");
    }

    #[test]
    fn nonsense_lists_every_command() {
        let answer = unknown(&["xyzzy-plugh-frobnicate"]);
        assert!(
            answer.starts_with("Unknown command. Please enter"),
            "{answer}"
        );
        assert!(answer.contains("  quit "));
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("stat", "stta"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("weight", "weight"), 0);
    }
}
