//! A fixed-capacity byte ring: the bytes queued at a receiver, for streams and datagrams alike.

/// Bytes waiting to be read, oldest first: the counts of a ring whose `B` bytes live apart
/// (each method takes them), so a socket keeps its counts with its other state and its bytes
/// elsewhere, and a read or write of a few bytes touches few cache lines.
///
/// `limit` is how many of the `B` bytes may be used right now: the receive buffer size set with
/// `SO_RCVBUF`/`SO_SNDBUF` can be smaller than the array.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ring<const B: usize> {
    head: usize,
    len: usize,
}

impl<const B: usize> Ring<B> {
    pub(crate) const fn new() -> Self {
        Ring { head: 0, len: 0 }
    }

    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Room left when at most `limit` bytes may be queued.
    pub(crate) fn room(&self, limit: usize) -> usize {
        limit.min(B).saturating_sub(self.len)
    }

    /// The array's two runs holding the `n` bytes that start `offset` bytes after the oldest
    /// (the second is empty unless they wrap), as index ranges.
    fn runs(&self, offset: usize, n: usize) -> (core::ops::Range<usize>, core::ops::Range<usize>) {
        let start = self.wrap(offset);
        let first = n.min(B - start.min(B));
        (start..start + first, 0..n - first)
    }

    /// Appends as much of `src` as fits under `limit` to `bytes`; returns how much that was.
    pub(crate) fn push(&mut self, bytes: &mut [u8; B], src: &[u8], limit: usize) -> usize {
        let n = src.len().min(self.room(limit));
        let (a, b) = self.runs(self.len, n);
        let (x, y) = src.split_at(a.len().min(src.len()));
        if let Some(d) = bytes.get_mut(a) {
            d.copy_from_slice(x);
        }
        if let (Some(d), Some(s)) = (bytes.get_mut(b.clone()), y.get(..b.len())) {
            d.copy_from_slice(s);
        }
        self.len += n;
        n
    }

    /// Puts `src` `offset` bytes after the oldest, moving the later bytes back: all of it or
    /// nothing (`false` when it does not fit under `limit`, or `offset` is past the end).
    pub(crate) fn insert(
        &mut self,
        bytes: &mut [u8; B],
        offset: usize,
        src: &[u8],
        limit: usize,
    ) -> bool {
        let n = src.len();
        if offset > self.len || n > self.room(limit) {
            return false;
        }
        if offset == self.len {
            return self.push(bytes, src, limit) == n;
        }
        for i in (offset..self.len).rev() {
            let b = bytes.get(self.wrap(i)).copied().unwrap_or_default();
            let to = self.wrap(i + n);
            if let Some(slot) = bytes.get_mut(to) {
                *slot = b;
            }
        }
        for (i, &b) in src.iter().enumerate() {
            let to = self.wrap(offset + i);
            if let Some(slot) = bytes.get_mut(to) {
                *slot = b;
            }
        }
        self.len += n;
        true
    }

    /// Copies the bytes starting `offset` bytes after the oldest into `dst`, without removing
    /// them; returns how many were copied.
    pub(crate) fn peek_at(&self, bytes: &[u8; B], offset: usize, dst: &mut [u8]) -> usize {
        let avail = self.len.saturating_sub(offset);
        let n = dst.len().min(avail);
        let (a, b) = self.runs(offset, n);
        let (x, y) = dst.split_at_mut(a.len().min(n));
        if let Some(s) = bytes.get(a) {
            x.copy_from_slice(s);
        }
        if let (Some(s), Some(d)) = (bytes.get(b.clone()), y.get_mut(..b.len())) {
            d.copy_from_slice(s);
        }
        n
    }

    /// Removes the `n` oldest bytes (all of them if there are fewer).
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.len);
        self.head = self.wrap(n);
        self.len -= n;
        if self.len == 0 {
            // Writes start again at the array's start, where the ring's first cache line is.
            self.head = 0;
        }
    }

    /// The array index of the byte `i` places after the oldest (0 for a zero-sized ring,
    /// which never holds anything).
    fn wrap(&self, i: usize) -> usize {
        self.head.wrapping_add(i).checked_rem(B).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn wraps_and_respects_the_limit() {
        let (mut r, mut b) = (Ring::<8>::new(), [0u8; 8]);
        assert_eq!(r.push(&mut b, b"abcdef", 8), 6);
        let mut out = [0u8; 4];
        assert_eq!(r.peek_at(&b, 0, &mut out), 4);
        assert_eq!(&out, b"abcd");
        r.consume(4);
        assert_eq!(r.push(&mut b, b"ghijklmn", 8), 6, "only 6 bytes of room");
        let mut all = [0u8; 16];
        assert_eq!(r.peek_at(&b, 0, &mut all), 8);
        assert_eq!(&all[..8], b"efghijkl");
        assert_eq!(r.peek_at(&b, 6, &mut all), 2);
        assert_eq!(&all[..2], b"kl");
        assert_eq!(r.room(4), 0);
        r.consume(100);
        assert!(r.is_empty());
        assert_eq!(r.push(&mut b, b"xyz", 2), 2);
    }

    #[test]
    fn insert_moves_the_rest_back() {
        let (mut r, mut b) = (Ring::<8>::new(), [0u8; 8]);
        r.push(&mut b, b"abcdef", 8);
        r.consume(4);
        r.push(&mut b, b"gh", 8); // wraps: "efgh"
        assert!(r.insert(&mut b, 1, b"XYZ", 8));
        let mut all = [0u8; 8];
        assert_eq!(r.peek_at(&b, 0, &mut all), 7);
        assert_eq!(&all[..7], b"eXYZfgh");
        assert!(!r.insert(&mut b, 0, b"12", 8), "no room");
        assert!(!r.insert(&mut b, 9, b"1", 9), "past the end");
    }
}
