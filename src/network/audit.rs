//! Route safety audits on the network (clause 1.5.4): which audits a route ran through.

use super::{Network, Route};

impl Network {
    /// The distinct audit references (or edge ids, where no reference is recorded) of the
    /// stretches assessed unsafe along a route, in route order.
    pub fn unsafe_refs(&self, route: &Route) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for &e in &route.edges {
            let a = self.attrs(e as usize);
            if a.unsafe_walk {
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
