//! `Endpoint`: what every socket has, whatever it has become.

use crate::addr::SocketAddr;
use crate::error::Result;

/// What every socket has — a fresh [`crate::Socket`], a [`crate::Listener`], a
/// [`crate::Stream`] or a [`crate::Datagram`]: its local address and its blocking mode.
///
/// Generic code reaches these through any of the four traits, which all require it.
pub trait Endpoint {
    /// [`getsockname(fd, addr, addrlen)`][getsockname(2)]: the local address (with the port the
    /// system chose, after binding port 0).
    ///
    /// [getsockname(2)]: https://man7.org/linux/man-pages/man2/getsockname.2.html
    #[doc(alias = "getsockname")]
    fn local_addr(&self) -> Result<SocketAddr>;

    /// [`fcntl(fd, F_SETFL, flags | O_NONBLOCK)`][fcntl(2)]: sets or clears `O_NONBLOCK`.
    /// Non-blocking, calls that would wait fail with [`crate::ErrorKind::WouldBlock`] (or
    /// [`crate::ErrorKind::InProgress`] for `connect`) instead. The mode carries over from a
    /// [`crate::Socket`] to what it becomes; see [`crate::Listener::accept`] for the mode of
    /// the streams a listener hands out.
    ///
    /// [fcntl(2)]: https://man7.org/linux/man-pages/man2/fcntl.2.html
    #[doc(alias = "O_NONBLOCK")]
    #[doc(alias = "fcntl")]
    fn set_nonblocking(&mut self, nonblocking: bool) -> Result<()>;
}
