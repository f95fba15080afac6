//! Moving datagrams: UDP and Unix datagram sockets, connected or not.

use core::net::{IpAddr, Ipv4Addr};

use anysock_core::{Domain, Error, ErrorKind, MsgFlags, Result, SocketAddr, UnixAddr, Wait};

use crate::base::addr::{canonical, present};
use crate::base::handle::Handle;
use crate::base::queue::{Record, Tag};
use crate::kernel::ancillary::Ctl;
use crate::kernel::flags::{check_recv, check_send, refuse_oob, scatter};
use crate::kernel::ports::Cover;
use crate::kernel::route::{check_family, destination};
use crate::kernel::state::State;
use crate::kernel::table::addrs::Key;
use crate::kernel::table::faults::Fate;
use crate::kernel::table::rights::Landed;
use crate::kernel::table::sock::Sock;
use crate::trace::{EventKind, Fault};

/// The largest UDP payload over IPv4 (65535 less the IPv4 and UDP headers); Linux refuses
/// more with `EMSGSIZE`.
pub const MAX_UDP_V4: usize = 65_507;
/// The largest UDP payload over IPv6 (65535 less the UDP header; no jumbograms).
pub const MAX_UDP_V6: usize = 65_527;

/// One received datagram: bytes copied, whether it was cut, and its sender.
pub(crate) struct Got {
    pub(crate) len: usize,
    pub(crate) truncated: bool,
    pub(crate) from: SocketAddr,
}

/// Whether a datagram from (or a refusal about) `from` concerns a UDP socket connected to
/// `peer`: the same address, and the same port unless the socket connected to port 0 (Linux
/// then takes any port of that address).
fn same_peer(peer: core::net::SocketAddr, from: (IpAddr, u16)) -> bool {
    canonical(peer.ip()) == from.0 && (peer.port() == 0 || peer.port() == from.1)
}

