//! Where the network's tables live: inline arrays of a capacity fixed when the type is named
//! (`no_std` without `alloc`), or the heap, allocated once when the network is made (feature
//! `alloc`), so a network can be sized at run time. Either way the code above sees slices, and
//! nothing grows while the network runs, except the few lists documented as growing.
//!
//! - [`Table`]: a fixed number of items, all made at once (sockets, hosts, links).
//! - [`Seq`]: a list that items join and leave (a selector's registrations), bounded by `N`
//!   without `alloc`, growing with it.
//! - [`Row`]: values by a small key (`0..N`), dense without `alloc`, sparse and sorted with it
//!   (what one host keeps about each other host it deals with).

use core::ops::{Deref, DerefMut};

#[cfg(feature = "alloc")]
use alloc::{boxed::Box, vec::Vec};

/// Memory could not be had for a table (feature `alloc`); without it, tables are inline and
/// this cannot happen (the type has no value).
#[cfg(feature = "alloc")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NoMemory;

/// Memory could not be had for a table (feature `alloc`); without it, tables are inline and
/// this cannot happen (the type has no value).
#[cfg(not(feature = "alloc"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoMemory {}

impl NoMemory {
    /// What a constructor that cannot fail does when the heap is exhausted: what every
    /// allocation of the standard library does (`handle_alloc_error`), never a panic.
    pub(crate) fn abort<X>(self) -> X {
        #[cfg(feature = "alloc")]
        {
            alloc::alloc::handle_alloc_error(core::alloc::Layout::new::<u8>())
        }
        #[cfg(not(feature = "alloc"))]
        match self {}
    }
}

/// `len` items in one block: `[X; N]` inline without `alloc` (then `len` is `N`), a boxed
/// slice of `len` with it.
pub(crate) struct Table<X, const N: usize> {
    #[cfg(feature = "alloc")]
    items: Box<[X]>,
    #[cfg(not(feature = "alloc"))]
    items: [X; N],
}

impl<X, const N: usize> Table<X, N> {
    /// `len` items, item `i` made by `f(i)` (without `alloc`, `N` of them whatever `len` says).
    pub(crate) fn try_new(len: usize, mut f: impl FnMut(usize) -> X) -> Result<Self, NoMemory> {
        Self::try_from_fn(len, |i| Ok(f(i)))
    }

    /// As [`Table::try_new`], with items that need memory of their own.
    pub(crate) fn try_from_fn(
        len: usize,
        mut f: impl FnMut(usize) -> Result<X, NoMemory>,
    ) -> Result<Self, NoMemory> {
        #[cfg(feature = "alloc")]
        {
            let mut v = Vec::new();
            v.try_reserve_exact(len).map_err(|_| NoMemory)?;
            for i in 0..len {
                v.push(f(i)?);
            }
            Ok(Table {
                items: v.into_boxed_slice(),
            })
        }
        #[cfg(not(feature = "alloc"))]
        {
            let _ = len;
            Ok(Table {
                items: core::array::from_fn(|i| match f(i) {
                    Ok(x) => x,
                    Err(e) => e.abort(),
                }),
            })
        }
    }

    /// Bytes the table holds outside its owner (its heap block; nothing when inline).
    pub(crate) fn heap_bytes(&self) -> usize {
        if cfg!(feature = "alloc") {
            core::mem::size_of_val::<[X]>(&self.items)
        } else {
            0
        }
    }
}

impl<X, const N: usize> Deref for Table<X, N> {
    type Target = [X];
    fn deref(&self) -> &[X] {
        &self.items
    }
}

impl<X, const N: usize> DerefMut for Table<X, N> {
    fn deref_mut(&mut self) -> &mut [X] {
        &mut self.items
    }
}

impl<X, const N: usize> core::fmt::Debug for Table<X, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Table({} items)", self.items.len())
    }
}

/// A list of items in an order the caller keeps: at most `N` without `alloc`, growing with it.
pub(crate) struct Seq<X, const N: usize> {
    #[cfg(feature = "alloc")]
    items: Vec<X>,
    #[cfg(not(feature = "alloc"))]
    items: [Option<X>; N],
    #[cfg(not(feature = "alloc"))]
    len: usize,
}

