//! A fixed-capacity byte ring: the bytes queued at a receiver, for streams and datagrams alike.

/// How many of a ring's bytes live with its counts (the socket keeps them on the cache line
/// after its receive counts, see [`Front`]): a message of that size or less, written to an
/// empty ring and read back, touches nothing else.
pub(crate) const FRONT: usize = 64;

/// A ring's first [`FRONT`] bytes, kept apart from the others on a cache line of their own.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
pub(crate) struct Front(pub(crate) [u8; FRONT]);

impl Front {
    pub(crate) const fn new() -> Self {
        Front([0; FRONT])
    }
}

/// Where a ring's `B` bytes are: positions below [`FRONT`] in `front`, the others at the same
/// position in `rest` (whose first [`FRONT`] bytes go unused).
#[derive(Debug)]
pub(crate) struct Bytes<'a, const B: usize> {
    pub(crate) front: &'a mut [u8; FRONT],
    pub(crate) rest: &'a mut [u8; B],
}

/// [`Bytes`], to read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BytesRef<'a, const B: usize> {
    pub(crate) front: &'a [u8; FRONT],
    pub(crate) rest: &'a [u8; B],
}

impl<'a, const B: usize> Bytes<'a, B> {
    /// The same bytes, to read.
    pub(crate) fn as_ref(&self) -> BytesRef<'_, B> {
        BytesRef {
            front: self.front,
            rest: self.rest,
        }
    }

    /// Writes `src` at positions `at..` (one run: no wrap).
    fn write(&mut self, at: usize, src: &[u8]) {
        let split = FRONT.saturating_sub(at).min(src.len());
        let (x, y) = src.split_at(split);
        if !x.is_empty() {
            if let Some(d) = self.front.get_mut(at..at + split) {
                d.copy_from_slice(x);
            }
        }
        if !y.is_empty() {
            if let Some(d) = self.rest.get_mut(at + split..at + src.len()) {
                d.copy_from_slice(y);
            }
        }
    }

    fn set(&mut self, at: usize, b: u8) {
        let slot = match at < FRONT {
            true => self.front.get_mut(at),
            false => self.rest.get_mut(at),
        };
        if let Some(slot) = slot {
            *slot = b;
        }
    }
}

impl<const B: usize> BytesRef<'_, B> {
    /// Copies positions `at..at + dst.len()` (one run: no wrap) into `dst`.
    fn read(&self, at: usize, dst: &mut [u8]) {
        let n = dst.len();
        let split = FRONT.saturating_sub(at).min(n);
        let (x, y) = dst.split_at_mut(split);
        if !x.is_empty() {
            if let Some(s) = self.front.get(at..at + split) {
                x.copy_from_slice(s);
            }
        }
        if !y.is_empty() {
            if let Some(s) = self.rest.get(at + split..at + n) {
                y.copy_from_slice(s);
            }
        }
    }

    fn get(&self, at: usize) -> u8 {
        let b = match at < FRONT {
            true => self.front.get(at),
            false => self.rest.get(at),
        };
        b.copied().unwrap_or_default()
    }
}

/// Bytes waiting to be read, oldest first: the counts of a ring whose `B` bytes live apart
/// ([`Bytes`]; each method that needs them takes them), so a socket keeps its counts, and
/// its first bytes, with its other state, and a read or write of a few bytes touches few
/// cache lines.
///
/// `limit` is how many of the `B` bytes may be used right now: the receive buffer size set with
/// `SO_RCVBUF`/`SO_SNDBUF` can be smaller than the array.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ring<const B: usize> {
    // Kept as `u32`s (a ring is at most `B` bytes, and `new` refuses a `B` that does not
    // fit), so the counts take 8 bytes of their socket's first cache line.
    head: u32,
    len: u32,
}

impl<const B: usize> Ring<B> {
    /// A ring's size must fit the `u32` counts.
    const FITS: () = assert!(
        B <= u32::MAX as usize,
        "a ring holds at most u32::MAX bytes"
    );

    pub(crate) const fn new() -> Self {
        let () = Self::FITS;
        Ring { head: 0, len: 0 }
    }

    pub(crate) const fn len(&self) -> usize {
        self.len as usize
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.len == 0
    }

