//! The table of messages carrying sockets (`SCM_RIGHTS`) on the whole network, and where
//! each waits in its receiver's queue.

use crate::base::cmsg::MAX_IN_FLIGHT;
use crate::base::cmsg::MAX_RIGHTS;
use crate::base::handle::Handle;

/// Where in its receiver's queue a message carrying sockets waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum At {
    /// A datagram or seqpacket record, tagged with the entry's id.
    Record,
    /// The bytes `pos..pos + len` of a stream (offsets counted from the stream's start).
    Bytes { pos: u64, len: usize },
}

/// Where the last message sent landed (set by the sending code, read by the ancillary code
/// right after, under the same lock).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Landed {
    /// Record `index` of `holder`'s queue.
    Record { holder: Handle, index: usize },
    /// Stream bytes at `holder`.
    Bytes {
        holder: Handle,
        pos: u64,
        len: usize,
    },
}

/// One message carrying sockets, waiting in `holder`'s receive queue.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) id: u32,
    pub(crate) holder: Handle,
    pub(crate) at: At,
    pub(crate) handles: [Handle; MAX_RIGHTS],
    pub(crate) n: usize,
}

impl Entry {
    /// The sockets it carries, in order.
    pub(crate) fn handles(&self) -> &[Handle] {
        self.handles.get(..self.n).unwrap_or_default()
    }
}

/// The messages carrying sockets on the whole network.
#[derive(Debug)]
pub(crate) struct InFlight {
    entries: [Option<Entry>; MAX_IN_FLIGHT],
    len: usize,
    pub(crate) next_id: u32,
}

impl InFlight {
    pub(crate) const fn new() -> Self {
        InFlight {
            entries: [None; MAX_IN_FLIGHT],
            len: 0,
            next_id: 0,
        }
    }

    /// Whether one more message carrying sockets fits.
    pub(crate) fn has_room(&self) -> bool {
        self.len < MAX_IN_FLIGHT
    }

    /// Whether no message carrying sockets is in flight (then a read has none to look for).
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The messages in flight.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().flatten()
    }

    /// Adds a message; `false` when the table is full.
    pub(crate) fn insert(&mut self, entry: Entry) -> bool {
        let Some(slot) = self.entries.iter_mut().find(|e| e.is_none()) else {
            return false;
        };
        *slot = Some(entry);
        self.len += 1;
        true
    }

    /// Takes out the messages `gone` picks, and returns them.
    pub(crate) fn remove_where(
        &mut self,
        mut gone: impl FnMut(&Entry) -> bool,
    ) -> [Option<Entry>; MAX_IN_FLIGHT] {
        let mut out = [None; MAX_IN_FLIGHT];
        for (slot, o) in self.entries.iter_mut().zip(out.iter_mut()) {
            if slot.is_some_and(|e| gone(&e)) {
                *o = slot.take();
                self.len -= 1;
            }
        }
        out
    }

    pub(crate) fn get(&self, id: u32) -> Option<Entry> {
        self.entries.iter().flatten().find(|e| e.id == id).copied()
    }

    pub(crate) fn remove(&mut self, id: u32) -> Option<Entry> {
        let slot = self
            .entries
            .iter_mut()
            .find(|e| e.is_some_and(|e| e.id == id))?;
        self.len -= 1;
        slot.take()
    }

    /// The first message in `holder`'s stream whose bytes start before `end`.
    pub(crate) fn first_bytes(&self, holder: Handle, end: u64) -> Option<(u32, u64, usize)> {
        self.entries
            .iter()
            .flatten()
            .filter(|e| e.holder == holder)
            .filter_map(|e| match e.at {
                At::Bytes { pos, len } if pos < end => Some((e.id, pos, len)),
                _ => None,
            })
            .min_by_key(|&(_, pos, _)| pos)
    }
}
