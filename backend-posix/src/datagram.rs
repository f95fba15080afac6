//! [`Datagram`]: a socket of messages.

use anysock_core::{
    Domain, MsgFlags, MsgIo, Pollable, Received, RecvBatch, RecvMeta, RecvMsg, Result, SendBatch,
    SendMsg, SocketAddr, Type,
};

use crate::socket::{shared_methods, Socket};
use crate::sys;

/// A POSIX datagram socket (UDP or Unix datagram). Close-on-exec; closed when dropped.
///
/// ```
/// use anysock_posix::Posix;
/// use anysock_core::{Endpoint, Datagram, Stack};
///
/// let mut a = Posix.bind(&"127.0.0.1:0".parse()?)?;
/// let mut b = Posix.bind(&"127.0.0.1:0".parse()?)?;
/// a.send_to(b"ping", &b.local_addr()?)?;
/// let mut buf = [0u8; 2];
/// let (got, from) = b.recv_from(&mut buf)?;
/// assert_eq!((got.len, got.truncated), (2, true)); // "pi", and the rest reported lost
/// assert_eq!(from, a.local_addr()?);
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Datagram {
    pub(crate) sock: Socket,
}

shared_methods!(Datagram);

impl anysock_core::Datagram for Datagram {
    #[inline]
    fn send_to(&mut self, buf: &[u8], addr: &SocketAddr) -> Result<usize> {
        let flags = sys::msg::send_flags(MsgFlags::NONE)?;
        sys::msg::send_to(&self.sock.fd, buf, addr, self.sock.domain, flags)
    }

    #[inline]
    fn recv_from(&mut self, buf: &mut [u8]) -> Result<(Received, SocketAddr)> {
        sys::msg::recv_from(&self.sock.fd, buf, 0, self.sock.domain)
    }

    fn connect(&mut self, addr: &SocketAddr) -> Result<()> {
        sys::socket::connect(&self.sock.fd, addr, self.sock.domain)
    }

    #[inline]
    fn send(&mut self, buf: &[u8]) -> Result<usize> {
        sys::msg::send(&self.sock.fd, buf, sys::msg::send_flags(MsgFlags::NONE)?)
    }

    #[inline]
    fn recv(&mut self, buf: &mut [u8]) -> Result<Received> {
        sys::msg::recv_datagram(&self.sock.fd, buf, 0)
    }

    fn peer_addr(&self) -> Result<SocketAddr> {
        sys::socket::peer_addr(&self.sock.fd, self.sock.domain)
    }
}

impl MsgIo for Datagram {
    /// [`sendmsg`][send(2)]. Descriptors, packet info and other ancillary data go in `msg.control`,
    /// encoded with [`crate::cmsg::ControlWriter`] or
    /// [`anysock_core::cmsg::Ancillary::encode_control`].
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize> {
        sys::msg::send_msg(&self.sock.fd, self.sock.domain, msg)
    }

    /// [`recvmsg`][recv(2)]. Descriptors received in `SCM_RIGHTS` are closed (their numbers read
    /// `-1`): to keep them, use [`anysock_core::cmsg::Ancillary::recv_msg_control`].
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta> {
        sys::msg::recv_msg(&self.sock.fd, self.sock.domain, msg)
    }

    /// [`sendmmsg`][sendmmsg(2)]: the whole batch in one syscall on Linux (one per run of messages
    /// with equal flags), one `sendmsg` per message elsewhere. Every message is checked before
    /// anything is sent.
    ///
    /// [sendmmsg(2)]: https://man7.org/linux/man-pages/man2/sendmmsg.2.html
    fn send_mmsg<const B: usize, const N: usize>(
        &mut self,
        batch: &mut SendBatch<'_, B, N>,
    ) -> Result<usize> {
        crate::batch::send_mmsg(&self.sock.fd, self.sock.domain, batch)
    }

    /// [`recvmmsg`][recvmmsg(2)] with `MSG_WAITFORONE` on Linux, one `recvmsg` per message
    /// elsewhere. Descriptors received in `SCM_RIGHTS` are closed, as by `recv_msg`.
    ///
    /// [recvmmsg(2)]: https://man7.org/linux/man-pages/man2/recvmmsg.2.html
    fn recv_mmsg<const B: usize, const N: usize>(
        &mut self,
        batch: &mut RecvBatch<'_, B, N>,
    ) -> Result<usize> {
        crate::batch::recv_mmsg(&self.sock.fd, self.sock.domain, batch)
    }
}

impl anysock_core::Endpoint for Datagram {
    fn local_addr(&self) -> Result<SocketAddr> {
        sys::socket::local_addr(&self.sock.fd, self.sock.domain)
    }

    fn set_nonblocking(&mut self, nonblocking: bool) -> Result<()> {
        self.sock.fd.set_nonblocking(nonblocking)
    }
}
