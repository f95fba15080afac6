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
}
