//! A fixed-capacity byte ring: the bytes queued at a receiver, for streams and datagrams alike.

/// Bytes waiting to be read, oldest first, in an inline array of `B` bytes.
///
/// `limit` is how many of the `B` bytes may be used right now: the receive buffer size set with
/// `SO_RCVBUF`/`SO_SNDBUF` can be smaller than the array.
#[derive(Debug)]
pub(crate) struct Ring<const B: usize> {
    bytes: [u8; B],
    head: usize,
    len: usize,
}

impl<const B: usize> Ring<B> {
    pub(crate) const fn new() -> Self {
        Ring {
            bytes: [0; B],
            head: 0,
            len: 0,
        }
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

    /// Appends as much of `src` as fits under `limit`; returns how much that was.
    pub(crate) fn push(&mut self, src: &[u8], limit: usize) -> usize {
        let n = src.len().min(self.room(limit));
        let start = self.wrap(self.len);
        // At most two runs: up to the end of the array, then from its start.
        let first = n.min(B - start);
        let (a, b) = src.split_at(first.min(src.len()));
        if let Some(dst) = self.bytes.get_mut(start..start + a.len()) {
            dst.copy_from_slice(a);
        }
        if let Some(dst) = self.bytes.get_mut(..n - a.len()) {
            dst.copy_from_slice(b.get(..n - a.len()).unwrap_or_default());
        }
        self.len += n;
        n
    }

    /// Puts `src` `offset` bytes after the oldest, moving the later bytes back: all of it or
    /// nothing (`false` when it does not fit under `limit`, or `offset` is past the end).
    pub(crate) fn insert(&mut self, offset: usize, src: &[u8], limit: usize) -> bool {
        let n = src.len();
        if offset > self.len || n > self.room(limit) {
            return false;
        }
        for i in (offset..self.len).rev() {
            let b = self.bytes.get(self.wrap(i)).copied().unwrap_or_default();
            let to = self.wrap(i + n);
            if let Some(slot) = self.bytes.get_mut(to) {
                *slot = b;
            }
        }
        for (i, &b) in src.iter().enumerate() {
            let to = self.wrap(offset + i);
            if let Some(slot) = self.bytes.get_mut(to) {
                *slot = b;
            }
        }
        self.len += n;
        true
    }

    /// Copies bytes starting `offset` bytes after the oldest into `dst`, without removing
    /// them; returns how many were copied.
    pub(crate) fn peek_at(&self, offset: usize, dst: &mut [u8]) -> usize {
        let avail = self.len.saturating_sub(offset);
        let n = dst.len().min(avail);
        if n == 0 {
            return 0;
        }
        let start = self.wrap(offset);
        // At most two runs: up to the end of the array, then from its start.
        let first = n.min(B - start);
        let (a, b) = dst.split_at_mut(first);
        if let Some(src) = self.bytes.get(start..start + first) {
            a.copy_from_slice(src);
        }
        if let (Some(b), Some(src)) = (b.get_mut(..n - first), self.bytes.get(..n - first)) {
            b.copy_from_slice(src);
        }
        n
    }

    /// Removes the `n` oldest bytes (all of them if there are fewer).
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.len);
        self.head = self.wrap(n);
        self.len -= n;
        if self.len == 0 {
            // Keeps later writes contiguous; nothing depends on it but it is free.
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
        let mut r = Ring::<8>::new();
        assert_eq!(r.push(b"abcdef", 8), 6);
        let mut out = [0u8; 4];
        assert_eq!(r.peek_at(0, &mut out), 4);
        assert_eq!(&out, b"abcd");
        r.consume(4);
        assert_eq!(r.push(b"ghijklmn", 8), 6, "only 6 bytes of room");
        let mut all = [0u8; 16];
        assert_eq!(r.peek_at(0, &mut all), 8);
        assert_eq!(&all[..8], b"efghijkl");
        assert_eq!(r.peek_at(6, &mut all), 2);
        assert_eq!(&all[..2], b"kl");
        assert_eq!(r.room(4), 0);
        r.consume(100);
        assert!(r.is_empty());
        assert_eq!(r.push(b"xyz", 2), 2);
    }

    #[test]
    fn insert_moves_the_rest_back() {
        let mut r = Ring::<8>::new();
        r.push(b"abcdef", 8);
        r.consume(4);
        r.push(b"gh", 8); // wraps: "efgh"
        assert!(r.insert(1, b"XYZ", 8));
        let mut all = [0u8; 8];
        assert_eq!(r.peek_at(0, &mut all), 7);
        assert_eq!(&all[..7], b"eXYZfgh");
        assert!(!r.insert(0, b"12", 8), "no room");
        assert!(!r.insert(9, b"1", 9), "past the end");
    }
}
