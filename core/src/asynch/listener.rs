//! `Listener`, async: a socket accepting connections.

use super::socket::Endpoint;
use crate::addr::SocketAddr;
use crate::error::Result;

/// A listening async socket. Dropping it closes it; connections not yet accepted are reset.
pub trait Listener: Endpoint {
    /// The connections it hands out.
    type Stream;

    /// [`accept(fd, &addr, &len)`][accept(2)]: completes with the first connection of the
    /// queue of pending ones and the peer's address, waiting for one when the queue is empty.
    ///
    /// Cancelled (dropped) before it completes, it has taken nothing: a connection that
    /// arrived meanwhile stays in the queue for the next `accept`. The stream it returns is
    /// ready for async I/O and close-on-exec.
    ///
    /// Errors: as [`crate::Listener::accept`] — [`crate::ErrorKind::ConnectionAborted`] when a
    /// pending connection was reset before it was taken (accept again),
    /// [`crate::ErrorKind::TooManyOpenFiles`].
    ///
    /// [accept(2)]: https://man7.org/linux/man-pages/man2/accept.2.html
    #[doc(alias = "accept4")]
    async fn accept(&mut self) -> Result<(Self::Stream, SocketAddr)>;
}
