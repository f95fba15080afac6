//! [`Net::run`]: the deterministic driver, which runs a future to completion on the virtual
//! clock and reports a deadlock instead of hanging.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use anysock_core::{Error, ErrorKind, Result, Wait};

use crate::net::sharing::Sharing;
use crate::net::Net;
use crate::trace::Tracer;

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Net<S, B, Q, T, K, H>
{
    /// Runs `fut` to completion on this network, as a `block_on` whose clock is the virtual
    /// one: whenever nothing can progress, the clock jumps to the next scheduled event (bytes
    /// on their way arriving, a timer, a `connect` giving up), so a program that sleeps for an
    /// hour or waits out 127 s of `SYN` retries finishes at once. Run several tasks by joining
    /// them into one future (`embassy_futures::join`, `select`).
    ///
    /// The run is deterministic: the same future on a network with the same seed makes the
    /// same calls in the same order, so the trace is the same, run after run.
    ///
    /// Errors: [`ErrorKind::Deadlock`] when the future still waits and nothing is scheduled
    /// that could wake it — [`Error::waiting_for`] names what the last waiting call waited
    /// for ([`Wait::Task`] when nothing on the network: a channel nobody will send on, say).
    /// On a `SharedNet` (feature `std`) the driver first waits for another thread to change
    /// the network, at most `Net::max_wait`, then fails with [`ErrorKind::TimedOut`].
    ///
    /// Without feature `std` the driver learns that a future can progress from the network,
    /// which wakes it; a future woken by something else (a channel between joined tasks)
    /// is polled again at the network's next event. With `std`, every wake counts.
    pub fn run<F: Future>(&self, fut: F) -> Result<F::Output> {
        let mut fut = pin!(fut);
        let woken = Woken::new();
        let waker = woken.waker();
        let mut cx = Context::from_waker(&waker);
        // One thread: every wake by the network shows in its count, which the loop reads, so
        // the network need not call this waker (nor the loop reset a flag for it).
        let _counted = (!K::THREADS).then(|| Counted::new(self, &waker));
        loop {
            let wakes = {
                // What the next poll parks on is what a deadlock would name.
                let mut st = self.state_unwatched();
                st.last_wait = None;
                st.wakes
            };
            // Wakes so far (from the clock moving, say) are for this poll to see.
            woken.clear();
            if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
                return Ok(out);
            }
            // Woken during the poll: someone can progress right now.
            let local_wake = !K::THREADS && self.state().wakes != wakes;
            if woken.is_set() || local_wake {
                continue;
            }
            let mut st = self.state_mut();
            if let Some(at) = st.next_event() {
                // Nothing can progress now: time passes to the next event, waking what it
                // brings when the state is released.
                st.advance_to(at);
                continue;
            }
            let waiting = st.last_wait.unwrap_or(Wait::Task);
            if !K::THREADS {
                return Err(Error::deadlock(waiting));
            }
            // A shared network: another thread may still act. Wait for it to change the
            // network, as a blocking call would; a change wakes nothing here but the poll.
            let seen = K::changes(&self.signal);
            let bound = st.max_wait;
            if woken.is_set() {
                continue;
            }
            drop(st);
            if K::wait(&self.signal, seen.wrapping_add(1), K::start(), bound) && !woken.is_set() {
                return Err(Error::new(ErrorKind::TimedOut));
            }
        }
    }
}

/// The driver's waker noted in the network as one whose wakes are counted (see
/// `State::counted`) while the driver runs.
struct Counted<
    'n,
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
> {
    net: &'n Net<S, B, Q, T, K, H>,
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Counted<'n, S, B, Q, T, K, H>
{
    fn new(net: &'n Net<S, B, Q, T, K, H>, waker: &Waker) -> Self {
        net.state_unwatched().counted = Some(waker.clone());
        Counted { net }
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Drop
    for Counted<'_, S, B, Q, T, K, H>
{
    fn drop(&mut self) {
        self.net.state_unwatched().counted = None;
    }
}

/// What the driver's waker records: with `std`, a flag any wake sets, from any thread;
/// without, nothing (the network's own count of wakes tells the driver instead).
struct Woken {
    #[cfg(feature = "std")]
    flag: std::sync::Arc<Flag>,
}

#[cfg(feature = "std")]
struct Flag(core::sync::atomic::AtomicBool);

#[cfg(feature = "std")]
impl std::task::Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.store(true, core::sync::atomic::Ordering::Release);
    }
}

#[cfg(feature = "std")]
impl Woken {
    fn new() -> Self {
        Woken {
            flag: std::sync::Arc::new(Flag(core::sync::atomic::AtomicBool::new(false))),
        }
    }

    fn waker(&self) -> Waker {
        Waker::from(std::sync::Arc::clone(&self.flag))
    }

    /// Forgets the wakes so far. A swap, as an acquire: the poll that follows cannot read
    /// the network before it (and only when there is one to forget: a swap is dear).
    fn clear(&self) {
        if self.is_set() {
            self.flag
                .0
                .swap(false, core::sync::atomic::Ordering::Acquire);
        }
    }

    fn is_set(&self) -> bool {
        self.flag.0.load(core::sync::atomic::Ordering::Acquire)
    }
}

#[cfg(not(feature = "std"))]
impl Woken {
    fn new() -> Self {
        Woken {}
    }

    fn waker(&self) -> Waker {
        Waker::noop().clone()
    }

    fn clear(&self) {}

    fn is_set(&self) -> bool {
        false
    }
}
