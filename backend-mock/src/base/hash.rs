//! [`Buckets`]: an index from keys to numbered items, as lists ([`crate::base::list`]) chosen
//! by a hash of the key. The hash is a fixed function (no random seed), and an index is only
//! ever searched, never walked in bucket order, so nothing the network does depends on it
//! beyond the time a lookup takes.

use crate::base::list::{Link, List};
use crate::base::table::{NoMemory, Table};

/// Mixes a 64-bit key (splitmix64's finaliser): nearby keys land far apart.
pub(crate) fn mix(x: u64) -> u64 {
    let x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Hashes `bytes` after `seed` (FNV-1a, then mixed).
pub(crate) fn bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325 ^ seed;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// One list per bucket; an item is in the list of its key's bucket.
pub(crate) struct Buckets<const N: usize> {
    lists: Table<List, N>,
}

impl<const N: usize> Buckets<N> {
    /// `len` buckets (without `alloc`, `N`).
    pub(crate) fn try_new(len: usize) -> Result<Self, NoMemory> {
        Ok(Buckets {
            lists: Table::try_new(len, |_| List::EMPTY)?,
        })
    }

    /// The bucket of a key hashing to `hash` (the high half of `hash * buckets`, which spreads
    /// a mixed hash evenly with no division).
    fn index(&self, hash: u64) -> usize {
        ((u128::from(hash) * self.lists.len() as u128) >> 64) as usize
    }

    /// The items whose key hashes to `hash` (and others that share the bucket).
    pub(crate) fn list(&self, hash: u64) -> List {
        self.lists
            .get(self.index(hash))
            .copied()
            .unwrap_or(List::EMPTY)
    }

    /// Adds item `i`, whose key hashes to `hash`.
    pub(crate) fn insert(&mut self, links: &mut [Link], hash: u64, i: u32) {
        let at = self.index(hash);
        if let Some(list) = self.lists.get_mut(at) {
            list.push_back(links, i);
        }
    }

    /// Takes item `i`, whose key hashes to `hash`, out.
    pub(crate) fn remove(&mut self, links: &mut [Link], hash: u64, i: u32) {
        let at = self.index(hash);
        if let Some(list) = self.lists.get_mut(at) {
            list.remove(links, i);
        }
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lists.heap_bytes()
    }
}

impl<const N: usize> core::fmt::Debug for Buckets<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Buckets({})", self.lists.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_found_in_their_bucket() {
        let mut links = [Link::OFF; 8];
        let mut b = Buckets::<4>::try_new(4).unwrap();
        for i in 0..8u32 {
            b.insert(&mut links, mix(u64::from(i % 3)), i);
        }
        let twos = b.list(mix(2)).iter(&links).filter(|i| i % 3 == 2).count();
        assert_eq!(twos, 2);
        b.remove(&mut links, mix(2), 5);
        assert_eq!(
            b.list(mix(2)).iter(&links).filter(|i| i % 3 == 2).count(),
            1
        );
        assert_ne!(bytes(0, b"a"), bytes(0, b"b"));
        assert_ne!(bytes(0, b"a"), bytes(1, b"a"));
    }
}
