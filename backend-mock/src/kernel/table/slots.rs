//! The socket table: one slot per socket the network can hold, each with its generation (so
//! an old [`Handle`] never names the slot's next socket), the free slots in a heap (the lowest
//! is reused first, as before any socket table grew), and the links that put a socket in the
//! kernel's lists: its host's sockets, a listener's queues, the address index, a host's
//! waiting lists, and the sockets no handle owns.

use core::num::NonZeroU32;

use anysock_core::{Domain, Error, ErrorKind, Result, Type};

use crate::base::handle::Handle;
use crate::base::heap::Heap;
use crate::base::list::{Link, List};
use crate::base::table::{NoMemory, Table};
use crate::kernel::table::sock::{Bulk, Sock};

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
    /// Each slot's socket; a free slot keeps its last socket's state until the next opens.
    socks: Table<Sock<B, Q>, S>,
    /// Each slot's bytes and records, apart from its state (see [`Sock`]).
    bulk: Table<Bulk<B, Q>, S>,
    /// Each slot's generation, odd while a socket is open in it: a handle names the socket
    /// whose generation it carries, and no other (a free slot's is even, a handle's odd).
    /// Kept apart from the sockets, so checking a handle touches a small, warm table.
    generations: Table<u32, S>,
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
            socks: Table::try_new(len, |_| Sock::new(0, Domain::Inet, Type::Stream))?,
            bulk: Table::try_new(len, |_| Bulk::new())?,
            generations: Table::try_new(len, |_| 0)?,
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

    /// How many sockets the table holds.
    pub(crate) fn capacity(&self) -> usize {
        self.socks.len()
    }

    /// How many sockets are open.
    pub(crate) fn open(&self) -> usize {
        self.open
    }

    /// Whether `h` names the socket open in its slot.
    fn names(&self, h: Handle) -> bool {
        let generation = h.generation.get();
        generation & 1 == 1 && self.generations.get(h.index()) == Some(&generation)
    }

    pub(crate) fn get(&self, h: Handle) -> Option<&Sock<B, Q>> {
        if !self.names(h) {
            return None;
        }
        self.socks.get(h.index())
    }

    pub(crate) fn get_mut(&mut self, h: Handle) -> Option<&mut Sock<B, Q>> {
        if !self.names(h) {
            return None;
        }
        self.socks.get_mut(h.index())
    }

    /// The socket `h` names, with its bytes and records.
    pub(crate) fn with_bulk(&self, h: Handle) -> Option<(&Sock<B, Q>, &Bulk<B, Q>)> {
        if !self.names(h) {
            return None;
        }
        Some((self.socks.get(h.index())?, self.bulk.get(h.index())?))
    }

    /// As [`Slots::with_bulk`], to change them.
    pub(crate) fn with_bulk_mut(
        &mut self,
        h: Handle,
    ) -> Option<(&mut Sock<B, Q>, &mut Bulk<B, Q>)> {
        if !self.names(h) {
            return None;
        }
        Some((
            self.socks.get_mut(h.index())?,
            self.bulk.get_mut(h.index())?,
        ))
    }

    /// The socket `h` names and its peer at once, to change both, with the peer's bytes and
    /// records (a write moving bytes from `h` to its peer).
    pub(crate) fn with_peer_mut(
        &mut self,
        h: Handle,
    ) -> Option<(&mut Sock<B, Q>, &mut Sock<B, Q>, &mut Bulk<B, Q>)> {
        if !self.names(h) {
            return None;
        }
        let peer = self.socks.get(h.index())?.peer?;
        if !self.names(peer) {
            return None;
        }
        let (i, j) = (h.index(), peer.index());
        let (x, y) = if i < j {
            let (lo, hi) = self.socks.split_at_mut_checked(j)?;
            (lo.get_mut(i)?, hi.first_mut()?)
        } else {
            let (lo, hi) = self.socks.split_at_mut_checked(i)?;
            (hi.first_mut()?, lo.get_mut(j)?)
        };
        Some((x, y, self.bulk.get_mut(j)?))
    }

    /// The handle of the socket in slot `index`, if one is open there.
    pub(crate) fn handle_at(&self, index: u32) -> Option<Handle> {
        let generation = NonZeroU32::new(*self.generations.get(index as usize)?)?;
        (generation.get() & 1 == 1).then_some(Handle { index, generation })
    }

    /// Every open socket, in slot order.
    pub(crate) fn open_socks_mut(&mut self) -> impl Iterator<Item = &mut Sock<B, Q>> + '_ {
        self.socks
            .iter_mut()
            .zip(self.generations.iter())
            .filter(|(_, g)| *g & 1 == 1)
            .map(|(s, _)| s)
    }

    /// Opens a socket in the lowest free slot: `EMFILE` when none is left.
    pub(crate) fn alloc(&mut self, host: usize, domain: Domain, ty: Type) -> Result<Handle> {
        let (_, index) = self
            .free
            .pop()
            .ok_or(Error::new(ErrorKind::TooManyOpenFiles))?;
        let (Some(generation), Some(sock)) = (
            self.generations.get_mut(index as usize),
            self.socks.get_mut(index as usize),
        ) else {
            return Err(Error::new(ErrorKind::TooManyOpenFiles));
        };
        // A new generation per opening keeps old handles from naming the new socket; a
        // generation comes back only after 2^31 openings of one slot.
        *generation = generation.wrapping_add(1);
        // A free slot's generation is even, so the new one is odd, never zero.
        let Some(generation) = NonZeroU32::new(*generation) else {
            return Err(Error::new(ErrorKind::TooManyOpenFiles));
        };
        *sock = Sock::new(host, domain, ty);
        self.open += 1;
        Ok(Handle { index, generation })
    }

    /// Closes the slot of `h` and gives it back (the caller took the socket out of every
    /// list first).
    pub(crate) fn release(&mut self, h: Handle) {
        if !self.names(h) {
            return;
        }
        if let Some(generation) = self.generations.get_mut(h.index()) {
            *generation = generation.wrapping_add(1);
            self.open -= 1;
            self.free.set(h.index, ());
        }
    }

    /// A list kept in socket `owner` (a listener's queues), with the links it is made of.
    pub(crate) fn queue(
        &mut self,
        owner: Handle,
        which: fn(&mut Sock<B, Q>) -> &mut List,
    ) -> Option<(&mut List, &mut [Link])> {
        if !self.names(owner) {
            return None;
        }
        let Slots { socks, links, .. } = self;
        let list = which(socks.get_mut(owner.index())?);
        Some((list, &mut links.queue[..]))
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        let l = &self.links;
        self.socks.heap_bytes()
            + self.bulk.heap_bytes()
            + self.generations.heap_bytes()
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
        write!(f, "Slots({} of {} open)", self.open, self.socks.len())
    }
}
