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
    /// Parks `waker` on the socket `at` names until it changes (see [`State::settle`]), in
    /// the entry of `ticket` if it is still this future's.
    ///
    /// Errors: [`ErrorKind::BadDescriptor`] for a closed socket; [`ErrorKind::OutOfMemory`]
    /// when [`crate::kernel::table::sock::MAX_WAITERS`] other futures wait on it.
    pub(crate) fn park(
        &mut self,
        at: WaitOn,
        waker: &Waker,
        ticket: Option<Ticket>,
    ) -> Result<Ticket> {
        self.sock_untracked(at.on)?
            .waiters
            .park(waker, ticket)
            .ok_or(Error::new(ErrorKind::OutOfMemory))
    }

    /// Takes back the entry of a future that stopped waiting on `on` before it was woken.
    pub(crate) fn unpark(&mut self, on: Handle, ticket: Ticket) {
        if let Ok(s) = self.sock_untracked(on) {
            s.waiters.unpark(ticket);
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