    const fn head(&self) -> usize {
        self.head as usize
    }

    /// Sets the counts: both at most `B`, which fits a `u32` (see [`Ring::FITS`]).
    fn set(&mut self, head: usize, len: usize) {
        self.head = head as u32;
        self.len = len as u32;
    }

    /// Room left when at most `limit` bytes may be queued.
    pub(crate) fn room(&self, limit: usize) -> usize {
        limit.min(B).saturating_sub(self.len())
    }

    /// The array's two runs holding the `n` bytes that start `offset` bytes after the oldest
    /// (the second is empty unless they wrap), as (start, length) pairs.
    fn runs(&self, offset: usize, n: usize) -> ((usize, usize), (usize, usize)) {
        let start = self.wrap(offset);
        let first = n.min(B - start.min(B));
        ((start, first), (0, n - first))
    }

    /// Appends as much of `src` as fits under `limit` to `bytes`; returns how much that was.
    #[inline]
    pub(crate) fn push(&mut self, bytes: Bytes<'_, B>, src: &[u8], limit: usize) -> usize {
        let n = src.len().min(self.room(limit));
        let start = self.head() + self.len();
        if start + n <= FRONT.min(B) {
            // All in the front, before the ring wraps: one copy.
            if let (Some(d), Some(x)) = (bytes.front.get_mut(start..start + n), src.get(..n)) {
                d.copy_from_slice(x);
                self.set(self.head(), self.len() + n);
                return n;
            }
        }
        self.push_runs(bytes, src, n)
    }

    /// [`Ring::push`] of `n` bytes beyond the front, or wrapping.
    #[inline(never)]
    fn push_runs(&mut self, mut bytes: Bytes<'_, B>, src: &[u8], n: usize) -> usize {
        let ((a, an), (b, bn)) = self.runs(self.len(), n);
        let (x, y) = src.split_at(an.min(src.len()));
        bytes.write(a, x);
        if let Some(y) = y.get(..bn).filter(|y| !y.is_empty()) {
            bytes.write(b, y);
        }
        self.set(self.head(), self.len() + n);
        n
    }

    /// Puts `src` `offset` bytes after the oldest, moving the later bytes back: all of it or
    /// nothing (`false` when it does not fit under `limit`, or `offset` is past the end).
    pub(crate) fn insert(
        &mut self,
        mut bytes: Bytes<'_, B>,
        offset: usize,
        src: &[u8],
        limit: usize,
    ) -> bool {
        let n = src.len();
        if offset > self.len() || n > self.room(limit) {
            return false;
        }
        if offset == self.len() {
            return self.push(bytes, src, limit) == n;
        }
        for i in (offset..self.len()).rev() {
            let b = bytes.as_ref().get(self.wrap(i));
            bytes.set(self.wrap(i + n), b);
        }
        for (i, &b) in src.iter().enumerate() {
            bytes.set(self.wrap(offset + i), b);
        }
        self.set(self.head(), self.len() + n);
        true
    }

    /// Copies the bytes starting `offset` bytes after the oldest into `dst`, without removing
    /// them; returns how many were copied.
    #[inline]
    pub(crate) fn peek_at(&self, bytes: BytesRef<'_, B>, offset: usize, dst: &mut [u8]) -> usize {
        let avail = self.len().saturating_sub(offset);
        let n = dst.len().min(avail);
        let start = self.head().saturating_add(offset);
        if start.saturating_add(n) <= FRONT.min(B) {
            // All in the front, before the ring wraps: one copy.
            if let (Some(s), Some(d)) = (bytes.front.get(start..start + n), dst.get_mut(..n)) {
                d.copy_from_slice(s);
                return n;
            }
        }
        self.peek_runs(bytes, offset, dst, n)
    }

    /// [`Ring::peek_at`] of `n` bytes beyond the front, or wrapping.
    #[inline(never)]
    fn peek_runs(&self, bytes: BytesRef<'_, B>, offset: usize, dst: &mut [u8], n: usize) -> usize {
        let ((a, an), (b, bn)) = self.runs(offset, n);
        let (x, y) = dst.split_at_mut(an.min(n));
        bytes.read(a, x);
        if let Some(y) = y.get_mut(..bn).filter(|y| !y.is_empty()) {
            bytes.read(b, y);
        }
        n
    }

