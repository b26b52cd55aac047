//! Route safety audits on the network (clause 1.5.4): which audits a route ran through.

use super::{Network, Route};

impl Network {
    /// The distinct audit references (or edge ids, where no reference is recorded) of the
    /// stretches assessed unsafe along a route, in route order.
    pub fn unsafe_refs(&self, route: &Route) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for &e in &route.edges {
            if let Some(reference) = self.unsafe_walk(e as usize) {
                let r = reference.map_or_else(
                    || format!("edge {}", self.edge_id(e as usize)),
                    str::to_string,
                );
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }
}
