//! Stream bytes on their way: queued at the receiver but not readable before their arrival
//! time (latency), or held while a partition lasts.

use core::time::Duration;

/// Chunks tracked at once; a write beyond that joins the last chunk (and arrives with it).
const CHUNKS: usize = 4;

/// The arrival time of bytes held by a partition: never, until it heals.
pub(crate) const HELD: Duration = Duration::MAX;

/// Where a stream's chunks on their way are kept, apart from their count (see [`Flights`]).
pub(crate) type Chunks = [(usize, Duration); CHUNKS];

/// No chunks.
pub(crate) const NO_CHUNKS: Chunks = [(0, Duration::ZERO); CHUNKS];

/// The newest bytes of a stream's receive queue that have not arrived yet, as chunks in
/// queue order with arrival times that never decrease (a stream is delivered in order): the
/// count of a list of chunks that lives apart (each method that needs them takes them), as
/// most sockets have nothing in flight and look no further than the count.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Flights {
    // At most `CHUNKS`; a `u32`, to take 4 bytes of its socket's first cache line.
    len: u32,
}

impl Flights {
    pub(crate) const fn new() -> Self {
        Flights { len: 0 }
    }

    fn len(self) -> usize {
        self.len as usize
    }

    /// Sets the count: at most `CHUNKS`.
    fn set_len(&mut self, len: usize) {
        self.len = len.min(CHUNKS) as u32;
    }

    fn live(self, chunks: &Chunks) -> &[(usize, Duration)] {
        chunks.get(..self.len()).unwrap_or_default()
    }

    /// Forgets the chunks that have arrived by `now` (they count as queued bytes like any
    /// other: nothing else changes).
    pub(crate) fn settle(&mut self, chunks: &mut Chunks, now: Duration) {
        let mut arrived = 0;
        while arrived < self.len() && chunks.get(arrived).is_some_and(|c| c.1 <= now) {
            arrived += 1;
        }
        if arrived > 0 && arrived < self.len() {
            chunks.rotate_left(arrived.min(CHUNKS));
        }
        self.set_len(self.len() - arrived);
    }

    /// Bytes at the end of the queue that have not arrived by `now`.
    pub(crate) fn pending(self, chunks: &Chunks, now: Duration) -> usize {
        if self.len == 0 {
            return 0;
        }
        self.live(chunks)
            .iter()
            .filter(|c| c.1 > now)
            .map(|c| c.0)
            .sum()
    }

    /// Whether no bytes are noted as on their way (some may have arrived since).
    pub(crate) fn is_empty(self) -> bool {
        self.len == 0
    }

    /// Notes `bytes` just queued, arriving at `at` (or with the chunk before, if later).
    pub(crate) fn add(&mut self, chunks: &mut Chunks, now: Duration, bytes: usize, at: Duration) {
        if !self.is_empty() {
            self.settle(chunks, now);
        }
        if self.len == 0 {
            // The first on its way, if it is.
            if let Some(first) = chunks.first_mut().filter(|_| at > now) {
                *first = (bytes, at);
                self.set_len(1);
            }
            return;
        }
        let last = self.live(chunks).last().copied();
        let at = last.map_or(at, |l| at.max(l.1));
        let merge = last.is_some_and(|l| l.1 == at) || self.len() >= CHUNKS;
        if merge {
            if let Some(l) = self.len().checked_sub(1).and_then(|i| chunks.get_mut(i)) {
                l.0 += bytes;
                l.1 = at;
            }
        } else if let Some(slot) = chunks.get_mut(self.len()) {
            *slot = (bytes, at);
            self.set_len(self.len() + 1);
        }
    }

    /// The next time a chunk arrives after `now` (held chunks have none).
    pub(crate) fn next_arrival(self, chunks: &Chunks, now: Duration) -> Option<Duration> {
        self.live(chunks)
            .iter()
            .map(|c| c.1)
            .find(|&at| at > now && at != HELD)
    }

    /// A partition healed: held chunks arrive now (after the chunks before them).
    pub(crate) fn release(self, chunks: &mut Chunks, now: Duration) {
        let mut floor = now;
        for c in chunks.iter_mut().take(self.len()) {
            if c.1 == HELD {
                c.1 = floor;
            }
            floor = floor.max(c.1);
        }
    }

    /// Whether any bytes are held by a partition.
    pub(crate) fn is_held(self, chunks: &Chunks) -> bool {
        self.live(chunks).iter().any(|c| c.1 == HELD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn arrivals_stay_in_order() {
        let (mut f, mut c) = (Flights::new(), NO_CHUNKS);
        f.add(&mut c, Duration::ZERO, 10, 20 * MS);
        f.add(&mut c, Duration::ZERO, 5, 10 * MS); // cannot overtake: arrives at 20 ms too
        assert_eq!(f.pending(&c, Duration::ZERO), 15);
        assert_eq!(f.next_arrival(&c, Duration::ZERO), Some(20 * MS));
        assert_eq!(f.pending(&c, 20 * MS), 0);
        f.add(&mut c, 20 * MS, 3, 20 * MS);
        assert_eq!(f.pending(&c, 20 * MS), 0);
    }

    #[test]
    fn full_merges_and_held_waits_for_release() {
        let (mut f, mut c) = (Flights::new(), NO_CHUNKS);
        for i in 1..=6u32 {
            f.add(&mut c, Duration::ZERO, 1, i * MS);
        }
        assert_eq!(f.pending(&c, Duration::ZERO), 6);
        assert_eq!(
            f.pending(&c, 4 * MS),
            3,
            "the last chunk took the later writes"
        );
        f.add(&mut c, Duration::ZERO, 2, HELD);
        assert!(f.is_held(&c));
        assert_eq!(f.next_arrival(&c, 6 * MS), None);
        f.release(&mut c, 7 * MS);
        assert_eq!(f.pending(&c, 7 * MS), 0);
        assert!(!f.is_held(&c));
    }
}
