//! How the searches add lengths: as whole micrometres, packed with the index of the target
//! reached into one `u64` label.
//!
//! Why integers: floating-point addition is not associative, so two correct shortest-path
//! searches that add the same edges in a different order (the trees, grown from the school
//! outwards; the baseline, from the home; any faster search, such as a contraction hierarchy
//! whose shortcuts add edges in pairs) would disagree in the last bits, and a decision record
//! made by one would not replay to the byte with another.
//! Whole micrometres add exactly in any order, so every search gives the same distance, and the
//! rounding (at most half a micrometre per edge) is a million times below the millimetre the
//! distances are checked to.
//!
//! Why one label: where two entrances are equally near, the decision names the one listed first.
//! Packing `(distance, target)` as `distance << 12 | target` makes that rule a single integer
//! minimum, the same in every search, and a tree only 8 bytes per junction.

/// Bits of a label that hold the target index.
const TARGET_BITS: u32 = 12;
/// Most targets (entrances of one school) a tree can tell apart.
pub(crate) const MAX_TARGETS: usize = (1 << TARGET_BITS) - 1;
/// Most a network's edges may add up to, in micrometres (2^49 µm is 562,949 km, several times
/// every road and path in Great Britain); [`super::Network::build`] refuses a longer network.
/// A shortest distance plus one more edge is then at most 2^50 µm, whose label stays below
/// [`UNREACHED`].
pub(crate) const MAX_TOTAL_UM: u64 = 1 << 49;
/// The label of a junction no target is reachable from. Adding any edge to it stays above
/// every real label without overflowing.
pub(crate) const UNREACHED: u64 = u64::MAX >> 1;

/// A length in metres as whole micrometres (rounded to nearest).
pub(crate) fn um(m: f64) -> u64 {
    (m * 1e6).round() as u64
}

/// Whole micrometres back to metres.
pub(crate) fn metres(um: u64) -> f64 {
    um as f64 / 1e6
}

/// The label for reaching target `t` after `d_um` micrometres.
pub(crate) fn label(d_um: u64, t: u32) -> u64 {
    debug_assert!(d_um <= 2 * MAX_TOTAL_UM && (t as usize) <= MAX_TARGETS);
    (d_um << TARGET_BITS) | t as u64
}

/// A length as the amount to add to a label.
pub(crate) fn step(d_um: u64) -> u64 {
    d_um << TARGET_BITS
}

/// Whether the label reaches a target.
pub(crate) fn reached(l: u64) -> bool {
    l < UNREACHED
}

/// The distance of a label, micrometres.
pub(crate) fn distance_um(l: u64) -> u64 {
    l >> TARGET_BITS
}

/// The target of a label.
pub(crate) fn target(l: u64) -> u32 {
    (l & ((1 << TARGET_BITS) - 1)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_order_by_distance_then_target_and_survive_an_added_edge() {
        assert!(label(5, 9) < label(6, 0));
        assert!(label(5, 1) < label(5, 2));
        assert_eq!(label(5, 1) + step(7), label(12, 1));
        assert_eq!(
            (distance_um(label(123, 45)), target(label(123, 45))),
            (123, 45)
        );
        let far = label(2 * MAX_TOTAL_UM, MAX_TARGETS as u32);
        assert!(reached(far) && far < UNREACHED);
        assert!(!reached(UNREACHED + step(2 * MAX_TOTAL_UM)));
        assert_eq!(um(0.0000004), 0);
        assert_eq!(um(4828.032), 4_828_032_000);
        assert_eq!(metres(um(4828.032)), 4828.032);
    }
}
