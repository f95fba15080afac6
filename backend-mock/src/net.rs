//! [`Net`]: the simulated network, its socket table and its clock.

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use anysock_core::{Domain, Error, ErrorKind, Result, SocketAddr, Type, UnixAddr};

use crate::clock::Clock;
use crate::faults::Faults;
use crate::guard::Blocked;
use crate::host::wire;
use crate::host::{Host, HostInfo, MAX_HOSTS};
use crate::outbox::Outbox;
use crate::paths::Paths;
use crate::sharing::{Local, Sharing};
use crate::sock::{Phase, Sock};
use crate::trace::Tracer;
use crate::trace::{ConnId, EventKind, Fault};

/// The name of a socket in [`anysock_core::Stack::poll`]: its slot in the network's table and
/// the slot's generation, so a handle kept after its socket closed never names the socket that
/// reuses the slot (`poll` reports it as invalid, `POLLNVAL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    index: u32,
    generation: u32,
}

impl Handle {
    pub(crate) fn index(self) -> usize {
        self.index as usize
    }

    /// The handle as it travels in a control buffer: slot and generation, little-endian.
    pub(crate) fn to_bytes(self) -> [u8; 8] {
        let mut out = [0u8; 8];
        out[..4].copy_from_slice(&self.index.to_le_bytes());
        out[4..].copy_from_slice(&self.generation.to_le_bytes());
        out
    }

