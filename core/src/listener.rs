//! `Listener`: a socket accepting connections.

use crate::addr::SocketAddr;
use crate::endpoint::Endpoint;
use crate::error::Result;

/// A listening socket (after [`listen`][listen(2)]). Dropping it closes it; connections not yet
/// accepted are reset.
///
/// [listen(2)]: https://man7.org/linux/man-pages/man2/listen.2.html
pub trait Listener: Endpoint {
    /// The connections it hands out.
    type Stream: Endpoint;

    /// [`accept(fd, &addr, &len)`][accept(2)]: takes the first connection off the queue of pending
    /// ones, returning it with the peer's address.
    ///
    /// Blocking, it waits for a connection; non-blocking, it fails with
    /// [`crate::ErrorKind::WouldBlock`] when none is pending. The new stream is blocking and
    /// close-on-exec whatever the listener is.
    ///
    /// Errors: [`crate::ErrorKind::ConnectionAborted`] when a pending connection was reset
    /// before it was taken (retry), [`crate::ErrorKind::TooManyOpenFiles`].
    ///
    /// [accept(2)]: https://man7.org/linux/man-pages/man2/accept.2.html
    #[doc(alias = "accept4")]
    fn accept(&mut self) -> Result<(Self::Stream, SocketAddr)>;

    /// [`accept4(fd, &addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)`][accept4(2)]: as
    /// [`Listener::accept`], but the new stream is non-blocking from the start, as an event
    /// loop wants it, in one call instead of `accept` and then
    /// [`Endpoint::set_nonblocking`]. Whether this call itself waits for a connection is the
    /// listener's mode, as for `accept`.
    ///
    /// The POSIX backend and the mock do it in one step; the default does the two calls, for a
    /// backend that has no better way.
    ///
    /// Errors: as [`Listener::accept`].
    ///
    /// [accept4(2)]: https://man7.org/linux/man-pages/man2/accept4.2.html
    #[doc(alias = "accept4")]
    #[doc(alias = "SOCK_NONBLOCK")]
    fn accept_nonblocking(&mut self) -> Result<(Self::Stream, SocketAddr)> {
        let (mut stream, peer) = self.accept()?;
        stream.set_nonblocking(true)?;
        Ok((stream, peer))
    }
}
