//! The check every client makes on what it receives (`docs/sync-protocol.md`, "Authors"): the
//! author named inside each commit's sealed body must be a user of the study. The server cannot
//! check it (it sees only clear headers); a commit by anyone else (a name typed on a tablet
//! that never signed in, a forged commit) is flagged, never dropped.

use std::collections::{BTreeMap, BTreeSet};

/// The author of the commits the app makes by itself, for no user (the repair of a forked
/// chain, patients moved from an earlier version's store): known to every study.
pub const SYSTEM: &str = "system";

/// The authors in `authors` (name, number of commits) that are neither among `users` (the
/// study's users, revoked ones included: their earlier commits stay valid) nor [`SYSTEM`], with
/// their commit counts, by name.
pub fn unknown_authors<'a>(
    authors: impl IntoIterator<Item = (&'a str, usize)>,
    users: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, usize> {
    let known: BTreeSet<&str> = users.into_iter().collect();
    let mut unknown = BTreeMap::new();
    for (author, commits) in authors {
        if author != SYSTEM && !known.contains(author) {
            *unknown.entry(author.to_owned()).or_insert(0) += commits;
        }
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_not_among_the_users_are_counted_by_name() {
        let authors = [
            ("dm.li", 3),
            ("Dr A", 2),
            ("coord.wang", 1),
            ("Dr A", 4),
            (SYSTEM, 1),
        ];
        let unknown = unknown_authors(authors, ["dm.li", "coord.wang"]);
        assert_eq!(unknown, BTreeMap::from([("Dr A".to_owned(), 6)]));
        assert!(unknown_authors(authors, ["dm.li", "coord.wang", "Dr A"]).is_empty());
        // No list of users: everyone is unknown.
        assert_eq!(unknown_authors(authors, []).len(), 3);
    }
}
