//! Moving bytes on a connected stream: write, read, shutdown, as Linux does for TCP and Unix
//! streams (the differences are noted where they are).

use anysock_core::{
    Error, ErrorKind, MsgFlags, Result, Shutdown, SocketAddr, Type, UnixAddr, Wait,
};

use crate::base::flight::HELD;
use crate::base::handle::Handle;
use crate::base::queue::{Record, Tag};
use crate::kernel::ancillary::Ctl;
use crate::kernel::flags::{check_recv, check_send, refuse_oob, scatter};
use crate::kernel::quick::{Quick, Read};
use crate::kernel::state::State;
use crate::kernel::table::rights::Landed;
use crate::kernel::table::sock::{Phase, Sock};
use crate::trace::plan::FaultPlan;
use crate::trace::{EventKind, Fault};

/// What `recvmsg` on a stream got: the read, and the sender's name it reports.
pub(crate) struct Received {
    pub(crate) read: Read,
    pub(crate) from: Option<SocketAddr>,
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// `send`/`write`/`sendmsg` on a stream: takes what fits in the path to the peer (see
    /// `path_limit`), all of `bufs` in order as one call, less when a fault plan caps the
    /// chunk or the connection is to be reset after a number of bytes.
    #[inline]
    pub(crate) fn stream_write(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        flags: MsgFlags,
    ) -> Result<usize> {
        if let Some(done) = self.write_quick(h, bufs, flags) {
            return Ok(done);
        }
        self.stream_write_general(h, bufs, flags)
    }