impl<X, const N: usize> Seq<X, N> {
    /// An empty list with room for `room` items before it grows (without `alloc`: `N`, and
    /// it never grows). `NoMemory` when that room cannot be had.
    pub(crate) fn try_with_room(room: usize) -> Result<Self, NoMemory> {
        #[cfg(feature = "alloc")]
        {
            let mut items = Vec::new();
            items.try_reserve_exact(room).map_err(|_| NoMemory)?;
            Ok(Seq { items })
        }
        #[cfg(not(feature = "alloc"))]
        {
            let _ = room;
            Ok(Seq {
                items: core::array::from_fn(|_| None),
                len: 0,
            })
        }
    }

    pub(crate) fn len(&self) -> usize {
        #[cfg(feature = "alloc")]
        {
            self.items.len()
        }
        #[cfg(not(feature = "alloc"))]
        {
            self.len
        }
    }

    pub(crate) fn get(&self, i: usize) -> Option<&X> {
        #[cfg(feature = "alloc")]
        {
            self.items.get(i)
        }
        #[cfg(not(feature = "alloc"))]
        {
            self.items.get(i).filter(|_| i < self.len)?.as_ref()
        }
    }

    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut X> {
        #[cfg(feature = "alloc")]
        {
            self.items.get_mut(i)
        }
        #[cfg(not(feature = "alloc"))]
        {
            if i >= self.len {
                return None;
            }
            self.items.get_mut(i)?.as_mut()
        }
    }

    /// Puts `x` at position `i` (at most the length), moving the later items back; gives
    /// `x` back when the list is full (without `alloc`) or `i` is past the end.
    pub(crate) fn insert(&mut self, i: usize, x: X) -> Result<(), X> {
        if i > self.len() {
            return Err(x);
        }
        #[cfg(feature = "alloc")]
        {
            if self.items.try_reserve(1).is_err() {
                return Err(x);
            }
            self.items.insert(i, x);
            Ok(())
        }
        #[cfg(not(feature = "alloc"))]
        {
            if self.len >= N {
                return Err(x);
            }
            let Some(tail) = self.items.get_mut(i..=self.len) else {
                return Err(x);
            };
            tail.rotate_right(1);
            if let Some(slot) = tail.first_mut() {
                *slot = Some(x);
            }
            self.len += 1;
            Ok(())
        }
    }

    /// Takes out the item at position `i`, moving the later ones forward.
    pub(crate) fn remove(&mut self, i: usize) -> Option<X> {
        if i >= self.len() {
            return None;
        }
        #[cfg(feature = "alloc")]
        {
            Some(self.items.remove(i))
        }
        #[cfg(not(feature = "alloc"))]
        {
            let tail = self.items.get_mut(i..self.len)?;
            let x = tail.first_mut()?.take();
            tail.rotate_left(1);
            self.len -= 1;
            x
        }
    }

    /// The items, in order.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &X> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The items, in order, to change them.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut X> + '_ {
        #[cfg(feature = "alloc")]
        {
            self.items.iter_mut()
        }
        #[cfg(not(feature = "alloc"))]
        {
            self.items.iter_mut().take(self.len).flatten()
        }
    }

    /// The first position whose item is not before the one sought (`before(item)` says
    /// whether an item comes before it), in a list kept in that order.
    pub(crate) fn partition_point(&self, before: impl Fn(&X) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).is_some_and(&before) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Bytes the list holds outside its owner.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn heap_bytes(&self) -> usize {
        #[cfg(feature = "alloc")]
        {
            self.items.capacity() * core::mem::size_of::<X>()
        }
        #[cfg(not(feature = "alloc"))]
        {
            0
        }
    }
}

impl<X, const N: usize> core::fmt::Debug for Seq<X, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Seq({} items)", self.len())
    }
}

/// Values by key `0..N`: a dense array without `alloc`; with it, only the keys that have a
/// value, sorted, found by binary search (so a host that deals with a few others out of
/// thousands keeps a few entries).
#[derive(Debug)]
pub(crate) struct Row<X, const N: usize> {
    #[cfg(feature = "alloc")]
    entries: Seq<(u32, X), N>,
    #[cfg(not(feature = "alloc"))]
    entries: [Option<X>; N],
}

