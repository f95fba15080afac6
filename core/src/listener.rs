//! `Listener`: a socket accepting connections.

use crate::addr::SocketAddr;
use crate::error::Result;

/// A listening socket (after [`listen`][listen(2)]). Dropping it closes it; connections not yet
/// accepted are reset.
///
/// [listen(2)]: https://man7.org/linux/man-pages/man2/listen.2.html
pub trait Listener {
    /// The connections it hands out.
    type Stream;

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

    /// [`getsockname(fd, addr, addrlen)`][getsockname(2)]: the address it listens on (with the port
    /// the kernel chose, after port 0).
    ///
    /// [getsockname(2)]: https://man7.org/linux/man-pages/man2/getsockname.2.html
    #[doc(alias = "getsockname")]
    fn local_addr(&self) -> Result<SocketAddr>;

    /// [`fcntl(fd, F_SETFL, flags | O_NONBLOCK)`][fcntl(2)]: sets or clears `O_NONBLOCK`,
    /// which decides whether [`Listener::accept`] waits.
    ///
    /// [fcntl(2)]: https://man7.org/linux/man-pages/man2/fcntl.2.html
    #[doc(alias = "O_NONBLOCK")]
    fn set_nonblocking(&mut self, nonblocking: bool) -> Result<()>;
}
