//! Whole-host faults: a partition healing, and a host crashing.

use core::net::SocketAddr as InetAddr;

use anysock_core::SocketAddr;

use crate::base::list::next;
use crate::kernel::state::State;
use crate::kernel::table::sock::{Phase, Retry};
use crate::trace::Fault;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// The link between hosts `a` and `b` came back (it is no longer cut): stream bytes held
    /// on it arrive now, and `connect`s still retrying their `SYN` across it get an answer,
    /// as their next retry would: a connection if a listener has room, a wait if its queue
    /// is full, a refusal if nobody listens.
    pub(crate) fn heal(&mut self, a: usize, b: usize) {
        let now = self.clock.now();
        let across = |x: usize, y: usize| (x == a && y == b) || (x == b && y == a);
        for host in [a, b] {
            let mut at = self.hosts.get(host).and_then(|i| i.held.front());
            while let Some(i) = at {
                at = next(&self.slots.links.pending, i);
                let Some(h) = self.slots.handle_at(i) else {
                    continue;
                };
                // Through `sock_bulk_mut`: the bytes become readable, and their reader is
                // woken.
                let Ok((s, bulk)) = self.sock_bulk_mut(h) else {
                    continue;
                };
                if across(s.host, s.peer_host) && s.flights.is_held(&bulk.chunks) {
                    s.flights.release(&mut bulk.chunks, now);
                    self.unhold(h);
                    self.rearm(h);
                }
            }
        }
        for (host, other) in [(a, b), (b, a)] {
            self.answer_retries(host, other);
        }
    }

    /// The `connect`s of `host` retrying their `SYN` toward `other`, whose link just healed,
    /// get the answer their next retry would: the listener now at their address (they wait
    /// for room there, or connect), or a refusal if nobody listens.
    fn answer_retries(&mut self, host: usize, other: usize) {
        // First each finds its listener (or is refused); neither changes the host's list but
        // for the socket itself.
        let mut at = self.hosts.get(host).and_then(|i| i.syns.front());
        while let Some(i) = at {
            at = next(&self.slots.links.pending, i);
            let Some(client) = self.slots.handle_at(i) else {
                continue;
            };
            let Some(s) = self.slots.get(client) else {
                continue;
            };
            let (Phase::SynSent, Some(remote)) = (s.phase, s.remote) else {
                continue;
            };
            let (to, deadline) = (s.retry.host, s.retry.deadline);
            let Some(dst) = remote.as_inet() else {
                continue;
            };
            if to != other {
                continue;
            }
            let ip = crate::base::addr::canonical(dst.ip());
            match self.find_listener(to, ip, dst.port()) {
                Some(l) => {
                    let retry = Retry {
                        listener: Some(l),
                        host: to,
                        deadline,
                    };
                    self.set_retry(client, retry);
                }
                None => self.refuse(client),
            }
        }
        // Then each listener lets in what its queue has room for; a connection made may be
        // any socket's, so the walk starts over after each.
        let mut at = self.hosts.get(host).and_then(|i| i.syns.front());
        while let Some(i) = at {
            at = next(&self.slots.links.pending, i);
            let Some(s) = self.slots.handle_at(i).and_then(|c| self.slots.get(c)) else {
                continue;
            };
            let (Phase::SynSent, Some(l)) = (s.phase, s.retry.listener) else {
                continue;
            };
            let to = s.retry.host;
            if to != other {
                continue;
            }
            let before = self.hosts.get(host).map_or(0, |i| i.syns.len());
            self.admit_waiting(l);
            let after = self.hosts.get(host).map_or(0, |i| i.syns.len());
            if after < before {
                at = self.hosts.get(host).and_then(|i| i.syns.front());
            }
        }
    }

    /// Host `host` crashed: each of its sockets is closed as if it had unread data, so every
    /// connection is reset.
    pub(crate) fn crash(&mut self, host: usize) {
        let Ok(info) = self.host_info(host) else {
            return;
        };
        let me = SocketAddr::from(InetAddr::from((info.ipv4, 0)));
        self.emit_fault(Fault::Crash, me, me);
        let n = self.hosts.get(host).map_or(0, |i| i.socks.len());
        for _ in 0..n {
            let first = self.hosts.get(host).and_then(|i| i.socks.front());
            let Some(h) = first.and_then(|i| self.slots.handle_at(i)) else {
                break;
            };
            self.close_as(h, true);
        }
        // Messages queued at the dead sockets no longer carry the sockets they passed.
        self.reap();
    }
}
