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
pub fn outbox<'a, L: ChainLink>(commits: &'a [L], on_server: &ServerTips) -> Vec<&'a L> {
    let kept = crate::log::fork::kept_chains(commits);
    let mut out: Vec<&L> = commits
        .iter()
        .filter(|c| c.seq() > on_server.get(c.device()).copied().unwrap_or(0))
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
}
