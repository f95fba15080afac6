//! `Listener`: a socket accepting connections.

use crate::addr::SocketAddr;
use crate::error::Result;

/// A listening socket (after `listen`). Dropping it closes it; connections not yet accepted are
/// reset.
pub trait Listener {
    /// The connections it hands out.
    type Stream;

    /// `accept(fd, &addr, &len)`: takes the first connection off the queue of pending ones,
    /// returning it with the peer's address.
    ///
    /// Blocking, it waits for a connection; non-blocking, it fails with
    /// [`crate::ErrorKind::WouldBlock`] when none is pending. The new stream is blocking and
    /// close-on-exec whatever the listener is.
    ///
    /// Errors: [`crate::ErrorKind::ConnectionAborted`] when a pending connection was reset
    /// before it was taken (retry), [`crate::ErrorKind::TooManyOpenFiles`].
    #[doc(alias = "accept4")]
    fn accept(&mut self) -> Result<(Self::Stream, SocketAddr)>;

    /// `getsockname`: the address it listens on (with the port the kernel chose, after port 0).
    #[doc(alias = "getsockname")]
    fn local_addr(&self) -> Result<SocketAddr>;

    /// Sets or clears `O_NONBLOCK`, which decides whether [`Listener::accept`] waits.
    #[doc(alias = "O_NONBLOCK")]
    fn set_nonblocking(&mut self, nonblocking: bool) -> Result<()>;
}
