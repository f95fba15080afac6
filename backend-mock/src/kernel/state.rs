//! The state of the simulated kernel: the socket table and everything else the calls read and
//! change, behind the network's lock.

use core::time::Duration;

use anysock_core::{Domain, Error, ErrorKind, Result, SocketAddr, Type, UnixAddr};

use crate::base::addr::wire;
use crate::base::clock::Clock;
use crate::base::handle::Handle;
use crate::kernel::table::faults::Faults;
use crate::kernel::table::hosts::{HostInfo, MAX_HOSTS};
use crate::kernel::table::paths::Paths;
use crate::kernel::table::sock::{Phase, Sock};
use crate::kernel::table::wait::Blocked;
use crate::trace::outbox::Outbox;
use crate::trace::{ConnId, EventKind, Fault};

#[derive(Debug)]
pub(crate) struct Slot<const B: usize, const Q: usize> {
    pub(crate) generation: u32,
    pub(crate) sock: Option<Sock<B, Q>>,
}

/// Everything the network knows, behind the `Net`'s `RefCell`.
pub(crate) struct State<const S: usize, const B: usize, const Q: usize> {
    pub(crate) clock: Clock,
    pub(crate) slots: [Slot<B, Q>; S],
    pub(crate) hosts: [Option<HostInfo>; MAX_HOSTS],
    pub(crate) paths: Paths,
    /// The order of events that queue things (connections, `SYN`s), for FIFO without a clock.
    pub(crate) seq: u64,
    /// The number the next connection gets in the trace.
    pub(crate) next_conn: u32,
    pub(crate) faults: Faults,
    /// Events not yet handed to the tracer.
    pub(crate) outbox: Outbox<S, B>,
    /// Other threads may act while a call waits (a shared network): a blocking call that
    /// cannot finish says so in `blocked` instead of giving up.
    pub(crate) threads: bool,
    /// Set by a blocking call of a shared network that has to wait for another thread.
    pub(crate) blocked: Option<Blocked>,
    /// The longest a blocking call of a shared network waits (real time).
    pub(crate) max_wait: Duration,
    /// Sockets passed in messages not yet received (`SCM_RIGHTS` in flight).
    pub(crate) rights: crate::kernel::table::rights::InFlight,
    /// Where the last message sent landed, so ancillary data can be attached to it.
    pub(crate) landed: Option<crate::kernel::table::rights::Landed>,
}

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    pub(crate) fn sock(&self, h: Handle) -> Result<&Sock<B, Q>> {
        match self.slots.get(h.index()) {
            Some(Slot {
                generation,
                sock: Some(s),
            }) if *generation == h.generation => Ok(s),
            _ => Err(Error::new(ErrorKind::BadDescriptor)),
        }
    }

    pub(crate) fn sock_mut(&mut self, h: Handle) -> Result<&mut Sock<B, Q>> {
        match self.slots.get_mut(h.index()) {
            Some(Slot {
                generation,
                sock: Some(s),
            }) if *generation == h.generation => Ok(s),
            _ => Err(Error::new(ErrorKind::BadDescriptor)),
        }
    }

    /// The handle of the socket in slot `index`, if one is open there.
    pub(crate) fn handle_at(&self, index: usize) -> Option<Handle> {
        let slot = self.slots.get(index)?;
        slot.sock.as_ref()?;
        Some(Handle {
            index: u32::try_from(index).ok()?,
            generation: slot.generation,
        })
    }

    /// Every open socket's handle, in slot order (the deterministic order of every search).
    pub(crate) fn handles(&self) -> impl Iterator<Item = Handle> + '_ {
        (0..S).filter_map(|i| self.handle_at(i))
    }

    /// Opens a socket in the first free slot.
    pub(crate) fn alloc(&mut self, host: usize, domain: Domain, ty: Type) -> Result<Handle> {
        let (index, slot) = self
            .slots
            .iter_mut()
            .enumerate()
            .find(|(_, s)| s.sock.is_none())
            .ok_or(Error::new(ErrorKind::TooManyOpenFiles))?;
        let index = u32::try_from(index).map_err(|_| Error::new(ErrorKind::TooManyOpenFiles))?;
        // A new generation per opening keeps old handles from naming the new socket; it wraps
        // only after 2^32 openings of one slot.
        slot.generation = slot.generation.wrapping_add(1);
        slot.sock = Some(Sock::new(host, domain, ty));
        Ok(Handle {
            index,
            generation: slot.generation,
        })
    }

    /// Empties the slot (the socket's state is gone; see `close` for what peers see).
    pub(crate) fn free(&mut self, h: Handle) {
        if let Some(slot) = self.slots.get_mut(h.index()) {
            if slot.generation == h.generation {
                slot.sock = None;
            }
        }
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Moves the clock and fires what fell due.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        self.fire_timers();
    }

    /// The earliest time something changes by itself, if any: a waiting `connect` gives
    /// up, or delayed bytes arrive.
    pub(crate) fn next_deadline(&self) -> Option<Duration> {
        let now = self.clock.now();
        self.slots
            .iter()
            .filter_map(|s| {
                let s = s.sock.as_ref()?;
                let timer = match s.phase {
                    Phase::SynSent { deadline, .. } => Some(deadline),
                    _ => None,
                };
                let arrival = s.next_arrival(now);
                timer.into_iter().chain(arrival).min()
            })
            .min()
    }

    /// A blocking call found nothing to read on `h`: if bytes are on their way and arrive
    /// within `timeout`, the clock moves to their arrival (the call waits for them) and the
    /// result is `true`, so the call looks again.
    pub(crate) fn wait_arrival(
        &mut self,
        h: Handle,
        blocking: bool,
        timeout: Option<Duration>,
    ) -> bool {
        let now = self.clock.now();
        let Some(at) = self.sock(h).ok().and_then(|s| s.next_arrival(now)) else {
            return false;
        };
        let wait = at.saturating_sub(now);
        if !blocking || timeout.is_some_and(|t| wait > t) {
            return false;
        }
        self.advance(wait);
        true
    }

    /// Records an event at the current time.
    pub(crate) fn emit(&mut self, kind: EventKind<'_>) {
        let now = self.clock.now();
        self.outbox.push(now, kind, &[], 0);
    }

    /// Records a `Data` or `Datagram` event whose bytes are the first `len` of `bufs`.
    pub(crate) fn emit_bytes(&mut self, kind: EventKind<'_>, bufs: &[&[u8]], len: usize) {
        let now = self.clock.now();
        self.outbox.push(now, kind, bufs, len);
    }

    /// Records a fault applied to traffic from `from` to `to`.
    pub(crate) fn emit_fault(&mut self, fault: Fault, from: SocketAddr, to: SocketAddr) {
        self.emit(EventKind::Fault {
            fault,
            from: wire(from),
            to: wire(to),
        });
    }

    /// The number of a new connection.
    pub(crate) fn new_conn(&mut self) -> ConnId {
        let conn = ConnId(self.next_conn);
        self.next_conn = self.next_conn.saturating_add(1);
        conn
    }

    /// A connected socket's two ends as they appear on the wire: (this end, the peer).
    pub(crate) fn ends(&self, h: Handle) -> (SocketAddr, SocketAddr) {
        let unnamed = SocketAddr::Unix(UnixAddr::unnamed());
        match self.sock(h) {
            Ok(s) => (
                wire(s.local.unwrap_or(unnamed)),
                wire(s.remote.unwrap_or(unnamed)),
            ),
            Err(_) => (unnamed, unnamed),
        }
    }

    /// A `connect` whose `SYN`s went unanswered for [`crate::SYN_TIMEOUT`] fails with
    /// `ETIMEDOUT`, reported through `SO_ERROR`.
    fn fire_timers(&mut self) {
        let now = self.clock.now();
        for slot in self.slots.iter_mut() {
            if let Some(s) = slot.sock.as_mut() {
                if let Phase::SynSent { deadline, .. } = s.phase {
                    if deadline <= now {
                        s.phase = Phase::Connected;
                        s.tcp_closed();
                        s.so_error = Some(ErrorKind::TimedOut);
                    }
                }
            }
        }
    }

    /// What a blocking call that cannot finish does on a network with nobody else to run:
    /// it waits out its timeout, if it has one, on the virtual clock, then gives up with
    /// `EAGAIN` (as Linux does when `SO_RCVTIMEO`/`SO_SNDTIMEO` expires); without a timeout it
    /// gives up at once.
    ///
    /// In a shared network the call instead notes that it has to wait (for another thread,
    /// at most `timeout` of real time) and the caller's retry loop waits; the clock stays.
    pub(crate) fn would_block(&mut self, blocking: bool, timeout: Option<Duration>) -> Error {
        if blocking {
            if self.threads {
                self.blocked = Some(Blocked { timeout });
            } else if let Some(t) = timeout {
                self.advance(t);
            }
        }
        Error::new(ErrorKind::WouldBlock)
    }
}
