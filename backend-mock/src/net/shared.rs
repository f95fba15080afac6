//! [`Shared`]: the thread-safe network (feature `std`), whose blocking calls wait for another
//! thread to act.

use core::time::Duration;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Instant;

use crate::net::sharing::{sealed, Sharing};
use crate::net::Net;
use crate::trace::Tracer;

/// The thread-safe network: state in a `std::sync::Mutex`, so hosts and sockets are `Send`
/// and `Sync` (given a `Send` tracer) and may be driven from many threads. A blocking call
/// that cannot finish waits until another thread changes the network, bounded by the
/// socket's timeout or the network's [`Net::max_wait`]. See [`SharedNet`].
#[derive(Debug)]
pub enum Shared {}

impl Sharing for Shared {}

/// A thread-safe [`Net`] (feature `std`): the same network, for thread-per-connection code.
///
/// - Blocking calls (`accept`, `read`, `write` to a full queue, `connect` to a full
///   backlog, `recv`, `poll`) really wait, in real time, for another thread to change the
///   network; the socket's `RecvTimeout`/`SendTimeout` (or `poll`'s timeout) bounds the wait
///   as on Linux, and so does [`Net::max_wait`] (5 s unless set), after which a call that
///   would still be waiting fails with [`ErrorKind::TimedOut`](anysock_core::ErrorKind)
///   (`poll` with a timeout returns 0). Nothing can hang.
/// - The virtual clock moves by [`Net::advance`], when a blocking read (or `poll`) waits for
///   bytes already on their way (latency), as in the single-threaded network, and when a
///   call's own timeout (in real time here) expires: the clock then shows at least that
///   timeout since the call began, so `Stack::now` agrees with the timeouts.
/// - Results depend on how the threads interleave, so only single-threaded use is
///   deterministic; a fault plan's draws still come from the seed in the order calls make
///   them.
/// - The tracer runs with the network locked, in event order: its `record` must not call into
///   the network.
///
/// Sockets borrow the network, so share it with scoped threads (`std::thread::scope`) or give
/// it a `'static` home.
///
/// ```
/// use anysock_mock::SharedNet;
/// use anysock_core::{ErrorKind, Listener, Stack};
/// use anysock_core::embedded_io::{Read, Write};
///
/// let net: SharedNet = SharedNet::new();
/// let server = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
/// let client = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
/// let mut listener = server.listen(&"10.0.0.1:7".parse()?, 4)?;
/// std::thread::scope(|s| {
///     // The accept waits for the client thread's connect.
///     s.spawn(move || {
///         let (mut conn, _) = listener.accept()?;
///         let mut buf = [0u8; 5];
///         conn.read_exact(&mut buf)?;
///         conn.write_all(&buf)
///     });
///     let mut conn = client.connect(&"10.0.0.1:7".parse()?)?;
///     conn.write_all(b"hello")?;
///     let mut buf = [0u8; 5];
///     conn.read_exact(&mut buf)?;
///     assert_eq!(&buf, b"hello");
///     Ok::<(), anysock_core::Error>(())
/// })?;
/// # Ok::<(), anysock_core::Error>(())
/// ```
pub type SharedNet<const S: usize = 32, const B: usize = 4096, const Q: usize = 8, T = ()> =
    Net<S, B, Q, T, Shared>;

/// A count of changes, and a condition variable to wait for the next one.
#[derive(Debug, Default)]
pub struct Signal {
    changes: Mutex<u64>,
    changed: Condvar,
}

fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
    // The network's own code does not panic, so a poisoned lock means a tracer panicked
    // between two events: the state is whole, and carrying on lets the other threads report
    // their own results instead of a poison error.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl sealed::Lock for Shared {
    const THREADS: bool = true;
    type Cell<X> = Mutex<X>;
    type Guard<'a, X: 'a> = MutexGuard<'a, X>;
    type ReadGuard<'a, X: 'a> = MutexGuard<'a, X>;
    type Signal = Signal;
    type Start = Instant;

    fn cell<X>(x: X) -> Mutex<X> {
        Mutex::new(x)
    }

    fn lock<X>(c: &Mutex<X>) -> MutexGuard<'_, X> {
        lock(c)
    }

    fn read<X>(c: &Mutex<X>) -> MutexGuard<'_, X> {
        lock(c)
    }

    fn try_lock<X>(c: &Mutex<X>) -> Option<MutexGuard<'_, X>> {
        match c.try_lock() {
            Ok(g) => Some(g),
            Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    fn into_inner<X>(c: Mutex<X>) -> X {
        c.into_inner().unwrap_or_else(PoisonError::into_inner)
    }

    fn signal() -> Signal {
        Signal::default()
    }

    fn changes(s: &Signal) -> u64 {
        *lock(&s.changes)
    }

    fn changed(s: &Signal) {
        let mut n = lock(&s.changes);
        *n = n.wrapping_add(1);
        s.changed.notify_all();
    }

    fn start() -> Instant {
        Instant::now()
    }

    fn wait(s: &Signal, seen: u64, start: Instant, limit: Duration) -> bool {
        let mut n = lock(&s.changes);
        while *n <= seen {
            let left = limit.saturating_sub(start.elapsed());
            if left.is_zero() {
                return true;
            }
            n = match s.changed.wait_timeout(n, left) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        start.elapsed() >= limit
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer> Net<S, B, Q, T, Shared> {
    /// How long a blocking call waits at most for another thread (real time); see
    /// [`SharedNet`].
    pub fn max_wait(&self) -> Duration {
        self.state().max_wait
    }

    /// Sets how long a blocking call waits at most for another thread (real time), after
    /// which it fails with [`ErrorKind::TimedOut`](anysock_core::ErrorKind). A socket's own
    /// shorter timeout still applies first.
    pub fn set_max_wait(&self, bound: Duration) {
        self.state_mut().max_wait = bound;
    }
}