    /// [`State::stream_write`] past the common case, and every write that carries
    /// descriptors: only this path notes where its bytes land (`State::landed`).
    #[inline(never)]
    pub(crate) fn stream_write_general(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        flags: MsgFlags,
    ) -> Result<usize> {
        check_send(flags)?;
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let s = self.sock_mut(h)?;
        // (`write`, `send` and `sendmsg` of nothing at all are answered above, without a call
        // here, as the POSIX backend answers them without a syscall. What comes here with no
        // bytes named an address or carried control data, and gets the kernel's answer: the
        // state's errors, then nothing sent on a stream and an empty record on seqpacket.)
        let seqpacket = s.ty == Type::SeqPacket;
        if seqpacket {
            // unix_seqpacket_sendmsg reports a pending error (a reset) before anything else.
            if let Some(e) = s.take_error() {
                return Err(Error::new(e));
            }
        } else {
            refuse_oob(flags)?;
        }
        let blocking = !s.nonblocking && !flags.contains(MsgFlags::DONTWAIT);
        let timeout = s.opts.send_timeout;
        let tcp = s.is_tcp();
        match s.phase {
            // Linux: `EPIPE` for an unconnected TCP socket (a pending error first), `ENOTCONN`
            // for a Unix one.
            Phase::Idle | Phase::Listening { .. } if tcp => {
                return Err(Error::new(s.take_error().unwrap_or(ErrorKind::BrokenPipe)))
            }
            Phase::Idle | Phase::Listening { .. } => {
                return Err(Error::new(ErrorKind::NotConnected))
            }
            Phase::SynSent => {
                if self.wait_arrival(h, blocking, timeout) {
                    // The connect's outcome is in: write as that left the stream.
                    return self.stream_write(h, bufs, flags);
                }
                return Err(self.wait_on(h, Wait::Connect, blocking, timeout));
            }
            Phase::Connected => {}
        }
        // A seqpacket record goes through the datagram path, which has no out-of-band data.
        refuse_oob(flags)?;
        if tcp {
            // tcp_sendmsg reports a pending error before anything else.
            if let Some(e) = s.take_error() {
                return Err(Error::new(e));
            }
            if s.stream.wr_shut || s.stream.closed {
                return Err(Error::new(ErrorKind::BrokenPipe));
            }
            if total == 0 {
                // tcp_sendmsg: no segment, so nothing for a peer to answer.
                return Ok(0);
            }
            let (gone, peer) = (s.stream.peer_gone, s.peer);
            let aborts = peer.is_some_and(|p| self.aborts_on_data(p));
            if gone || aborts {
                // The bytes go out and the peer's host answers with a reset: a peer that
                // closed has no socket for them; one that shut down both ways (FIN_WAIT with
                // reading shut) aborts on new data, as RFC 1122 asks (tcp_rcv_state_process:
                // its queued bytes stay readable, then ECONNRESET). The reset finds us in
                // CLOSE_WAIT when the peer's FIN came (EPIPE for our next call), else
                // established (ECONNRESET).
                if let Some(p) = peer.filter(|_| aborts) {
                    self.end_peer(p, true, true);
                }
                let s = self.sock_mut(h)?;
                s.so_error = Some(if s.stream.fin {
                    ErrorKind::BrokenPipe
                } else {
                    ErrorKind::ConnectionReset
                });
                s.peer = None;
                s.stream.peer_gone = true;
                let (done, conn) = (total.min(s.tx_limit().max(1)), s.conn);
                self.tcp_closed(h);
                if let Some(conn) = conn {
                    let (local, remote) = self.ends(h);
                    let data = EventKind::Data {
                        conn,
                        from: local,
                        to: remote,
                        bytes: &[],
                    };
                    self.emit_bytes(data, bufs, done);
                    self.emit(EventKind::Reset {
                        conn,
                        from: remote,
                        to: local,
                    });
                }
                return Ok(done);
            }
        } else if s.stream.wr_shut || s.stream.peer_rd_shut || s.stream.peer_gone {
            return Err(Error::new(ErrorKind::BrokenPipe));
        } else if total == 0 && !seqpacket {
            return Ok(0);
        }
        let s = self.sock_mut(h)?;
        let Some(peer) = s.peer else {
            return Err(Error::new(ErrorKind::BrokenPipe));
        };
        let tx_limit = s.tx_limit();
        let from = s.local.unwrap_or(SocketAddr::Unix(UnixAddr::unnamed()));
        let (host, peer_host, conn, received, reset_after) =
            (s.host, s.peer_host, s.conn, s.received, s.reset_after.get());
        let plan = if tcp {
            *self.faults.plan(host, peer_host)
        } else {
            FaultPlan::NONE
        };
        let now = self.clock.now();
        let (p, bulk) = self.sock_bulk_mut(peer)?;
        let carried = received.saturating_add(p.received);
        let allowance = reset_after.map(|n| n.saturating_sub(carried));
        if allowance == Some(0) {
            self.reset_connection(h, peer);
            let e = self.sock_mut(h)?.take_error();
            return Err(Error::new(e.unwrap_or(ErrorKind::ConnectionReset)));
        }
        let limit = p.rx_limit().min(tx_limit);
        // Where these bytes start in the peer's stream, for descriptors passed with them.
        let pos = p.received;
        let landed;
        let done = if seqpacket {
            // A record goes whole or not at all.
            if total > B {
                return Err(Error::new(ErrorKind::MessageTooLong));
            }
            if p.dgrams.is_full() || p.rx.room(limit) < total {
                return Err(self.wait_on(peer, Wait::Room, blocking, timeout));
            }
            for buf in bufs {
                p.rx.push(Sock::bytes(&mut p.front, bulk), buf, limit);
            }
            p.received = p.received.saturating_add(total as u64);
            p.dgrams.push(
                &mut bulk.records,
                Record {
                    len: total,
                    from,
                    at: now,
                    tag: Tag::None,
                },
            );
            landed = Landed::Record {
                holder: peer,
                index: p.dgrams.len().saturating_sub(1),
            };
            total
        } else {
            if p.rx.room(limit) == 0 {
                return Err(self.wait_on(peer, Wait::Room, blocking, timeout));
            }
            let cap = plan
                .chunk()
                .min(allowance.map_or(usize::MAX, |a| usize::try_from(a).unwrap_or(usize::MAX)));
            let mut done = 0;
            for buf in bufs {
                let want = buf.len().min(cap - done);
                let bytes = Sock::bytes(&mut p.front, bulk);
                let n = p.rx.push(bytes, buf.get(..want).unwrap_or_default(), limit);
                p.received = p.received.saturating_add(n as u64);
                done += n;
                if n < buf.len() {
                    break;
                }
            }
            landed = Landed::Bytes {
                holder: peer,
                pos,
                len: done,
            };
            done
        };
        self.landed = Some(landed);
        if let Some(conn) = conn.filter(|_| self.outbox.on) {
            let (local, remote) = self.ends(h);
            let data = EventKind::Data {
                conn,
                from: local,
                to: remote,
                bytes: &[],
            };
            self.emit_bytes(data, bufs, done);
        }
        if total > done && done == plan.chunk() {
            let (local, remote) = self.ends(h);
            self.emit_fault(Fault::ShortIo, local, remote);
        }
        let at = self.stream_arrival(h, host, peer_host, &plan);
        let (p, bulk) = self.sock_bulk_mut(peer)?;
        p.flights.add(&mut bulk.chunks, now, done, at);
        if at == HELD {
            self.hold(peer);
        } else if at > now {
            self.rearm(peer);
        }
        if allowance.is_some_and(|a| done as u64 >= a) {
            self.reset_connection(h, peer);
        }
        Ok(done)
    }

