//! Keeping the kernel's lists and indexes true: opening and freeing a socket, giving it an
//! address, queueing a connection at a listener, a `connect` that waits for room or for a
//! partition to heal, bytes held by a partition, sockets no handle owns. Every such change
//! goes through here, so no call ever scans the socket table to find what these lists hold.

use anysock_core::{Domain, Result, SocketAddr, Type};

use crate::base::handle::Handle;
use crate::base::list::{prev, List};
use crate::kernel::state::State;
use crate::kernel::table::addrs::Key;
use crate::kernel::table::sock::{Phase, Retry, Sock};

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// Opens a socket of `host` in the lowest free slot (`EMFILE` when none is left).
    pub(crate) fn alloc(&mut self, host: usize, domain: Domain, ty: Type) -> Result<Handle> {
        let h = self.slots.alloc(host, domain, ty)?;
        if let Some(info) = self.hosts.get_mut(host) {
            info.socks.push_back(&mut self.slots.links.host, h.index);
        }
        Ok(h)
    }

    /// Empties the slot of `h`, taking it out of every list first (the socket's state is
    /// gone; see `close` for what peers see). Futures still waiting on it are woken: they find
    /// it closed, or what its closing did to their own socket.
    pub(crate) fn free(&mut self, h: Handle) {
        self.wake(h);
        let Ok(s) = self.sock(h) else { return };
        let (host, parent, path) = (s.host, s.parent, s.path);
        self.set_phase(h, Phase::Idle);
        self.set_local(h, None);
        if let Some(p) = parent {
            self.unqueue(h, p);
        }
        self.unhold(h);
        self.own(h);
        // A listener freed with connections still listed (its close handles them first):
        // they forget it.
        let lists: [fn(&mut Sock<B, Q>) -> &mut List; 2] = [accepts, syns];
        for which in lists {
            while let Some(i) = self
                .slots
                .queue(h, which)
                .and_then(|(l, links)| l.pop_front(links))
            {
                if let Some(c) = self.slots.handle_at(i) {
                    if let Ok(c) = self.sock_mut(c) {
                        c.parent = None;
                    }
                }
            }
        }
        if let Some(info) = self.hosts.get_mut(host) {
            info.socks.remove(&mut self.slots.links.host, h.index);
        }
        if let Some(entry) = path {
            self.paths.release(entry, h);
        }
        self.timers.remove(h.index);
        self.slots.release(h);
    }

    /// Gives `h` its local address (`getsockname`), keeping the address index true.
    pub(crate) fn set_local(&mut self, h: Handle, local: Option<SocketAddr>) {
        let i = h.index;
        let hash = |st: &Self| st.sock(h).ok().and_then(Key::of_sock).map(|k| k.hash());
        if let Some(old) = hash(self) {
            self.addrs.remove(&mut self.slots.links.addr, old, i);
        }
        let Ok(s) = self.sock_mut(h) else { return };
        s.local = local;
        if let Some(new) = hash(self) {
            self.addrs.insert(&mut self.slots.links.addr, new, i);
        }
    }

    /// Whether `h` holds its local address's port (`Sock::holds_port`), keeping the address
    /// index true: a socket that gave its port back is not found by it.
    pub(crate) fn set_holds_port(&mut self, h: Handle, holds: bool) {
        let i = h.index;
        let hash = |st: &Self| st.sock(h).ok().and_then(Key::of_sock).map(|k| k.hash());
        if let Some(old) = hash(self) {
            self.addrs.remove(&mut self.slots.links.addr, old, i);
        }
        let Ok(s) = self.sock_mut(h) else { return };
        s.holds_port = holds;
        if let Some(new) = hash(self) {
            self.addrs.insert(&mut self.slots.links.addr, new, i);
        }
    }

    /// A TCP connection of `h` is over (Linux's `tcp_set_state(TCP_CLOSE)`): a port it did
    /// not bind explicitly goes back to the table, though `getsockname` still shows it.
    pub(crate) fn tcp_closed(&mut self, h: Handle) {
        let Ok(s) = self.sock_mut(h) else { return };
        s.stream.closed = true;
        if !s.locks.port {
            self.set_holds_port(h, false);
        }
    }

    /// The sockets indexed under `key`, in the order they got their address.
    pub(crate) fn at_key<'a>(
        &'a self,
        key: Key<'a>,
    ) -> impl Iterator<Item = (Handle, &'a Sock<B, Q>)> + 'a {
        self.addrs
            .list(&key)
            .iter(&self.slots.links.addr)
            .filter_map(move |i| {
                let h = self.slots.handle_at(i)?;
                let s = self.slots.get(h)?;
                (Key::of_sock(s) == Some(key)).then_some((h, s))
            })
    }

    /// Puts `child`, a new connection, last in `listener`'s accept queue.
    pub(crate) fn enqueue(&mut self, child: Handle, listener: Handle) {
        let Ok(c) = self.sock_mut(child) else {
            return;
        };
        c.parent = Some(listener);
        if let Some((list, links)) = self.slots.queue(listener, accepts) {
            list.push_back(links, child.index);
        }
    }

    /// Takes `child` out of the accept queue of `listener` (it was accepted, or is gone).
    pub(crate) fn unqueue(&mut self, child: Handle, listener: Handle) {
        if let Ok(c) = self.sock_mut(child) {
            c.parent = None;
        }
        if let Some((list, links)) = self.slots.queue(listener, accepts) {
            list.remove(links, child.index);
        }
    }

    /// The connections waiting in `listener`'s accept queue, oldest first.
    pub(crate) fn waiting(&self, listener: Handle) -> impl Iterator<Item = Handle> + '_ {
        self.list_of(listener, |s| s.accepts)
    }

    /// The `connect`s waiting for room in `listener`'s queue, oldest first.
    pub(crate) fn knocking(&self, listener: Handle) -> impl Iterator<Item = Handle> + '_ {
        self.list_of(listener, |s| s.syns)
    }

    fn list_of(
        &self,
        owner: Handle,
        which: fn(&Sock<B, Q>) -> List,
    ) -> impl Iterator<Item = Handle> + '_ {
        let list = self.sock(owner).map_or(List::EMPTY, which);
        list.iter(&self.slots.links.queue)
            .filter_map(|i| self.slots.handle_at(i))
    }

    /// Moves `h` to `phase` (any but [`Phase::SynSent`], which [`State::set_retry`]
    /// enters), keeping the lists of `connect`s retrying their `SYN` (their host's, for a
    /// partition healing; their listener's, for room made) and the socket's timer true.
    pub(crate) fn set_phase(&mut self, h: Handle, phase: Phase) {
        self.move_to(h, phase, None);
    }

    /// Makes `h` a `connect` retrying its `SYN` as `retry` says (or changes the listener it
    /// waits for).
    pub(crate) fn set_retry(&mut self, h: Handle, retry: Retry) {
        self.move_to(h, Phase::SynSent, Some(retry));
    }

    fn move_to(&mut self, h: Handle, phase: Phase, retry: Option<Retry>) {
        let Ok(s) = self.sock_mut(h) else {
            return;
        };
        let was = (s.phase == Phase::SynSent).then_some(s.retry.listener);
        let now = retry
            .filter(|_| phase == Phase::SynSent)
            .map(|r| r.listener);
        s.phase = phase;
        if let Some(r) = retry {
            s.retry = r;
        }
        let (host, seq) = (s.host, s.seq);
        if was == now {
            return;
        }
        // The host's list holds every socket retrying; the listener's, those it waits for.
        if let Some(info) = self.hosts.get_mut(host) {
            match (was.is_some(), now.is_some()) {
                (true, false) => {
                    info.syns.remove(&mut self.slots.links.pending, h.index);
                }
                (false, true) => info.syns.push_back(&mut self.slots.links.pending, h.index),
                _ => {}
            }
        }
        if let Some(l) = was.flatten() {
            if let Some((list, links)) = self.slots.queue(l, syns) {
                list.remove(links, h.index);
            }
        }
        if let Some(l) = now.flatten() {
            self.knock(h, seq, l);
        }
        self.rearm(h);
    }

    /// Lists `h` (with arrival number `seq`) among the `connect`s waiting for room at
    /// `listener`, in arrival order.
    fn knock(&mut self, h: Handle, seq: u64, listener: Handle) {
        // Usually the newest: look from the back.
        let mut before = None;
        let mut at = self.sock(listener).ok().and_then(|l| l.syns.back());
        while let Some(i) = at {
            let later = self
                .slots
                .handle_at(i)
                .and_then(|o| self.slots.get(o))
                .is_some_and(|o| o.seq > seq);
            if !later {
                break;
            }
            before = Some(i);
            at = prev(&self.slots.links.queue, i);
        }
        if let Some((list, links)) = self.slots.queue(listener, syns) {
            list.insert_before(links, before, h.index);
        }
    }

    /// Notes that `h` has stream bytes held by a partition.
    pub(crate) fn hold(&mut self, h: Handle) {
        let Ok(s) = self.sock(h) else { return };
        if let Some(info) = self.hosts.get_mut(s.host) {
            info.held.push_back(&mut self.slots.links.pending, h.index);
        }
    }

    /// `h` has no bytes held any more.
    pub(crate) fn unhold(&mut self, h: Handle) {
        let Ok(s) = self.sock(h) else { return };
        if s.phase == Phase::SynSent {
            return; // its pending link is in the list of retries
        }
        if let Some(info) = self.hosts.get_mut(s.host) {
            info.held.remove(&mut self.slots.links.pending, h.index);
        }
    }

    /// `h` lost its last owner but stays open (messages in flight carry it).
    pub(crate) fn disown(&mut self, h: Handle) {
        self.unowned
            .push_back(&mut self.slots.links.unowned, h.index);
    }

    /// `h` has an owner again, or closed.
    pub(crate) fn own(&mut self, h: Handle) {
        self.unowned.remove(&mut self.slots.links.unowned, h.index);
    }

    /// The open sockets no handle owns.
    pub(crate) fn unowned(&self) -> impl Iterator<Item = Handle> + '_ {
        self.unowned
            .iter(&self.slots.links.unowned)
            .filter_map(|i| self.slots.handle_at(i))
    }
}

/// A listener's accept queue.
fn accepts<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> &mut List {
    &mut s.accepts
}

/// A listener's list of `connect`s waiting for room.
fn syns<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> &mut List {
    &mut s.syns
}
