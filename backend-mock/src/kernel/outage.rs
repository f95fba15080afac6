//! Whole-host faults: a partition healing, and a host crashing.

use core::net::SocketAddr as InetAddr;

use anysock_core::SocketAddr;

use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::table::sock::Phase;
use crate::trace::Fault;

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    /// The link between hosts `a` and `b` came back (it is no longer cut): stream bytes held
    /// on it arrive now, and `connect`s still retrying their `SYN` across it get an answer,
    /// as their next retry would: a connection if a listener has room, a wait if its queue
    /// is full, a refusal if nobody listens.
    pub(crate) fn heal(&mut self, a: usize, b: usize) {
        let now = self.clock.now();
        let across = |x: usize, y: usize| (x == a && y == b) || (x == b && y == a);
        for slot in self.slots.iter_mut() {
            if let Some(s) = slot.sock.as_mut() {
                if across(s.host, s.peer_host) && s.flights.is_held() {
                    s.flights.release(now);
                }
            }
        }
        let waiting: [Option<Handle>; S] = core::array::from_fn(|i| {
            let h = self.handle_at(i)?;
            let s = self.sock(h).ok()?;
            match s.phase {
                Phase::SynSent { host, .. } if across(s.host, host) => Some(h),
                _ => None,
            }
        });
        for client in waiting.into_iter().flatten() {
            let Ok(s) = self.sock(client) else { continue };
            let (Phase::SynSent { host, .. }, Some(remote)) = (s.phase, s.remote) else {
                continue;
            };
            let Some(dst) = remote.as_inet() else {
                continue;
            };
            let ip = crate::base::addr::canonical(dst.ip());
            match self.find_listener(host, ip, dst.port()) {
                Some(l) => {
                    if let Ok(s) = self.sock_mut(client) {
                        if let Phase::SynSent { listener, .. } = &mut s.phase {
                            *listener = Some(l);
                        }
                    }
                    self.admit_waiting(l);
                }
                None => self.refuse(client),
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
        let victims: [Option<Handle>; S] = core::array::from_fn(|i| {
            let h = self.handle_at(i)?;
            (self.sock(h).ok()?.host == host).then_some(h)
        });
        for h in victims.into_iter().flatten() {
            self.close_as(h, true);
        }
        // Messages queued at the dead sockets no longer carry the sockets they passed.
        self.reap();
    }
}
