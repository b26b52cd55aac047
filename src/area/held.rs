//! The per-school trees an area holds, kept within a memory budget.
//!
//! Why: a tree covers every junction (8 bytes each for distances, 12 with routes), and a county
//! has hundreds of schools in three modes: 600 schools on 240,000 junctions is 3.5 GB held at
//! once. With a budget, the least recently used trees are dropped when a new one would exceed
//! it and grown again if asked for later; a batch decides its rows grouped by school, in an
//! order where neighbouring schools come together, so that a dropped tree is seldom needed
//! again. Whether a tree was kept or grown again, it holds the same labels, so decisions do not
//! depend on the budget or on the order threads asked.
//!
//! Written by hand: the caching crates evict by count or by time, not by the bytes each entry
//! holds, and a tree being grown must make other threads asking for it wait, not grow it twice.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Slots of values that are made on first use and may be dropped to keep within a budget.
#[derive(Debug)]
pub(super) struct Held<T> {
    slots: Vec<Slot<T>>,
    /// Ticks for "last used".
    clock: AtomicU64,
    /// Bytes held by all slots.
    held: AtomicUsize,
    /// Most bytes to hold (`usize::MAX`: no limit).
    budget: AtomicUsize,
    /// One thread makes room at a time.
    evicting: Mutex<()>,
}

#[derive(Debug, Default)]
struct Slot<T> {
    /// The value, while held; locked while it is being made, so others wait for it.
    cell: Mutex<Option<Arc<T>>>,
    used: AtomicU64,
    bytes: AtomicUsize,
}

impl<T> Held<T> {
    /// `n` empty slots, with no budget.
    pub(super) fn new(n: usize) -> Held<T> {
        Held {
            slots: (0..n)
                .map(|_| Slot {
                    cell: Mutex::new(None),
                    used: AtomicU64::new(0),
                    bytes: AtomicUsize::new(0),
                })
                .collect(),
            clock: AtomicU64::new(1),
            held: AtomicUsize::new(0),
            budget: AtomicUsize::new(usize::MAX),
            evicting: Mutex::new(()),
        }
    }

    /// Sets the most bytes the slots may hold together (at least one value is always held).
    pub(super) fn set_budget(&self, bytes: usize) {
        self.budget.store(bytes, Ordering::Relaxed);
    }

    /// Bytes held now.
    pub(super) fn held_bytes(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }

    /// The value of slot `k`, made by `make` (which returns it with the bytes it holds) if the
    /// slot is empty; other threads asking for the same slot meanwhile wait for it.
    #[cfg(test)]
    pub(super) fn get_or_make(&self, k: usize, make: impl FnOnce() -> (T, usize)) -> Arc<T> {
        self.get_fitting_or_make(k, |_| true, make)
    }

    /// The value of slot `k` if `fits` accepts it, else made anew by `make` (which returns it
    /// with the bytes it holds) in its place; other threads asking for the same slot meanwhile
    /// wait for it.
    pub(super) fn get_fitting_or_make(
        &self,
        k: usize,
        fits: impl FnOnce(&T) -> bool,
        make: impl FnOnce() -> (T, usize),
    ) -> Arc<T> {
        let slot = &self.slots[k];
        slot.used.store(
            self.clock.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        let mut cell = slot.cell.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = &*cell {
            if fits(v) {
                return v.clone();
            }
        }
        let (v, bytes) = make();
        let v = Arc::new(v);
        if cell.replace(v.clone()).is_some() {
            self.held
                .fetch_sub(slot.bytes.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        slot.bytes.store(bytes, Ordering::Relaxed);
        drop(cell);
        self.held.fetch_add(bytes, Ordering::Relaxed);
        self.make_room(k);
        v
    }

    /// Drops the least recently used values, other than slot `keep`'s, until the budget is
    /// met. A value some thread is still using stays alive until it is done with it.
    fn make_room(&self, keep: usize) {
        let budget = self.budget.load(Ordering::Relaxed);
        if self.held.load(Ordering::Relaxed) <= budget {
            return;
        }
        let _one = self.evicting.lock().unwrap_or_else(PoisonError::into_inner);
        let mut candidates: Vec<(u64, usize)> = self
            .slots
            .iter()
            .enumerate()
            .filter(|&(i, s)| i != keep && s.bytes.load(Ordering::Relaxed) > 0)
            .map(|(i, s)| (s.used.load(Ordering::Relaxed), i))
            .collect();
        candidates.sort_unstable();
        for (_, i) in candidates {
            if self.held.load(Ordering::Relaxed) <= budget {
                break;
            }
            let slot = &self.slots[i];
            // A slot being made is skipped: its maker holds the lock.
            let Ok(mut cell) = slot.cell.try_lock() else {
                continue;
            };
            if cell.take().is_some() {
                let bytes = slot.bytes.swap(0, Ordering::Relaxed);
                self.held.fetch_sub(bytes, Ordering::Relaxed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_go_first_and_a_dropped_value_is_made_again() {
        let held: Held<u32> = Held::new(4);
        held.set_budget(250);
        let made = std::sync::atomic::AtomicUsize::new(0);
        let get = |k: usize| {
            *held.get_or_make(k, || {
                made.fetch_add(1, Ordering::Relaxed);
                (k as u32 * 10, 100)
            })
        };
        assert_eq!((get(0), get(1)), (0, 10));
        assert_eq!(held.held_bytes(), 200);
        assert_eq!(get(0), 0); // 0 is now the more recently used
        assert_eq!(get(2), 20); // 300 > 250: 1, the least recently used, goes
        assert_eq!(held.held_bytes(), 200);
        assert_eq!(made.load(Ordering::Relaxed), 3);
        assert_eq!(get(0), 0); // still held
        assert_eq!(made.load(Ordering::Relaxed), 3);
        assert_eq!(get(1), 10); // made again, the same value
        assert_eq!(made.load(Ordering::Relaxed), 4);
        // A value bigger than the budget is still held (alone).
        held.set_budget(50);
        assert_eq!(get(3), 30);
        assert_eq!(held.held_bytes(), 100);
    }

    #[test]
    fn a_value_that_does_not_fit_is_made_again_in_its_place() {
        // A tree grown as far as one home, asked about a home beyond it.
        let held: Held<u32> = Held::new(2);
        let reaching = |k: usize, far: u32| {
            *held.get_fitting_or_make(k, |&v| v >= far, || (far, 10 * far as usize))
        };
        assert_eq!(reaching(0, 3), 3);
        assert_eq!(reaching(0, 2), 3); // reaches 2 already: kept
        assert_eq!(held.held_bytes(), 30);
        assert_eq!(reaching(0, 7), 7); // made again, its bytes counted once
        assert_eq!(held.held_bytes(), 70);
        assert_eq!(reaching(1, 1), 1);
        assert_eq!(held.held_bytes(), 80);
    }
}
