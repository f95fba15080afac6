//! Readiness computed from the simulated queues, and `poll` on the virtual clock.

use core::time::Duration;

use anysock_core::{Error, ErrorKind, PollFd, Readiness, Result, Type, Wait};

use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::table::sock::Phase;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// What `poll` reports for `h`, with Linux's rules (`tcp_poll`, `unix_poll`,
    /// `datagram_poll`), all interests included.
    pub(crate) fn readiness(&self, h: Handle) -> Readiness {
        let Ok((s, bulk)) = self.sock_bulk(h) else {
            return Readiness::INVALID;
        };
        let now = self.clock.now();
        // Bytes on their way are not there yet; what the peer did after sending them (its
        // FIN, a reset) is seen only once they have arrived.
        let on_the_way = s.flights.pending(&bulk.chunks, now) > 0;
        let mut r = if s.so_error.is_some() && !on_the_way {
            Readiness::ERROR
        } else {
            Readiness::NONE
        };
        let has_data = match s.dgrams.front(&bulk.records) {
            Some(rec) => rec.at <= now,
            None => s.readable(bulk, now) > 0,
        };
        if has_data {
            r |= Readiness::READABLE;
        }
        if s.ty == Type::Datagram {
            let peer_room = s
                .peer
                .and_then(|p| self.sock(p).ok())
                .is_none_or(|p| !p.dgrams.is_full() && p.rx.room(p.rx_limit()) > 0);
            if !s.is_unix() || peer_room {
                r |= Readiness::WRITABLE;
            }
            return r;
        }
        let st = s.stream;
        match s.phase {
            Phase::Listening { .. } => {
                if self.queued(h) > 0 {
                    r |= Readiness::READABLE;
                }
            }
            // An unconnected stream socket is "closed": writable and hung up, on Linux, and
            // readable once `shutdown(Read)` was asked of it.
            Phase::Idle => {
                r |= Readiness::WRITABLE | Readiness::HANGUP;
                if st.rd_shut {
                    r |= Readiness::READABLE;
                }
            }
            Phase::SynSent => {}
            Phase::Connected => {
                let (rcv_shut, snd_shut) = if s.is_tcp() {
                    (st.fin || st.rd_shut || st.closed, st.wr_shut || st.closed)
                } else {
                    (
                        st.fin || st.rd_shut,
                        st.wr_shut || st.peer_rd_shut || st.peer_gone,
                    )
                };
                let rcv_shut = rcv_shut && !on_the_way;
                if rcv_shut {
                    r |= Readiness::READABLE;
                }
                if rcv_shut && snd_shut {
                    r |= Readiness::HANGUP;
                }
                let peer_room = s
                    .peer
                    .and_then(|p| self.sock(p).ok())
                    .is_some_and(|p| p.rx.room(p.rx_limit().min(s.tx_limit())) > 0);
                if snd_shut || peer_room || (s.is_tcp() && st.peer_gone) {
                    r |= Readiness::WRITABLE;
                }
            }
        }
        r
    }

    /// Records each entry's readiness as `poll` reports it ([`Readiness::reported_for`]: its
    /// interest, plus errors, hang-ups and invalid handles); returns how many have something.
    fn scan(&self, fds: &mut [PollFd<Handle>]) -> usize {
        let mut count = 0;
        for fd in fds.iter_mut() {
            let found = self.readiness(fd.handle()).reported_for(fd.interest());
            fd.set_ready(found);
            if !found.is_empty() {
                count += 1;
            }
        }
        count
    }

    /// `poll(fds, timeout)` on the virtual clock; see [`State::wait_until`].
    pub(crate) fn poll(
        &mut self,
        fds: &mut [PollFd<Handle>],
        timeout: Option<Duration>,
    ) -> Result<usize> {
        self.wait_until(timeout, |st| st.scan(fds))
    }

    /// A wait for readiness on the virtual clock (`poll`, and a selector's `wait`): `scan`
    /// looks at the sockets and returns how many have something to report. Nothing ready:
    /// the clock moves from one event that could change the answer (delayed bytes arriving,
    /// a `connect` timing out) to the next until `scan` finds something or the timeout ends;
    /// without a timeout, when no event is left, the call fails with
    /// [`ErrorKind::Deadlock`] (waiting for [`Wait::Readiness`]) instead of waiting forever
    /// for a peer that cannot run.
    pub(crate) fn wait_until(
        &mut self,
        timeout: Option<Duration>,
        mut scan: impl FnMut(&Self) -> usize,
    ) -> Result<usize> {
        let n = scan(self);
        if n > 0 || timeout == Some(Duration::ZERO) {
            return Ok(n);
        }
        let end = timeout.map(|t| self.clock.now().saturating_add(t));
        // Each turn moves the clock to a later event, and no event makes new ones, so the
        // loop ends.
        while let Some(at) = self.next_deadline() {
            if end.is_some_and(|end| at > end) {
                break;
            }
            let now = self.clock.now();
            self.advance(at.saturating_sub(now));
            let n = scan(self);
            if n > 0 {
                return Ok(n);
            }
        }
        if self.threads {
            // Nothing more will happen on the virtual clock: wait for another thread.
            self.blocked = Some(crate::kernel::table::wait::Blocked { timeout });
            return match timeout {
                Some(_) => Ok(0),
                None => Err(Error::new(ErrorKind::WouldBlock)),
            };
        }
        match end {
            Some(end) => {
                let now = self.clock.now();
                self.advance(end.saturating_sub(now));
                Ok(scan(self))
            }
            None => Err(Error::deadlock(Wait::Readiness)),
        }
    }
}