    /// Whether TCP socket `p` aborts its connection when new data reaches it: it shut down
    /// both ways but is not closed (Linux: `FIN_WAIT1`/`FIN_WAIT2` with `RCV_SHUTDOWN`).
    fn aborts_on_data(&self, p: Handle) -> bool {
        self.sock(p)
            .is_ok_and(|p| p.stream.rd_shut && p.stream.wr_shut && !p.stream.closed)
    }

    /// Why a Unix stream `sendmsg` that names an address fails, as `unix_stream_sendmsg`
    /// says: out-of-band data first (not simulated), then `EISCONN` when connected,
    /// `EOPNOTSUPP` when not.
    pub(crate) fn unix_stream_named_send(&self, h: Handle, flags: MsgFlags) -> Error {
        if let Err(e) = refuse_oob(flags) {
            return e;
        }
        match self.sock(h) {
            Ok(s) if s.phase == Phase::Connected => Error::new(ErrorKind::AlreadyConnected),
            Ok(_) => Error::new(ErrorKind::Unsupported),
            Err(e) => e,
        }
    }

    /// The network resets the connection of `h` and `peer` (a reset-after-bytes fault): both
    /// ends get `ECONNRESET` once the bytes already sent are read.
    fn reset_connection(&mut self, h: Handle, peer: Handle) {
        let (local, remote) = self.ends(h);
        self.emit_fault(Fault::ResetAfterBytes, local, remote);
        let Ok(s) = self.sock(h) else { return };
        let (tcp, conn) = (s.is_tcp(), s.conn);
        if let Some(conn) = conn {
            self.emit(EventKind::Reset {
                conn,
                from: local,
                to: remote,
            });
            self.emit(EventKind::Reset {
                conn,
                from: remote,
                to: local,
            });
        }
        self.end_peer(peer, tcp, true);
        self.end_peer(h, tcp, true);
    }

    /// `recv`/`read`/`recvmsg` on a stream: queued bytes first, then what the connection's
    /// state says (end of stream, a pending error, or waiting). A blocking call waits for
    /// bytes on their way (moving the clock to their arrival) when they arrive within its
    /// timeout.
    #[inline]
    pub(crate) fn stream_read(
        &mut self,
        h: Handle,
        bufs: &mut [&mut [u8]],
        flags: MsgFlags,
        ctl: &mut Ctl<'_>,
    ) -> Result<Read> {
        let quick = match bufs {
            [buf] => self.read_quick(h, buf, flags),
            _ => Quick::No,
        };
        match quick {
            Quick::Got(got) => Ok(got),
            other => self.stream_read_general(h, bufs, flags, ctl, other),
        }
    }

