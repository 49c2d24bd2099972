//! What a device still has to send: every commit it holds above the highest sequence of its
//! author device known to be on the server (acknowledged by an upload, or received by a pull),
//! in (device, sequence) order as the server's gap rule needs. Kept as one number per author
//! device, since the server stores each device's chain without gaps.

use std::collections::BTreeMap;

use crate::log::Commit;

/// For each author device, the highest sequence known to be on the server.
pub type ServerTips = BTreeMap<String, u64>;

/// The commits not yet on the server, sorted by (device, sequence).
pub fn outbox<'a>(commits: &'a [Commit], on_server: &ServerTips) -> Vec<&'a Commit> {
    let mut out: Vec<&Commit> = commits
        .iter()
        .filter(|c| c.body.seq > on_server.get(&c.body.device).copied().unwrap_or(0))
        .collect();
    out.sort_by(|a, b| (&a.body.device, a.body.seq).cmp(&(&b.body.device, b.body.seq)));
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
}
