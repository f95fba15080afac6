//! `Socket`: what `socket()` returns, before it becomes a listener, a stream or a datagram.

use crate::addr::SocketAddr;
use crate::domain::{Domain, Type};
use crate::endpoint::Endpoint;
use crate::error::Result;

/// A socket fresh from [`crate::Stack::socket`]: set options, `bind`, then turn it into what it
/// is for. Dropping it closes it.
///
/// - a server: `bind` then [`Socket::listen`];
/// - a client: [`Socket::connect`] then [`Socket::into_stream`];
/// - datagrams: `bind` (or not) then [`Socket::into_datagram`].
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

    /// [`bind(fd, addr, addrlen)`][bind(2)]: gives the socket its local address. Port 0 picks a
    /// free port.
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] when `addr` is of another domain than the
    /// socket; [`crate::ErrorKind::AddrInUse`] when taken; [`crate::ErrorKind::AddrNotAvailable`]
    /// when the address is not this host's; [`crate::ErrorKind::PermissionDenied`].
    ///
    /// [bind(2)]: https://man7.org/linux/man-pages/man2/bind.2.html
    fn bind(&mut self, addr: &SocketAddr) -> Result<()>;

    /// [`listen(fd, backlog)`][listen(2)]: marks a stream or seqpacket socket as accepting
    /// connections, at most `backlog` of them waiting to be accepted.
    ///
    /// Errors: [`crate::ErrorKind::Unsupported`] on a datagram socket.
    ///
    /// [listen(2)]: https://man7.org/linux/man-pages/man2/listen.2.html
    fn listen(self, backlog: u32) -> Result<Self::Listener>;

    /// [`connect(fd, addr, addrlen)`][connect(2)]: connects a stream socket, or sets the default
    /// peer of a datagram socket.
    ///
    /// Blocking, it returns once connected. Non-blocking (see [`crate::Endpoint::set_nonblocking`]), a
    /// stream connect that cannot finish at once fails with [`crate::ErrorKind::InProgress`]; wait
    /// until the socket is writable, then read the [`crate::opt::SocketError`] option for the
    /// outcome.
    ///
    /// Errors: [`crate::ErrorKind::ConnectionRefused`], [`crate::ErrorKind::TimedOut`],
    /// [`crate::ErrorKind::NotFound`] (no such Unix path), [`crate::ErrorKind::InvalidInput`] for
    /// an address of another domain.
    ///
    /// [connect(2)]: https://man7.org/linux/man-pages/man2/connect.2.html
    fn connect(&mut self, addr: &SocketAddr) -> Result<()>;

    /// The socket as a connected stream, once [`Socket::connect`] succeeded (or is in progress).
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] for a datagram socket.
    fn into_stream(self) -> Result<Self::Stream>;

    /// The socket as a datagram socket.
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] for a stream or seqpacket socket.
    fn into_datagram(self) -> Result<Self::Datagram>;
}