    /// `read`/`recv` into one buffer: [`State::stream_read`] with no control buffer (what
    /// would go there is dropped, as Linux's `read` drops it), made only past the common
    /// case.
    #[inline]
    pub(crate) fn stream_read_one(
        &mut self,
        h: Handle,
        buf: &mut [u8],
        flags: MsgFlags,
    ) -> Result<Read> {
        match self.read_quick(h, buf, flags) {
            Quick::Got(got) => Ok(got),
            other => self.stream_read_one_general(h, buf, flags, other),
        }
    }

    /// [`State::stream_read_one`] past the common case.
    #[inline(never)]
    fn stream_read_one_general(
        &mut self,
        h: Handle,
        buf: &mut [u8],
        flags: MsgFlags,
        quick: Quick,
    ) -> Result<Read> {
        self.stream_read_general(h, &mut [buf], flags, &mut Ctl::none(), quick)
    }

    /// [`State::stream_read`] past the common case: nothing queued on a non-blocking socket
    /// ([`Quick::Empty`]), bytes on their way ([`Quick::OnItsWay`]), or not the common case at
    /// all ([`Quick::No`]).
    #[inline(never)]
    fn stream_read_general(
        &mut self,
        h: Handle,
        bufs: &mut [&mut [u8]],
        flags: MsgFlags,
        ctl: &mut Ctl<'_>,
        quick: Quick,
    ) -> Result<Read> {
        if let Quick::Empty { timeout } = quick {
            return Err(self.wait_on(h, Wait::Data, false, timeout));
        }
        if let (Quick::OnItsWay { blocking, timeout }, [buf]) = (quick, &mut *bufs) {
            // As below, where the first look finds nothing yet.
            if self.wait_next_event(h, blocking, timeout) {
                if let Quick::Got(got) = self.read_quick(h, buf, flags) {
                    return Ok(got);
                }
                if let Some(got) = self.stream_read_now(h, bufs, flags, ctl)? {
                    return Ok(got);
                }
            }
            return Err(self.wait_on(h, Wait::Data, blocking, timeout));
        }
        check_recv(flags)?;
        let s = self.sock(h)?;
        if s.ty == Type::SeqPacket && matches!(s.phase, Phase::Idle | Phase::Listening { .. }) {
            // unix_seqpacket_recvmsg: `ENOTCONN` before anything else.
            return Err(Error::new(ErrorKind::NotConnected));
        }
        refuse_oob(flags)?;
        if let Some(got) = self.stream_read_now(h, bufs, flags, ctl)? {
            return Ok(got);
        }
        let s = self.sock(h)?;
        let blocking = !s.nonblocking && !flags.contains(MsgFlags::DONTWAIT);
        let timeout = s.opts.recv_timeout;
        if self.wait_arrival(h, blocking, timeout) {
            if let Some(got) = self.stream_read_now(h, bufs, flags, ctl)? {
                return Ok(got);
            }
        }
        Err(self.wait_on(h, Wait::Data, blocking, timeout))
    }

    /// `recvmsg` on a stream: as [`State::stream_read`], and the sender's name as it is when
    /// the bytes are read (Unix only).
    pub(crate) fn stream_recv(
        &mut self,
        h: Handle,
        bufs: &mut [&mut [u8]],
        flags: MsgFlags,
        ctl: &mut Ctl<'_>,
    ) -> Result<Received> {
        let read = self.stream_read(h, bufs, flags, ctl)?;
        let from = if read.named {
            self.sender_name(h)
        } else {
            None
        };
        Ok(Received { read, from })
    }

