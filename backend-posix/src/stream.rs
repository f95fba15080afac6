//! [`Stream`]: a connected stream or seqpacket socket.

use anysock_core::embedded_io;
use anysock_core::{
    Domain, Error, ErrorKind, MsgFlags, MsgIo, Pollable, RecvBatch, RecvMeta, RecvMsg, Result,
    SendBatch, SendMsg, Shutdown, SocketAddr, Type,
};

use crate::socket::{shared_methods, Socket};
use crate::sys;

/// A connected POSIX stream socket (TCP, Unix stream, or Unix seqpacket). Close-on-exec; closed
/// when dropped.
///
/// Reads and writes follow [`anysock_core::Stream`]'s contract. On a seqpacket socket each read
/// takes one message; one longer than the buffer fails with [`ErrorKind::MessageTooLong`] (its
/// start is in the buffer, the rest is gone) rather than being cut silently.
///
/// ```
/// use anysock_posix::Posix;
/// use anysock_core::{Socket, Stack, Type};
/// use anysock_core::embedded_io::{Read, Write};
///
/// let (a, b) = Posix.socketpair(Type::Stream)?;
/// let (mut a, mut b) = (a.into_stream()?, b.into_stream()?);
/// a.write_all(b"hola")?;
/// let mut buf = [0u8; 4];
/// b.read_exact(&mut buf).unwrap();
/// assert_eq!(&buf, b"hola");
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Stream {
    pub(crate) sock: Socket,
}

shared_methods!(Stream);

impl Stream {
    /// Every read of a stream goes through here. An empty buffer returns `Ok(0)` at once: the
    /// kernel would wait for data it could not deliver.
    #[inline]
    pub(crate) fn receive(&self, buf: &mut [u8], flags: i32) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.sock.ty == Type::SeqPacket {
            let got = sys::msg::recv_datagram(&self.sock.fd, buf, flags)?;
            if got.truncated {
                return Err(Error::new(ErrorKind::MessageTooLong));
            }
            return Ok(got.len);
        }
        sys::msg::recv(&self.sock.fd, buf, flags)
    }
}

impl embedded_io::ErrorType for Stream {
    type Error = Error;
}

impl embedded_io::Read for Stream {
    /// [`recv(fd, buf, len, 0)`][recv(2)]. An empty buffer returns `Ok(0)` without a
    /// syscall.
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.receive(buf, 0)
    }
}

impl Stream {
    /// Every send of a stream goes through here, for a shared reference (the kernel
    /// serialises concurrent sends itself): `send(fd, buf, len, flags | MSG_NOSIGNAL)`, the
    /// flags checked first. An empty buffer returns `Ok(0)` without a syscall, whatever the
    /// flags and the connection's state: `write` and `send` answer nothing alike.
    #[inline]
    pub(crate) fn transmit(&self, buf: &[u8], flags: MsgFlags) -> Result<usize> {
        let flags = sys::msg::send_flags(flags)?;
        if buf.is_empty() {
            return Ok(0);
        }
        sys::msg::send(&self.sock.fd, buf, flags)
    }
}

impl embedded_io::Write for Stream {
    /// [`send(fd, buf, len, MSG_NOSIGNAL)`][send(2)]. An empty buffer returns `Ok(0)`
    /// without a syscall.
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    #[inline]
    fn write(&mut self, buf: &[u8]) -> Result<usize> {
        self.transmit(buf, MsgFlags::NONE)
    }

    /// Nothing to do: the kernel sends without being asked.
    fn flush(&mut self) -> Result<()> {
        Ok(())
    }
}

impl embedded_io::ReadReady for Stream {
    /// [`poll`][poll(2)] with `POLLIN` and no wait: data, end of stream or an error is waiting.
    ///
    /// [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
    fn read_ready(&mut self) -> Result<bool> {
        let revents =
            sys::poll::poll_one_now(self.sock.fd.raw(), anysock_core::Interest::READABLE.bits())?;
        Ok(anysock_core::Readiness::from_bits(revents).is_readable())
    }
}

impl embedded_io::WriteReady for Stream {
    /// [`poll`][poll(2)] with `POLLOUT` and no wait.
    ///
    /// [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
    fn write_ready(&mut self) -> Result<bool> {
        let revents =
            sys::poll::poll_one_now(self.sock.fd.raw(), anysock_core::Interest::WRITABLE.bits())?;
        Ok(anysock_core::Readiness::from_bits(revents).is_writable())
    }
}

impl anysock_core::Stream for Stream {
    /// An empty buffer returns `Ok(0)` without a syscall, as `write` does.
    #[inline]
    fn send(&mut self, buf: &[u8], flags: MsgFlags) -> Result<usize> {
        self.transmit(buf, flags)
    }

    /// An empty buffer returns `Ok(0)` at once, as `read` does: the kernel would wait for data
    /// it could not deliver.
    #[inline]
    fn recv(&mut self, buf: &mut [u8], flags: MsgFlags) -> Result<usize> {
        let flags = sys::msg::recv_flags(flags)?;
        self.receive(buf, flags)
    }

    fn shutdown(&mut self, how: Shutdown) -> Result<()> {
        sys::socket::shutdown(&self.sock.fd, how)
    }

    fn peer_addr(&self) -> Result<SocketAddr> {
        sys::socket::peer_addr(&self.sock.fd, self.sock.domain)
    }
}

impl MsgIo for Stream {
    /// No bytes, no address and no control data: `Ok(0)` once the flags are checked, as
    /// `write` and `send` answer an empty buffer.
    fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize> {
        if msg.iov.total_len() == 0 && msg.addr.is_none() && msg.control.is_empty() {
            sys::msg::send_flags(msg.flags)?;
            return Ok(0);
        }
        sys::msg::send_msg(&self.sock.fd, self.sock.domain, msg)
    }

    /// With no room for data, returns at once with nothing received (as `read` does), since a
    /// stream's `recvmsg` would wait for bytes it could not deliver.
    fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta> {
        if msg.iov.total_len() == 0 {
            sys::msg::recv_flags(msg.flags)?;
            return Ok(RecvMeta {
                len: 0,
                addr: None,
                control_len: 0,
                flags: MsgFlags::NONE,
            });
        }
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
        // A message with no room for data would make the kernel wait for bytes it cannot
        // deliver; one `recvmsg` at a time answers it at once, as `recv_msg` does.
        if batch.messages().iter().any(|m| m.iov.total_len() == 0) {
            return crate::batch::recv_mmsg_loop(batch, |m| self.recv_msg(m));
        }
        crate::batch::recv_mmsg(&self.sock.fd, self.sock.domain, batch)
    }
}

impl anysock_core::Endpoint for Stream {
    fn local_addr(&self) -> Result<SocketAddr> {
        sys::socket::local_addr(&self.sock.fd, self.sock.domain)
    }

    fn set_nonblocking(&mut self, nonblocking: bool) -> Result<()> {
        self.sock.fd.set_nonblocking(nonblocking)
    }
}