impl<X, const N: usize> Row<X, N> {
    /// An empty row with room for `room` keys before it grows (with `alloc`).
    pub(crate) fn try_with_room(room: usize) -> Result<Self, NoMemory> {
        #[cfg(feature = "alloc")]
        {
            Ok(Row {
                entries: Seq::try_with_room(room)?,
            })
        }
        #[cfg(not(feature = "alloc"))]
        {
            let _ = room;
            Ok(Row {
                entries: core::array::from_fn(|_| None),
            })
        }
    }

    pub(crate) fn get(&self, key: usize) -> Option<&X> {
        #[cfg(feature = "alloc")]
        {
            let key = u32::try_from(key).ok()?;
            let at = self.entries.partition_point(|e| e.0 < key);
            self.entries.get(at).filter(|e| e.0 == key).map(|e| &e.1)
        }
        #[cfg(not(feature = "alloc"))]
        {
            self.entries.get(key)?.as_ref()
        }
    }

    /// The value of `key`, made by `new` if it has none; `None` when the key is out of range
    /// (or, with `alloc`, memory is exhausted).
    pub(crate) fn get_or_insert(&mut self, key: usize, new: impl FnOnce() -> X) -> Option<&mut X> {
        #[cfg(feature = "alloc")]
        {
            let key = u32::try_from(key).ok()?;
            let at = self.entries.partition_point(|e| e.0 < key);
            if !matches!(self.entries.get(at), Some(e) if e.0 == key) {
                self.entries.insert(at, (key, new())).ok()?;
            }
            self.entries.get_mut(at).map(|e| &mut e.1)
        }
        #[cfg(not(feature = "alloc"))]
        {
            let slot = self.entries.get_mut(key)?;
            Some(slot.get_or_insert_with(new))
        }
    }

    /// Every value, to change them.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut X> + '_ {
        #[cfg(feature = "alloc")]
        {
            self.entries.iter_mut().map(|e| &mut e.1)
        }
        #[cfg(not(feature = "alloc"))]
        {
            self.entries.iter_mut().flatten()
        }
    }

    /// Bytes the row holds outside its owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        #[cfg(feature = "alloc")]
        {
            self.entries.heap_bytes()
        }
        #[cfg(not(feature = "alloc"))]
        {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_keeps_order_and_bounds() {
        let mut s = Seq::<u32, 3>::try_with_room(3).unwrap();
        assert_eq!(s.insert(0, 2), Ok(()));
        assert_eq!(s.insert(0, 1), Ok(()));
        assert_eq!(s.insert(2, 3), Ok(()));
        assert_eq!(s.insert(9, 4), Err(4), "past the end");
        assert_eq!(s.iter().copied().collect::<heapless_like::V>(), [1, 2, 3]);
        assert_eq!(s.partition_point(|&x| x < 3), 2);
        assert_eq!(s.remove(1), Some(2));
        assert_eq!(s.iter().copied().collect::<heapless_like::V>(), [1, 3]);
        assert_eq!(s.remove(5), None);
    }

    #[test]
    fn row_finds_by_key() {
        let mut r = Row::<u32, 8>::try_with_room(2).unwrap();
        assert!(r.get(3).is_none());
        *r.get_or_insert(3, || 0).unwrap() += 5;
        *r.get_or_insert(1, || 0).unwrap() += 1;
        *r.get_or_insert(3, || 0).unwrap() += 5;
        assert_eq!(r.get(3), Some(&10));
        assert_eq!(r.get(1), Some(&1));
        assert_eq!(r.values_mut().count(), 2);
    }

    #[test]
    fn table_has_its_items() {
        let t = Table::<usize, 4>::try_new(4, |i| i * 2).unwrap();
        assert_eq!(&t[..], &[0, 2, 4, 6]);
    }

    /// A collection without the heap, for comparing in tests of a `no_std` crate.
    mod heapless_like {
        #[derive(Debug, Default)]
        pub struct V([u32; 8], usize);
        impl FromIterator<u32> for V {
            fn from_iter<I: IntoIterator<Item = u32>>(it: I) -> Self {
                let mut v = V::default();
                for x in it {
                    v.0[v.1] = x;
                    v.1 += 1;
                }
                v
            }
        }
        impl<const M: usize> PartialEq<[u32; M]> for V {
            fn eq(&self, other: &[u32; M]) -> bool {
                &self.0[..self.1] == other
            }
        }
    }
}
