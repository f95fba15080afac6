//! Shrinking a diverging sequence to the shortest one that still diverges the same way.

use crate::call::Call;

/// The most runs one shrink may cost: each runs the sequence on both stacks.
pub const MAX_TRIES: usize = 400;

/// Removes calls from `calls` while `still` holds of what is left: halves first, then
/// quarters, down to single calls (delta debugging, removing complements only), at most
/// `MAX_TRIES` (400) tries.
pub fn shrink(mut calls: Vec<Call>, mut still: impl FnMut(&[Call]) -> bool) -> Vec<Call> {
    let mut tries = 0;
    let mut chunk = calls.len().div_ceil(2).max(1);
    loop {
        let mut start = 0;
        let mut removed_any = false;
        while start < calls.len() && tries < MAX_TRIES {
            let end = (start + chunk).min(calls.len());
            let candidate: Vec<Call> = calls[..start]
                .iter()
                .chain(&calls[end..])
                .copied()
                .collect();
            tries += 1;
            if !candidate.is_empty() && still(&candidate) {
                calls = candidate;
                removed_any = true;
            } else {
                start += chunk;
            }
        }
        if tries >= MAX_TRIES || (chunk == 1 && !removed_any) {
            return calls;
        }
        if chunk > 1 {
            chunk = chunk.div_ceil(2);
        }
    }
}
