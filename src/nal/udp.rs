//! `UdpClientStack` and `UdpFullStack` for [`Nal`].

use crate::Endpoint as _;
use core::fmt;

use embedded_nal::{nb, UdpClientStack, UdpFullStack};

use super::{fail, inet, nb_error, Error, Nal};
use crate::{Datagram as _, ErrorKind, SocketAddr, Stack};

/// An embedded-nal UDP socket of a [`Nal`]: the anysock datagram socket once `connect`,
/// `bind` or `send_to` opened one, and where `send` sends.
pub struct UdpSocket<S: Stack> {
    datagram: Option<S::Datagram>,
    /// The default peer set by `connect`.
    peer: Option<SocketAddr>,
    /// Where `send` goes: the `connect` peer, or the last `send_to` target after it, as
    /// embedded-nal's `send` documents.
    target: Option<SocketAddr>,
}

impl<S: Stack> UdpSocket<S> {
    /// The anysock datagram socket, once opened: to set options, or to use calls embedded-nal
    /// lacks (`recv_msg`, batches).
    pub fn datagram(&self) -> Option<&S::Datagram> {
        self.datagram.as_ref()
    }

    /// The same, mutably.
    pub fn datagram_mut(&mut self) -> Option<&mut S::Datagram> {
        self.datagram.as_mut()
    }

    /// `getsockname`: the local address, once opened (the port the system chose after
    /// `bind(0)` or `connect`, for instance).
    ///
    /// Errors: [`ErrorKind::NotConnected`] before `connect`, `bind` or `send_to`.
    #[doc(alias = "getsockname")]
    pub fn local_addr(&self) -> Result<core::net::SocketAddr, Error> {
        let datagram = self
            .datagram
            .as_ref()
            .ok_or(fail(ErrorKind::NotConnected))?;
        inet(datagram.local_addr()?)
    }

    /// The open socket, or [`ErrorKind::NotConnected`].
    fn open_datagram(&mut self) -> Result<&mut S::Datagram, Error> {
        self.datagram.as_mut().ok_or(fail(ErrorKind::NotConnected))
    }
}

/// Shows whether it is open and where `send` goes: a stack's socket types need not be `Debug`.
impl<S: Stack> fmt::Debug for UdpSocket<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("open", &self.datagram.is_some())
            .field("peer", &self.peer)
            .field("target", &self.target)
            .finish()
    }
}

impl<S: Stack> Nal<S> {
    /// `socket` + `bind(addr)` + `fcntl(O_NONBLOCK)` for a datagram socket.
    fn open_datagram(&self, addr: &SocketAddr) -> Result<S::Datagram, Error> {
        let mut datagram = self.stack.bind(addr)?;
        datagram.set_nonblocking(true)?;
        Ok(datagram)
    }

    /// The socket's datagram socket, opened on an ephemeral port of `remote`'s family first
    /// if it has none (as `sendto` or `connect` on an unbound socket binds it).
    fn ensure_open<'s>(
        &self,
        socket: &'s mut UdpSocket<S>,
        remote: &SocketAddr,
    ) -> Result<&'s mut S::Datagram, Error> {
        if socket.datagram.is_none() {
            let any = SocketAddr::unspecified(remote.domain());
            socket.datagram = Some(self.open_datagram(&any)?);
        }
        socket.open_datagram()
    }
}

impl<S: Stack> UdpClientStack for Nal<S> {
    type UdpSocket = UdpSocket<S>;
    type Error = Error;

    /// A socket with no descriptor yet: `connect`, `bind` or `send_to` opens one, of the
    /// right address family. Never fails.
    fn socket(&mut self) -> Result<UdpSocket<S>, Error> {
        Ok(UdpSocket {
            datagram: None,
            peer: None,
            target: None,
        })
    }

