//! The virtual clock moving: each socket's next event (bytes or a datagram arriving, a
//! `connect` giving up) is kept in one ordered heap, so the next event of the whole network is
//! found at once and moving the clock touches only the sockets whose events fell due.

use core::time::Duration;

use anysock_core::ErrorKind;

use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::table::sock::Phase;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// Files `h` under its next event after now (or takes it out when it has none). Called
    /// after every change that adds or removes an event of the socket.
    pub(crate) fn rearm(&mut self, h: Handle) {
        let now = self.clock.now();
        let next = self.slots.with_bulk(h);
        match next.and_then(|(s, bulk)| s.next_event(bulk, now)) {
            Some(at) => self.timers.set(h.index, at),
            None => self.timers.remove(h.index),
        }
    }

    /// Moves the clock and fires what fell due.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        self.fire_timers();
    }

    /// The earliest time something changes by itself, if any: a waiting `connect` gives
    /// up, or delayed bytes arrive.
    pub(crate) fn next_deadline(&self) -> Option<Duration> {
        self.timers.peek().map(|(at, _)| at)
    }

    /// Each socket whose event fell due: a `connect` whose `SYN`s went unanswered for
    /// [`crate::SYN_TIMEOUT`] fails with `ETIMEDOUT`, reported through `SO_ERROR`; bytes on
    /// their way arrive; then the socket is filed under its next event, and the futures
    /// waiting on it are woken. Sleeping futures whose deadline came are woken too.
    fn fire_timers(&mut self) {
        let now = self.clock.now();
        while let Some((at, i)) = self.timers.peek() {
            if at > now {
                break;
            }
            let Some(h) = self.slots.handle_at(i) else {
                self.timers.remove(i);
                continue;
            };
            let gave_up = match self.slots.get(h) {
                Some(s) => s.phase == Phase::SynSent && s.retry.deadline <= now,
                None => {
                    self.timers.remove(i);
                    continue;
                }
            };
            if gave_up {
                // A `connect` gave up: `ETIMEDOUT`, through `SO_ERROR`.
                self.timers.remove(i);
                self.set_phase(h, Phase::Connected);
                self.tcp_closed(h);
                if let Ok(s) = self.sock_mut(h) {
                    s.so_error = Some(ErrorKind::TimedOut);
                }
                self.rearm(h);
                self.wake_watchers(h);
                continue;
            }
            // Bytes or datagrams arrived. The bytes are queued bytes like any others from
            // now on.
            let Some((s, bulk)) = self.slots.with_bulk_mut(h) else {
                continue;
            };
            s.flights.settle(&mut bulk.chunks, now);
            match s.next_event(bulk, now) {
                Some(at) => self.timers.set(i, at),
                None => self.timers.remove(i),
            }
            self.wake_watchers(h);
        }
        let woken = self.sleepers.fire(now, self.counted.as_ref());
        self.wakes = self.wakes.wrapping_add(u64::from(woken));
    }

    /// As [`State::wait_arrival`], for a connected stream `h` with bytes on their way: its
    /// next event, as filed, is their arrival.
    pub(crate) fn wait_next_event(
        &mut self,
        h: Handle,
        blocking: bool,
        timeout: Option<Duration>,
    ) -> bool {
        let Some(at) = self.timers.key(h.index).filter(|_| blocking) else {
            return false;
        };
        let wait = at.saturating_sub(self.clock.now());
        if timeout.is_some_and(|t| wait > t) {
            return false;
        }
        self.advance(wait);
        true
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
        let Ok((s, bulk)) = self.sock_bulk(h) else {
            return false;
        };
        let connect_ends = match s.phase {
            Phase::SynSent if !self.threads => Some(s.retry.deadline),
            _ => None,
        };
        let arrival = s.next_arrival(bulk, now);
        let Some(at) = arrival.into_iter().chain(connect_ends).min() else {
            return false;
        };
        let wait = at.saturating_sub(now);
        if !blocking || timeout.is_some_and(|t| wait > t) {
            return false;
        }
        self.advance(wait);
        true
    }
}
