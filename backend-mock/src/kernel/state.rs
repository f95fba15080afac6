//! The state of the simulated kernel: the socket table and everything else the calls read and
//! change, behind the network's lock.

use core::task::Waker;
use core::time::Duration;

use anysock_core::{Error, ErrorKind, Result, SocketAddr, UnixAddr, Wait};

use crate::base::addr::wire;
use crate::base::clock::Clock;
use crate::base::handle::Handle;
use crate::base::heap::Heap;
use crate::base::list::List;
use crate::base::table::NoMemory;
use crate::kernel::table::addrs::Addrs;
use crate::kernel::table::faults::Faults;
use crate::kernel::table::hosts::Hosts;
use crate::kernel::table::names::Names;
use crate::kernel::table::paths::Paths;
use crate::kernel::table::rights::{InFlight, Landed};
use crate::kernel::table::slots::Slots;
use crate::kernel::table::sock::{Bulk, Sock};
use crate::kernel::table::wait::{Blocked, DEFAULT_MAX_WAIT};
use crate::kernel::table::wake::{Before, Sleepers, Touched, WaitOn};
use crate::trace::outbox::Outbox;
use crate::trace::{ConnId, EventKind, Fault};

/// How much a network holds: fixed by the types without `alloc` (`S` sockets, `H` hosts,
/// [`MAX_PATHS`](crate::kernel::table::paths::MAX_PATHS) files), chosen at run time with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Capacity {
    pub(crate) sockets: usize,
    pub(crate) hosts: usize,
    pub(crate) paths: usize,
}

/// Everything the network knows, behind the `Net`'s lock.
pub(crate) struct State<const S: usize, const B: usize, const Q: usize, const H: usize> {
    pub(crate) clock: Clock,
    pub(crate) slots: Slots<S, B, Q>,
    pub(crate) hosts: Hosts<H>,
    /// Sockets by port and abstract name (see `index.rs`).
    pub(crate) addrs: Addrs<S>,
    pub(crate) paths: Paths,
    /// Each socket's next event, earliest first (see `timers.rs`).
    pub(crate) timers: Heap<Duration, S>,
    /// Open sockets no handle owns (links: `unowned`; see `rights.rs`).
    pub(crate) unowned: List,
    /// The order of events that queue things (connections, `SYN`s), for FIFO without a clock.
    pub(crate) seq: u64,
    /// The number the next connection gets in the trace.
    pub(crate) next_conn: u32,
    pub(crate) faults: Faults<H>,
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
    pub(crate) rights: InFlight,
    /// Where the last message sent landed, so ancillary data can be attached to it.
    pub(crate) landed: Option<Landed>,
    /// The sockets the current call changed, whose waiters are woken when it ends.
    pub(crate) touched: Touched<S>,
    /// A socket changed that `touched` had no room for: the end of the call looks for it.
    pub(crate) touched_overflow: bool,
    /// Wakers woken so far: a driver that sees it move knows some future can progress.
    pub(crate) wakes: u64,
    /// Wakers parked on sockets now, all sockets together: while there are none, a change
    /// has nobody to wake and is not listed (see [`State::touch`]).
    pub(crate) parked: usize,
    /// The timers of sleeping futures.
    pub(crate) sleepers: Sleepers,
    /// The waker of a driver that learns of every wake from [`State::wakes`] (`Net::run` on
    /// a network of one thread): waking a future parked with it calls nothing.
    pub(crate) counted: Option<Waker>,
    /// Where the last call that would block waits (set by [`State::wait_on`]).
    pub(crate) waiting: Option<WaitOn>,
    /// What the last future to park waited for: what a driver names when nothing is left
    /// that could wake anyone.
    pub(crate) last_wait: Option<Wait>,
    /// The host names the test declared.
    pub(crate) names: Names,
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// An empty network of capacity `cap` at time zero; `tracing` when a tracer takes its
    /// events, `threads` when other threads may drive it.
    pub(crate) fn try_new(cap: Capacity, tracing: bool, threads: bool) -> Result<Self, NoMemory> {
        Ok(State {
            clock: Clock::new(),
            slots: Slots::try_new(cap.sockets)?,
            hosts: Hosts::try_new(cap.hosts)?,
            addrs: Addrs::try_new(cap.sockets)?,
            paths: Paths::try_new(cap.paths)?,
            timers: Heap::try_new(cap.sockets, Duration::ZERO)?,
            unowned: List::EMPTY,
            seq: 0,
            next_conn: 0,
            faults: Faults::try_new(0, cap.hosts)?,
            outbox: Outbox::try_new(cap.sockets, tracing)?,
            threads,
            blocked: None,
            max_wait: DEFAULT_MAX_WAIT,
            rights: InFlight::new(),
            landed: None,
            touched: Touched::try_new(cap.sockets)?,
            touched_overflow: false,
            wakes: 0,
            parked: 0,
            sleepers: Sleepers::new(),
            counted: None,
            waiting: None,
            last_wait: None,
            names: Names::new(),
        })
    }