    /// A stream read at the current time; `None` when it would have to wait. Ancillary data
    /// goes to `ctl`: a read that reaches bytes sent with descriptors takes them, and ends
    /// with those bytes, as Linux's `unix_stream_read_generic` does.
    fn stream_read_now(
        &mut self,
        h: Handle,
        bufs: &mut [&mut [u8]],
        flags: MsgFlags,
        ctl: &mut Ctl<'_>,
    ) -> Result<Option<Read>> {
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let s = self.sock(h)?;
        let (tcp, host, peer_host) = (s.is_tcp(), s.host, s.peer_host);
        let now = self.clock.now();
        let (s, bulk) = self.sock_bulk_mut(h)?;
        match s.phase {
            // Linux's `tcp_recvmsg` on a socket that never connected (or whose failed connect
            // was taken apart): a pending error, else end of stream after `shutdown(Read)`,
            // else `ENOTCONN`.
            Phase::Idle if tcp => {
                if let Some(e) = s.take_error() {
                    return Err(Error::new(e));
                }
                if s.stream.rd_shut {
                    return Ok(Some(Read::NOTHING));
                }
                return Err(Error::new(ErrorKind::NotConnected));
            }
            Phase::Listening { .. } if tcp => return Err(Error::new(ErrorKind::NotConnected)),
            Phase::Idle | Phase::Listening { .. } => {
                return Err(Error::new(ErrorKind::InvalidInput))
            }
            Phase::SynSent => return Ok(None),
            Phase::Connected => {}
        }
        let nothing = Read::NOTHING;
        if total == 0 {
            return Ok(Some(nothing));
        }
        let peek = flags.contains(MsgFlags::PEEK);
        if s.ty == Type::SeqPacket {
            // A seqpacket receive is a datagram receive: a pending error (the peer closed
            // with records unread) comes before the records queued.
            if let Some(e) = s.take_error() {
                return Err(Error::new(e));
            }
        }
        if let Some(rec) = s.dgrams.front(&bulk.records).filter(|r| r.at <= now) {
            // Seqpacket: one record per read; a cut one loses its rest, as a datagram does.
            let len = scatter(&s.rx, s.bytes_ref(bulk), 0, rec.len, bufs);
            if !peek {
                s.rx.consume(rec.len);
                s.dgrams.pop(&mut bulk.records);
            }
            self.put_control(h, rec.tag, ctl, peek);
            return Ok(Some(Read {
                len,
                truncated: len < rec.len,
                named: true,
            }));
        }
        let readable = if s.dgrams.len() > 0 {
            0
        } else {
            s.readable(bulk, now)
        };
        if readable > 0 {
            let head = s.rx_head();
            // A plan's short reads (only TCP is faulted).
            let cap = if tcp {
                self.faults.plan(peer_host, host).chunk()
            } else {
                usize::MAX
            };
            let want = readable.min(cap).min(total);
            let end = head.saturating_add(want as u64);
            // Bytes sent with descriptors end the read that reaches them.
            let passed = if self.rights.is_empty() {
                None
            } else {
                self.rights.first_bytes(h, end)
            };
            let upto = passed.map_or(want, |(_, pos, n)| {
                let stop = pos.saturating_add(n as u64).saturating_sub(head);
                want.min(usize::try_from(stop).unwrap_or(usize::MAX))
            });
            let (s, bulk) = self.sock_bulk_mut(h)?;
            let len = scatter(&s.rx, s.bytes_ref(bulk), 0, upto, bufs);
            if !peek {
                s.rx.consume(len);
            }
            if !tcp && flags.contains(MsgFlags::WAITALL) && len < total && s.rx.is_empty() {
                // unix_stream_read_generic, wanting more with nothing left, looks at the
                // pending error and so takes it, though it returns the bytes it has.
                s.take_error();
            }
            let reached = passed.filter(|&(_, pos, _)| pos < head.saturating_add(len as u64));
            let tag = reached.map_or(Tag::None, |(id, _, _)| Tag::Rights(id));
            self.put_control_as(h, tag, ctl, peek, len > 0);
            if len == cap && readable > cap && total > cap {
                let (local, remote) = self.ends(h);
                self.emit_fault(Fault::ShortIo, remote, local);
            }
            return Ok(Some(Read {
                len,
                truncated: false,
                named: len > 0,
            }));
        }
        if s.flights.pending(&bulk.chunks, now) > 0 || s.dgrams.len() > 0 {
            // More is on its way, and end of stream or an error only come after it.
            return Ok(None);
        }
        if tcp {
            // tcp_recvmsg: a received FIN means end of stream before any pending error.
            if s.stream.fin {
                return Ok(Some(nothing));
            }
            if let Some(e) = s.take_error() {
                return Err(Error::new(e));
            }
            if s.stream.closed || s.stream.rd_shut {
                return Ok(Some(nothing));
            }
        } else {
            if let Some(e) = s.take_error() {
                return Err(Error::new(e));
            }
            if s.stream.fin || s.stream.rd_shut {
                return Ok(Some(nothing));
            }
        }
        Ok(None)
    }