/// A `Datagram` event, its bytes filled in when it is recorded.
fn datagram(from: SocketAddr, to: SocketAddr) -> EventKind<'static> {
    EventKind::Datagram {
        from: crate::base::addr::wire(from),
        to: crate::base::addr::wire(to),
        bytes: &[],
    }
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// `connect` on a datagram socket: sets the default peer (and, for UDP, binds an
    /// ephemeral port and the source address if unbound).
    pub(crate) fn connect_datagram(&mut self, h: Handle, addr: &SocketAddr) -> Result<()> {
        let s = self.sock(h)?;
        let host = s.host;
        if let SocketAddr::Unix(u) = addr {
            let target = self.unix_target(host, u, s.ty)?;
            let t = self.sock(target)?;
            if t.peer.is_some_and(|p| p != h) {
                // unix_may_send: a socket connected to another takes nothing from us (EPERM).
                return Err(Error::new(ErrorKind::PermissionDenied));
            }
            let remote = t.local;
            let old = self.sock(h)?.peer.filter(|&p| p != target);
            let s = self.sock_mut(h)?;
            s.peer = Some(target);
            s.remote = remote;
            if let Some(old) = old {
                self.unix_disconnected(h, old);
            }
            return Ok(());
        }
        let Some(dst) = addr.as_inet() else {
            return Err(Error::new(ErrorKind::InvalidInput));
        };
        // inet_dgram_connect binds an unbound socket before it looks at the address.
        self.udp_autobind(h)?;
        let ip = destination(self.sock(h)?, canonical(dst.ip()));
        let to_ip = if ip.is_unspecified() {
            self.source_ip(host, ip)?
        } else {
            ip
        };
        let source = self.udp_source(h, to_ip)?;
        // The first connect picks the local address; a later one keeps it (Linux sets the
        // receive address only while it is the wildcard).
        let unset = self
            .sock(h)?
            .local
            .and_then(|l| l.as_inet())
            .is_none_or(|l| l.ip().is_unspecified());
        if unset {
            self.set_local(h, Some(source));
        }
        let s = self.sock_mut(h)?;
        s.remote = Some(present(to_ip, dst.port(), s.domain));
        Ok(())
    }

    /// A Unix datagram socket `h` left its peer `old` (it connected elsewhere, or found the
    /// peer closed): as Linux's `unix_dgram_disconnected`, what `h` had queued is dropped and,
    /// if `old` is open and still connected to `h`, `old` learns of it with `ECONNRESET`.
    fn unix_disconnected(&mut self, h: Handle, old: Handle) {
        if self.sock(h).map_or(true, |s| s.dgrams.len() == 0) {
            return;
        }
        while let Some(rec) = self
            .sock_bulk_mut(h)
            .ok()
            .and_then(|(s, bulk)| s.dgrams.pop(&mut bulk.records))
        {
            if let Ok(s) = self.sock_mut(h) {
                s.rx.consume(rec.len);
            }
            if let Tag::Rights(id) = rec.tag {
                self.land_rights(id);
            }
        }
        self.reap();
        if let Ok(o) = self.sock_mut(old) {
            if o.peer == Some(h) {
                o.so_error = Some(ErrorKind::ConnectionReset);
            }
        }
    }

    /// Linux's autobind of a UDP socket that sends or connects unbound: an ephemeral port on
    /// the wildcard address (kept until `connect`). Returns the local address.
    fn udp_autobind(&mut self, h: Handle) -> Result<SocketAddr> {
        let s = self.sock(h)?;
        if let Some(local) = s.local {
            return Ok(local);
        }
        let domain = s.domain;
        let port = self.ephemeral_port(h, ErrorKind::AddrNotAvailable)?;
        let any = SocketAddr::unspecified(domain).with_port(port);
        self.set_local(h, Some(any));
        Ok(any)
    }

    /// The address a UDP socket sends from toward `dst`, binding an ephemeral port first if
    /// the socket has none.
    fn udp_source(&mut self, h: Handle, dst: IpAddr) -> Result<SocketAddr> {
        let s = self.sock(h)?;
        let (host, domain) = (s.host, s.domain);
        check_family(s, dst)?;
        let local = self.udp_autobind(h)?;
        match local.as_inet() {
            // The wildcard, or an address of the other family than the destination's (an
            // IPv6 socket connected over IPv6 sending to IPv4): the route picks the source.
            Some(l) if l.ip().is_unspecified() || canonical(l.ip()).is_ipv4() != dst.is_ipv4() => {
                Ok(present(self.source_ip(host, dst)?, l.port(), domain))
            }
            _ => Ok(local),
        }
    }

    /// `sendto`/`send`/`sendmsg` on a datagram socket: one datagram of all of `bufs`.
    pub(crate) fn datagram_send(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        to: Option<&SocketAddr>,
        flags: MsgFlags,
    ) -> Result<usize> {
        check_send(flags)?;
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let s = self.sock_mut(h)?;
        if let Some(to) = to {
            to.check_domain(s.domain)?;
        }
        if s.is_unix() {
            return self.unix_send(h, bufs, total, to, flags);
        }
        // inet_sendmsg binds an unbound socket before udp_sendmsg looks at anything.
        self.udp_autobind(h)?;
        let s = self.sock(h)?;
        let v4_socket = s.domain == Domain::Inet;
        if v4_socket {
            // udp_sendmsg refuses out-of-band data before it looks at the address.
            refuse_oob(flags)?;
        }
        let max = if v4_socket { MAX_UDP_V4 } else { MAX_UDP_V6 };
        if total > max.min(B) {
            return Err(Error::new(ErrorKind::MessageTooLong));
        }
        let connected = s.remote;
        let (host, broadcast_ok) = (s.host, s.opts.broadcast);
        let dst = match to {
            Some(to) => *to,
            None => connected.ok_or(Error::new(ErrorKind::NotConnected))?,
        };
        let Some(dst) = dst.as_inet() else {
            return Err(Error::new(ErrorKind::InvalidInput));
        };
        let ip = destination(s, canonical(dst.ip()));
        if !v4_socket && ip.is_ipv4() {
            // udpv6_sendmsg hands an IPv4 destination to udp_sendmsg, which refuses
            // out-of-band data; an IPv6 one never looks at the flag.
            check_family(s, ip)?;
            refuse_oob(flags)?;
        }
        // Nobody listens on port 0: udp_sendmsg refuses an address with it (`EINVAL`), and
        // udpv6_sendmsg hands a socket's IPv4-mapped peer to it as such an address.
        if dst.port() == 0 && (to.is_some() || (!v4_socket && ip.is_ipv4())) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let src = self.udp_source(h, ip)?;
        // A refusal learnt from an earlier datagram (ICMP) is reported once, by the next send
        // whose arguments hold, as Linux's buffer allocation does.
        if let Some(e) = self.sock_mut(h)?.take_error() {
            return Err(Error::new(e));
        }
        if ip == IpAddr::V4(Ipv4Addr::BROADCAST) {
            if !broadcast_ok {
                return Err(Error::new(ErrorKind::PermissionDenied));
            }
            let to = SocketAddr::from((ip, dst.port()));
            self.emit_bytes(datagram(src, to), bufs, total);
            // A broadcast reaches every host: one lookup each.
            for dst_host in 0..self.hosts.count() {
                if let Some(t) = self.find_udp(dst_host, ip, dst.port(), &src) {
                    if let Some(fate) = self.datagram_fate(host, dst_host, src, to) {
                        self.deliver_copies(t, bufs, total, &src, to, fate);
                    }
                }
            }
            return Ok(total);
        }
        let to_ip = if ip.is_unspecified() {
            self.source_ip(host, ip)?
        } else {
            ip
        };
        let to = SocketAddr::from((to_ip, dst.port()));
        self.emit_bytes(datagram(src, to), bufs, total);
        let Some(dst_host) = self.route(host, ip) else {
            return Ok(total); // nobody owns the address: lost on the wire, as on a LAN
        };
        let Some(fate) = self.datagram_fate(host, dst_host, src, to) else {
            return Ok(total);
        };
        match self.find_udp(dst_host, to_ip, dst.port(), &src) {
            Some(t) => self.deliver_copies(t, bufs, total, &src, to, fate),
            // ICMP port unreachable; Linux hands it only to a socket connected to the address
            // the datagram went to (the error's lookup needs both ends to match).
            None if connected
                .and_then(|c| c.as_inet())
                .is_some_and(|c| same_peer(c, (to_ip, dst.port()))) =>
            {
                self.sock_mut(h)?.so_error = Some(ErrorKind::ConnectionRefused);
            }
            None => {}
        }
        Ok(total)
    }

    fn unix_send(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        total: usize,
        to: Option<&SocketAddr>,
        flags: MsgFlags,
    ) -> Result<usize> {
        refuse_oob(flags)?;
        let s = self.sock(h)?;
        let (host, ty, peer, blocking, timeout) = (
            s.host,
            s.ty,
            s.peer,
            !s.nonblocking && !flags.contains(MsgFlags::DONTWAIT),
            s.opts.send_timeout,
        );
        let from = s.local.unwrap_or(SocketAddr::Unix(UnixAddr::unnamed()));
        if to.is_none() && peer.is_none() {
            return Err(Error::new(ErrorKind::NotConnected));
        }
        // A pending error (a peer left us with datagrams unread) comes before the target is
        // looked up: Linux finds it when it allocates the message.
        if let Some(e) = self.sock_mut(h)?.take_error() {
            return Err(Error::new(e));
        }
        let target = match to {
            Some(SocketAddr::Unix(u)) => self.unix_target(host, u, ty)?,
            Some(_) => return Err(Error::new(ErrorKind::InvalidInput)),
            None => {
                let peer = peer.ok_or(Error::new(ErrorKind::NotConnected))?;
                if self.sock(peer).is_err() {
                    // The peer closed: Linux says ECONNREFUSED once, drops what it had sent
                    // here, and forgets it.
                    self.unix_disconnected(h, peer);
                    let s = self.sock_mut(h)?;
                    s.peer = None;
                    s.remote = None;
                    return Err(Error::new(ErrorKind::ConnectionRefused));
                }
                peer
            }
        };
        let t = self.sock(target)?;
        if t.ty != ty {
            return Err(Error::new(ErrorKind::Unsupported)); // EPROTOTYPE
        }
        if t.peer.is_some_and(|p| p != h) {
            return Err(Error::new(ErrorKind::PermissionDenied)); // connected elsewhere: EPERM
        }
        if total > B {
            return Err(Error::new(ErrorKind::MessageTooLong));
        }
        if t.dgrams.is_full() || t.rx.room(t.rx_limit()) < total {
            return Err(self.wait_on(target, Wait::Room, blocking, timeout));
        }
        let to = t.local.unwrap_or(SocketAddr::Unix(UnixAddr::unnamed()));
        self.emit_bytes(datagram(from, to), bufs, total);
        let now = self.clock.now();
        self.deliver(target, bufs, total, &from, now, false, Tag::None);
        Ok(total)
    }

    /// The UDP socket on `host` a datagram from `src` to `ip:port` reaches: the best match
    /// as Linux scores it (a specific address over the wildcard, a socket connected to the
    /// sender over an unconnected one), the lowest slot among equals; sockets connected to
    /// someone else never match.
    fn find_udp(&self, host: usize, ip: IpAddr, port: u16, src: &SocketAddr) -> Option<Handle> {
        let src = src.as_inet().map(|a| (canonical(a.ip()), a.port()));
        let mut best: Option<(u8, Handle)> = None;
        let key = Key::Port {
            host,
            ty: anysock_core::Type::Datagram,
            port,
        };
        for (h, s) in self.at_key(key) {
            let Some(local) = s.local else { continue };
            let Some(cover) = Cover::of(&local, s.opts.v6only) else {
                continue;
            };
            if !cover.covers(ip) {
                continue;
            }
            let mut score = u8::from(matches!(cover, Cover::One(_))) * 2;
            if let Some(remote) = s.remote.and_then(|r| r.as_inet()) {
                if !src.is_some_and(|from| same_peer(remote, from)) {
                    continue;
                }
                score += 1;
            }
            // The best score; the lowest slot among equals.
            let better = best.is_none_or(|(b, bh)| score > b || (score == b && h.index < bh.index));
            if better {
                best = Some((score, h));
            }
        }
        best.map(|(_, h)| h)
    }

    /// Queues each copy of a datagram the network let through at `target`.
    fn deliver_copies(
        &mut self,
        target: Handle,
        bufs: &[&[u8]],
        total: usize,
        from: &SocketAddr,
        to: SocketAddr,
        fate: Fate,
    ) {
        let tag = to
            .as_inet()
            .map_or(Tag::None, |a| Tag::To(canonical(a.ip())));
        for at in fate.copies.into_iter().flatten() {
            if self.deliver(target, bufs, total, from, at, fate.reorder, tag) {
                self.emit_fault(Fault::Reorder, *from, to);
            }
        }
    }

    /// Queues a datagram at `target`, readable from `at`, in order of arrival (behind those
    /// arriving at the same time); `reorder` puts it ahead of the last datagram from the
    /// same sender still queued, if there is one (then the result is `true`). A datagram
    /// that does not fit is dropped, as Linux drops it when the receive buffer is full; its
    /// bytes take room from the moment they are sent. `tag` goes with it, for its ancillary
    /// data; where it landed is noted in `landed`.
    #[allow(clippy::too_many_arguments)]
    fn deliver(
        &mut self,
        target: Handle,
        bufs: &[&[u8]],
        total: usize,
        from: &SocketAddr,
        at: core::time::Duration,
        reorder: bool,
        tag: Tag,
    ) -> bool {
        let Ok((t, bulk)) = self.sock_bulk_mut(target) else {
            return false;
        };
        let limit = t.rx_limit();
        if t.dgrams.is_full() || t.rx.room(limit) < total {
            return false;
        }
        let from = match from.as_inet() {
            Some(a) => present(canonical(a.ip()), a.port(), t.domain),
            None => *from,
        };
        let mut index = t
            .dgrams
            .iter(&bulk.records)
            .take_while(|r| r.at <= at)
            .count();
        let mut at = at;
        let mut overtook = false;
        if reorder {
            let last = t
                .dgrams
                .iter(&bulk.records)
                .take(index)
                .enumerate()
                .filter(|(_, r)| r.from == from)
                .last();
            if let Some((i, r)) = last {
                (index, at, overtook) = (i, r.at, true);
            }
        }
        let offset: usize = t
            .dgrams
            .iter(&bulk.records)
            .take(index)
            .map(|r| r.len)
            .sum();
        let mut done = 0;
        for buf in bufs {
            t.rx.insert(Sock::bytes(&mut t.front, bulk), offset + done, buf, limit);
            done += buf.len();
        }
        t.received = t.received.saturating_add(done as u64);
        t.dgrams.insert(
            &mut bulk.records,
            index,
            Record {
                len: total,
                from,
                at,
                tag,
            },
        );
        self.landed = Some(Landed::Record {
            holder: target,
            index,
        });
        if at > self.clock.now() {
            self.rearm(target);
        }
        overtook
    }

    /// `recvfrom`/`recv`/`recvmsg` on a datagram socket: the oldest datagram, cut to fit
    /// `bufs` and reported as truncated if it did not fit, its ancillary data in `ctl`.
    pub(crate) fn datagram_recv(
        &mut self,
        h: Handle,
        bufs: &mut [&mut [u8]],
        flags: MsgFlags,
        ctl: &mut Ctl<'_>,
    ) -> Result<Got> {
        check_recv(flags)?;
        let s = self.sock_mut(h)?;
        if s.is_unix() {
            // UDP takes `MSG_OOB` as an ordinary receive; a Unix datagram socket refuses it.
            refuse_oob(flags)?;
        }
        let blocking = !s.nonblocking && !flags.contains(MsgFlags::DONTWAIT);
        let timeout = s.opts.recv_timeout;
        if let Some(e) = s.take_error() {
            return Err(Error::new(e));
        }
        let arrived = |st: &Self| {
            st.sock_bulk(h)
                .ok()
                .and_then(|(s, bulk)| s.dgrams.front(&bulk.records))
                .filter(|r| r.at <= st.clock.now())
        };
        let rec = match arrived(self) {
            Some(rec) => rec,
            // Nothing yet: a blocking call waits for the next datagram on its way.
            None if self.wait_arrival(h, blocking, timeout) => match arrived(self) {
                Some(rec) => rec,
                None => return Err(self.wait_on(h, Wait::Data, blocking, timeout)),
            },
            None => return Err(self.wait_on(h, Wait::Data, blocking, timeout)),
        };
        let (s, bulk) = self.sock_bulk_mut(h)?;
        let len = scatter(&s.rx, s.bytes_ref(bulk), 0, rec.len, bufs);
        let peek = flags.contains(MsgFlags::PEEK);
        if !peek {
            s.rx.consume(rec.len);
            s.dgrams.pop(&mut bulk.records);
        }
        self.put_control(h, rec.tag, ctl, peek);
        Ok(Got {
            len,
            truncated: len < rec.len,
            from: rec.from,
        })
    }
}
