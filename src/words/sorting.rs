//! Putting a million word numbers in the words' order a bounded step at a time, so that the
//! first "Did you mean" or "Do I own this?" after a reload never stops the page for the whole
//! sort: runs sorted one per step, then merged pairwise, a step placing a bounded number of
//! words (a merge stopped anywhere goes on where it stopped). Plain Rust.

use std::cmp::Ordering;

/// The numbers 0..n being sorted by a comparison given at each step.
#[derive(Clone, Debug)]
pub(super) struct StepSort {
    /// Runs of `width` numbers, each in order (the first `runs_done` of them, in the first pass).
    order: Vec<u32>,
    /// Where the pass merges to (the next `order`).
    scratch: Vec<u32>,
    /// How many numbers the first pass has put in runs.
    runs_done: usize,
    /// How many numbers the first pass sorts at once (one run a step).
    run: usize,
    /// The length of the runs being merged pairwise.
    width: usize,
    /// The merge under way: where its pair of runs starts, the next number of the left run and
    /// of the right run, and the place in `scratch` the smaller goes.
    start: usize,
    left: usize,
    right: usize,
    out: usize,
}

impl StepSort {
    /// Numbers 0..n, to be sorted in runs of `run` (at least 1) and then merged.
    pub fn new(n: usize, run: usize) -> Self {
        let run = run.max(1);
        Self {
            order: (0..n as u32).collect(),
            scratch: Vec::new(),
            runs_done: 0,
            run,
            width: run,
            start: 0,
            left: 0,
            right: run.min(n),
            out: 0,
        }
    }

    /// How many numbers are being sorted.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// One step: sorts a run, or places up to `budget` numbers of the merges. True once the
    /// numbers are in order.
    pub fn step(&mut self, budget: usize, cmp: impl Fn(u32, u32) -> Ordering) -> bool {
        let n = self.order.len();
        if self.runs_done < n {
            let end = (self.runs_done + self.run).min(n);
            self.order[self.runs_done..end].sort_unstable_by(|&a, &b| cmp(a, b));
            self.runs_done = end;
            return self.runs_done >= n && self.width >= n;
        }
        if self.width < n && self.scratch.len() != n {
            self.scratch = vec![0; n];
        }
        let mut budget = budget.max(1);
        while self.width < n {
            let mid = (self.start + self.width).min(n);
            let end = (self.start + 2 * self.width).min(n);
            while budget > 0 && (self.left < mid || self.right < end) {
                let take_left = self.right >= end
                    || (self.left < mid
                        && cmp(self.order[self.right], self.order[self.left]) != Ordering::Less);
                let number = if take_left {
                    self.left += 1;
                    self.order[self.left - 1]
                } else {
                    self.right += 1;
                    self.order[self.right - 1]
                };
                self.scratch[self.out] = number;
                self.out += 1;
                budget -= 1;
            }
            if self.left < mid || self.right < end {
                return false;
            }
            if end < n {
                // The next pair of this pass.
                self.start = end;
                self.left = end;
                self.right = (end + self.width).min(n);
            } else {
                // The pass is done: its merged runs are twice as long.
                std::mem::swap(&mut self.order, &mut self.scratch);
                self.width = self.width.saturating_mul(2);
                self.start = 0;
                self.left = 0;
                self.right = self.width.min(n);
                self.out = 0;
            }
            if budget == 0 {
                break;
            }
        }
        self.width >= n
    }

    /// The numbers, in order once [`StepSort::step`] has said so.
    pub fn into_order(self) -> Vec<u32> {
        self.order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_by_steps(values: &[u32], run: usize, budget: usize) -> (Vec<u32>, usize) {
        let mut sort = StepSort::new(values.len(), run);
        let mut steps = 1;
        while !sort.step(budget, |a, b| values[a as usize].cmp(&values[b as usize])) {
            steps += 1;
        }
        (sort.into_order(), steps)
    }

    #[test]
    fn small_runs_and_budgets_sort_like_the_standard_sort() {
        let values: Vec<u32> = (0..1000u32)
            .map(|i| i.wrapping_mul(2_654_435_761) % 997)
            .collect();
        let mut expected: Vec<u32> = (0..values.len() as u32).collect();
        expected.sort_by_key(|&i| (values[i as usize], i));
        for (run, budget) in [(1, 1), (3, 2), (7, 100), (64, 5), (4096, 32_768), (1000, 1)] {
            let (order, _) = sorted_by_steps(&values, run, budget);
            let by_value: Vec<u32> = order.iter().map(|&i| values[i as usize]).collect();
            let expected_values: Vec<u32> = expected.iter().map(|&i| values[i as usize]).collect();
            assert_eq!(by_value, expected_values, "run {run}, budget {budget}");
        }
    }

    #[test]
    fn a_step_is_bounded() {
        let values: Vec<u32> = (0..10_000u32).rev().collect();
        let (_, steps) = sorted_by_steps(&values, 100, 1000);
        // 100 runs, then 7 passes of 10,000 placements, 1,000 a step (a pass may end a step early).
        assert!(steps >= 100 + 70, "{steps} steps");
        assert!(steps <= 100 + 7 * 11 + 1, "{steps} steps");
    }

    #[test]
    fn nothing_and_one_are_sorted_at_once() {
        assert!(StepSort::new(0, 8).step(1, |a, b| a.cmp(&b)));
        assert!(StepSort::new(1, 8).step(1, |a, b| a.cmp(&b)));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn steps_of_any_size_sort_like_the_standard_sort(
            values in proptest::collection::vec(0u32..50, 0..300),
            run in 1usize..40,
            budget in 1usize..60,
        ) {
            let mut sort = StepSort::new(values.len(), run);
            let mut steps = 0;
            while !sort.step(budget, |a, b| values[a as usize].cmp(&values[b as usize])) {
                steps += 1;
                prop_assert!(steps < 100_000);
            }
            let got: Vec<u32> = sort.into_order().iter().map(|&i| values[i as usize]).collect();
            let mut expected = values.clone();
            expected.sort_unstable();
            prop_assert_eq!(got, expected);
        }
    }
}