    /// Removes the `n` oldest bytes (all of them if there are fewer).
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.len());
        let len = self.len() - n;
        // Once empty, writes start again at the ring's start, which lives with its counts.
        let head = if len == 0 { 0 } else { self.wrap(n) };
        self.set(head, len);
    }

    /// The array index of the byte `i` places after the oldest (0 for a zero-sized ring,
    /// which never holds anything).
    fn wrap(&self, i: usize) -> usize {
        self.head().wrapping_add(i).checked_rem(B).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ring's bytes for a test: a front and a rest.
    struct Store<const B: usize>([u8; FRONT], [u8; B]);

    impl<const B: usize> Store<B> {
        fn new() -> Self {
            Store([0; FRONT], [0; B])
        }
        fn mutable(&mut self) -> Bytes<'_, B> {
            Bytes {
                front: &mut self.0,
                rest: &mut self.1,
            }
        }
        fn shared(&self) -> BytesRef<'_, B> {
            BytesRef {
                front: &self.0,
                rest: &self.1,
            }
        }
    }

    #[test]
    fn spans_the_front_and_the_rest() {
        let (mut r, mut b) = (Ring::<100>::new(), Store::<100>::new());
        let src: [u8; 90] = core::array::from_fn(|i| i as u8);
        assert_eq!(r.push(b.mutable(), &src[..50], 100), 50);
        assert_eq!(
            r.push(b.mutable(), &src[50..], 100),
            40,
            "crosses from front to rest"
        );
        let mut out = [0u8; 90];
        assert_eq!(r.peek_at(b.shared(), 0, &mut out), 90);
        assert_eq!(out, src);
        r.consume(80);
        assert_eq!(
            r.push(b.mutable(), &src[..30], 100),
            30,
            "wraps into the front"
        );
        let mut out = [0u8; 40];
        assert_eq!(r.peek_at(b.shared(), 0, &mut out), 40);
        assert_eq!(&out[..10], &src[80..90]);
        assert_eq!(&out[10..], &src[..30]);
        assert!(r.insert(b.mutable(), 5, b"xy", 100));
        let mut out = [0u8; 8];
        assert_eq!(r.peek_at(b.shared(), 3, &mut out), 8);
        assert_eq!(&out[..4], &[83, 84, b'x', b'y']);
    }

    #[test]
    fn wraps_and_respects_the_limit() {
        let (mut r, mut b) = (Ring::<8>::new(), Store::<8>::new());
        assert_eq!(r.push(b.mutable(), b"abcdef", 8), 6);
        let mut out = [0u8; 4];
        assert_eq!(r.peek_at(b.shared(), 0, &mut out), 4);
        assert_eq!(&out, b"abcd");
        r.consume(4);
        assert_eq!(
            r.push(b.mutable(), b"ghijklmn", 8),
            6,
            "only 6 bytes of room"
        );
        let mut all = [0u8; 16];
        assert_eq!(r.peek_at(b.shared(), 0, &mut all), 8);
        assert_eq!(&all[..8], b"efghijkl");
        assert_eq!(r.peek_at(b.shared(), 6, &mut all), 2);
        assert_eq!(&all[..2], b"kl");
        assert_eq!(r.room(4), 0);
        r.consume(100);
        assert!(r.is_empty());
        assert_eq!(r.push(b.mutable(), b"xyz", 2), 2);
    }

    #[test]
    fn insert_moves_the_rest_back() {
        let (mut r, mut b) = (Ring::<8>::new(), Store::<8>::new());
        r.push(b.mutable(), b"abcdef", 8);
        r.consume(4);
        r.push(b.mutable(), b"gh", 8); // wraps: "efgh"
        assert!(r.insert(b.mutable(), 1, b"XYZ", 8));
        let mut all = [0u8; 8];
        assert_eq!(r.peek_at(b.shared(), 0, &mut all), 7);
        assert_eq!(&all[..7], b"eXYZfgh");
        assert!(!r.insert(b.mutable(), 0, b"12", 8), "no room");
        assert!(!r.insert(b.mutable(), 9, b"1", 9), "past the end");
    }
}
