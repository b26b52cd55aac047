//! Route safety audits on the network (clause 1.5.4): which audits a route ran through.

use super::Network;

impl Network {
    /// The distinct audit references (or edge ids, where no reference is recorded) of the
    /// stretches assessed unsafe among the given edges, in route order.
    pub fn unsafe_refs(&self, edge_ids: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in edge_ids {
            let hit = self.edges().find(|(a, _, _)| &a.id == id && a.unsafe_walk);
            if let Some((a, _, _)) = hit {
                let r = a
                    .unsafe_ref
                    .clone()
                    .unwrap_or_else(|| format!("edge {}", a.id));
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }
}