    /// `connect(fd, remote)`, after opening the socket on an ephemeral port (`bind` to the
    /// wildcard, port 0) if it has no descriptor yet. Only `remote`'s datagrams are received
    /// afterwards, and `send` goes there.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for a remote of another family than a socket
    /// already bound; [`ErrorKind::NetworkUnreachable`].
    fn connect(
        &mut self,
        socket: &mut UdpSocket<S>,
        remote: core::net::SocketAddr,
    ) -> Result<(), Error> {
        let remote = SocketAddr::from(remote);
        self.ensure_open(socket, &remote)?.connect(&remote)?;
        socket.peer = Some(remote);
        socket.target = Some(remote);
        Ok(())
    }

    /// `send(fd, buf, len, 0)` to the connected peer, or `sendto` the last `send_to` target
    /// when that came after `connect`: one datagram, all of `buffer`, or
    /// [`nb::Error::WouldBlock`] while the send buffer is full.
    ///
    /// Errors: [`ErrorKind::NotConnected`] with no peer nor earlier `send_to`;
    /// [`ErrorKind::MessageTooLong`]; [`ErrorKind::ConnectionRefused`] after the peer's port
    /// was found closed.
    fn send(&mut self, socket: &mut UdpSocket<S>, buffer: &[u8]) -> nb::Result<(), Error> {
        let (peer, target) = (socket.peer, socket.target);
        let datagram = socket.open_datagram()?;
        let sent = match target {
            Some(to) if Some(to) != peer => datagram.send_to(buffer, &to),
            Some(_) => datagram.send(buffer),
            None => return Err(nb::Error::Other(fail(ErrorKind::NotConnected))),
        };
        sent.map(drop).map_err(nb_error)
    }

    /// `recvfrom(fd, buf, len, 0, &addr, &addrlen)`: one datagram and its sender, or
    /// [`nb::Error::WouldBlock`] while none is queued.
    ///
    /// Errors: [`ErrorKind::MessageTooLong`] for a datagram longer than `buffer` (its start is
    /// in `buffer`, the rest is gone: reported, not cut silently); [`ErrorKind::NotConnected`]
    /// before the socket is opened; [`ErrorKind::ConnectionRefused`] after a datagram sent to
    /// a closed port.
    fn receive(
        &mut self,
        socket: &mut UdpSocket<S>,
        buffer: &mut [u8],
    ) -> nb::Result<(usize, core::net::SocketAddr), Error> {
        let datagram = socket.open_datagram()?;
        let (got, from) = datagram.recv_from(buffer).map_err(nb_error)?;
        if got.truncated {
            return Err(nb::Error::Other(fail(ErrorKind::MessageTooLong)));
        }
        Ok((got.len, inet(from)?))
    }

    /// `close(fd)`: drops the socket. Never fails.
    fn close(&mut self, socket: UdpSocket<S>) -> Result<(), Error> {
        drop(socket);
        Ok(())
    }
}

impl<S: Stack> UdpFullStack for Nal<S> {
    /// `socket` + `bind(fd, local_ip:port)` + `fcntl(O_NONBLOCK)`; port 0 lets the system
    /// choose (see [`UdpSocket::local_addr`]).
    ///
    /// Errors: [`ErrorKind::AddrInUse`]; [`ErrorKind::InvalidInput`] when the socket is open
    /// already.
    fn bind(&mut self, socket: &mut UdpSocket<S>, local_port: u16) -> Result<(), Error> {
        if socket.datagram.is_some() {
            return Err(fail(ErrorKind::InvalidInput));
        }
        socket.datagram = Some(self.open_datagram(&self.local_addr(local_port))?);
        Ok(())
    }

    /// `sendto(fd, buf, len, 0, remote, addrlen)`: one datagram, all of `buffer`, opening the
    /// socket on an ephemeral port first if needed. Later `send`s go to `remote` too.
    ///
    /// Errors: as [`UdpClientStack::send`], and [`ErrorKind::InvalidInput`] for a remote of
    /// another family than the socket.
    fn send_to(
        &mut self,
        socket: &mut UdpSocket<S>,
        remote: core::net::SocketAddr,
        buffer: &[u8],
    ) -> nb::Result<(), Error> {
        let remote = SocketAddr::from(remote);
        let datagram = self.ensure_open(socket, &remote)?;
        datagram.send_to(buffer, &remote).map_err(nb_error)?;
        socket.target = Some(remote);
        Ok(())
    }
}
