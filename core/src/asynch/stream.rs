//! `Stream`, async: a connected byte stream.

use super::socket::Endpoint;
use crate::addr::SocketAddr;
use crate::domain::Shutdown;
use crate::error::{Error, Result};
use crate::msg::MsgFlags;

/// A connected async stream (or seqpacket) socket.
///
/// Reading and writing are [`embedded_io_async::Read`] and [`embedded_io_async::Write`], with
/// their contracts: `read` waits until at least one byte is there and returns `Ok(0)` only at
/// end of stream (or for an empty buffer, without waiting); `write` waits until at least one
/// byte is taken and never returns `Ok(0)` for a non-empty buffer. Writing to a connection the
/// peer closed fails with [`crate::ErrorKind::BrokenPipe`] or
/// [`crate::ErrorKind::ConnectionReset`]; no signal is raised. `flush` does nothing: the
/// kernel (or the simulation) sends on its own.
///
/// Cancellation (see [`super`]): `read`, `recv` and `write` are side-effect free when dropped
/// before they complete — a cancelled read leaves the bytes for the next one, a cancelled
/// write has sent nothing. Every implementation keeps this (where `embedded_io_async` only
/// encourages it), so a `timeout` or a `select` around them is safe.
///
/// Dropping it closes it.
#[doc(alias = "SOCK_STREAM")]
pub trait Stream:
    Endpoint
    + embedded_io_async::Read
    + embedded_io_async::Write
    + embedded_io_async::ErrorType<Error = Error>
{
    /// [`send(fd, buf, len, flags)`][send(2)]: as `write`, with flags ([`MsgFlags::OOB`],
    /// [`MsgFlags::EOR`]; [`MsgFlags::DONTWAIT`] fails with
    /// [`crate::ErrorKind::WouldBlock`] instead of waiting).
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    async fn send(&mut self, buf: &[u8], flags: MsgFlags) -> Result<usize>;

    /// [`recv(fd, buf, len, flags)`][recv(2)]: as `read`, with flags ([`MsgFlags::PEEK`]
    /// leaves the bytes queued; [`MsgFlags::WAITALL`] completes only with the whole buffer, at
    /// end of stream or on an error — cancelling it may lose what it had taken, as cancelling
    /// `read_exact` does; [`MsgFlags::DONTWAIT`] fails with [`crate::ErrorKind::WouldBlock`]
    /// instead of waiting).
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    async fn recv(&mut self, buf: &mut [u8], flags: MsgFlags) -> Result<usize>;

    /// [`shutdown(fd, how)`][shutdown(2)]: closes one or both directions, at once (shutdown
    /// never waits). After [`Shutdown::Write`] the peer reads end of stream; after
    /// [`Shutdown::Read`] a read with nothing queued returns `Ok(0)` instead of waiting.
    ///
    /// [shutdown(2)]: https://man7.org/linux/man-pages/man2/shutdown.2.html
    fn shutdown(&mut self, how: Shutdown) -> Result<()>;

    /// [`getpeername(fd, addr, addrlen)`][getpeername(2)]: the address of the other end.
    ///
    /// [getpeername(2)]: https://man7.org/linux/man-pages/man2/getpeername.2.html
    #[doc(alias = "getpeername")]
    fn peer_addr(&self) -> Result<SocketAddr>;
}
