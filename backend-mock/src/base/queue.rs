//! The records of queued datagrams: each one's length and sender, oldest first. The bytes
//! themselves sit in the socket's [`crate::base::ring::Ring`], one after another.

use core::time::Duration;

use core::net::IpAddr;

use anysock_core::SocketAddr;

/// What a queued datagram carries besides its bytes, for ancillary data on receive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    /// Nothing.
    None,
    /// A UDP datagram's destination address (for packet info).
    To(IpAddr),
    /// Sockets passed with it: the id of its entry in the network's table of rights in
    /// flight.
    Rights(u32),
}

/// One queued datagram.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    pub(crate) len: usize,
    pub(crate) from: SocketAddr,
    /// When it becomes readable (its arrival on the virtual clock).
    pub(crate) at: Duration,
    pub(crate) tag: Tag,
}

/// The records a queue holds, kept apart from its counts (see [`Queue`]).
pub(crate) type Records<const Q: usize> = [Option<Record>; Q];

/// At most `Q` datagram records, in arrival order (ties in sending order): the counts of a
/// queue whose records live apart (each method that needs them takes them), so a socket
/// keeps its counts with its other state.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Queue<const Q: usize> {
    head: usize,
    len: usize,
    /// Records taken out so far: with the ones queued, how many ever arrived, which tells an
    /// edge-triggered selector that a new one came even when the count queued is unchanged.
    popped: u64,
}

impl<const Q: usize> Queue<Q> {
    pub(crate) const fn new() -> Self {
        Queue {
            head: 0,
            len: 0,
            popped: 0,
        }
    }

    /// How many records have been taken out of the queue, ever.
    pub(crate) const fn popped(&self) -> u64 {
        self.popped
    }

    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    pub(crate) const fn is_full(&self) -> bool {
        self.len >= Q
    }

    pub(crate) fn front(&self, records: &Records<Q>) -> Option<Record> {
        if self.len == 0 {
            return None;
        }
        records.get(self.head).copied().flatten()
    }

    /// Appends a record; `false` (nothing changed) when full.
    pub(crate) fn push(&mut self, records: &mut Records<Q>, record: Record) -> bool {
        if self.is_full() {
            return false;
        }
        let at = self.wrap(self.len);
        match records.get_mut(at) {
            Some(slot) => {
                *slot = Some(record);
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The records, oldest first.
    pub(crate) fn iter<'a>(&'a self, records: &'a Records<Q>) -> impl Iterator<Item = Record> + 'a {
        (0..self.len).filter_map(move |i| records.get(self.wrap(i)).copied().flatten())
    }

    /// Puts `record` at position `index` (0 = the front), moving the later ones back;
    /// `false` (nothing changed) when full or past the end.
    pub(crate) fn insert(
        &mut self,
        records: &mut Records<Q>,
        index: usize,
        record: Record,
    ) -> bool {
        if self.is_full() || index > self.len {
            return false;
        }
        let mut carry = Some(record);
        for i in index..=self.len {
            let at = self.wrap(i);
            if let Some(slot) = records.get_mut(at) {
                carry = core::mem::replace(slot, carry);
            }
        }
        self.len += 1;
        true
    }

    /// The record at position `index` (0 = the front), to tag it.
    pub(crate) fn get_mut<'a>(
        &self,
        records: &'a mut Records<Q>,
        index: usize,
    ) -> Option<&'a mut Record> {
        if index >= self.len {
            return None;
        }
        let at = self.wrap(index);
        records.get_mut(at)?.as_mut()
    }

    pub(crate) fn pop(&mut self, records: &mut Records<Q>) -> Option<Record> {
        let front = self.front(records)?;
        if let Some(slot) = records.get_mut(self.head) {
            *slot = None;
        }
        self.head = self.wrap(1);
        self.len -= 1;
        self.popped = self.popped.wrapping_add(1);
        Some(front)
    }

    fn wrap(&self, i: usize) -> usize {
        self.head.wrapping_add(i).checked_rem(Q).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anysock_core::Domain;

    fn rec(len: usize) -> Record {
        let from = SocketAddr::unspecified(Domain::Inet);
        Record {
            len,
            from,
            at: Duration::ZERO,
            tag: Tag::None,
        }
    }

    #[test]
    fn insert_in_the_middle() {
        let (mut q, mut r) = (Queue::<4>::new(), [None; 4]);
        assert!(q.push(&mut r, rec(1)));
        assert!(q.push(&mut r, rec(2)));
        q.pop(&mut r);
        assert!(q.push(&mut r, rec(3)));
        assert!(q.insert(&mut r, 1, rec(9)));
        assert!(q.insert(&mut r, 0, rec(0)));
        let lens: [usize; 4] = core::array::from_fn(|i| q.iter(&r).nth(i).map_or(99, |r| r.len));
        assert_eq!(lens, [0, 2, 9, 3]);
        assert!(!q.insert(&mut r, 0, rec(5)), "full");
        assert!(!Queue::<4>::new().insert(&mut r, 1, rec(5)), "past the end");
    }

    #[test]
    fn fifo_and_bounded() {
        let (mut q, mut r) = (Queue::<2>::new(), [None; 2]);
        assert!(q.push(&mut r, Record { len: 1, ..rec(0) }));
        assert!(q.push(&mut r, Record { len: 2, ..rec(0) }));
        assert!(!q.push(&mut r, Record { len: 3, ..rec(0) }));
        assert_eq!(q.pop(&mut r).map(|r| r.len), Some(1));
        assert!(q.push(&mut r, Record { len: 4, ..rec(0) }));
        assert_eq!(q.pop(&mut r).map(|r| r.len), Some(2));
        assert_eq!(q.pop(&mut r).map(|r| r.len), Some(4));
        assert!(q.pop(&mut r).is_none());
        let (mut z, mut none) = (Queue::<0>::new(), []);
        assert!(!z.push(&mut none, rec(1)));
        assert!(z.pop(&mut none).is_none());
    }
}
