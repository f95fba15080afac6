//! `Datagram`, async: a socket of messages.

use super::socket::Endpoint;
use crate::addr::SocketAddr;
use crate::error::Result;
use crate::msg::Received;

/// An async datagram socket: each send is one message, each receive takes one whole message; a
/// message longer than the buffer is cut and reported as [`Received::truncated`], never
/// silently — as [`crate::Datagram`].
///
/// Cancellation (see [`super`]): a receive dropped before it completes has taken no message; a
/// send dropped before it completes has sent none. Dropping the socket closes it.
#[doc(alias = "SOCK_DGRAM")]
pub trait Datagram: Endpoint {
    /// [`sendto(fd, buf, len, 0, addr, addrlen)`][send(2)]: sends one datagram to `addr`,
    /// waiting for room in the send buffer. Returns the bytes sent, which is all of `buf`.
    ///
    /// Errors: [`crate::ErrorKind::MessageTooLong`], [`crate::ErrorKind::InvalidInput`] for an
    /// address of another domain, ...
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    #[doc(alias = "sendto")]
    async fn send_to(&mut self, buf: &[u8], addr: &SocketAddr) -> Result<usize>;

    /// [`recvfrom(fd, buf, len, 0, &addr, &addrlen)`][recv(2)]: receives one datagram and its
    /// sender, waiting for one.
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    #[doc(alias = "recvfrom")]
    async fn recv_from(&mut self, buf: &mut [u8]) -> Result<(Received, SocketAddr)>;

    /// [`connect(fd, addr, addrlen)`][connect(2)]: sets the default peer, at once (a datagram
    /// connect never waits); afterwards only its datagrams are received, and
    /// [`Datagram::send`] / [`Datagram::recv`] apply.
    ///
    /// [connect(2)]: https://man7.org/linux/man-pages/man2/connect.2.html
    fn connect(&mut self, addr: &SocketAddr) -> Result<()>;

    /// [`send(fd, buf, len, 0)`][send(2)]: sends one datagram to the connected peer.
    ///
    /// Errors: [`crate::ErrorKind::NotConnected`] (or the platform's equivalent) when there is
    /// no peer; [`crate::ErrorKind::ConnectionRefused`] after the peer's port was found closed.
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    async fn send(&mut self, buf: &[u8]) -> Result<usize>;

    /// [`recv(fd, buf, len, 0)`][recv(2)]: receives one datagram from the connected peer,
    /// waiting for one.
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    async fn recv(&mut self, buf: &mut [u8]) -> Result<Received>;

    /// [`getpeername(fd, addr, addrlen)`][getpeername(2)]: the connected peer.
    ///
    /// [getpeername(2)]: https://man7.org/linux/man-pages/man2/getpeername.2.html
    #[doc(alias = "getpeername")]
    fn peer_addr(&self) -> Result<SocketAddr>;
}