    /// The handle [`Handle::to_bytes`] wrote; the bytes need not name an open socket.
    pub(crate) fn from_bytes(bytes: [u8; 8]) -> Handle {
        let [a, b, c, d, e, f, g, h] = bytes;
        Handle {
            index: u32::from_le_bytes([a, b, c, d]),
            generation: u32::from_le_bytes([e, f, g, h]),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Slot<const B: usize, const Q: usize> {
    generation: u32,
    pub(crate) sock: Option<Sock<B, Q>>,
}

/// Everything the network knows, behind the [`Net`]'s `RefCell`.
pub(crate) struct State<const S: usize, const B: usize, const Q: usize> {
    pub(crate) clock: Clock,
    pub(crate) slots: [Slot<B, Q>; S],
    pub(crate) hosts: [Option<HostInfo>; MAX_HOSTS],
    pub(crate) paths: Paths,
    /// The order of events that queue things (connections, `SYN`s), for FIFO without a clock.
    seq: u64,
    /// The number the next connection gets in the trace.
    next_conn: u32,
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
    pub(crate) rights: crate::rights::InFlight,
    /// Where the last message sent landed, so ancillary data can be attached to it.
    pub(crate) landed: Option<crate::rights::Landed>,
}

/// A simulated network: hosts, their sockets, and a virtual clock. Single-threaded and
/// deterministic: the same calls give the same results, run after run. With feature `std`,
/// `K` = `Shared` (feature `std`) makes it thread-safe (`SharedNet` (feature `std`)).
///
/// Capacities are fixed when the type is named, and nothing is allocated:
/// - `SOCKETS`: sockets open at once, on all hosts together (then
///   [`ErrorKind::TooManyOpenFiles`]); a connection waiting to be accepted counts as one;
/// - `BUF`: bytes a socket's receive queue can hold (the most a receive buffer can be set to);
/// - `QUEUE`: the longest listen backlog and datagram queue.
///
/// `T` is the [`Tracer`] (none by default); `K` how the state is shared ([`Local`] by
/// default: one thread).
///
/// Use it by shared reference; each [`Host`] made by [`Net::host`] is an
/// [`anysock_core::Stack`].
///
/// ```
/// use anysock_mock::Net;
/// use anysock_core::{Listener, Stack};
/// use anysock_core::embedded_io::{Read, Write};
///
/// let net: Net = Net::new();
/// let server = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
/// let client = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
/// let mut listener = server.listen(&"10.0.0.1:80".parse()?, 4)?;
/// let mut conn = client.connect(&"10.0.0.1:80".parse()?)?;
/// let (mut accepted, peer) = listener.accept()?;
/// assert_eq!(peer.to_string(), "10.0.0.2:49152");
/// conn.write_all(b"GET /")?;
/// let mut buf = [0u8; 5];
/// accepted.read_exact(&mut buf).unwrap();
/// assert_eq!(&buf, b"GET /");
/// # Ok::<(), anysock_core::Error>(())
/// ```
pub struct Net<
    const SOCKETS: usize = 32,
    const BUF: usize = 4096,
    const QUEUE: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
> {
    pub(crate) state: K::Cell<State<SOCKETS, BUF, QUEUE>>,
    pub(crate) tracer: K::Cell<T>,
    /// Where an event's payload waits while the tracer looks at it.
    pub(crate) spill: K::Cell<[u8; BUF]>,
    pub(crate) tracing: bool,
    /// What threads waiting for a change sleep on (nothing in a [`Local`] network).
    pub(crate) signal: K::Signal,
}

impl<const S: usize, const B: usize, const Q: usize, K: Sharing> Net<S, B, Q, (), K> {
    /// An empty network at time zero, with no hosts, no faults and no tracer.
    pub fn new() -> Self {
        Net::build((), false)
    }

    /// As [`Net::new`], with the fault generator seeded with `seed` (see
    /// [`Net::set_seed`]).
    pub fn with_seed(seed: u64) -> Self {
        let net = Net::new();
        net.set_seed(seed);
        net
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing> Net<S, B, Q, T, K> {
    /// An empty network that hands every event to `tracer` (see [`crate::trace`]). Pass
    /// `&mut t` to keep the tracer and read it once the network is gone.
    pub fn with_tracer(tracer: T) -> Self {
        Net::build(tracer, true)
    }

    fn build(tracer: T, tracing: bool) -> Self {
        Net {
            state: K::cell(State {
                clock: Clock::new(),
                slots: core::array::from_fn(|_| Slot {
                    generation: 0,
                    sock: None,
                }),
                hosts: [None; MAX_HOSTS],
                paths: Paths::new(),
                seq: 0,
                next_conn: 0,
                faults: Faults::new(0),
                outbox: Outbox::new(tracing),
                threads: K::THREADS,
                blocked: None,
                max_wait: crate::guard::DEFAULT_MAX_WAIT,
                rights: crate::rights::InFlight::new(),
                landed: None,
            }),
            tracer: K::cell(tracer),
            spill: K::cell([0; B]),
            tracing,
            signal: K::signal(),
        }
    }

    /// Runs `f` on the tracer, for a look at what it kept so far. `None` only when called
    /// from inside the tracer's own `record` (the tracer is busy then). Events the network
    /// makes while `f` runs are handed over when it returns.
    pub fn tracer<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.flush();
        let out = {
            let mut t = K::try_lock(&self.tracer)?;
            f(&mut t)
        };
        self.flush();
        Some(out)
    }

    /// Takes the tracer back; the network is gone (every socket must be dropped first, as
    /// they borrow it).
    pub fn into_tracer(self) -> T {
        self.flush();
        K::into_inner(self.tracer)
    }

    /// Adds a host owning `ipv4` and `ipv6` (besides `127.0.0.0/8` and `::1`, which reach only
    /// the host itself), with an empty Unix path namespace of its own.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for a loopback, unspecified, multicast or broadcast
    /// address; [`ErrorKind::AddrInUse`] when another host has the address;
    /// [`ErrorKind::OutOfMemory`] when the network already has its
    /// [`MAX_HOSTS`](crate::MAX_HOSTS) hosts.
    pub fn host(&self, ipv4: Ipv4Addr, ipv6: Ipv6Addr) -> Result<Host<'_, S, B, Q, T, K>> {
        let id = self.state_mut().add_host(ipv4, ipv6)?;
        Ok(Host::new(self, id))
    }

    /// The virtual time: zero at creation, moved by [`Net::advance`] and by calls that wait
    /// (a timeout expiring, a `connect` whose `SYN`s go unanswered).
    pub fn now(&self) -> Duration {
        self.state().clock.now()
    }

    /// Moves the virtual clock forward by `by`, firing what falls due (an unanswered `connect`
    /// fails with [`ErrorKind::TimedOut`] once [`SYN_TIMEOUT`](crate::SYN_TIMEOUT) has
    /// passed).
    pub fn advance(&self, by: Duration) {
        self.state_mut().advance(by);
    }

    /// How many sockets are open, on all hosts (connections waiting to be accepted included).
    pub fn open_sockets(&self) -> usize {
        self.state()
            .slots
            .iter()
            .filter(|s| s.sock.is_some())
            .count()
    }

    pub(crate) fn state(&self) -> K::ReadGuard<'_, State<S, B, Q>> {
        K::read(&self.state)
    }
}

impl<const S: usize, const B: usize, const Q: usize, K: Sharing> Default for Net<S, B, Q, (), K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing> fmt::Debug
    for Net<S, B, Q, T, K>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match K::try_lock(&self.state) {
            Some(st) => f
                .debug_struct("Net")
                .field("now", &st.clock.now())
                .field("hosts", &st.hosts.iter().flatten().count())
                .field(
                    "open_sockets",
                    &st.slots.iter().filter(|s| s.sock.is_some()).count(),
                )
                .finish(),
            None => f.write_str("Net { <in use> }"),
        }
    }
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
