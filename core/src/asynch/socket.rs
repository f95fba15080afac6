//! `Socket` and `Endpoint`, async: what `socket()` returns, and what every socket has.

use crate::addr::SocketAddr;
use crate::domain::{Domain, Type};
use crate::error::Result;

/// What every async socket has — a fresh [`Socket`], a [`super::Listener`], a
/// [`super::Stream`] or a [`super::Datagram`]: its local address.
///
/// Unlike [`crate::Endpoint`] there is no `set_nonblocking`: an async socket never blocks the
/// thread, whatever it waits for.
pub trait Endpoint {
    /// [`getsockname(fd, addr, addrlen)`][getsockname(2)]: the local address (with the port
    /// the system chose, after binding port 0). Never waits.
    ///
    /// [getsockname(2)]: https://man7.org/linux/man-pages/man2/getsockname.2.html
    #[doc(alias = "getsockname")]
    fn local_addr(&self) -> Result<SocketAddr>;
}

/// An async socket fresh from [`super::Stack::socket`]: set options, `bind`, then turn it into
/// what it is for, as with [`crate::Socket`]. Only [`Socket::connect`] can wait. Dropping it
/// closes it.
pub trait Socket: Endpoint + Sized {
    /// What [`Socket::listen`] makes of it.
    type Listener;
    /// What [`Socket::into_stream`] makes of it.
    type Stream;
    /// What [`Socket::into_datagram`] makes of it.
    type Datagram;

    /// The domain it was created with (`SO_DOMAIN`).
    fn domain(&self) -> Domain;

    /// The type it was created with (`SO_TYPE`).
    fn socket_type(&self) -> Type;

    /// [`bind(fd, addr, addrlen)`][bind(2)]: as [`crate::Socket::bind`]. Never waits.
    ///
    /// [bind(2)]: https://man7.org/linux/man-pages/man2/bind.2.html
    fn bind(&mut self, addr: &SocketAddr) -> Result<()>;

    /// [`listen(fd, backlog)`][listen(2)]: as [`crate::Socket::listen`]. Never waits.
    ///
    /// [listen(2)]: https://man7.org/linux/man-pages/man2/listen.2.html
    fn listen(self, backlog: u32) -> Result<Self::Listener>;

    /// [`connect(fd, addr, addrlen)`][connect(2)]: connects a stream socket, completing once
    /// the handshake is done; on a datagram socket it sets the default peer, at once.
    ///
    /// Cancelled (dropped) before it completes, the handshake goes on: calling `connect`
    /// again with the same address waits for its outcome instead of starting another, and
    /// dropping the socket abandons it.
    ///
    /// Errors: as [`crate::Socket::connect`] — [`crate::ErrorKind::ConnectionRefused`],
    /// [`crate::ErrorKind::TimedOut`], [`crate::ErrorKind::NotFound`] (no such Unix path),
    /// [`crate::ErrorKind::InvalidInput`] for an address of another domain. A Unix listener
    /// whose queue is full refuses at once with [`crate::ErrorKind::WouldBlock`] (the kernel
    /// offers no readiness to wait for room in another socket's queue).
    ///
    /// [connect(2)]: https://man7.org/linux/man-pages/man2/connect.2.html
    async fn connect(&mut self, addr: &SocketAddr) -> Result<()>;

    /// The socket as a connected stream, once [`Socket::connect`] completed.
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] for a datagram socket.
    fn into_stream(self) -> Result<Self::Stream>;

    /// The socket as a datagram socket.
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] for a stream or seqpacket socket.
    fn into_datagram(self) -> Result<Self::Datagram>;
}
