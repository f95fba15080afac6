//! What async waiting leaves in the kernel: the sockets a call changed (to wake their waiters
//! when it ends), the timers of sleeping futures, and where a call that would block waits.

use core::task::Waker;
use core::time::Duration;

use anysock_core::{Error, ErrorKind, Result, Wait};

use crate::base::handle::Handle;
use crate::base::table::{NoMemory, Table};
use crate::base::wakers::{Ticket, Wakers};
use crate::kernel::table::sock::Signature;

/// The most timers ([`anysock_core::asynch::Stack::sleep_until`], and so
/// [`anysock_core::asynch::timeout`]) running at once on one network; one more is
/// [`ErrorKind::OutOfMemory`].
pub const MAX_TIMERS: usize = 64;

/// Where a call that would block waits: the socket whose change can let it finish, and what
/// it waits for (named in [`ErrorKind::Deadlock`] errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WaitOn {
    pub(crate) on: Handle,
    pub(crate) what: Wait,
}

/// What a socket looked like to its waiters when a call first touched it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Before {
    /// Its waiters could see this: woken at the end of the call if it looks different.
    Seen(Signature),
    /// Nobody waited on it, and it was in no accept queue: nobody to wake (a future that
    /// parks on it later in the same call sees it as the call left it). Should the call queue
    /// it at a listener, the listener's waiters are woken.
    Unwatched,
}

/// The sockets changed during one call, each once (the socket's own `touched` flag says it is
/// listed), with what its waiters could see before the call (see [`Before`]). One entry per
/// socket slot, so it fills only when a call closes a socket and reuses its slot.
#[derive(Debug)]
pub(crate) struct Touched<const S: usize> {
    entries: Table<(Handle, Before), S>,
    len: usize,
}

impl<const S: usize> Touched<S> {
    /// An empty list for a network of `sockets` slots.
    pub(crate) fn try_new(sockets: usize) -> Result<Self, NoMemory> {
        let none = Handle::NOTHING;
        Ok(Touched {
            entries: Table::try_new(sockets, |_| (none, Before::Unwatched))?,
            len: 0,
        })
    }

    /// Lists `h`; `false` when the list is full.
    pub(crate) fn push(&mut self, h: Handle, before: Before) -> bool {
        let Some(entry) = self.entries.get_mut(self.len) else {
            return false;
        };
        *entry = (h, before);
        self.len += 1;
        true
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Takes the last entry.
    pub(crate) fn pop(&mut self) -> Option<(Handle, Before)> {
        self.len = self.len.checked_sub(1)?;
        self.entries.get(self.len).copied()
    }

    /// Bytes held on the heap (nothing without `alloc`).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.entries.heap_bytes()
    }
}

/// The timers of sleeping futures: a deadline on the virtual clock and a parked waker each.
#[derive(Debug)]
pub(crate) struct Sleepers {
    deadlines: [Duration; MAX_TIMERS],
    wakers: Wakers<MAX_TIMERS>,
}

impl Sleepers {
    pub(crate) const fn new() -> Self {
        Sleepers {
            deadlines: [Duration::ZERO; MAX_TIMERS],
            wakers: Wakers::new(),
        }
    }

    /// Sets (or, for a ticket still running, resets) a timer for `deadline`.
    ///
    /// Errors: [`ErrorKind::OutOfMemory`] when [`MAX_TIMERS`] others are running.
    pub(crate) fn set(
        &mut self,
        deadline: Duration,
        waker: &Waker,
        ticket: Option<Ticket>,
    ) -> Result<Ticket> {
        let t = self
            .wakers
            .park(waker, ticket)
            .ok_or(Error::new(ErrorKind::OutOfMemory))?;
        if let Some(d) = self.deadlines.get_mut(Wakers::<MAX_TIMERS>::index(t)) {
            *d = deadline;
        }
        Ok(t)
    }

    /// Stops the timer of `ticket` (its future is gone); a fired one is gone already.
    pub(crate) fn cancel(&mut self, ticket: Ticket) {
        self.wakers.unpark(ticket);
    }

    /// The earliest deadline of a running timer.
    pub(crate) fn next(&self) -> Option<Duration> {
        if self.wakers.len() == 0 {
            return None;
        }
        self.wakers
            .parked()
            .filter_map(|i| self.deadlines.get(i).copied())
            .min()
    }

    /// Wakes the futures whose deadline is `now` or earlier (see [`Wakers::wake`] for
    /// `counted`); returns how many.
    pub(crate) fn fire(&mut self, now: Duration, counted: Option<&Waker>) -> u32 {
        if self.wakers.len() == 0 {
            return 0;
        }
        let mut n = 0;
        for i in 0..MAX_TIMERS {
            if self.deadlines.get(i).is_some_and(|&d| d <= now) {
                n += u32::from(self.wakers.wake(i, counted));
            }
        }
        n
    }
}
