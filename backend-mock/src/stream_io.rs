//! Moving bytes on a connected stream: write, read, shutdown, as Linux does for TCP and Unix
//! streams (the differences are noted where they are).

use anysock_core::{Error, ErrorKind, MsgFlags, Result, Shutdown, SocketAddr, Type, UnixAddr};

use crate::flags::{check_recv, check_send, scatter};
use crate::net::State;
use crate::queue::Record;
use crate::sock::Phase;
use crate::Handle;

/// What a stream read got: bytes copied, and for a seqpacket record, whether it was cut.
pub(crate) struct Read {
    pub(crate) len: usize,
    pub(crate) truncated: bool,
}

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    /// `send`/`write`/`sendmsg` on a stream: takes what fits in the path to the peer (see
    /// `path_limit`), all of `bufs` in order as one call.
    pub(crate) fn stream_write(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        flags: MsgFlags,
    ) -> Result<usize> {
        check_send(flags)?;
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let s = self.sock_mut(h)?;
        let blocking = !s.nonblocking && !flags.contains(MsgFlags::DONTWAIT);
        let timeout = s.opts.send_timeout;
        let tcp = s.is_tcp();
        match s.phase {
            // Linux: `EPIPE` for an unconnected TCP socket, `ENOTCONN` for a Unix one.
            Phase::Idle | Phase::Listening { .. } if tcp => {
                return Err(Error::new(ErrorKind::BrokenPipe))
            }
            Phase::Idle | Phase::Listening { .. } => {
                return Err(Error::new(ErrorKind::NotConnected))
            }
            Phase::SynSent { .. } => return Err(self.would_block(blocking, timeout)),
            Phase::Connected => {}
        }
        if total == 0 {
            return Ok(0);
        }
        if tcp {
            // tcp_sendmsg reports a pending error before anything else.
            if let Some(e) = s.take_error() {
                return Err(Error::new(e));
            }
            if s.stream.wr_shut || s.stream.closed {
                return Err(Error::new(ErrorKind::BrokenPipe));
            }
            if s.stream.peer_gone {
                // CLOSE_WAIT: the bytes go out and the peer's host answers with a reset,
                // which Linux records as EPIPE for the next call.
                s.stream.closed = true;
                s.so_error = Some(ErrorKind::BrokenPipe);
                return Ok(total.min(s.tx_limit().max(1)));
            }
        } else if s.stream.wr_shut || s.stream.peer_rd_shut || s.stream.peer_gone {
            return Err(Error::new(ErrorKind::BrokenPipe));
        }
        let Some(peer) = s.peer else {
            return Err(Error::new(ErrorKind::BrokenPipe));
        };
        let tx_limit = s.tx_limit();
        let seqpacket = s.ty == Type::SeqPacket;
        let from = s.local.unwrap_or(SocketAddr::Unix(UnixAddr::unnamed()));
        let p = self.sock_mut(peer)?;
        let limit = p.rx_limit().min(tx_limit);
        if seqpacket {
            // A record goes whole or not at all.
            if total > B {
                return Err(Error::new(ErrorKind::MessageTooLong));
            }
            if p.dgrams.is_full() || p.rx.room(limit) < total {
                return Err(self.would_block(blocking, timeout));
            }
            for buf in bufs {
                p.rx.push(buf, limit);
            }
            p.dgrams.push(Record { len: total, from });
            return Ok(total);
        }
        if p.rx.room(limit) == 0 {
            return Err(self.would_block(blocking, timeout));
        }
        let mut done = 0;
        for buf in bufs {
            let n = p.rx.push(buf, limit);
            done += n;
            if n < buf.len() {
                break;
            }
        }
        Ok(done)
    }

    /// `recv`/`read`/`recvmsg` on a stream: queued bytes first, then what the connection's
    /// state says (end of stream, a pending error, or waiting).
    pub(crate) fn stream_read(
        &mut self,
        h: Handle,
        bufs: &mut [&mut [u8]],
        flags: MsgFlags,
    ) -> Result<Read> {
        check_recv(flags)?;
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let s = self.sock_mut(h)?;
        let blocking = !s.nonblocking && !flags.contains(MsgFlags::DONTWAIT);
        let timeout = s.opts.recv_timeout;
        let tcp = s.is_tcp();
        match s.phase {
            // Linux: `ENOTCONN` for an unconnected TCP socket, `EINVAL` for a Unix one.
            Phase::Idle | Phase::Listening { .. } if tcp => {
                return Err(Error::new(ErrorKind::NotConnected))
            }
            Phase::Idle | Phase::Listening { .. } => {
                return Err(Error::new(ErrorKind::InvalidInput))
            }
            Phase::SynSent { .. } => return Err(self.would_block(blocking, timeout)),
            Phase::Connected => {}
        }
        let nothing = Read {
            len: 0,
            truncated: false,
        };
        if total == 0 {
            return Ok(nothing);
        }
        if let Some(rec) = s.dgrams.front() {
            // Seqpacket: one record per read; a cut one loses its rest, as a datagram does.
            let len = scatter(&s.rx, 0, rec.len, bufs);
            if !flags.contains(MsgFlags::PEEK) {
                s.rx.consume(rec.len);
                s.dgrams.pop();
            }
            return Ok(Read {
                len,
                truncated: len < rec.len,
            });
        }
        if !s.rx.is_empty() {
            let len = scatter(&s.rx, 0, s.rx.len(), bufs);
            if !flags.contains(MsgFlags::PEEK) {
                s.rx.consume(len);
            }
            return Ok(Read {
                len,
                truncated: false,
            });
        }
        if tcp {
            // tcp_recvmsg: a received FIN means end of stream before any pending error.
            if s.stream.fin {
                return Ok(nothing);
            }
            if let Some(e) = s.take_error() {
                return Err(Error::new(e));
            }
            if s.stream.closed || s.stream.rd_shut {
                return Ok(nothing);
            }
        } else {
            if let Some(e) = s.take_error() {
                return Err(Error::new(e));
            }
            if s.stream.fin || s.stream.rd_shut {
                return Ok(nothing);
            }
        }
        Err(self.would_block(blocking, timeout))
    }

    /// `shutdown(fd, how)`.
    ///
    /// TCP: `ENOTCONN` unless connected. `SHUT_RD` only makes reads return end of stream once
    /// the queue is empty (Linux keeps accepting data); `SHUT_WR` sends `FIN`.
    /// Unix: never fails; `SHUT_RD` also makes the peer's writes fail with `EPIPE`.
    pub(crate) fn shutdown(&mut self, h: Handle, how: Shutdown) -> Result<()> {
        let s = self.sock_mut(h)?;
        let tcp = s.is_tcp();
        if s.phase != Phase::Connected || (tcp && s.stream.closed) {
            if tcp {
                return Err(Error::new(ErrorKind::NotConnected));
            }
            return Ok(());
        }
        let read = matches!(how, Shutdown::Read | Shutdown::Both);
        let write = matches!(how, Shutdown::Write | Shutdown::Both);
        let peer = s.peer;
        if read {
            s.stream.rd_shut = true;
        }
        if write {
            s.stream.wr_shut = true;
            if tcp && s.stream.peer_gone {
                // LAST_ACK answered by the gone peer's reset: the connection is over.
                s.stream.closed = true;
            }
        }
        if let Some(p) = peer.and_then(|p| self.sock_mut(p).ok()) {
            if write {
                p.stream.fin = true;
            }
            if read && !tcp {
                p.stream.peer_rd_shut = true;
            }
        }
        Ok(())
    }
}
