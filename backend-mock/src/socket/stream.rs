//! [`Stream`]: a connected stream socket (TCP or Unix).

use anysock_core::embedded_io;
use anysock_core::{
    Error, ErrorKind, MsgFlags, MsgIo, RecvMeta, RecvMsg, Result, SendMsg, Shutdown, SocketAddr,
    Type,
};

use crate::kernel::ancillary::{Ctl, Outgoing};
use crate::kernel::flags::{check_send, nothing_to_receive, nothing_to_send};
use crate::kernel::table::wait::gave_up;
use crate::net::sharing::Sharing;
use crate::socket::socket_type;
use crate::trace::Tracer;

socket_type! {
    /// A connected stream on a [`crate::Host`]: TCP, or a Unix stream. Reads and writes follow
    /// [`anysock_core::Stream`]'s contract with the mock's rule for waiting: a blocking call
    /// that would have to wait for the peer fails with [`ErrorKind::Deadlock`] at once
    /// (waiting for [`anysock_core::Wait::Data`] or [`anysock_core::Wait::Room`]), or with
    /// [`ErrorKind::WouldBlock`] after its timeout on the virtual clock; on a `SharedNet`
    /// (feature `std`) it waits for the peer's thread. Closed when dropped.
    Stream
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Stream<'_, S, B, Q, T, K, H>
{
    fn ready(&self) -> anysock_core::Readiness {
        self.net.state().readiness(self.handle)
    }

    /// A read into one buffer; a seqpacket record longer than the buffer fails with
    /// [`ErrorKind::MessageTooLong`] (its start is in the buffer, the rest is gone), as the
    /// POSIX backend reports it, rather than being cut silently.
    fn read_one(&mut self, buf: &mut [u8], flags: MsgFlags) -> Result<usize> {
        if buf.is_empty() {
            return nothing_to_receive(flags);
        }
        let h = self.handle;
        let got = self
            .net
            .blocking(|st| st.stream_read_one(h, buf, flags), gave_up)?;
        if got.truncated {
            return Err(Error::new(ErrorKind::MessageTooLong));
        }
        Ok(got.len)
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    embedded_io::ErrorType for Stream<'_, S, B, Q, T, K, H>
{
    type Error = Error;
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    embedded_io::Read for Stream<'_, S, B, Q, T, K, H>
{
    fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.read_one(buf, MsgFlags::NONE)
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    embedded_io::Write for Stream<'_, S, B, Q, T, K, H>
{
    fn write(&mut self, buf: &[u8]) -> Result<usize> {
        anysock_core::Stream::send(self, buf, MsgFlags::NONE)
    }

    /// Nothing to do: bytes reach the peer's queue when written.
    fn flush(&mut self) -> Result<()> {
        Ok(())
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    embedded_io::ReadReady for Stream<'_, S, B, Q, T, K, H>
{
    /// Data, end of stream or an error is waiting (`POLLIN`, `POLLHUP`, `POLLERR`).
    fn read_ready(&mut self) -> Result<bool> {
        Ok(self.ready().is_readable())
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    embedded_io::WriteReady for Stream<'_, S, B, Q, T, K, H>
{
    /// There is room toward the peer, or a write would fail at once (`POLLOUT`, `POLLERR`).
    fn write_ready(&mut self) -> Result<bool> {
        Ok(self.ready().is_writable())
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    anysock_core::Stream for Stream<'_, S, B, Q, T, K, H>
{
    fn send(&mut self, buf: &[u8], flags: MsgFlags) -> Result<usize> {
        if buf.is_empty() {
            return nothing_to_send(flags);
        }
        let h = self.handle;
        self.net
            .blocking(|st| st.stream_write(h, &[buf], flags), gave_up)
    }

    /// As `read`, with [`MsgFlags::PEEK`] and [`MsgFlags::DONTWAIT`]. [`MsgFlags::WAITALL`]
    /// returns what is queued when that is less than asked, since nobody can add more while
    /// the caller waits.
    fn recv(&mut self, buf: &mut [u8], flags: MsgFlags) -> Result<usize> {
        self.read_one(buf, flags)
    }

    fn shutdown(&mut self, how: Shutdown) -> Result<()> {
        self.net.state_mut().shutdown(self.handle, how)
    }

    /// `getpeername`: [`ErrorKind::NotConnected`] before the connection is made and, for TCP,
    /// after it was reset.
    fn peer_addr(&self) -> Result<SocketAddr> {
        self.net.state().peer_name(self.handle)
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> MsgIo
    for Stream<'_, S, B, Q, T, K, H>
{
    /// `sendmsg(fd, &msghdr, flags)`: the buffers in order, as one write, with the ancillary
    /// data of `control` in the mock's encoding ([`crate::cmsg`]): passed sockets and
    /// credentials on a Unix stream, checked before anything is sent (see
    /// [`anysock_core::cmsg::Ancillary`]). An address is checked against the socket's
    /// domain, then taken as Linux takes it: ignored by TCP and seqpacket sockets, refused by
    /// a Unix stream (`EISCONN` when connected, `EOPNOTSUPP` when not).
    fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize> {
        let h = self.handle;
        if msg.control.is_empty() && msg.addr.is_none() && msg.iov.total_len() == 0 {
            return nothing_to_send(msg.flags);
        }
        check_send(msg.flags)?;
        if let Some(addr) = msg.addr {
            if addr.domain() != self.domain() {
                return Err(Error::new(ErrorKind::InvalidInput));
            }
            if self.domain() == anysock_core::Domain::Unix && self.socket_type() == Type::Stream {
                return Err(self.net.state().unix_stream_named_send(h, msg.flags));
            }
        }
        if msg.control.is_empty() {
            return self.net.blocking(
                |st| st.stream_write(h, msg.iov.as_slices(), msg.flags),
                gave_up,
            );
        }
        let out = Outgoing::parse(msg.control)?;
        self.net.blocking(
            |st| st.stream_write_with(h, msg.iov.as_slices(), msg.flags, &out),
            gave_up,
        )
    }

    /// `recvmsg`: fills the buffers in order; a seqpacket receive takes one record and
    /// reports [`MsgFlags::TRUNC`] when it did not fit (Linux sets no `MSG_EOR` there). `addr`
    /// is the peer's address on a Unix stream whose peer is bound (as Linux reports it),
    /// `None` otherwise. Ancillary data lands in `msg.control` as on Linux, except that passed
    /// sockets are closed at once (their handles read as closed): receive with
    /// [`anysock_core::cmsg::Ancillary::recv_msg_control`] to keep them.
    fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta> {
        let control = core::mem::take(&mut msg.control);
        let mut ctl = Ctl::new(&mut *control, false);
        let meta = self.recv_with(msg, &mut ctl);
        msg.control = control;
        meta
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Stream<'_, S, B, Q, T, K, H>
{
    /// One read into `msg.iov`, its ancillary data into `ctl`.
    pub(crate) fn recv_with<const N: usize>(
        &mut self,
        msg: &mut RecvMsg<'_, N>,
        ctl: &mut Ctl<'_>,
    ) -> Result<RecvMeta> {
        let (h, flags) = (self.handle, msg.flags);
        if msg.iov.total_len() == 0 {
            nothing_to_receive(flags)?;
            return Ok(RecvMeta::EMPTY);
        }
        let bufs = msg.iov.as_mut_slices();
        let got = self
            .net
            .blocking(|st| st.stream_recv(h, bufs, flags, ctl), gave_up)?;
        Ok(self.meta(&got, ctl))
    }

    /// What `recvmsg` reports for a read that got `got`, its ancillary data in `ctl`.
    pub(crate) fn meta(&self, got: &crate::kernel::stream::Received, ctl: &Ctl<'_>) -> RecvMeta {
        let mut flags = ctl.flags();
        if got.read.truncated {
            flags |= MsgFlags::TRUNC;
        }
        RecvMeta {
            len: got.read.len,
            addr: got.from,
            control_len: ctl.len,
            flags,
        }
    }
}
