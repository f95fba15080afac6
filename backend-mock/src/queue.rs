//! The records of queued datagrams: each one's length and sender, oldest first. The bytes
//! themselves sit in the socket's [`crate::ring::Ring`], one after another.

use anysock_core::SocketAddr;

/// One queued datagram.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    pub(crate) len: usize,
    pub(crate) from: SocketAddr,
}

/// At most `Q` datagram records, in arrival order.
#[derive(Debug)]
pub(crate) struct Queue<const Q: usize> {
    records: [Option<Record>; Q],
    head: usize,
    len: usize,
}

impl<const Q: usize> Queue<Q> {
    pub(crate) const fn new() -> Self {
        Queue {
            records: [None; Q],
            head: 0,
            len: 0,
        }
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

    pub(crate) fn pop(&mut self) -> Option<Record> {
        let front = self.front()?;
        if let Some(slot) = self.records.get_mut(self.head) {
            *slot = None;
        }
        self.head = self.wrap(1);
        self.len -= 1;
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

    #[test]
    fn fifo_and_bounded() {
        let from = SocketAddr::unspecified(Domain::Inet);
        let mut q = Queue::<2>::new();
        assert!(q.push(Record { len: 1, from }));
        assert!(q.push(Record { len: 2, from }));
        assert!(!q.push(Record { len: 3, from }));
        assert_eq!(q.pop().map(|r| r.len), Some(1));
        assert!(q.push(Record { len: 4, from }));
        assert_eq!(q.pop().map(|r| r.len), Some(2));
        assert_eq!(q.pop().map(|r| r.len), Some(4));
        assert!(q.pop().is_none());
        let mut z = Queue::<0>::new();
        assert!(!z.push(Record { len: 1, from }));
        assert!(z.pop().is_none());
    }
}
