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

/// At most `Q` datagram records, in arrival order (ties in sending order).
#[derive(Debug)]
pub(crate) struct Queue<const Q: usize> {
    records: [Option<Record>; Q],
    head: usize,
    len: usize,
    /// Records taken out so far: with the ones queued, how many ever arrived, which tells an
    /// edge-triggered selector that a new one came even when the count queued is unchanged.
    popped: u64,
}

impl<const Q: usize> Queue<Q> {
    pub(crate) const fn new() -> Self {
        Queue {
            records: [None; Q],
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

    pub(crate) fn front(&self) -> Option<Record> {
        if self.len == 0 {
            return None;
        }
        self.records.get(self.head).copied().flatten()
    }

    /// Appends a record; `false` (nothing changed) when full.
    pub(crate) fn push(&mut self, record: Record) -> bool {
        if self.is_full() {
            return false;
        }
        let at = self.wrap(self.len);
        match self.records.get_mut(at) {
            Some(slot) => {
                *slot = Some(record);
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The records, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Record> + '_ {
        (0..self.len).filter_map(|i| self.records.get(self.wrap(i)).copied().flatten())
    }

    /// Puts `record` at position `index` (0 = the front), moving the later ones back;
    /// `false` (nothing changed) when full or past the end.
    pub(crate) fn insert(&mut self, index: usize, record: Record) -> bool {
        if self.is_full() || index > self.len {
            return false;
        }
        let mut carry = Some(record);
        for i in index..=self.len {
            let at = self.wrap(i);
            if let Some(slot) = self.records.get_mut(at) {
                carry = core::mem::replace(slot, carry);
            }
        }
        self.len += 1;
        true
    }

    /// The record at position `index` (0 = the front), to tag it.
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut Record> {
        if index >= self.len {
            return None;
        }
        let at = self.wrap(index);
        self.records.get_mut(at)?.as_mut()
    }

    pub(crate) fn pop(&mut self) -> Option<Record> {
        let front = self.front()?;
        if let Some(slot) = self.records.get_mut(self.head) {
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
        let mut q = Queue::<4>::new();
        assert!(q.push(rec(1)));
        assert!(q.push(rec(2)));
        q.pop();
        assert!(q.push(rec(3)));
        assert!(q.insert(1, rec(9)));
        assert!(q.insert(0, rec(0)));
        let lens: [usize; 4] = core::array::from_fn(|i| q.iter().nth(i).map_or(99, |r| r.len));
        assert_eq!(lens, [0, 2, 9, 3]);
        assert!(!q.insert(0, rec(5)), "full");
        assert!(!Queue::<4>::new().insert(1, rec(5)), "past the end");
    }

    #[test]
    fn fifo_and_bounded() {
        let mut q = Queue::<2>::new();
        assert!(q.push(Record { len: 1, ..rec(0) }));
        assert!(q.push(Record { len: 2, ..rec(0) }));
        assert!(!q.push(Record { len: 3, ..rec(0) }));
        assert_eq!(q.pop().map(|r| r.len), Some(1));
        assert!(q.push(Record { len: 4, ..rec(0) }));
        assert_eq!(q.pop().map(|r| r.len), Some(2));
        assert_eq!(q.pop().map(|r| r.len), Some(4));
        assert!(q.pop().is_none());
        let mut z = Queue::<0>::new();
        assert!(!z.push(rec(1)));
        assert!(z.pop().is_none());
    }
}
