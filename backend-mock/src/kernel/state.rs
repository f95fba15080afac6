//! The state of the simulated kernel: the socket table and everything else the calls read and
//! change, behind the network's lock.

use core::time::Duration;

use anysock_core::{Domain, Error, ErrorKind, Result, SocketAddr, Type, UnixAddr, Wait};

use crate::base::addr::wire;
use crate::base::clock::Clock;
use crate::base::handle::Handle;
use crate::kernel::table::faults::Faults;
use crate::kernel::table::hosts::{HostInfo, MAX_HOSTS};
use crate::kernel::table::paths::Paths;
use crate::kernel::table::sock::{Phase, Sock};
use crate::kernel::table::wait::Blocked;
use crate::kernel::table::wake::{Before, Timers, Touched, WaitOn};
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
    /// The sockets the current call changed, whose waiters are woken when it ends.
    pub(crate) touched: Touched<S>,
    /// A socket changed that `touched` had no room for: the end of the call looks for it.
    pub(crate) touched_overflow: bool,
    /// Wakers woken so far: a driver that sees it move knows some future can progress.
    pub(crate) wakes: u64,
    /// The timers of sleeping futures.
    pub(crate) timers: Timers,
    /// Where the last call that would block waits (set by [`State::wait_on`]).
    pub(crate) waiting: Option<WaitOn>,
    /// What the last future to park waited for: what a driver names when nothing is left
    /// that could wake anyone.
    pub(crate) last_wait: Option<anysock_core::Wait>,
    /// The host names the test declared.
    pub(crate) names: crate::kernel::table::names::Names,
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

    /// The socket, for a change. This is the one way the calls change a socket, so it is where
    /// changes are noticed: the socket is listed (once per call) with what its waiters could
    /// see, and when the call ends [`State::settle`] wakes them if that looks different.
    pub(crate) fn sock_mut(&mut self, h: Handle) -> Result<&mut Sock<B, Q>> {
        let now = self.clock.now();
        match self.slots.get_mut(h.index()) {
            Some(Slot {
                generation,
                sock: Some(s),
            }) if *generation == h.generation => {
                if !s.touched {
                    s.touched = true;
                    let before = if s.waiters.len() > 0 || s.parent.is_some() {
                        Before::Seen(s.signature(now))
                    } else {
                        Before::Unwatched
                    };
                    if !self.touched.push(h, before) {
                        self.touched_overflow = true;
                    }
                }
                Ok(s)
            }
            _ => Err(Error::new(ErrorKind::BadDescriptor)),
        }
    }

    /// The socket, to park or unpark a waiter: not a change anyone waits for.
    pub(crate) fn sock_untracked(&mut self, h: Handle) -> Result<&mut Sock<B, Q>> {
        match self.slots.get_mut(h.index()) {
            Some(Slot {
                generation,
                sock: Some(s),
            }) if *generation == h.generation => Ok(s),
            _ => Err(Error::new(ErrorKind::BadDescriptor)),
        }
    }

    /// The end of a call: wakes the waiters of every socket it changed (and, for a connection
    /// waiting to be accepted, its listener's), then forgets the list.
    pub(crate) fn settle(&mut self) {
        let now = self.clock.now();
        while let Some((h, before)) = self.touched.pop() {
            let Ok(s) = self.sock_untracked(h) else {
                continue; // closed during the call: its waiters were woken then
            };
            s.touched = false;
            let due = core::mem::take(&mut s.due);
            let changed = match before {
                Before::Seen(sig) => due || s.signature(now) != sig,
                Before::Unwatched => due || s.parent.is_some(),
                Before::Due => true,
            };
            if changed {
                self.wake(h);
            }
        }
        if core::mem::take(&mut self.touched_overflow) {
            // More sockets changed than the list holds: look at each (rare: a crash, a
            // listener closing with a full queue).
            for i in 0..S {
                let Some(h) = self.handle_at(i) else { continue };
                if let Ok(s) = self.sock_untracked(h) {
                    if s.touched {
                        s.touched = false;
                        s.due = false;
                        self.wake(h);
                    }
                }
            }
        }
    }

    /// Wakes the futures waiting on `h`, and those waiting to accept on its listener if it is
    /// a connection in an accept queue.
    pub(crate) fn wake(&mut self, h: Handle) {
        let Ok(s) = self.sock_untracked(h) else {
            return;
        };
        let parent = s.parent;
        let woken = s.waiters.wake_all();
        self.wakes = self.wakes.wrapping_add(u64::from(woken));
        if let Some(l) = parent.and_then(|p| self.sock_untracked(p).ok()) {
            let woken = l.waiters.wake_all();
            self.wakes = self.wakes.wrapping_add(u64::from(woken));
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

    /// Empties the slot (the socket's state is gone; see `close` for what peers see). Futures
    /// still waiting on it are woken: they find it closed, or what it did to their own socket.
    pub(crate) fn free(&mut self, h: Handle) {
        self.wake(h);
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
        let before = self.clock.now();
        self.clock.advance(by);
        self.fire_timers(before);
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

    /// A blocking call found nothing to read on `h` (or `h` still connecting): if bytes are on
    /// their way and arrive within `timeout`, the clock moves to their arrival (the call waits
    /// for them) and the result is `true`, so the call looks again. With one thread, a
    /// `connect` still waiting for an answer is waited for the same way: nobody can accept it
    /// meanwhile, so its `SYN`s time out, and the call looks again to find that outcome.
    pub(crate) fn wait_arrival(
        &mut self,
        h: Handle,
        blocking: bool,
        timeout: Option<Duration>,
    ) -> bool {
        if !blocking {
            return false;
        }
        let now = self.clock.now();
        let Ok(s) = self.sock(h) else {
            return false;
        };
        let connect_ends = match s.phase {
            Phase::SynSent { deadline, .. } if !self.threads => Some(deadline),
            _ => None,
        };
        let Some(at) = s.next_arrival(now).into_iter().chain(connect_ends).min() else {
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

    /// A connected socket's two ends as they appear on the wire, for the events of the trace:
    /// (this end, the peer). Without a tracer they would be thrown away: both unnamed then.
    pub(crate) fn ends(&self, h: Handle) -> (SocketAddr, SocketAddr) {
        let unnamed = SocketAddr::Unix(UnixAddr::unnamed());
        if !self.outbox.on {
            return (unnamed, unnamed);
        }
        match self.sock(h) {
            Ok(s) => (
                wire(s.local.unwrap_or(unnamed)),
                wire(s.remote.unwrap_or(unnamed)),
            ),
            Err(_) => (unnamed, unnamed),
        }
    }

    /// What falls due when the clock moves on from `before`: a `connect` whose `SYN`s went
    /// unanswered for [`crate::SYN_TIMEOUT`] fails with `ETIMEDOUT` (reported through
    /// `SO_ERROR`), bytes on their way arrive, sleeping futures wake. The sockets that changed
    /// have their waiters woken at the end of the call.
    fn fire_timers(&mut self, before: Duration) {
        let now = self.clock.now();
        for (index, slot) in self.slots.iter_mut().enumerate() {
            let generation = slot.generation;
            let Some(s) = slot.sock.as_mut() else {
                continue;
            };
            let mut due = s.next_arrival(before).is_some_and(|at| at <= now);
            if let Phase::SynSent { deadline, .. } = s.phase {
                if deadline <= now {
                    s.phase = Phase::Connected;
                    s.stream.closed = true;
                    s.so_error = Some(ErrorKind::TimedOut);
                    due = true;
                }
            }
            if !due {
                continue;
            }
            // Changed by time, not by a call: woken whatever it looked like before.
            s.due = true;
            if !s.touched {
                s.touched = true;
                let h = Handle {
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                    generation,
                };
                if !self.touched.push(h, Before::Due) {
                    self.touched_overflow = true;
                }
            }
        }
        let woken = self.timers.fire(now);
        self.wakes = self.wakes.wrapping_add(u64::from(woken));
    }

    /// As [`State::would_block`], for a call that waits for `what` on socket `on` (its own, or
    /// the peer whose queue is full): an async caller parks its waker there.
    pub(crate) fn wait_on(
        &mut self,
        on: Handle,
        what: anysock_core::Wait,
        blocking: bool,
        timeout: Option<Duration>,
    ) -> Error {
        self.waiting = Some(WaitOn { on, what });
        self.would_block(blocking, timeout, what)
    }

    /// The answer of a call that cannot finish now, `wait` saying what it waits for. A
    /// non-blocking call gets `EAGAIN` ([`ErrorKind::WouldBlock`]). A blocking one, on a
    /// network with nobody else to run, waits out its timeout, if it has one, on the virtual
    /// clock, then gets `EAGAIN` too (as Linux does when `SO_RCVTIMEO`/`SO_SNDTIMEO`
    /// expires); without a timeout it would wait for ever, and gets
    /// [`ErrorKind::Deadlock`] at once ([`Error::deadlock`]`(wait)`).
    ///
    /// In a shared network the call instead notes that it has to wait (for another thread,
    /// at most `timeout` of real time) and the caller's retry loop waits; the clock stays.
    pub(crate) fn would_block(
        &mut self,
        blocking: bool,
        timeout: Option<Duration>,
        wait: Wait,
    ) -> Error {
        if !blocking {
            return Error::new(ErrorKind::WouldBlock);
        }
        if self.threads {
            self.blocked = Some(Blocked { timeout });
            return Error::new(ErrorKind::WouldBlock);
        }
        match timeout {
            Some(t) => {
                self.advance(t);
                Error::new(ErrorKind::WouldBlock)
            }
            None => Error::deadlock(wait),
        }
    }
}
