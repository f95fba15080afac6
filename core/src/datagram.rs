//! `Datagram`: a socket of messages.

use crate::addr::SocketAddr;
use crate::error::Result;
use crate::msg::Received;

/// A datagram socket: each send is one message, each receive takes one whole message; a message
/// longer than the buffer is cut and reported as [`Received::truncated`], never silently.
///
/// Dropping it closes it.
pub trait Datagram {
    /// `sendto(fd, buf, len, 0, addr, addrlen)`: sends one datagram to `addr`. Returns the
    /// bytes sent, which is all of `buf` (or an error such as
    /// [`crate::ErrorKind::MessageTooLong`]).
    #[doc(alias = "sendto")]
    fn send_to(&mut self, buf: &[u8], addr: &SocketAddr) -> Result<usize>;

    /// `recvfrom(fd, buf, len, 0, &addr, &addrlen)`: receives one datagram and its sender.
    #[doc(alias = "recvfrom")]
    fn recv_from(&mut self, buf: &mut [u8]) -> Result<(Received, SocketAddr)>;

    /// `connect(fd, addr)`: sets the default peer; afterwards only its datagrams are received,
    /// and [`Datagram::send`] / [`Datagram::recv`] apply.
    fn connect(&mut self, addr: &SocketAddr) -> Result<()>;

    /// `send(fd, buf, len, 0)`: sends one datagram to the connected peer.
    ///
    /// Errors: [`crate::ErrorKind::NotConnected`] (or the platform's equivalent) when there is
    /// no peer; [`crate::ErrorKind::ConnectionRefused`] after the peer's port was found closed.
    fn send(&mut self, buf: &[u8]) -> Result<usize>;

    /// `recv(fd, buf, len, 0)`: receives one datagram.
    fn recv(&mut self, buf: &mut [u8]) -> Result<Received>;

    /// `getpeername`: the connected peer.
    #[doc(alias = "getpeername")]
    fn peer_addr(&self) -> Result<SocketAddr>;

    /// `getsockname`: the local address.
    #[doc(alias = "getsockname")]
    fn local_addr(&self) -> Result<SocketAddr>;

    /// Sets or clears `O_NONBLOCK`.
    #[doc(alias = "O_NONBLOCK")]
    fn set_nonblocking(&mut self, nonblocking: bool) -> Result<()>;
}
