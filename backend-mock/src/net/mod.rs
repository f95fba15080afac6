// The net layer: `Net`, the kernel's state behind a lock that is `Local` (a `RefCell`) or
// `Shared` (a `Mutex`, feature `std`); the guard that hands events to the tracer and makes a
// blocking call of a shared network wait; the calls that set faults up and declare names.
//
// May import: `kernel/`, `trace/`, `base/`.

//! [`Net`]: the simulated network: the kernel's state behind a lock, and its tracer.

use core::fmt;
use core::time::Duration;

use crate::base::table::NoMemory;
use crate::kernel::state::{Capacity, State};
use crate::kernel::table::hosts::MAX_HOSTS;
use crate::kernel::table::paths::MAX_PATHS;
use crate::net::sharing::{Local, Sharing};
use crate::trace::Tracer;

#[cfg(feature = "alloc")]
pub(crate) mod builder;
mod faults;
mod guard;
mod names;
#[cfg(feature = "std")]
pub(crate) mod shared;
pub(crate) mod sharing;

/// A simulated network: hosts, their sockets, and a virtual clock. Single-threaded and
/// deterministic: the same calls give the same results, run after run. With feature `std`,
/// `K` = `Shared` (feature `std`) makes it thread-safe (`SharedNet` (feature `std`)).
///
/// Capacities:
/// - `SOCKETS`: sockets open at once, on all hosts together (then
///   [`ErrorKind::TooManyOpenFiles`]); a connection waiting to be accepted counts as one;
/// - `BUF`: bytes a socket's receive queue can hold (the most a receive buffer can be set to);
/// - `QUEUE`: the longest listen backlog and datagram queue;
/// - `HOSTS` (last, after `T` and `K`): hosts (then [`Net::host`] fails with
///   [`ErrorKind::OutOfMemory`]).
///
/// Without feature `alloc` they are fixed when the type is named and the network is one
/// block of memory: nothing is allocated. With `alloc` (or `std`), [`Net::new`] has the same
/// capacities but keeps its tables on the heap, allocated once, and `Net::builder()` sizes
/// the sockets, hosts and socket files at run time (`BUF` and `QUEUE` stay in the type).
/// Either way no call allocates once the network is made, and what one call or one delivery
/// costs does not grow with the number of hosts or sockets: sockets are found by index
/// (ports, addresses, paths, listener queues), the next event on the virtual clock is kept
/// in order.
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
///
/// [`ErrorKind::TooManyOpenFiles`]: anysock_core::ErrorKind::TooManyOpenFiles
/// [`ErrorKind::OutOfMemory`]: anysock_core::ErrorKind::OutOfMemory
/// [`Host`]: crate::Host
pub struct Net<
    const SOCKETS: usize = 32,
    const BUF: usize = 4096,
    const QUEUE: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
    const HOSTS: usize = MAX_HOSTS,
> {
    pub(crate) state: K::Cell<State<SOCKETS, BUF, QUEUE, HOSTS>>,
    pub(crate) tracer: K::Cell<T>,
    /// Where an event's payload waits while the tracer looks at it.
    pub(crate) spill: K::Cell<[u8; BUF]>,
    pub(crate) tracing: bool,
    /// What threads waiting for a change sleep on (nothing in a [`Local`] network).
    pub(crate) signal: K::Signal,
}

impl<const S: usize, const B: usize, const Q: usize, K: Sharing, const H: usize>
    Net<S, B, Q, (), K, H>
{
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

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Net<S, B, Q, T, K, H>
{
    /// An empty network that hands every event to `tracer` (see [`crate::trace`]). Pass
    /// `&mut t` to keep the tracer and read it once the network is gone.
    pub fn with_tracer(tracer: T) -> Self {
        Net::build(tracer, true)
    }

    fn build(tracer: T, tracing: bool) -> Self {
        let cap = Capacity {
            sockets: S,
            hosts: H,
            paths: MAX_PATHS,
        };
        Net::try_build(tracer, tracing, cap).unwrap_or_else(NoMemory::abort)
    }

    /// A network of capacity `cap` (the types' own without feature `alloc`).
    pub(crate) fn try_build(tracer: T, tracing: bool, cap: Capacity) -> Result<Self, NoMemory> {
        Ok(Net {
            state: K::cell(State::try_new(cap, tracing, K::THREADS)?),
            tracer: K::cell(tracer),
            spill: K::cell([0; B]),
            tracing,
            signal: K::signal(),
        })
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

    /// The virtual time: zero at creation, moved by [`Net::advance`] and by calls that wait
    /// (a timeout expiring, a `connect` whose `SYN`s go unanswered).
    pub fn now(&self) -> Duration {
        self.state().clock.now()
    }

    /// Moves the virtual clock forward by `by`, firing what falls due (an unanswered `connect`
    /// fails with [`ErrorKind::TimedOut`] once [`SYN_TIMEOUT`](crate::SYN_TIMEOUT) has
    /// passed).
    ///
    /// [`ErrorKind::TimedOut`]: anysock_core::ErrorKind::TimedOut
    pub fn advance(&self, by: Duration) {
        self.state_mut().advance(by);
    }

    /// How many sockets are open, on all hosts (connections waiting to be accepted included).
    pub fn open_sockets(&self) -> usize {
        self.state().slots.open()
    }

    /// The bytes the network holds: the `Net` itself and, with feature `alloc`, its tables
    /// on the heap (all allocated when it was made; it never holds more, except for the
    /// few growing lists [`Net::builder`] names).
    pub fn memory(&self) -> usize {
        core::mem::size_of::<Self>() + self.state().heap_bytes()
    }

    pub(crate) fn state(&self) -> K::ReadGuard<'_, State<S, B, Q, H>> {
        K::read(&self.state)
    }
}

impl<const S: usize, const B: usize, const Q: usize, K: Sharing, const H: usize> Default
    for Net<S, B, Q, (), K, H>
{
    fn default() -> Self {
        Self::new()
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    fmt::Debug for Net<S, B, Q, T, K, H>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match K::try_lock(&self.state) {
            Some(st) => f
                .debug_struct("Net")
                .field("now", &st.clock.now())
                .field("hosts", &st.hosts.count())
                .field("open_sockets", &st.slots.open())
                .finish(),
            None => f.write_str("Net { <in use> }"),
        }
    }
}