    /// `shutdown(fd, how)`.
    ///
    /// TCP: `ENOTCONN` unless connected. `SHUT_RD` only makes reads return end of stream once
    /// the queue is empty (Linux keeps accepting data); `SHUT_WR` sends `FIN`.
    /// Unix: never fails; `SHUT_RD` also makes the peer's writes fail with `EPIPE`.
    pub(crate) fn shutdown(&mut self, h: Handle, how: Shutdown) -> Result<()> {
        let s = self.sock_mut(h)?;
        let tcp = s.is_tcp();
        let read = matches!(how, Shutdown::Read | Shutdown::Both);
        let write = matches!(how, Shutdown::Write | Shutdown::Both);
        if tcp && s.phase == Phase::SynSent {
            // inet_shutdown on a connect under way takes it apart; the connect reports a reset.
            self.disconnect(h);
            self.sock_mut(h)?.so_error = Some(ErrorKind::ConnectionReset);
            return Ok(());
        }
        if s.phase != Phase::Connected || (tcp && s.stream.closed) {
            // Linux records the directions even here (so `poll` and `read` see them), then
            // says `ENOTCONN` for TCP; a Unix socket takes it quietly.
            s.stream.rd_shut |= read;
            s.stream.wr_shut |= write;
            if s.stream.connect_unreported {
                // A non-blocking connect that failed: `SS_DISCONNECTING` from here on.
                s.stream.connect_unreported = false;
                s.stream.disconnecting = true;
            }
            if tcp {
                return Err(Error::new(ErrorKind::NotConnected));
            }
            return Ok(());
        }
        // A non-blocking connect that succeeded: connected for good (`SS_CONNECTED`).
        s.stream.connect_unreported = false;
        let peer = s.peer;
        let fin = write && !s.stream.wr_shut && (tcp || peer.is_some());
        let conn = s.conn;
        if read {
            s.stream.rd_shut = true;
        }
        let over = write && tcp && (s.stream.peer_gone || s.stream.fin);
        if write {
            s.stream.wr_shut = true;
        }
        if over {
            // This FIN answers the peer's (LAST_ACK), or goes to a gone peer: the connection
            // is over once it is acknowledged, at once on the simulated wire.
            self.tcp_closed(h);
        }
        if let (true, Some(conn)) = (fin, conn) {
            let (from, to) = self.ends(h);
            self.emit(EventKind::Fin { conn, from, to });
        }
        if let Some((p, ps)) = peer.and_then(|p| Some((p, self.sock_mut(p).ok()?))) {
            let mut peer_over = false;
            if write {
                ps.stream.fin = true;
                // The peer's own FIN went first (FIN_WAIT2, then TIME_WAIT): over for it.
                peer_over = tcp && ps.stream.wr_shut;
            }
            if read && !tcp {
                ps.stream.peer_rd_shut = true;
            }
            if peer_over {
                self.tcp_closed(p);
            }
        }
        Ok(())
    }
}
