//! Async waiting: parking a future's waker on the socket a call waits on, timers on the
//! virtual clock, and the next moment something changes by itself.

use core::task::Waker;
use core::time::Duration;

use anysock_core::{Error, ErrorKind, Result};

use crate::base::handle::Handle;
use crate::base::wakers::Ticket;
use crate::kernel::state::State;
use crate::kernel::table::wake::WaitOn;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// Parks `waker` on the socket `at` names until it changes (see [`State::settle`]), in a
    /// free entry (a future parks again only once woken, which frees its entry).
    ///
    /// Errors: [`ErrorKind::BadDescriptor`] for a closed socket; [`ErrorKind::OutOfMemory`]
    /// when [`crate::kernel::table::sock::MAX_WAITERS`] other futures wait on it.
    #[inline]
    pub(crate) fn park(&mut self, at: WaitOn, waker: &Waker) -> Result<Ticket> {
        let ticket = self
            .sock_untracked(at.on)?
            .waiters
            .park(waker, None)
            .ok_or(Error::new(ErrorKind::OutOfMemory))?;
        self.parked += 1;
        Ok(ticket)
    }

    /// Whether the future holding `ticket` on `on` is still parked there, not woken since:
    /// nothing it waits for has changed, so its call would wait again. Its waker is kept up
    /// to date.
    #[inline]
    pub(crate) fn still_parked(&mut self, on: Handle, ticket: Ticket, waker: &Waker) -> bool {
        self.sock_untracked(on)
            .is_ok_and(|s| s.waiters.still_parked(waker, ticket))
    }

    /// Takes back the entry of a future that stopped waiting on `on` before it was woken.
    pub(crate) fn unpark(&mut self, on: Handle, ticket: Ticket) {
        if self
            .sock_untracked(on)
            .is_ok_and(|s| s.waiters.unpark(ticket))
        {
            self.parked = self.parked.saturating_sub(1);
        }
    }

    /// The earliest moment something changes by itself: bytes on their way arrive, a
    /// `connect` gives up, a timer fires.
    pub(crate) fn next_event(&self) -> Option<Duration> {
        let sockets = self.next_deadline();
        let timers = self.sleepers.next();
        sockets.into_iter().chain(timers).min()
    }

    /// Moves the clock to `at` if that is later, firing what falls due.
    pub(crate) fn advance_to(&mut self, at: Duration) {
        let now = self.clock.now();
        if at > now {
            self.advance(at - now);
        }
    }
}
