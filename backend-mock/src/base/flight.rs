//! Stream bytes on their way: queued at the receiver but not readable before their arrival
//! time (latency), or held while a partition lasts.

use core::time::Duration;

/// Chunks tracked at once; a write beyond that joins the last chunk (and arrives with it).
const CHUNKS: usize = 4;

/// The arrival time of bytes held by a partition: never, until it heals.
pub(crate) const HELD: Duration = Duration::MAX;

/// The newest bytes of a stream's receive queue that have not arrived yet, as chunks in
/// queue order with arrival times that never decrease (a stream is delivered in order).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Flights {
    chunks: [(usize, Duration); CHUNKS],
    len: usize,
}

impl Flights {
    pub(crate) const fn new() -> Self {
        Flights {
            chunks: [(0, Duration::ZERO); CHUNKS],
            len: 0,
        }
    }

    fn live(&self) -> &[(usize, Duration)] {
        self.chunks.get(..self.len).unwrap_or_default()
    }

    /// Forgets the chunks that have arrived by `now`.
    fn settle(&mut self, now: Duration) {
        let arrived = self.live().iter().take_while(|c| c.1 <= now).count();
        self.chunks.rotate_left(arrived.min(CHUNKS));
        self.len -= arrived;
    }

    /// Bytes at the end of the queue that have not arrived by `now`.
    pub(crate) fn pending(&self, now: Duration) -> usize {
        if self.len == 0 {
            return 0;
        }
        self.live().iter().filter(|c| c.1 > now).map(|c| c.0).sum()
    }

    /// Notes `bytes` just queued, arriving at `at` (or with the chunk before, if later).
    pub(crate) fn add(&mut self, now: Duration, bytes: usize, at: Duration) {
        if at <= now && self.len == 0 {
            return; // here already, and nothing before it still on its way
        }
        self.settle(now);
        if at <= now && self.len == 0 {
            return;
        }
        let last = self.live().last().copied();
        let at = last.map_or(at, |l| at.max(l.1));
        let merge = last.is_some_and(|l| l.1 == at) || self.len >= CHUNKS;
        if merge {
            if let Some(l) = self.len.checked_sub(1).and_then(|i| self.chunks.get_mut(i)) {
                l.0 += bytes;
                l.1 = at;
            }
        } else if let Some(slot) = self.chunks.get_mut(self.len) {
            *slot = (bytes, at);
            self.len += 1;
        }
    }

    /// The next time a chunk arrives after `now` (held chunks have none).
    pub(crate) fn next_arrival(&self, now: Duration) -> Option<Duration> {
        self.live()
            .iter()
            .map(|c| c.1)
            .find(|&at| at > now && at != HELD)
    }

    /// A partition healed: held chunks arrive now (after the chunks before them).
    pub(crate) fn release(&mut self, now: Duration) {
        let mut floor = now;
        for c in self.chunks.iter_mut().take(self.len) {
            if c.1 == HELD {
                c.1 = floor;
            }
            floor = floor.max(c.1);
        }
    }

    /// Whether any bytes are held by a partition.
    pub(crate) fn is_held(&self) -> bool {
        self.live().iter().any(|c| c.1 == HELD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn arrivals_stay_in_order() {
        let mut f = Flights::new();
        f.add(Duration::ZERO, 10, 20 * MS);
        f.add(Duration::ZERO, 5, 10 * MS); // cannot overtake: arrives at 20 ms too
        assert_eq!(f.pending(Duration::ZERO), 15);
        assert_eq!(f.next_arrival(Duration::ZERO), Some(20 * MS));
        assert_eq!(f.pending(20 * MS), 0);
        f.add(20 * MS, 3, 20 * MS);
        assert_eq!(f.pending(20 * MS), 0);
    }

    #[test]
    fn full_merges_and_held_waits_for_release() {
        let mut f = Flights::new();
        for i in 1..=6u32 {
            f.add(Duration::ZERO, 1, i * MS);
        }
        assert_eq!(f.pending(Duration::ZERO), 6);
        assert_eq!(f.pending(4 * MS), 3, "the last chunk took the later writes");
        f.add(Duration::ZERO, 2, HELD);
        assert!(f.is_held());
        assert_eq!(f.next_arrival(6 * MS), None);
        f.release(7 * MS);
        assert_eq!(f.pending(7 * MS), 0);
        assert!(!f.is_held());
    }
}
