//! Locking the network's state for a change, handing the events it made to the tracer, and,
//! in a shared network, waiting for another thread when a blocking call cannot finish.

use core::ops::{Deref, DerefMut};

use anysock_core::Result;

use crate::kernel::state::State;
use crate::kernel::table::wait::Expiry;
use crate::net::sharing::Sharing;
use crate::net::Net;
use crate::trace::outbox::event;
use crate::trace::Tracer;

/// The state, locked for a change. When dropped, the futures waiting on what the change touched
/// are woken, the events it made go to the tracer and, in a shared network, waiting threads are
/// woken. Fields drop in order.
pub(crate) struct StateMut<
    'a,
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
> {
    locked: Locked<'a, S, B, Q, T, K, H>,
    _flush: Flush<'a, S, B, Q, T, K, H>,
}

/// A shared network hands the events over before it unlocks, so they reach the tracer in
/// order and never pile up beyond the outbox while threads take turns.
struct Locked<
    'a,
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
> {
    st: K::Guard<'a, State<S, B, Q, H>>,
    net: &'a Net<S, B, Q, T, K, H>,
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Drop
    for Locked<'_, S, B, Q, T, K, H>
{
    #[inline]
    fn drop(&mut self) {
        // The call is over: the futures waiting on what it changed are woken.
        self.st.settle();
        if K::THREADS {
            self.net.drain(&mut self.st);
            K::changed(&self.net.signal);
        }
    }
}

/// A single-threaded network hands the events over after it unlocks, so a tracer may call
/// into the network.
struct Flush<
    'a,
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
> {
    net: &'a Net<S, B, Q, T, K, H>,
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Drop
    for Flush<'_, S, B, Q, T, K, H>
{
    #[inline]
    fn drop(&mut self) {
        // Checked here, where it inlines: most networks have no tracer.
        if !K::THREADS && self.net.tracing {
            self.net.flush();
        }
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Deref
    for StateMut<'_, S, B, Q, T, K, H>
{
    type Target = State<S, B, Q, H>;
    fn deref(&self) -> &State<S, B, Q, H> {
        &self.locked.st
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> DerefMut
    for StateMut<'_, S, B, Q, T, K, H>
{
    fn deref_mut(&mut self) -> &mut State<S, B, Q, H> {
        &mut self.locked.st
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Net<S, B, Q, T, K, H>
{
    /// The state, for a change.
    #[inline]
    pub(crate) fn state_mut(&self) -> StateMut<'_, S, B, Q, T, K, H> {
        StateMut {
            locked: Locked {
                st: K::lock(&self.state),
                net: self,
            },
            _flush: Flush { net: self },
        }
    }

    /// The state for a look, or a note that changes no socket (what a driver waits for): no
    /// waking, no tracer, and no other thread told of a change.
    pub(crate) fn state_unwatched(&self) -> K::Guard<'_, State<S, B, Q, H>> {
        K::lock(&self.state)
    }

    /// Hands the waiting events to the tracer. Single-threaded: one at a time with the state
    /// released, so `record` may call into the network (its events are left for this loop).
    /// Shared: under the lock, by way of [`Net::drain`].
    pub(crate) fn flush(&self) {
        if !self.tracing {
            return;
        }
        if K::THREADS {
            drop(self.state_mut());
            return;
        }
        let Some(mut tracer) = K::try_lock(&self.tracer) else {
            return;
        };
        let Some(mut spill) = K::try_lock(&self.spill) else {
            return;
        };
        loop {
            let next = match K::try_lock(&self.state) {
                Some(mut st) if !st.outbox.is_empty() => st.outbox.pop(&mut spill[..]),
                _ => None,
            };
            let Some((time, kind, n)) = next else { return };
            let bytes = spill.get(..n).unwrap_or_default();
            tracer.record(&event(time, kind, bytes));
        }
    }

    /// Hands every waiting event to the tracer with the state locked (a shared network). A
    /// tracer busy elsewhere (inside [`Net::tracer`]) gets them at the next change.
    fn drain(&self, st: &mut State<S, B, Q, H>) {
        if !self.tracing || st.outbox.is_empty() {
            return;
        }
        let Some(mut tracer) = K::try_lock(&self.tracer) else {
            return;
        };
        let Some(mut spill) = K::try_lock(&self.spill) else {
            return;
        };
        while let Some((time, kind, n)) = st.outbox.pop(&mut spill[..]) {
            let bytes = spill.get(..n).unwrap_or_default();
            tracer.record(&event(time, kind, bytes));
        }
    }

    /// Runs a call that may block. Single-threaded, that is just the call. Shared: while the
    /// call says it has to wait (see `State::would_block`), the thread sleeps until another
    /// thread changes the network and tries again, until the call's own timeout or the
    /// network's `max_wait` passes; then `give_up` decides the answer from the last one.
    #[inline]
    pub(crate) fn blocking<R>(
        &self,
        call: impl FnMut(&mut State<S, B, Q, H>) -> Result<R>,
        give_up: impl FnOnce(Result<R>, Expiry) -> Result<R>,
    ) -> Result<R> {
        self.blocking_then(call, |_, last, why| give_up(last, why))
    }

    /// As [`Net::blocking`], with the state at hand to give up. (Always inlined: on a
    /// one-thread network it is just the call, which then needs no frame of its own.)
    #[inline(always)]
    pub(crate) fn blocking_then<R>(
        &self,
        mut call: impl FnMut(&mut State<S, B, Q, H>) -> Result<R>,
        give_up: impl FnOnce(&mut State<S, B, Q, H>, Result<R>, Expiry) -> Result<R>,
    ) -> Result<R> {
        let mut st = self.state_mut();
        if !K::THREADS {
            // One thread never waits: nothing can have left a wait behind.
            return call(&mut st);
        }
        st.blocked = None;
        let mut last = call(&mut st);
        let Some(first) = st.blocked.take() else {
            return last;
        };
        let start = K::start();
        let begun = st.clock.now();
        let bound = st.max_wait;
        let (limit, why) = match first.timeout {
            Some(t) if t < bound => (t, Expiry::Timeout),
            _ => (bound, Expiry::Bound),
        };
        loop {
            // Read under the lock; dropping the guard counts one change (this call's own),
            // so any change by another thread after it makes the count pass `seen + 1`.
            let seen = K::changes(&self.signal);
            drop(st);
            let expired = K::wait(&self.signal, seen.wrapping_add(1), start, limit);
            st = self.state_mut();
            last = call(&mut st);
            if st.blocked.take().is_none() {
                return last;
            }
            if expired {
                if why == Expiry::Timeout {
                    // The call's own timeout passed in real time; the network's clock, which
                    // `Stack::now` reads, shows at least that much too (never going back).
                    let due = begun.saturating_add(limit);
                    let now = st.clock.now();
                    if due > now {
                        st.advance(due - now);
                    }
                }
                return give_up(&mut st, last, why);
            }
        }
    }
}
