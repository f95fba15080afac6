//! `Datagram`: a socket of messages.

use crate::addr::SocketAddr;
use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::msg::Received;

/// A datagram socket: each send is one message, each receive takes one whole message; a message
/// longer than the buffer is cut and reported as [`Received::truncated`], never silently.
///
/// Dropping it closes it.
#[doc(alias = "SOCK_DGRAM")]
pub trait Datagram: Endpoint {
    /// [`sendto(fd, buf, len, 0, addr, addrlen)`][send(2)]: sends one datagram to `addr`. Returns
    /// the bytes sent, which is all of `buf` (or an error such as
    /// [`crate::ErrorKind::MessageTooLong`]).
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    #[doc(alias = "sendto")]
    fn send_to(&mut self, buf: &[u8], addr: &SocketAddr) -> Result<usize>;

    /// [`recvfrom(fd, buf, len, 0, &addr, &addrlen)`][recv(2)]: receives one datagram and its
    /// sender.
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    #[doc(alias = "recvfrom")]
    fn recv_from(&mut self, buf: &mut [u8]) -> Result<(Received, SocketAddr)>;

    /// [`connect(fd, addr, addrlen)`][connect(2)]: sets the default peer; afterwards only its
    /// datagrams are received, and [`Datagram::send`] / [`Datagram::recv`] apply.
    ///
    /// [connect(2)]: https://man7.org/linux/man-pages/man2/connect.2.html
    fn connect(&mut self, addr: &SocketAddr) -> Result<()>;

    /// [`send(fd, buf, len, 0)`][send(2)]: sends one datagram to the connected peer.
    ///
    /// Errors: [`crate::ErrorKind::NotConnected`] (or the platform's equivalent) when there is
    /// no peer; [`crate::ErrorKind::ConnectionRefused`] after the peer's port was found closed.
    ///
    /// [send(2)]: https://man7.org/linux/man-pages/man2/send.2.html
    fn send(&mut self, buf: &[u8]) -> Result<usize>;

    /// [`recv(fd, buf, len, 0)`][recv(2)]: receives one datagram; one longer than `buf` is
    /// cut and reported as [`Received::truncated`].
    ///
    /// [recv(2)]: https://man7.org/linux/man-pages/man2/recv.2.html
    fn recv(&mut self, buf: &mut [u8]) -> Result<Received>;

    /// [`getpeername(fd, addr, addrlen)`][getpeername(2)]: the connected peer.
    ///
    /// [getpeername(2)]: https://man7.org/linux/man-pages/man2/getpeername.2.html
    #[doc(alias = "getpeername")]
    fn peer_addr(&self) -> Result<SocketAddr>;
}