    /// Bytes the state holds on the heap (nothing without `alloc`).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.heap_bytes()
            + self.hosts.heap_bytes()
            + self.addrs.heap_bytes()
            + self.paths.heap_bytes()
            + self.timers.heap_bytes()
            + self.faults.heap_bytes()
            + self.outbox.heap_bytes()
            + self.touched.heap_bytes()
    }

    pub(crate) fn sock(&self, h: Handle) -> Result<&Sock<B, Q>> {
        self.slots
            .get(h)
            .ok_or(Error::new(ErrorKind::BadDescriptor))
    }

    /// The socket, for a change. This is the one way the calls change a socket (but the
    /// scratch flag of reaping), so it is where changes are noticed: the socket is listed
    /// (once per call) with what its waiters could see, and when the call ends
    /// [`State::settle`] wakes them if that looks different.
    pub(crate) fn sock_mut(&mut self, h: Handle) -> Result<&mut Sock<B, Q>> {
        self.touch(h);
        self.slots
            .get_mut(h)
            .ok_or(Error::new(ErrorKind::BadDescriptor))
    }

    /// Notes that the call changes `h` (see [`State::sock_mut`]); every way of changing a
    /// socket goes through here.
    ///
    /// While no waker is parked anywhere nobody can be woken, so nothing is listed: a call
    /// that parks a waker has seen what changed before, and a change after it is listed.
    #[inline]
    pub(crate) fn touch(&mut self, h: Handle) {
        if self.parked != 0 {
            self.list(h);
        }
    }

    /// [`State::touch`] while some waker is parked: lists `h`, once per call.
    #[inline(never)]
    fn list(&mut self, h: Handle) {
        let now = self.clock.now();
        let Some((s, bulk)) = self.slots.with_bulk_mut(h) else {
            return;
        };
        if !s.touched {
            s.touched = true;
            // Nobody waits on it and it is in no accept queue: nobody to wake, so no need
            // to look at it.
            let before = if s.watched() {
                Before::Seen(s.signature(bulk, now))
            } else {
                Before::Unwatched
            };
            if !self.touched.push(h, before) {
                self.touched_overflow = true;
            }
        }
    }

    /// The socket, to park or unpark a waiter: not a change anyone waits for.
    pub(crate) fn sock_untracked(&mut self, h: Handle) -> Result<&mut Sock<B, Q>> {
        self.slots
            .get_mut(h)
            .ok_or(Error::new(ErrorKind::BadDescriptor))
    }

    /// Socket `h` with its bytes and records.
    pub(crate) fn sock_bulk(&self, h: Handle) -> Result<(&Sock<B, Q>, &Bulk<B, Q>)> {
        self.slots
            .with_bulk(h)
            .ok_or(Error::new(ErrorKind::BadDescriptor))
    }

    /// Socket `h` with its bytes and records, to change them (a change, as by
    /// [`State::sock_mut`]).
    pub(crate) fn sock_bulk_mut(
        &mut self,
        h: Handle,
    ) -> Result<(&mut Sock<B, Q>, &mut Bulk<B, Q>)> {
        self.touch(h);
        self.slots
            .with_bulk_mut(h)
            .ok_or(Error::new(ErrorKind::BadDescriptor))
    }

    /// The end of a call: wakes the waiters of every socket it changed (and, for a connection
    /// waiting to be accepted, its listener's), then forgets the list.
    #[inline]
    pub(crate) fn settle(&mut self) {
        if !self.touched.is_empty() || self.touched_overflow {
            self.wake_listed();
        }
    }

    /// [`State::settle`] when the call listed some socket.
    #[inline(never)]
    fn wake_listed(&mut self) {
        let now = self.clock.now();
        while let Some((h, before)) = self.touched.pop() {
            let Some((s, bulk)) = self.slots.with_bulk_mut(h) else {
                continue; // closed during the call: its waiters were woken then
            };
            s.touched = false;
            let changed = match before {
                Before::Seen(sig) => s.signature(bulk, now) != sig,
                Before::Unwatched => s.parent.is_some(),
            };
            if changed {
                self.wake(h);
            }
        }
        if core::mem::take(&mut self.touched_overflow) {
            // More sockets changed than the list holds (a slot closed and reused within the
            // call): look at each open one.
            for i in 0..u32::try_from(self.slots.capacity()).unwrap_or(u32::MAX) {
                let Some(h) = self.slots.handle_at(i) else {
                    continue;
                };
                if let Ok(s) = self.sock_untracked(h) {
                    if core::mem::take(&mut s.touched) {
                        self.wake(h);
                    }
                }
            }
        }
    }

    /// [`State::wake`] for a call that knows it changed what the futures waiting on `h` wait
    /// for, without listing `h` to compare (see `quick.rs`).
    #[inline]
    pub(crate) fn wake_watchers(&mut self, h: Handle) {
        if self.parked == 0 {
            return;
        }
        if self.slots.get(h).is_some_and(Sock::watched) {
            self.wake(h);
        }
    }

    /// Wakes the futures waiting on `h`, and those waiting to accept on its listener if it is
    /// a connection in an accept queue.
    pub(crate) fn wake(&mut self, h: Handle) {
        let Some(s) = self.slots.get_mut(h) else {
            return;
        };
        let parent = s.parent;
        let counted = self.counted.as_ref();
        let mut woken = s.waiters.wake_all(counted);
        if let Some(l) = parent.and_then(|p| self.slots.get_mut(p)) {
            woken += l.waiters.wake_all(counted);
        }
        self.wakes = self.wakes.wrapping_add(u64::from(woken));
        self.parked = self.parked.saturating_sub(woken as usize);
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
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
        if !self.outbox.on {
            return;
        }
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

    /// As [`State::would_block`], for a call that waits for `what` on socket `on` (its own, or
    /// the peer whose queue is full): an async caller parks its waker there.
    pub(crate) fn wait_on(
        &mut self,
        on: Handle,
        what: Wait,
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
