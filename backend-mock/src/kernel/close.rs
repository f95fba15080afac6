//! `close`: what a socket's end does to the sockets it was connected to.

use core::time::Duration;

use anysock_core::{ErrorKind, SocketAddr, UnixAddr};

use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::table::sock::Phase;
use crate::trace::EventKind;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// Closes `h` (the owner dropped it), as Linux's `close`:
    /// - a listener resets the connections still in its queue, and `SYN`s waiting for room
    ///   are refused;
    /// - a TCP stream closing with unread data, or with `SO_LINGER` of zero, resets the
    ///   connection (the peer's next call gets `ECONNRESET`); otherwise the peer reads end of
    ///   stream;
    /// - a Unix stream always ends the peer's stream; with unread data the peer's next read
    ///   after its queued data gets `ECONNRESET` (Linux ignores `SO_LINGER` there);
    /// - a pathname's file stays (see [`crate::Host::unlink`]).
    ///
    /// That is when `h`'s last handle is dropped and no message in flight carries it; until
    /// then the other handles keep it open (see `rights.rs`).
    pub(crate) fn close(&mut self, h: Handle) {
        self.drop_owner(h);
    }

    /// Closes `h`; `crashed` when its host crashed, which resets every connection.
    pub(crate) fn close_as(&mut self, h: Handle, crashed: bool) {
        let Ok(s) = self.sock(h) else { return };
        let (phase, peer, tcp, unread, linger0) = (
            s.phase,
            s.peer,
            s.is_tcp(),
            !s.rx.is_empty(),
            s.opts.linger == Some(Duration::ZERO),
        );
        // On the wire: nothing once a TCP connection is over, or a Unix peer is gone.
        let live = if tcp {
            !s.stream.closed
        } else {
            peer.is_some()
        };
        let (conn, wr_shut) = (s.conn, s.stream.wr_shut);
        if let (true, Some(p)) = (s.is_unix(), peer) {
            // A Unix peer keeps naming the closed socket as it was named at the end (its
            // `getpeername` reads the name of the socket it still points at). Only a peer
            // pointing back can have a stale name (a socketpair end that bound since); a
            // socket connected one way named its target when the target was already bound.
            let name = s.local.unwrap_or(SocketAddr::Unix(UnixAddr::unnamed()));
            if let Ok(ps) = self.sock_mut(p) {
                if ps.peer == Some(h) {
                    ps.remote = Some(name);
                }
            }
        }
        match phase {
            Phase::Listening { .. } => self.close_listener(h),
            Phase::Connected => {
                let reset = crashed || unread || (tcp && linger0);
                if let Some(conn) = conn.filter(|_| live) {
                    let (from, to) = self.ends(h);
                    if reset {
                        self.emit(EventKind::Reset { conn, from, to });
                    } else if !wr_shut {
                        self.emit(EventKind::Fin { conn, from, to });
                    }
                }
                if let Some(peer) = peer {
                    self.end_peer(peer, tcp, reset);
                }
            }
            Phase::Idle | Phase::SynSent => {}
        }
        self.free(h);
    }

    fn close_listener(&mut self, h: Handle) {
        // Each turn takes one out of the list; the bound holds should one ever stay.
        for _ in 0..self.queued(h) {
            let Some(child) = self.waiting(h).next() else {
                break;
            };
            let (peer, tcp, conn) = match self.sock(child) {
                Ok(c) => (c.peer, c.is_tcp(), c.conn),
                Err(_) => break,
            };
            if let Some(conn) = conn {
                let (from, to) = self.ends(child);
                self.emit(EventKind::Reset { conn, from, to });
            }
            if let Some(peer) = peer {
                self.end_peer(peer, tcp, true);
            }
            self.free(child);
        }
        for _ in 0..self.knocking(h).count() {
            let Some(client) = self.knocking(h).next() else {
                break;
            };
            self.refuse(client);
        }
    }

    /// A `connect` still retrying its `SYN` is answered with a reset: `ECONNREFUSED`.
    pub(crate) fn refuse(&mut self, client: Handle) {
        let (from, to) = self.ends(client);
        self.emit(EventKind::Refused {
            client: from,
            server: to,
        });
        self.set_phase(client, Phase::Connected);
        self.tcp_closed(client);
        if let Ok(s) = self.sock_mut(client) {
            s.so_error = Some(ErrorKind::ConnectionRefused);
        }
    }

    /// Tells `peer` its other end closed: cleanly (end of stream) or with a reset.
    pub(crate) fn end_peer(&mut self, peer: Handle, tcp: bool, reset: bool) {
        let Ok(p) = self.sock_mut(peer) else { return };
        p.peer = None;
        p.stream.peer_gone = true;
        if tcp && reset {
            // RST: queued data stays readable, then ECONNRESET, then end of stream.
            p.so_error = Some(ErrorKind::ConnectionReset);
            self.tcp_closed(peer);
        } else {
            p.stream.fin = true;
            if reset {
                p.so_error = Some(ErrorKind::ConnectionReset);
            }
            if tcp && p.stream.wr_shut {
                // Both FINs are out: the connection is over (Linux: TCP_CLOSE via TIME_WAIT
                // on the closing side).
                self.tcp_closed(peer);
            }
        }
    }
}
