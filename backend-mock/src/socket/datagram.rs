//! [`Datagram`]: a socket of messages (UDP or Unix datagram).

use anysock_core::{MsgFlags, MsgIo, Received, RecvMeta, RecvMsg, Result, SendMsg, SocketAddr};

use crate::kernel::ancillary::{Ctl, Outgoing};
use crate::kernel::table::wait::gave_up;
use crate::net::sharing::Sharing;
use crate::socket::socket_type;
use crate::trace::Tracer;

socket_type! {
    /// A datagram socket on a [`crate::Host`]: UDP or Unix datagram. Message boundaries are
    /// kept; a datagram longer than the buffer is cut and reported as truncated. Closed when
    /// dropped.
    Datagram
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    anysock_core::Datagram for Datagram<'_, S, B, Q, T, K, H>
{
    /// `sendto`. UDP: a datagram to a port nobody holds, or to an address no host has, is
    /// sent (and lost); a full receive queue drops it. Unix: `ENOENT` for a missing path,
    /// `ECONNREFUSED` for a closed one; a full queue is
    /// [`WouldBlock`](anysock_core::ErrorKind::WouldBlock) non-blocking and a
    /// [`Deadlock`](anysock_core::ErrorKind::Deadlock) ([`anysock_core::Wait::Room`])
    /// blocking, with nobody else to read.
    /// [`MessageTooLong`](anysock_core::ErrorKind::MessageTooLong) above `BUF` bytes (or
    /// UDP's own limit).
    fn send_to(&mut self, buf: &[u8], addr: &SocketAddr) -> Result<usize> {
        let h = self.handle;
        self.net.blocking(
            |st| st.datagram_send(h, &[buf], Some(addr), MsgFlags::NONE),
            gave_up,
        )
    }

    fn recv_from(&mut self, buf: &mut [u8]) -> Result<(Received, SocketAddr)> {
        let h = self.handle;
        let ctl = &mut Ctl::none();
        let got = self.net.blocking(
            |st| st.datagram_recv(h, &mut [&mut *buf], MsgFlags::NONE, ctl),
            gave_up,
        )?;
        let received = Received {
            len: got.len,
            truncated: got.truncated,
        };
        Ok((received, got.from))
    }

    fn connect(&mut self, addr: &SocketAddr) -> Result<()> {
        let mut st = self.net.state_mut();
        addr.check_domain(st.sock(self.handle)?.domain)?;
        st.connect_datagram(self.handle, addr)
    }

    /// `send` to the connected peer. A connected UDP socket whose last datagram found no
    /// socket at the peer gets [`ConnectionRefused`](anysock_core::ErrorKind::ConnectionRefused)
    /// from its next call (Linux's ICMP report); a connected Unix one whose peer closed gets it
    /// once, then [`NotConnected`](anysock_core::ErrorKind::NotConnected).
    fn send(&mut self, buf: &[u8]) -> Result<usize> {
        let h = self.handle;
        self.net.blocking(
            |st| st.datagram_send(h, &[buf], None, MsgFlags::NONE),
            gave_up,
        )
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<Received> {
        self.recv_from(buf).map(|(r, _)| r)
    }

    /// `getpeername`. A UDP socket connected to port 0 has no peer to name (Linux:
    /// `ENOTCONN`), though it is connected.
    fn peer_addr(&self) -> Result<SocketAddr> {
        self.net.state().peer_name(self.handle)
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> MsgIo
    for Datagram<'_, S, B, Q, T, K, H>
{
    /// `sendmsg`: the buffers in order as one datagram, to `msg.addr` or the connected peer,
    /// with the ancillary data of `control` in the mock's encoding ([`crate::cmsg`]): passed
    /// sockets and credentials on a Unix socket, checked before anything is sent (see
    /// [`anysock_core::cmsg::Ancillary`]).
    fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize> {
        let h = self.handle;
        if msg.control.is_empty() {
            return self.net.blocking(
                |st| st.datagram_send(h, msg.iov.as_slices(), msg.addr, msg.flags),
                gave_up,
            );
        }
        let out = Outgoing::parse(msg.control)?;
        self.net.blocking(
            |st| st.datagram_send_with(h, msg.iov.as_slices(), msg.addr, msg.flags, &out),
            gave_up,
        )
    }

    /// `recvmsg`: one datagram scattered over the buffers, its sender, and
    /// [`MsgFlags::TRUNC`] when it did not fit. Ancillary data lands in `msg.control` as on
    /// Linux, except that passed sockets are closed at once (their handles read as closed):
    /// receive with [`anysock_core::cmsg::Ancillary::recv_msg_control`] to keep them.
    fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta> {
        let control = core::mem::take(&mut msg.control);
        let mut ctl = Ctl::new(&mut *control, false);
        let meta = self.recv_with(msg, &mut ctl);
        msg.control = control;
        meta
    }
}
