//! What a device still has to send: every commit it holds above the highest sequence of its
//! author device known to be on the server (acknowledged by an upload, or received by a pull),
//! in (device, sequence) order as the server's gap rule needs. Kept as one number per author
//! device, since the server stores each device's chain without gaps.

use std::collections::BTreeMap;

use crate::log::ChainLink;

/// For each author device, the highest sequence known to be on the server.
pub type ServerTips = BTreeMap<String, u64>;

/// The commits not yet on the server, sorted by (device, sequence). A commit off its device's
/// kept chain (a fork, `log::fork`) is never sent: the repair commit carries its content.
///
/// Only the commits above their device's tip are looked at: a device's kept chain is walked from
/// its head down to the tip, not to its first commit (a commit's `prev` is its device's commit
/// one sequence lower, as [`crate::log::DeviceLog`] makes them and the server checks). So a
/// tablet holding 80,000 commits of which a few are unsent does the work of a few.
pub fn outbox<'a, L: ChainLink>(commits: &'a [L], on_server: &ServerTips) -> Vec<&'a L> {
    // A commit whose device id is not a name (`api::valid_name`: it came in a bundle file) is
    // never sent: the server refuses the whole bundle holding it, which would stop every other.
    let above: Vec<&L> = commits
        .iter()
        .filter(|c| c.seq() > on_server.get(c.device()).copied().unwrap_or(0))
        .filter(|c| super::api::valid_name(c.device()))
        .collect();
    let kept = crate::log::fork::kept_chains(&above);
    let mut out: Vec<&L> = above
        .iter()
        .copied()
        .filter(|c| {
            kept.get(c.device())
                .is_none_or(|chain| chain.contains(c.id()))
        })
        .collect();
    out.sort_by(|a, b| (a.device(), a.seq()).cmp(&(b.device(), b.seq())));
    out
}

/// Records that the server holds `device`'s chain up to `seq` (a tip never moves back).
pub fn on_server(tips: &mut ServerTips, device: &str, seq: u64) {
    let tip = tips.entry(device.to_owned()).or_insert(0);
    *tip = (*tip).max(seq);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::DeviceLog;

    #[test]
    fn the_outbox_is_what_the_server_lacks_in_chain_order() {
        let mut a = DeviceLog::new("tab-a");
        let mut b = DeviceLog::new("tab-b");
        let mut commits = Vec::new();
        for i in 0..3 {
            commits.push(b.commit(10 + i, "u", None, Vec::new()));
            commits.push(a.commit(20 + i, "u", None, Vec::new()));
        }
        let mut tips = ServerTips::new();
        let all: Vec<(String, u64)> = outbox(&commits, &tips)
            .iter()
            .map(|c| (c.body.device.clone(), c.body.seq))
            .collect();
        assert_eq!(
            all,
            [
                ("tab-a", 1),
                ("tab-a", 2),
                ("tab-a", 3),
                ("tab-b", 1),
                ("tab-b", 2),
                ("tab-b", 3)
            ]
            .map(|(d, s)| (d.to_owned(), s))
        );
        on_server(&mut tips, "tab-a", 2);
        on_server(&mut tips, "tab-a", 1);
        on_server(&mut tips, "tab-b", 3);
        let left: Vec<u64> = outbox(&commits, &tips).iter().map(|c| c.body.seq).collect();
        assert_eq!(left, [3]);
        assert_eq!(tips["tab-a"], 2);
    }

    #[test]
    fn a_commit_off_its_device_chain_is_never_sent() {
        let mut tab = DeviceLog::new("tab-a");
        let first = tab.commit(1, "u", None, Vec::new());
        let mut other = tab.clone();
        let kept = tab.commit(2, "u", None, Vec::new());
        let forked = other.commit(
            3,
            "u",
            None,
            vec![crate::log::Op::DeleteForm {
                instance: "x".into(),
            }],
        );
        let commits = vec![first, kept.clone(), forked];
        let sent: Vec<&str> = outbox(&commits, &ServerTips::new())
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        // Both branches are one commit long: the kept one is the smaller id's.
        let off = crate::log::fork::off_chain(&commits);
        assert_eq!(off.len(), 1);
        assert_eq!(sent.len(), 2);
        assert!(!sent.contains(&off[0].id.as_str()));
        let smaller = commits[1].id.clone().min(commits[2].id.clone());
        assert_ne!(off[0].id, smaller);
    }

    #[test]
    fn a_commit_whose_device_id_is_not_a_name_is_never_sent() {
        let mut good = DeviceLog::new("tab-a");
        let mut bad = DeviceLog::new("tab a");
        let commits = vec![
            bad.commit(1, "u", None, Vec::new()),
            good.commit(2, "u", None, Vec::new()),
        ];
        let sent: Vec<&str> = outbox(&commits, &ServerTips::new())
            .iter()
            .map(|c| c.body.device.as_str())
            .collect();
        assert_eq!(sent, ["tab-a"]);
    }

    proptest::proptest! {
        /// Walking each kept chain only down to the server's tip gives what walking it whole
        /// gives: the commits above the tip that are on their device's kept chain.
        #[test]
        fn the_outbox_walks_only_above_the_tips(
            chains in proptest::collection::vec((1u64..8, 0u64..8, 0u64..4, 0u64..10), 1..4),
        ) {
            let mut commits = Vec::new();
            let mut tips = ServerTips::new();
            for (d, (length, fork_at, fork_length, tip)) in chains.into_iter().enumerate() {
                let mut log = DeviceLog::new(&format!("tab-{d}"));
                let mut branch = None;
                for i in 0..length {
                    if i == fork_at {
                        branch = Some(log.clone());
                    }
                    commits.push(log.commit(i, "u", None, Vec::new()));
                }
                if let Some(mut other) = branch {
                    for i in 0..fork_length {
                        commits.push(other.commit(100 + i, "v", None, Vec::new()));
                    }
                }
                tips.insert(log.device.clone(), tip);
            }
            let kept = crate::log::fork::kept_chains(&commits);
            let mut expected: Vec<&str> = commits
                .iter()
                .filter(|c| c.body.seq > tips[&c.body.device])
                .filter(|c| kept[c.body.device.as_str()].contains(c.id.as_str()))
                .map(|c| c.id.as_str())
                .collect();
            let mut got: Vec<&str> = outbox(&commits, &tips).iter().map(|c| c.id.as_str()).collect();
            expected.sort_unstable();
            got.sort_unstable();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
