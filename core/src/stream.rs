//! `Stream`: a connected byte stream.

use crate::addr::SocketAddr;
use crate::domain::Shutdown;
use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::msg::MsgFlags;

/// A connected stream (or seqpacket) socket.
///
/// Reading and writing are [`embedded_io::Read`] and [`embedded_io::Write`], with their
/// contracts: `read` blocks until at least one byte is there and returns `Ok(0)` only at end of
/// stream (or for an empty buffer); `write` blocks until at least one byte is taken and never
/// returns `Ok(0)` for a non-empty buffer. On a non-blocking stream both fail with
/// [`crate::ErrorKind::WouldBlock`] instead of waiting. Writing to a connection the peer closed
/// fails with [`crate::ErrorKind::BrokenPipe`] or [`crate::ErrorKind::ConnectionReset`]; no
/// signal is raised. `flush` does nothing: the kernel sends on its own.
///
/// Dropping it closes it.
#[doc(alias = "read")]
#[doc(alias = "write")]
#[doc(alias = "SOCK_STREAM")]
pub trait Stream:
    Endpoint
    + embedded_io::Read
    + embedded_io::Write
    + embedded_io::ReadReady
    + embedded_io::WriteReady
    + embedded_io::ErrorType<Error = Error>
{
    /// [`send(fd, buf, len, flags)`][send(2)]: as `write`, with flags ([`MsgFlags::DONTWAIT`],
    /// [`MsgFlags::OOB`], [`MsgFlags::EOR`]). An empty buffer returns `Ok(0)` at once once the
    /// flags are checked, whatever the connection's state, as `write` does (and as
    /// [`crate::MsgIo::send_msg`] does with no bytes, no address and no control data).
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    fn send(&mut self, buf: &[u8], flags: MsgFlags) -> Result<usize>;

    /// [`recv(fd, buf, len, flags)`][recv(2)]: as `read`, with flags ([`MsgFlags::PEEK`] leaves the
    /// bytes queued, [`MsgFlags::WAITALL`] waits for the whole buffer, [`MsgFlags::DONTWAIT`]).
    /// An empty buffer returns `Ok(0)` at once once the flags are checked, as `read` does.
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    fn recv(&mut self, buf: &mut [u8], flags: MsgFlags) -> Result<usize>;

    /// [`shutdown(fd, how)`][shutdown(2)]: closes one or both directions. After [`Shutdown::Write`]
    /// the peer reads end of stream; the socket stays open until dropped.
    ///
    /// [shutdown(2)]: https://man7.org/linux/man-pages/man2/shutdown.2.html
    fn shutdown(&mut self, how: Shutdown) -> Result<()>;

    /// [`getpeername(fd, addr, addrlen)`][getpeername(2)]: the address of the other end.
    ///
    /// [getpeername(2)]: https://man7.org/linux/man-pages/man2/getpeername.2.html
    #[doc(alias = "getpeername")]
    fn peer_addr(&self) -> Result<SocketAddr>;
}
