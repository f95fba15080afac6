//! The socket table: one slot per socket the network can hold, each with its generation (so
//! an old [`Handle`] never names the slot's next socket), the free slots in a heap (the lowest
//! is reused first, as before any socket table grew), and the links that put a socket in the
//! kernel's lists: its host's sockets, a listener's queues, the address index, a host's
//! waiting lists, and the sockets no handle owns.

use anysock_core::{Domain, Error, ErrorKind, Result, Type};

use crate::base::handle::Handle;
use crate::base::heap::Heap;
use crate::base::list::{Link, List};
use crate::base::table::{NoMemory, Table};
use crate::kernel::table::sock::Sock;

/// One slot of the table.
#[derive(Debug)]
pub(crate) struct Slot<const B: usize, const Q: usize> {
    pub(crate) generation: u32,
    pub(crate) sock: Option<Sock<B, Q>>,
}

/// Each slot's place in each kind of list (see the module docs), one table per kind.
#[derive(Debug)]
pub(crate) struct Links<const S: usize> {
    /// In its host's list of sockets.
    pub(crate) host: Table<Link, S>,
    /// In a listener's accept queue (a connection waiting), or its list of `SYN`s waiting
    /// for room (a `connect` retrying).
    pub(crate) queue: Table<Link, S>,
    /// In the address index (bound Internet sockets by port, Unix sockets by abstract name).
    pub(crate) addr: Table<Link, S>,
    /// In its host's list of `connect`s retrying, or of sockets with bytes held by a
    /// partition.
    pub(crate) pending: Table<Link, S>,
    /// In the list of open sockets no handle owns (kept open by messages carrying them).
    pub(crate) unowned: Table<Link, S>,
}

/// The socket table.
pub(crate) struct Slots<const S: usize, const B: usize, const Q: usize> {
    pub(crate) items: Table<Slot<B, Q>, S>,
    /// Free slots, lowest first.
    free: Heap<(), S>,
    /// Sockets open.
    open: usize,
    pub(crate) links: Links<S>,
}

impl<const S: usize, const B: usize, const Q: usize> Slots<S, B, Q> {
    /// A table of `len` slots (without `alloc`: `S`), all free.
    pub(crate) fn try_new(len: usize) -> Result<Self, NoMemory> {
        let len = len.min(u32::MAX as usize - 2);
        let links = || Table::try_new(len, |_| Link::OFF);
        Ok(Slots {
            items: Table::try_new(len, |_| Slot {
                generation: 0,
                sock: None,
            })?,
            free: Heap::try_full(len, ())?,
            open: 0,
            links: Links {
                host: links()?,
                queue: links()?,
                addr: links()?,
                pending: links()?,
                unowned: links()?,
            },
        })
    }

    /// How many sockets are open.
    pub(crate) fn open(&self) -> usize {
        self.open
    }

    pub(crate) fn get(&self, h: Handle) -> Option<&Sock<B, Q>> {
        match self.items.get(h.index()) {
            Some(Slot {
                generation,
                sock: Some(s),
            }) if *generation == h.generation => Some(s),
            _ => None,
        }
    }

    pub(crate) fn get_mut(&mut self, h: Handle) -> Option<&mut Sock<B, Q>> {
        match self.items.get_mut(h.index()) {
            Some(Slot {
                generation,
                sock: Some(s),
            }) if *generation == h.generation => Some(s),
            _ => None,
        }
    }

    /// The handle of the socket in slot `index`, if one is open there.
    pub(crate) fn handle_at(&self, index: u32) -> Option<Handle> {
        let slot = self.items.get(index as usize)?;
        slot.sock.as_ref()?;
        Some(Handle {
            index,
            generation: slot.generation,
        })
    }

    /// Opens a socket in the lowest free slot: `EMFILE` when none is left.
    pub(crate) fn alloc(&mut self, host: usize, domain: Domain, ty: Type) -> Result<Handle> {
        let (_, index) = self
            .free
            .pop()
            .ok_or(Error::new(ErrorKind::TooManyOpenFiles))?;
        let Some(slot) = self.items.get_mut(index as usize) else {
            return Err(Error::new(ErrorKind::TooManyOpenFiles));
        };
        // A new generation per opening keeps old handles from naming the new socket; it wraps
        // only after 2^32 openings of one slot.
        slot.generation = slot.generation.wrapping_add(1);
        slot.sock = Some(Sock::new(host, domain, ty));
        self.open += 1;
        Ok(Handle {
            index,
            generation: slot.generation,
        })
    }

    /// Empties the slot of `h` and gives it back (the caller took the socket out of every
    /// list first).
    pub(crate) fn release(&mut self, h: Handle) {
        if let Some(slot) = self.items.get_mut(h.index()) {
            if slot.generation == h.generation && slot.sock.take().is_some() {
                self.open -= 1;
                self.free.set(h.index, ());
            }
        }
    }

    /// A list kept in socket `owner` (a listener's queues), with the links it is made of.
    pub(crate) fn queue(
        &mut self,
        owner: Handle,
        which: fn(&mut Sock<B, Q>) -> &mut List,
    ) -> Option<(&mut List, &mut [Link])> {
        let Slots { items, links, .. } = self;
        let slot = items.get_mut(owner.index())?;
        if slot.generation != owner.generation {
            return None;
        }
        let list = which(slot.sock.as_mut()?);
        Some((list, &mut links.queue[..]))
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        let l = &self.links;
        self.items.heap_bytes()
            + self.free.heap_bytes()
            + l.host.heap_bytes()
            + l.queue.heap_bytes()
            + l.addr.heap_bytes()
            + l.pending.heap_bytes()
            + l.unowned.heap_bytes()
    }
}

impl<const S: usize, const B: usize, const Q: usize> core::fmt::Debug for Slots<S, B, Q> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Slots({} of {} open)", self.open, self.items.len())
    }
}
