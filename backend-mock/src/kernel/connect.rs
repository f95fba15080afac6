//! Connections: `listen`, stream `connect` (TCP and Unix), the accept queue, and `accept`.

use core::net::IpAddr;

use anysock_core::{Domain, Error, ErrorKind, Result, SocketAddr, Type, UnixAddr, Wait};

use crate::base::addr::{canonical, present, wire};
use crate::base::clock::SYN_TIMEOUT;
use crate::base::handle::Handle;
use crate::kernel::ports::Cover;
use crate::kernel::route::{check_family, destination};
use crate::kernel::state::State;
use crate::kernel::table::addrs::Key;
use crate::kernel::table::sock::{Phase, ResetAfter, Retry};
use crate::kernel::table::wait::{gave_up, Expiry};
use crate::kernel::table::wake::WaitOn;
use crate::trace::EventKind;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// `listen(fd, backlog)`. The backlog is clamped to `Q`; as on Linux, `backlog + 1`
    /// connections may wait (the queue is full when more than `backlog` wait).
    pub(crate) fn listen(&mut self, h: Handle, backlog: u32) -> Result<()> {
        let s = self.sock(h)?;
        if s.ty == Type::Datagram {
            return Err(Error::new(ErrorKind::Unsupported));
        }
        if s.phase != Phase::Idle || s.connect_failed {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        match s.bound() {
            None if s.is_unix() => return Err(Error::new(ErrorKind::InvalidInput)),
            // Linux binds an unbound TCP socket to the wildcard and an ephemeral port.
            None => {
                let any = SocketAddr::unspecified(s.domain);
                self.bind(h, &any)?;
            }
            Some(local) => {
                if !s.is_unix() {
                    self.check_listen(h, &local)?;
                }
            }
        }
        let backlog = u32::try_from(Q).map_or(backlog, |q| backlog.min(q));
        self.sock_mut(h)?.phase = Phase::Listening { backlog };
        Ok(())
    }

    /// Two listeners never share a port unless both have `SO_REUSEPORT`.
    fn check_listen(&self, h: Handle, local: &SocketAddr) -> Result<()> {
        let me = self.sock(h)?;
        let Some(mine) = Cover::of(local, me.opts.v6only) else {
            return Ok(());
        };
        let Some(key) = Key::of(me.host, me.ty, local) else {
            return Ok(());
        };
        let clash = self.at_key(key).any(|(other, o)| {
            other != h
                && o.is_tcp()
                && o.is_listening()
                && !(o.opts.reuse_port && me.opts.reuse_port)
                && o.local
                    .is_some_and(|l| Cover::of(&l, o.opts.v6only).is_some_and(|c| c.overlaps(mine)))
        });
        if clash {
            return Err(Error::new(ErrorKind::AddrInUse));
        }
        Ok(())
    }

    /// `getpeername(fd)`, as Linux answers it: a Unix socket names its peer as the peer is
    /// named now (a socketpair end may have bound since); a TCP connection that is over, or
    /// never was, is `ENOTCONN`; so is a UDP socket connected to port 0, which has no peer to
    /// name.
    pub(crate) fn peer_name(&self, h: Handle) -> Result<SocketAddr> {
        let s = self.sock(h)?;
        let not_connected = Error::new(ErrorKind::NotConnected);
        if s.is_unix() {
            if let Some(p) = s.peer.and_then(|p| self.sock(p).ok()) {
                if s.ty == Type::Datagram || s.phase == Phase::Connected {
                    return Ok(p.local.unwrap_or(SocketAddr::Unix(UnixAddr::unnamed())));
                }
            }
        }
        let remote = s.remote.ok_or(not_connected)?;
        match s.ty {
            Type::Datagram if remote.port() == Some(0) => Err(not_connected),
            Type::Datagram => Ok(remote),
            _ if s.phase != Phase::Connected || (s.is_tcp() && s.stream.closed) => {
                Err(not_connected)
            }
            _ => Ok(remote),
        }
    }

    /// The name `recvmsg` reports for what `h` read from its Unix stream or seqpacket peer:
    /// the sending socket's name as it is when the bytes are read (Linux's `unix_copy_addr`
    /// on the sender of the first buffer read), kept after the sender closed; `None` when the
    /// sender has no name, and for other sockets (TCP names no sender; a datagram reports
    /// its own).
    pub(crate) fn sender_name(&self, h: Handle) -> Option<SocketAddr> {
        let s = self.sock(h).ok()?;
        if !s.is_unix() || s.ty == Type::Datagram {
            return None;
        }
        let name = match s.peer.and_then(|p| self.sock(p).ok()) {
            Some(sender) => sender.local,
            None => s.remote,
        };
        name.filter(|n| !matches!(n, SocketAddr::Unix(u) if u.is_unnamed()))
    }

    /// Connections waiting in `listener`'s accept queue.
    pub(crate) fn queued(&self, listener: Handle) -> usize {
        self.sock(listener).map_or(0, |l| l.accepts.len())
    }

    fn queue_full(&self, listener: Handle) -> Result<bool> {
        match self.sock(listener)?.phase {
            Phase::Listening { backlog } => Ok(self.queued(listener) > backlog as usize),
            _ => Ok(true),
        }
    }

    /// `connect(fd, addr)` for a stream socket.
    pub(crate) fn connect_stream(&mut self, h: Handle, addr: &SocketAddr) -> Result<()> {
        if let SocketAddr::Unix(u) = addr {
            // unix_stream_connect looks at its own state only once it found the listener.
            return self.connect_unix(h, u);
        }
        let s = self.sock_mut(h)?;
        let timeout = s.opts.send_timeout;
        match s.phase {
            Phase::Listening { .. } => return Err(Error::new(ErrorKind::AlreadyConnected)),
            Phase::SynSent if s.stream.connect_waiting => {
                return Err(self.wait_on(h, Wait::Connect, true, timeout));
            }
            Phase::SynSent => {
                // Still retrying its SYN: an async caller waits for the outcome here.
                self.waiting = Some(WaitOn {
                    on: h,
                    what: Wait::Connect,
                });
                return Err(Error::new(ErrorKind::AlreadyInProgress));
            }
            Phase::Connected if s.stream.connect_waiting => {
                // The wait is over: room was made (or the connection failed meanwhile).
                s.stream.connect_waiting = false;
                if s.stream.closed {
                    return Err(Error::new(s.take_error().unwrap_or(ErrorKind::TimedOut)));
                }
                return Ok(());
            }
            _ if s.stream.disconnecting => return Err(Error::new(ErrorKind::InvalidInput)),
            Phase::Connected if s.stream.connect_unreported => {
                // Linux's second `connect` after `EINPROGRESS` reports the outcome once; a
                // connection that failed (or ended) meanwhile is taken apart, and the socket
                // can connect again.
                s.stream.connect_unreported = false;
                if s.stream.closed {
                    let e = s.take_error().unwrap_or(ErrorKind::ConnectionAborted);
                    self.disconnect(h);
                    return Err(Error::new(e));
                }
                return Ok(());
            }
            Phase::Connected => return Err(Error::new(ErrorKind::AlreadyConnected)),
            Phase::Idle => {}
        }
        self.connect_tcp(h, addr)
    }

    /// `connect` of a Unix stream or seqpacket socket, its checks in Linux's order: the
    /// address, the socket it names (`ENOENT`, `ECONNREFUSED`, `EPROTOTYPE`), room in that
    /// listener's queue, and only then this socket's own state (`EISCONN` when connected,
    /// `EINVAL` when listening).
    fn connect_unix(&mut self, h: Handle, addr: &UnixAddr) -> Result<()> {
        let s = self.sock(h)?;
        let (host, ty, nonblocking, timeout) = (s.host, s.ty, s.nonblocking, s.opts.send_timeout);
        let target = self.unix_target(host, addr, ty)?;
        let s = self.sock(h)?;
        let t = self.sock(target)?;
        if !t.is_listening() {
            let client = s.local.unwrap_or(SocketAddr::Unix(UnixAddr::unnamed()));
            self.emit(EventKind::Refused {
                client,
                server: SocketAddr::Unix(*addr),
            });
            return Err(Error::new(ErrorKind::ConnectionRefused));
        }
        if self.queue_full(target)? {
            // Linux makes a Unix client wait for room (up to SO_SNDTIMEO), or EAGAIN.
            return Err(self.would_block(!nonblocking, timeout, Wait::Connect));
        }
        match s.phase {
            Phase::Connected => return Err(Error::new(ErrorKind::AlreadyConnected)),
            Phase::Listening { .. } | Phase::SynSent => {
                return Err(Error::new(ErrorKind::InvalidInput))
            }
            Phase::Idle => {}
        }
        let remote = t.local;
        self.sock_mut(h)?.remote = remote;
        self.establish(h, target)
    }

    fn connect_tcp(&mut self, h: Handle, addr: &SocketAddr) -> Result<()> {
        let Some(dst) = addr.as_inet() else {
            return Err(Error::new(ErrorKind::InvalidInput));
        };
        let s = self.sock(h)?;
        let ip = destination(s, canonical(dst.ip()));
        check_family(s, ip)?;
        let (host, domain, nonblocking, timeout, bound) = (
            s.host,
            s.domain,
            s.nonblocking,
            s.opts.send_timeout,
            s.bound(),
        );
        let dst_host = self
            .route(host, ip)
            .ok_or(Error::new(ErrorKind::HostUnreachable))?;
        let local = match bound {
            Some(l) => l,
            None => {
                let port = self.ephemeral_port(h, ErrorKind::AddrNotAvailable)?;
                present(self.source_ip(host, ip)?, port, domain)
            }
        };
        // A socket bound to the wildcard shows its real source address once connected.
        let local = match local.as_inet() {
            Some(l) if l.ip().is_unspecified() => {
                present(self.source_ip(host, ip)?, l.port(), domain)
            }
            _ => local,
        };
        let to_ip = if ip.is_unspecified() {
            self.source_ip(host, ip)?
        } else {
            ip
        };
        // An IPv6 socket that once connected to an IPv4-mapped address keeps IPv4's
        // operations, and Linux sends its later IPv6 SYNs nowhere: they go unanswered.
        let lost = self.sock(h)?.ipv4_ops && ip.is_ipv6();
        let listener = if lost {
            None
        } else {
            self.find_listener(dst_host, to_ip, dst.port())
        };
        let cut = self.faults.is_cut(host, dst_host);
        let seq = self.next_seq();
        let now = self.clock.now();
        // Its port is its own again (a connect after one that failed took a new one).
        self.set_holds_port(h, true);
        self.set_local(h, Some(local));
        let s = self.sock_mut(h)?;
        s.ipv4_ops |= domain == Domain::Inet6 && ip.is_ipv4();
        let remote = present(to_ip, dst.port(), domain);
        s.remote = Some(remote);
        s.stream.connect_unreported = nonblocking;
        if cut {
            // The SYN is lost on the cut link; the kernel retries as for a full queue.
            self.emit_fault(crate::trace::Fault::Partition, local, remote);
        }
        let listener = match listener {
            Some(l) => l,
            None if cut || lost => h,
            // A SYN to its own address and port meets itself: a simultaneous open, and the
            // socket is connected to itself, as on Linux.
            None if wire(local) == wire(remote) => {
                return self.connect_self(h, nonblocking);
            }
            None => {
                // The peer host answers the SYN with a reset.
                self.emit(EventKind::Refused {
                    client: wire(local),
                    server: wire(remote),
                });
                self.set_phase(h, Phase::Connected);
                self.tcp_closed(h);
                if nonblocking {
                    self.sock_mut(h)?.so_error = Some(ErrorKind::ConnectionRefused);
                    return Err(Error::new(ErrorKind::InProgress));
                }
                self.disconnect(h);
                return Err(Error::new(ErrorKind::ConnectionRefused));
            }
        };
        if cut || lost || self.queue_full(listener)? {
            // Linux drops the SYN and retries until SYN_TIMEOUT; room made meanwhile (an
            // `accept`) lets the connection in, as a retry would.
            self.sock_mut(h)?.seq = seq;
            let retry = Retry {
                listener: (listener != h).then_some(listener),
                host: dst_host,
                deadline: now.saturating_add(SYN_TIMEOUT),
            };
            self.set_retry(h, retry);
            if nonblocking {
                return Err(Error::new(ErrorKind::InProgress));
            }
            if self.threads {
                // Another thread's `accept` may make room: wait for it (see
                // `connect_gave_up` for when it does not come).
                self.sock_mut(h)?.stream.connect_waiting = true;
                return Err(self.wait_on(h, Wait::Connect, true, timeout));
            }
            return match timeout {
                // SO_SNDTIMEO bounds a blocking connect; Linux then says EINPROGRESS and
                // keeps connecting.
                Some(t) if t < SYN_TIMEOUT => {
                    self.advance(t);
                    self.sock_mut(h)?.stream.connect_unreported = true;
                    Err(Error::new(ErrorKind::InProgress))
                }
                _ => {
                    self.advance(SYN_TIMEOUT);
                    let e = self.sock_mut(h)?.take_error();
                    self.disconnect(h);
                    Err(Error::new(e.unwrap_or(ErrorKind::TimedOut)))
                }
            };
        }
        self.establish(h, listener)?;
        if nonblocking {
            return Err(Error::new(ErrorKind::InProgress));
        }
        Ok(())
    }

    /// A TCP socket connects to itself (its `SYN` reached its own port).
    fn connect_self(&mut self, h: Handle, nonblocking: bool) -> Result<()> {
        let conn = self.new_conn();
        self.set_phase(h, Phase::Connected);
        let s = self.sock_mut(h)?;
        s.peer = Some(h);
        s.conn = Some(conn);
        let (client, server) = self.ends(h);
        self.emit(EventKind::Connect {
            conn,
            client,
            server,
        });
        self.emit(EventKind::Accept { conn });
        if nonblocking {
            return Err(Error::new(ErrorKind::InProgress));
        }
        Ok(())
    }

    /// Takes a TCP socket's failed or ended connection apart, as Linux's `tcp_disconnect`
    /// after a `connect` that failed: unconnected again, nothing shut down, an address it did
    /// not bind explicitly back to the wildcard (its port as it was), ready to connect anew.
    pub(crate) fn disconnect(&mut self, h: Handle) {
        self.set_phase(h, Phase::Idle);
        let Ok(s) = self.sock_mut(h) else { return };
        s.connect_failed = true;
        s.remote = None;
        s.peer = None;
        s.conn = None;
        s.stream = crate::kernel::table::sock::Stream::default();
        if !s.locks.addr {
            let domain = s.domain;
            let local = s
                .local
                .map(|l| SocketAddr::unspecified(domain).with_port(l.port().unwrap_or(0)));
            self.set_local(h, local);
        }
    }

    /// A blocking `connect` of a shared network waited for room in vain: when its
    /// `SO_SNDTIMEO` passed, Linux says `EINPROGRESS` and keeps connecting; when the
    /// network's bound passed, it fails with `ETIMEDOUT`, as if its `SYN`s went unanswered.
    pub(crate) fn connect_gave_up(
        &mut self,
        h: Handle,
        last: Result<()>,
        why: Expiry,
    ) -> Result<()> {
        let Ok(s) = self.sock_mut(h) else { return last };
        if !s.stream.connect_waiting {
            return gave_up(last, why); // a Unix connect: it only retries
        }
        s.stream.connect_waiting = false;
        match why {
            Expiry::Timeout => {
                s.stream.connect_unreported = true;
                Err(Error::new(ErrorKind::InProgress))
            }
            Expiry::Bound => {
                self.disconnect(h);
                Err(Error::new(ErrorKind::TimedOut))
            }
        }
    }

    /// The TCP listener a `SYN` to `ip:port` on `host` reaches: one bound to exactly `ip`
    /// first, else one bound to a wildcard covering it; the lowest slot among equals (Linux
    /// spreads over `SO_REUSEPORT` groups by hash).
    pub(crate) fn find_listener(&self, host: usize, ip: IpAddr, port: u16) -> Option<Handle> {
        // The lowest slot among equals, whatever order the sockets got their port in.
        let mut exact: Option<Handle> = None;
        let mut wildcard: Option<Handle> = None;
        let key = Key::Port {
            host,
            ty: Type::Stream,
            port,
        };
        for (h, s) in self.at_key(key) {
            if !s.is_tcp() || !s.is_listening() {
                continue;
            }
            let Some(local) = s.local else { continue };
            let best = match Cover::of(&local, s.opts.v6only) {
                Some(Cover::One(own)) if own == ip => &mut exact,
                Some(c) if c.covers(ip) => &mut wildcard,
                _ => continue,
            };
            if best.is_none_or(|b| h.index < b.index) {
                *best = Some(h);
            }
        }
        exact.or(wildcard)
    }

    /// Creates the server's end of a connection from `client` in `listener`'s accept queue
    /// (the client's `local`/`remote` are already set).
    fn establish(&mut self, client: Handle, listener: Handle) -> Result<()> {
        let l = self.sock(listener)?;
        let (host, domain, ty, listen_addr) = (l.host, l.domain, l.ty, l.local);
        let inheritance = l.inheritance();
        let c = self.sock(client)?;
        let (client_host, tcp) = (c.host, c.is_tcp());
        let (local, remote) = match (c.remote, c.local) {
            (Some(SocketAddr::Unix(_)), client_addr) => (
                listen_addr,
                Some(client_addr.unwrap_or(SocketAddr::Unix(UnixAddr::unnamed()))),
            ),
            (Some(to), Some(from)) => {
                let to = to
                    .as_inet()
                    .map(|a| present(canonical(a.ip()), a.port(), domain));
                let from = from
                    .as_inet()
                    .map(|a| present(canonical(a.ip()), a.port(), domain));
                (to, from)
            }
            _ => return Err(Error::new(ErrorKind::InvalidInput)),
        };
        let child = self.alloc(host, domain, ty)?;
        let seq = self.next_seq();
        let conn = self.new_conn();
        let reset_after = match self.faults.take_reset(conn) {
            Some(n) => Some(n),
            None if tcp => self.faults.plan(client_host, host).reset_after,
            None => None,
        };
        let s = self.sock_mut(child)?;
        s.conn = Some(conn);
        s.peer_host = client_host;
        s.reset_after = ResetAfter::new(reset_after);
        s.inherit(inheritance);
        s.remote = remote;
        s.peer = Some(client);
        s.seq = seq;
        s.phase = Phase::Connected;
        self.set_local(child, local);
        self.enqueue(child, listener);
        self.set_phase(client, Phase::Connected);
        let c = self.sock_mut(client)?;
        c.peer = Some(child);
        c.conn = Some(conn);
        c.peer_host = host;
        c.reset_after = ResetAfter::new(reset_after);
        let (client, server) = self.ends(client);
        self.emit(EventKind::Connect {
            conn,
            client,
            server,
        });
        Ok(())
    }

    /// `accept4(fd, .., nonblocking ? SOCK_NONBLOCK : 0)`: the oldest waiting connection, in
    /// the mode asked for. Blocking with nobody to connect, it gives up as every blocking call
    /// does here (see `would_block`): after `SO_RCVTIMEO`, or at once with a deadlock.
    pub(crate) fn accept(&mut self, h: Handle, nonblocking: bool) -> Result<(Handle, SocketAddr)> {
        let l = self.sock(h)?;
        if !l.is_listening() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (waits, timeout, domain) = (!l.nonblocking, l.opts.recv_timeout, l.domain);
        let Some(child) = self.waiting(h).next() else {
            return Err(self.wait_on(h, Wait::Connection, waits, timeout));
        };
        self.unqueue(child, h);
        let c = self.sock_mut(child)?;
        c.nonblocking = nonblocking;
        let peer = c.remote.unwrap_or(SocketAddr::unspecified(domain));
        if let Some(conn) = c.conn {
            self.emit(EventKind::Accept { conn });
        }
        self.admit_waiting(h);
        Ok((child, peer))
    }

    /// Lets `SYN`s that found the queue full in, oldest first, while there is room.
    pub(crate) fn admit_waiting(&mut self, listener: Handle) {
        while !self.queue_full(listener).unwrap_or(true) {
            let next = self.knocking(listener).find(|&c| {
                self.sock(c).is_ok_and(|s| match s.phase {
                    Phase::SynSent => !self.faults.is_cut(s.host, s.retry.host),
                    _ => false,
                })
            });
            let Some(client) = next else { return };
            if self.establish(client, listener).is_err() {
                return;
            }
        }
    }

    /// `socketpair`: `a` and `b` connected to each other, both unnamed. A stream pair is a
    /// connection of the trace, `a` its client.
    pub(crate) fn pair(&mut self, a: Handle, b: Handle) {
        let unnamed = Some(SocketAddr::Unix(UnixAddr::unnamed()));
        let stream = self.sock(a).is_ok_and(|s| s.ty != Type::Datagram);
        let conn = stream.then(|| self.new_conn());
        let reset_after = conn.and_then(|c| self.faults.take_reset(c));
        for (me, other) in [(a, b), (b, a)] {
            if let Ok(s) = self.sock_mut(me) {
                // Unbound, so either end may still bind a name, as on Linux.
                s.remote = unnamed;
                s.peer = Some(other);
                if stream {
                    s.phase = Phase::Connected;
                    s.conn = conn;
                    s.reset_after = ResetAfter::new(reset_after);
                }
            }
        }
        if let Some(conn) = conn {
            let (client, server) = self.ends(a);
            self.emit(EventKind::Connect {
                conn,
                client,
                server,
            });
        }
    }

    /// Arms a reset after `after` bytes on connection `conn` if it exists (both ends);
    /// `false` when no socket has that connection.
    pub(crate) fn arm_reset(&mut self, conn: crate::trace::ConnId, after: u64) -> bool {
        let mut found = false;
        // A setup call, made once per script: it looks at every socket.
        for s in self.slots.open_socks_mut() {
            if s.conn == Some(conn) {
                s.reset_after = ResetAfter::new(Some(after));
                found = true;
            }
        }
        found
    }
}
