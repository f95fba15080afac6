//! [`Heap`]: numbered items (`0..len`) kept in order of a key, each at most once, with the
//! smallest found at once and any item's key changed or removed in O(log n). The kernel keeps
//! its free socket slots in one (the lowest is reused first) and its timers in another (each
//! socket's next event), so neither opening a socket nor finding the next event scans the
//! table.

use crate::base::table::{NoMemory, Table};

/// Not in the heap.
const ABSENT: u32 = u32::MAX;

/// Items `0..len` with keys `K`, smallest `(key, item)` first (ties go to the lower item, so
/// the order never depends on anything but the keys and numbers).
pub(crate) struct Heap<K, const N: usize> {
    /// The items present, as a binary heap.
    order: Table<u32, N>,
    /// Where each item is in `order`, or `ABSENT`.
    pos: Table<u32, N>,
    keys: Table<K, N>,
    len: usize,
}

impl<K: Ord + Copy, const N: usize> Heap<K, N> {
    /// A heap for items `0..len`, none present.
    pub(crate) fn try_new(len: usize, zero: K) -> Result<Self, NoMemory> {
        Ok(Heap {
            order: Table::try_new(len, |_| ABSENT)?,
            pos: Table::try_new(len, |_| ABSENT)?,
            keys: Table::try_new(len, |_| zero)?,
            len: 0,
        })
    }

    /// A heap holding every item `0..len`, all with key `key`.
    pub(crate) fn try_full(len: usize, key: K) -> Result<Self, NoMemory> {
        // Items in increasing order, all keys equal: already a heap.
        let mut h = Heap {
            order: Table::try_new(len, |i| u32::try_from(i).unwrap_or(ABSENT))?,
            pos: Table::try_new(len, |i| u32::try_from(i).unwrap_or(ABSENT))?,
            keys: Table::try_new(len, |_| key)?,
            len: 0,
        };
        h.len = h.order.len();
        Ok(h)
    }

    /// The smallest item and its key.
    pub(crate) fn peek(&self) -> Option<(K, u32)> {
        if self.len == 0 {
            return None;
        }
        let i = *self.order.first()?;
        Some((*self.keys.get(i as usize)?, i))
    }

    /// The key of item `i`, if it is in.
    pub(crate) fn key(&self, i: u32) -> Option<K> {
        match self.pos.get(i as usize) {
            Some(&at) if at != ABSENT => self.keys.get(i as usize).copied(),
            _ => None,
        }
    }

    /// Takes out the smallest item.
    pub(crate) fn pop(&mut self) -> Option<(K, u32)> {
        let top = self.peek()?;
        self.remove(top.1);
        Some(top)
    }

    /// Puts item `i` in with `key`, or moves it to `key` if present.
    pub(crate) fn set(&mut self, i: u32, key: K) {
        let Some(k) = self.keys.get_mut(i as usize) else {
            return;
        };
        *k = key;
        let at = self.pos.get(i as usize).copied().unwrap_or(ABSENT);
        if at == ABSENT {
            let at = self.len;
            let (Some(o), Some(p)) = (self.order.get_mut(at), self.pos.get_mut(i as usize)) else {
                return;
            };
            *o = i;
            *p = at as u32;
            self.len += 1;
            self.up(at);
        } else {
            let at = at as usize;
            self.up(at);
            self.down(at);
        }
    }

    /// Takes item `i` out (nothing if absent).
    pub(crate) fn remove(&mut self, i: u32) {
        let at = self.pos.get(i as usize).copied().unwrap_or(ABSENT);
        if at == ABSENT {
            return;
        }
        let at = at as usize;
        let last = self.len - 1;
        self.swap(at, last);
        self.len = last;
        if let Some(p) = self.pos.get_mut(i as usize) {
            *p = ABSENT;
        }
        if at < last {
            self.up(at);
            self.down(at);
        }
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.order.heap_bytes() + self.pos.heap_bytes() + self.keys.heap_bytes()
    }

    fn less(&self, a: usize, b: usize) -> bool {
        let (Some(&x), Some(&y)) = (self.order.get(a), self.order.get(b)) else {
            return false;
        };
        let kx = self.keys.get(x as usize);
        let ky = self.keys.get(y as usize);
        (kx, x) < (ky, y)
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.order.swap(a, b);
        for at in [a, b] {
            if let Some(&i) = self.order.get(at) {
                if let Some(p) = self.pos.get_mut(i as usize) {
                    *p = at as u32;
                }
            }
        }
    }

    fn up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if !self.less(at, parent) {
                return;
            }
            self.swap(at, parent);
            at = parent;
        }
    }

    fn down(&mut self, mut at: usize) {
        loop {
            let (l, r) = (2 * at + 1, 2 * at + 2);
            let mut least = at;
            if l < self.len && self.less(l, least) {
                least = l;
            }
            if r < self.len && self.less(r, least) {
                least = r;
            }
            if least == at {
                return;
            }
            self.swap(at, least);
            at = least;
        }
    }
}

impl<K, const N: usize> core::fmt::Debug for Heap<K, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Heap({} of {})", self.len, self.order.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_first_and_keys_move() {
        let mut h = Heap::<u64, 8>::try_new(8, 0).unwrap();
        for (i, k) in [(3, 30), (1, 10), (5, 50), (2, 10), (7, 5)] {
            h.set(i, k);
        }
        assert_eq!(h.peek(), Some((5, 7)));
        h.set(7, 40);
        assert_eq!(h.pop(), Some((10, 1)), "ties go to the lower item");
        assert_eq!(h.pop(), Some((10, 2)));
        h.remove(3);
        assert_eq!(h.pop(), Some((40, 7)));
        assert_eq!(h.pop(), Some((50, 5)));
        assert!(h.pop().is_none());
    }

    #[test]
    fn a_full_heap_gives_the_lowest_item() {
        let mut h = Heap::<(), 4>::try_full(4, ()).unwrap();
        assert_eq!(h.pop(), Some(((), 0)));
        assert_eq!(h.pop(), Some(((), 1)));
        h.set(0, ());
        assert_eq!(h.pop(), Some(((), 0)));
        assert_eq!(h.pop(), Some(((), 2)));
    }
}
