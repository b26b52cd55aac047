//! The priority queue of a hierarchy's sweep (`ch`): junctions by label, each queued at most
//! once and lowered in place.
//!
//! Why by hand: a queue that pushes a new entry at each improvement (`BinaryHeap`) holds stale
//! entries and pops them all; in a hierarchy's core, where every junction has dozens of arcs,
//! those pops were a fifth of a county batch. The crates with a lowerable key index it by
//! hashing, where here junctions are dense integers that index an array. Entries pop smallest
//! `(label, junction)` first, as Dijkstra's `BinaryHeap` in `tree` settles them.
//!
//! Why not for Dijkstra too: on a street network a junction has a handful of arcs and few stale
//! entries, and keeping the index up to date costs more than they do (a Dorset-like batch grown
//! by Dijkstra took 9.1 s with this queue against 7.4 s with `BinaryHeap`).

use std::cell::RefCell;

/// A binary min-heap of `(label, junction)` holding each junction at most once.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    heap: Vec<(u64, u32)>,
    /// Per junction: 1 + its index in `heap`, or 0 when not queued.
    at: Vec<u32>,
}

thread_local! {
    /// Each thread's queue, kept between searches: on a county its index alone is a megabyte,
    /// and a fresh one for every tree cost the kernel zeroing its pages each time.
    static SPARE: RefCell<Queue> = const { RefCell::new(Queue { heap: Vec::new(), at: Vec::new() }) };
}

impl Queue {
    /// The thread's queue, empty, for junctions below `n`; hand it back with
    /// [`Queue::give_back`] (a queue not handed back is simply made again next time).
    pub(crate) fn take(n: usize) -> Queue {
        let mut q = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
        if q.at.len() != n {
            q.at.clear();
            q.at.resize(n, 0);
        }
        q
    }

    /// Empties the queue and keeps it for the thread's next search.
    pub(crate) fn give_back(mut self) {
        for &(_, v) in &self.heap {
            self.at[v as usize] = 0;
        }
        self.heap.clear();
        SPARE.with(|s| *s.borrow_mut() = self);
    }

    /// Queues junction `v` with label `l`, or lowers its label to `l` if it is queued (callers
    /// only ever lower a label).
    pub(crate) fn push_or_lower(&mut self, l: u64, v: u32) {
        let k = match self.at[v as usize] {
            0 => {
                self.heap.push((l, v));
                self.heap.len() - 1
            }
            k => {
                let k = k as usize - 1;
                debug_assert!(l < self.heap[k].0);
                self.heap[k].0 = l;
                k
            }
        };
        self.up(k);
    }

    /// The smallest `(label, junction)`, taken out.
    pub(crate) fn pop(&mut self) -> Option<(u64, u32)> {
        let top = *self.heap.first()?;
        let last = self.heap.pop().expect("not empty");
        self.at[top.1 as usize] = 0;
        if !self.heap.is_empty() {
            self.set(0, last);
            self.down(0);
        }
        Some(top)
    }

    /// Puts `e` at index `k`, noting where its junction now is.
    fn set(&mut self, k: usize, e: (u64, u32)) {
        self.heap[k] = e;
        self.at[e.1 as usize] = k as u32 + 1;
    }

    fn up(&mut self, mut k: usize) {
        let e = self.heap[k];
        while k > 0 {
            let p = (k - 1) / 2;
            if self.heap[p] <= e {
                break;
            }
            self.set(k, self.heap[p]);
            k = p;
        }
        self.set(k, e);
    }

    fn down(&mut self, mut k: usize) {
        let e = self.heap[k];
        let n = self.heap.len();
        loop {
            let c = 2 * k + 1;
            if c >= n {
                break;
            }
            let c = if c + 1 < n && self.heap[c + 1] < self.heap[c] {
                c + 1
            } else {
                c
            };
            if e <= self.heap[c] {
                break;
            }
            self.set(k, self.heap[c]);
            k = c;
        }
        self.set(k, e);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever is pushed and lowered, pops come out in `(label, junction)` order, each
        /// junction once with its lowest label, exactly as a `BinaryHeap` of every push (stale
        /// entries skipped) gives them; and a queue handed back is empty for the next search.
        #[test]
        fn pops_as_a_heap_of_every_push_would(ops in prop::collection::vec((0u64..50, 0u32..20), 0..80)) {
            use std::cmp::Reverse;
            use std::collections::BinaryHeap;
            let mut q = Queue::take(20);
            let mut best = [u64::MAX; 20];
            let mut reference = BinaryHeap::new();
            for (l, v) in ops {
                if l < best[v as usize] {
                    best[v as usize] = l;
                    q.push_or_lower(l, v);
                    reference.push(Reverse((l, v)));
                }
            }
            let mut expected = Vec::new();
            while let Some(Reverse((l, v))) = reference.pop() {
                if l == best[v as usize] {
                    expected.push((l, v));
                    best[v as usize] = u64::MAX;
                }
            }
            let popped: Vec<(u64, u32)> = std::iter::from_fn(|| q.pop()).collect();
            prop_assert_eq!(popped, expected);
            q.give_back();
            let again = Queue::take(20);
            prop_assert!(again.heap.is_empty() && again.at.iter().all(|&a| a == 0));
        }
    }
}
