//! The checks both ways of making a model share: the configuration file's validator and the
//! code-first builders. Each is the single definition of a rule HAProxy enforces, so a model
//! built in code is refused for the same reasons as the file that would describe it.

/// HAProxy's highest server weight (`weight` takes 0 to 256).
pub const MAX_WEIGHT: u32 = 256;

/// The highest `rise`, `fall` and `error-limit` HAProxy accepts.
pub const MAX_CHECK_COUNT: u32 = 100_000;

/// The characters HAProxy allows in proxy names: ASCII letters and digits, `_`, `-`, `.`, `:`.
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

/// The first character of `name` HAProxy refuses in a proxy name, if any.
pub(crate) fn bad_name_char(name: &str) -> Option<char> {
    name.chars().find(|c| !is_name_char(*c))
}

/// Server ids: explicit `id N` values are kept; the others get the lowest free ids, in order.
/// Returns the ids in server order and the indexes of servers whose explicit id is taken.
pub(crate) fn assign_ids(explicit: &[Option<u32>]) -> (Vec<u32>, Vec<usize>) {
    let mut taken = std::collections::BTreeSet::new();
    let mut duplicates = Vec::new();
    for (index, id) in explicit.iter().enumerate() {
        if let Some(id) = id {
            if !taken.insert(*id) {
                duplicates.push(index);
            }
        }
    }
    let mut next = 1;
    let ids = explicit
        .iter()
        .map(|id| match id {
            Some(id) => *id,
            None => {
                while taken.contains(&next) {
                    next += 1;
                }
                taken.insert(next);
                next
            }
        })
        .collect();
    (ids, duplicates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_without_ids_get_the_lowest_free_ones_in_order() {
        let (ids, duplicates) = assign_ids(&[None, Some(2), None, Some(1), None]);
        assert_eq!(ids, [3, 2, 4, 1, 5]);
        assert!(duplicates.is_empty());
    }

    #[test]
    fn a_repeated_explicit_id_is_reported() {
        let (_, duplicates) = assign_ids(&[Some(7), None, Some(7)]);
        assert_eq!(duplicates, [2]);
    }

    #[test]
    fn proxy_names_allow_haproxy_punctuation_only() {
        assert_eq!(bad_name_char("web-1_a.b:c"), None);
        assert_eq!(bad_name_char("web 1"), Some(' '));
    }
}
