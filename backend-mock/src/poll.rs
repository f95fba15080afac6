//! Readiness computed from the simulated queues, and `poll` on the virtual clock.

use core::time::Duration;

use anysock_core::{Error, ErrorKind, PollFd, Readiness, Result, Type};

use crate::net::State;
use crate::sock::Phase;
use crate::Handle;

const IN: i16 = 0x1;
const OUT: i16 = 0x4;
const ERR: i16 = 0x8;
const HUP: i16 = 0x10;
const NVAL: i16 = 0x20;

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    /// What `poll` reports for `h`, with Linux's rules (`tcp_poll`, `unix_poll`,
    /// `datagram_poll`), all interests included.
    pub(crate) fn readiness(&self, h: Handle) -> i16 {
        let Ok(s) = self.sock(h) else { return NVAL };
        let mut r = if s.so_error.is_some() { ERR } else { 0 };
        let has_data = !s.rx.is_empty() || s.dgrams.len() > 0;
        if has_data {
            r |= IN;
        }
        if s.ty == Type::Datagram {
            let peer_room = s
                .peer
                .and_then(|p| self.sock(p).ok())
                .map_or(true, |p| !p.dgrams.is_full() && p.rx.room(p.rx_limit()) > 0);
            if !s.is_unix() || peer_room {
                r |= OUT;
            }
            return r;
        }
        let st = s.stream;
        match s.phase {
            Phase::Listening { .. } => {
                if self.queued(h) > 0 {
                    r |= IN;
                }
            }
            // An unconnected stream socket is "closed": writable and hung up, on Linux.
            Phase::Idle => r |= OUT | HUP,
            Phase::SynSent { .. } => {}
            Phase::Connected => {
                let (rcv_shut, snd_shut) = if s.is_tcp() {
                    (st.fin || st.rd_shut || st.closed, st.wr_shut || st.closed)
                } else {
                    (
                        st.fin || st.rd_shut,
                        st.wr_shut || st.peer_rd_shut || st.peer_gone,
                    )
                };
                if rcv_shut {
                    r |= IN;
                }
                if rcv_shut && snd_shut {
                    r |= HUP;
                }
                let peer_room = s
                    .peer
                    .and_then(|p| self.sock(p).ok())
                    .is_some_and(|p| p.rx.room(p.rx_limit().min(s.tx_limit())) > 0);
                if snd_shut || peer_room || (s.is_tcp() && st.peer_gone) {
                    r |= OUT;
                }
            }
        }
        r
    }

    /// Records each entry's readiness (limited to its interest, plus errors, hang-ups and
    /// invalid handles, which are always reported); returns how many have something.
    fn scan(&self, fds: &mut [PollFd<Handle>]) -> usize {
        let mut count = 0;
        for fd in fds.iter_mut() {
            let found = self.readiness(fd.handle()) & (fd.interest().bits() | ERR | HUP | NVAL);
            fd.set_ready(Readiness::from_bits(found));
            if found != 0 {
                count += 1;
            }
        }
        count
    }

    /// `poll(fds, timeout)` on the virtual clock. Nothing ready: with a timeout, the clock
    /// moves to the next event that could change the answer (a `connect` timing out) or to
    /// the end of the timeout, whichever is first; without one, the clock moves to the next
    /// such event, and if there is none the call fails with [`ErrorKind::WouldBlock`]
    /// instead of waiting forever for a peer that cannot run.
    pub(crate) fn poll(
        &mut self,
        fds: &mut [PollFd<Handle>],
        timeout: Option<Duration>,
    ) -> Result<usize> {
        let n = self.scan(fds);
        if n > 0 || timeout == Some(Duration::ZERO) {
            return Ok(n);
        }
        let now = self.clock.now();
        let event = self.next_deadline().map(|d| d.saturating_sub(now));
        match (timeout, event) {
            (Some(t), Some(e)) if e <= t => {
                self.advance(e);
                let n = self.scan(fds);
                if n == 0 {
                    self.advance(t.saturating_sub(e));
                }
                Ok(n)
            }
            (Some(t), _) => {
                self.advance(t);
                Ok(self.scan(fds))
            }
            (None, Some(e)) => {
                self.advance(e);
                match self.scan(fds) {
                    0 => Err(Error::new(ErrorKind::WouldBlock)),
                    n => Ok(n),
                }
            }
            (None, None) => Err(Error::new(ErrorKind::WouldBlock)),
        }
    }
}
