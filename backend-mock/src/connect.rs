//! Connections: `listen`, stream `connect` (TCP and Unix), the accept queue, and `accept`.

use core::net::IpAddr;

use anysock_core::{Error, ErrorKind, Result, SocketAddr, Type, UnixAddr};

use crate::clock::SYN_TIMEOUT;
use crate::host::{canonical, present};
use crate::net::State;
use crate::ports::Cover;
use crate::sock::Phase;
use crate::Handle;

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    /// `listen(fd, backlog)`. The backlog is clamped to `Q`; as on Linux, `backlog + 1`
    /// connections may wait (the queue is full when more than `backlog` wait).
    pub(crate) fn listen(&mut self, h: Handle, backlog: u32) -> Result<()> {
        let s = self.sock(h)?;
        if s.ty == Type::Datagram {
            return Err(Error::new(ErrorKind::Unsupported));
        }
        if s.phase != Phase::Idle {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        match s.local {
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
        let backlog = usize::try_from(backlog).unwrap_or(usize::MAX).min(Q);
        self.sock_mut(h)?.phase = Phase::Listening { backlog };
        Ok(())
    }

    /// Two listeners never share a port unless both have `SO_REUSEPORT`.
    fn check_listen(&self, h: Handle, local: &SocketAddr) -> Result<()> {
        let me = self.sock(h)?;
        let Some(mine) = Cover::of(local, me.opts.v6only) else {
            return Ok(());
        };
        let clash = self.handles().filter(|&o| o != h).any(|o| {
            self.sock(o).is_ok_and(|o| {
                o.host == me.host
                    && o.is_tcp()
                    && o.is_listening()
                    && !(o.opts.reuse_port && me.opts.reuse_port)
                    && o.local.is_some_and(|l| {
                        l.port() == local.port()
                            && Cover::of(&l, o.opts.v6only).is_some_and(|c| c.overlaps(mine))
                    })
            })
        });
        if clash {
            return Err(Error::new(ErrorKind::AddrInUse));
        }
        Ok(())
    }

    /// Connections waiting in `listener`'s accept queue.
    pub(crate) fn queued(&self, listener: Handle) -> usize {
        self.handles()
            .filter(|&c| self.sock(c).is_ok_and(|c| c.parent == Some(listener)))
            .count()
    }

    fn queue_full(&self, listener: Handle) -> Result<bool> {
        match self.sock(listener)?.phase {
            Phase::Listening { backlog } => Ok(self.queued(listener) > backlog),
            _ => Ok(true),
        }
    }

    /// `connect(fd, addr)` for a stream socket.
    pub(crate) fn connect_stream(&mut self, h: Handle, addr: &SocketAddr) -> Result<()> {
        let s = self.sock_mut(h)?;
        match s.phase {
            Phase::Listening { .. } => return Err(Error::new(ErrorKind::AlreadyConnected)),
            Phase::SynSent { .. } => return Err(Error::new(ErrorKind::AlreadyInProgress)),
            Phase::Connected if s.stream.connect_unreported => {
                // Linux's second `connect` after `EINPROGRESS` reports the outcome once.
                s.stream.connect_unreported = false;
                if s.stream.closed {
                    return Err(Error::new(
                        s.take_error().unwrap_or(ErrorKind::ConnectionAborted),
                    ));
                }
                return Ok(());
            }
            Phase::Connected => return Err(Error::new(ErrorKind::AlreadyConnected)),
            Phase::Idle => {}
        }
        match addr {
            SocketAddr::Unix(u) => self.connect_unix(h, u),
            _ => self.connect_tcp(h, addr),
        }
    }

    fn connect_unix(&mut self, h: Handle, addr: &UnixAddr) -> Result<()> {
        let s = self.sock(h)?;
        let (host, ty, nonblocking, timeout) = (s.host, s.ty, s.nonblocking, s.opts.send_timeout);
        let target = self.unix_target(host, addr)?;
        let t = self.sock(target)?;
        if t.ty != ty {
            return Err(Error::new(ErrorKind::Unsupported)); // EPROTOTYPE
        }
        if !t.is_listening() {
            return Err(Error::new(ErrorKind::ConnectionRefused));
        }
        if self.queue_full(target)? {
            // Linux makes a Unix client wait for room (up to SO_SNDTIMEO), or EAGAIN.
            return Err(self.would_block(!nonblocking, timeout));
        }
        let remote = t.local;
        self.sock_mut(h)?.remote = remote;
        self.establish(h, target)
    }

    fn connect_tcp(&mut self, h: Handle, addr: &SocketAddr) -> Result<()> {
        let Some(dst) = addr.as_inet() else {
            return Err(Error::new(ErrorKind::InvalidInput));
        };
        let ip = canonical(dst.ip());
        let s = self.sock(h)?;
        let (host, domain, nonblocking, v6only, timeout, bound) = (
            s.host,
            s.domain,
            s.nonblocking,
            s.opts.v6only,
            s.opts.send_timeout,
            s.local,
        );
        if v6only && ip.is_ipv4() {
            return Err(Error::new(ErrorKind::NetworkUnreachable));
        }
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
        let listener = self.find_listener(dst_host, to_ip, dst.port());
        let seq = self.next_seq();
        let now = self.clock.now();
        let s = self.sock_mut(h)?;
        s.local = Some(local);
        s.remote = Some(present(to_ip, dst.port(), domain));
        s.stream.connect_unreported = nonblocking;
        let Some(listener) = listener else {
            // The peer host answers the SYN with a reset.
            s.phase = Phase::Connected;
            s.stream.closed = true;
            if nonblocking {
                s.so_error = Some(ErrorKind::ConnectionRefused);
                return Err(Error::new(ErrorKind::InProgress));
            }
            return Err(Error::new(ErrorKind::ConnectionRefused));
        };
        if self.queue_full(listener)? {
            // Linux drops the SYN and retries until SYN_TIMEOUT; room made meanwhile (an
            // `accept`) lets the connection in, as a retry would.
            let s = self.sock_mut(h)?;
            s.phase = Phase::SynSent {
                listener,
                deadline: now.saturating_add(SYN_TIMEOUT),
            };
            s.seq = seq;
            if nonblocking {
                return Err(Error::new(ErrorKind::InProgress));
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
                    let s = self.sock_mut(h)?;
                    Err(Error::new(s.take_error().unwrap_or(ErrorKind::TimedOut)))
                }
            };
        }
        self.establish(h, listener)?;
        if nonblocking {
            return Err(Error::new(ErrorKind::InProgress));
        }
        Ok(())
    }

    /// The TCP listener a `SYN` to `ip:port` on `host` reaches: one bound to exactly `ip`
    /// first, else one bound to a wildcard covering it; the lowest slot among equals (Linux
    /// spreads over `SO_REUSEPORT` groups by hash).
    pub(crate) fn find_listener(&self, host: usize, ip: IpAddr, port: u16) -> Option<Handle> {
        let mut wildcard = None;
        for h in self.handles() {
            let Ok(s) = self.sock(h) else { continue };
            if s.host != host || !s.is_tcp() || !s.is_listening() {
                continue;
            }
            let Some(local) = s.local else { continue };
            if local.port() != Some(port) {
                continue;
            }
            match Cover::of(&local, s.opts.v6only) {
                Some(Cover::One(own)) if own == ip => return Some(h),
                Some(c) if c.covers(ip) => {
                    wildcard.get_or_insert(h);
                }
                _ => {}
            }
        }
        wildcard
    }

    /// Creates the server's end of a connection from `client` in `listener`'s accept queue
    /// (the client's `local`/`remote` are already set).
    fn establish(&mut self, client: Handle, listener: Handle) -> Result<()> {
        let l = self.sock(listener)?;
        let (host, domain, ty, opts, listen_addr) = (l.host, l.domain, l.ty, l.opts, l.local);
        let c = self.sock(client)?;
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
        let s = self.sock_mut(child)?;
        // An accepted socket inherits the listener's options, as on Linux.
        s.opts = opts;
        s.local = local;
        s.remote = remote;
        s.peer = Some(client);
        s.parent = Some(listener);
        s.seq = seq;
        s.phase = Phase::Connected;
        let c = self.sock_mut(client)?;
        c.peer = Some(child);
        c.phase = Phase::Connected;
        Ok(())
    }

    /// `accept(fd)`: the oldest waiting connection. Blocking with nobody to connect, it
    /// gives up as every blocking call does here (see `would_block`), after `SO_RCVTIMEO`.
    pub(crate) fn accept(&mut self, h: Handle) -> Result<(Handle, SocketAddr)> {
        let l = self.sock(h)?;
        if !l.is_listening() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (nonblocking, timeout, domain) = (l.nonblocking, l.opts.recv_timeout, l.domain);
        let first = self
            .handles()
            .filter_map(|c| {
                let s = self.sock(c).ok()?;
                (s.parent == Some(h)).then_some((s.seq, c))
            })
            .min_by_key(|(seq, _)| *seq);
        let Some((_, child)) = first else {
            return Err(self.would_block(!nonblocking, timeout));
        };
        let c = self.sock_mut(child)?;
        c.parent = None;
        let peer = c.remote.unwrap_or(SocketAddr::unspecified(domain));
        self.admit_waiting(h);
        Ok((child, peer))
    }

    /// Lets `SYN`s that found the queue full in, oldest first, while there is room.
    pub(crate) fn admit_waiting(&mut self, listener: Handle) {
        while !self.queue_full(listener).unwrap_or(true) {
            let next = self
                .handles()
                .filter_map(|c| {
                    let s = self.sock(c).ok()?;
                    matches!(s.phase, Phase::SynSent { listener: l, .. } if l == listener)
                        .then_some((s.seq, c))
                })
                .min_by_key(|(seq, _)| *seq);
            let Some((_, client)) = next else { return };
            if self.establish(client, listener).is_err() {
                return;
            }
        }
    }

    /// `socketpair`: `a` and `b` connected to each other, both unnamed.
    pub(crate) fn pair(&mut self, a: Handle, b: Handle) {
        let unnamed = Some(SocketAddr::Unix(UnixAddr::unnamed()));
        for (me, other) in [(a, b), (b, a)] {
            if let Ok(s) = self.sock_mut(me) {
                s.local = unnamed;
                s.remote = unnamed;
                s.peer = Some(other);
                if s.ty != Type::Datagram {
                    s.phase = Phase::Connected;
                }
            }
        }
    }
}
