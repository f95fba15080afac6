//! `UdpStack`, `ConnectedUdp` and `UnconnectedUdp` for [`Nal`].

use core::net::SocketAddr;

use embedded_nal_async::{ConnectedUdp, UdpStack, UnconnectedUdp};

use super::{inet, Nal};
use crate::asynch::{Datagram as _, Endpoint as _, Stack};
use crate::opt::{
    JoinMulticastV4, JoinMulticastV6, LeaveMulticastV4, LeaveMulticastV6, MulticastGroupV4,
    MulticastGroupV6,
};
use crate::{Error, ErrorKind, Received, Result, SockOpt};

/// A bound UDP socket of a [`Nal`] (`UnconnectedUdp`, from `bind_single` or `bind_multiple`):
/// the stack's datagram socket, reachable for options, with multicast membership where the
/// stack has it.
#[derive(Debug)]
pub struct UdpSocket<S: Stack> {
    sock: S::Datagram,
}

/// A connected UDP socket of a [`Nal`] (`ConnectedUdp`, from `connect` or `connect_from`): the
/// stack's datagram socket, connected to one peer.
#[derive(Debug)]
pub struct ConnectedUdpSocket<S: Stack> {
    sock: S::Datagram,
}

impl<S: Stack> ConnectedUdpSocket<S> {
    /// The stack's socket, for options.
    pub fn get_mut(&mut self) -> &mut S::Datagram {
        &mut self.sock
    }

    /// The stack's socket back.
    pub fn into_inner(self) -> S::Datagram {
        self.sock
    }
}

impl<S: Stack> UdpSocket<S> {
    /// The stack's socket, for options (say, the multicast TTL).
    pub fn get_mut(&mut self) -> &mut S::Datagram {
        &mut self.sock
    }

    /// The stack's socket back.
    pub fn into_inner(self) -> S::Datagram {
        self.sock
    }

    /// `setsockopt(IP_ADD_MEMBERSHIP)`: receive the datagrams sent to `membership`'s group.
    #[doc(alias = "IP_ADD_MEMBERSHIP")]
    pub fn join_multicast_v4(&mut self, membership: MulticastGroupV4) -> Result<()>
    where
        S::Datagram: SockOpt<JoinMulticastV4>,
    {
        self.sock.set(JoinMulticastV4, membership)
    }

    /// `setsockopt(IP_DROP_MEMBERSHIP)`: leave a group joined with
    /// [`UdpSocket::join_multicast_v4`].
    #[doc(alias = "IP_DROP_MEMBERSHIP")]
    pub fn leave_multicast_v4(&mut self, membership: MulticastGroupV4) -> Result<()>
    where
        S::Datagram: SockOpt<LeaveMulticastV4>,
    {
        self.sock.set(LeaveMulticastV4, membership)
    }

    /// `setsockopt(IPV6_JOIN_GROUP)`: receive the datagrams sent to `membership`'s group.
    #[doc(alias = "IPV6_JOIN_GROUP")]
    pub fn join_multicast_v6(&mut self, membership: MulticastGroupV6) -> Result<()>
    where
        S::Datagram: SockOpt<JoinMulticastV6>,
    {
        self.sock.set(JoinMulticastV6, membership)
    }

    /// `setsockopt(IPV6_LEAVE_GROUP)`: leave a group joined with
    /// [`UdpSocket::join_multicast_v6`].
    #[doc(alias = "IPV6_LEAVE_GROUP")]
    pub fn leave_multicast_v6(&mut self, membership: MulticastGroupV6) -> Result<()>
    where
        S::Datagram: SockOpt<LeaveMulticastV6>,
    {
        self.sock.set(LeaveMulticastV6, membership)
    }

    /// The socket's own address (with the port the system chose).
    fn local(&self) -> Result<SocketAddr> {
        inet(self.sock.local_addr()?)
    }
}

/// A whole datagram's length; one cut short is an error, never passed off as whole.
fn whole(got: Received) -> Result<usize> {
    if got.truncated {
        return Err(Error::new(ErrorKind::MessageTooLong));
    }
    Ok(got.len)
}

/// Whether `asked` names the socket's own address, field by field, unspecified fields
/// matching anything.
fn is_own(asked: SocketAddr, own: SocketAddr) -> bool {
    (asked.ip().is_unspecified() || asked.ip() == own.ip())
        && (asked.port() == 0 || asked.port() == own.port())
}

impl<S: Stack> UdpStack for Nal<S> {
    type Error = Error;
    type Connected = ConnectedUdpSocket<S>;
    type UniquelyBound = UdpSocket<S>;
    type MultiplyBound = UdpSocket<S>;

    /// `socket` + `bind(local)` + `connect(remote)`; returns the local address the system
    /// completed.
    async fn connect_from(
        &self,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Result<(SocketAddr, ConnectedUdpSocket<S>)> {
        let mut sock = self.stack.bind(&local.into())?;
        sock.connect(&remote.into())?;
        let local = inet(sock.local_addr()?)?;
        Ok((local, ConnectedUdpSocket { sock }))
    }

    /// `socket` + `bind(local)`; returns the bound address (the port the system chose for 0).
    async fn bind_single(&self, local: SocketAddr) -> Result<(SocketAddr, UdpSocket<S>)> {
        let sock = UdpSocket {
            sock: self.stack.bind(&local.into())?,
        };
        Ok((sock.local()?, sock))
    }

    /// `socket` + `bind(local)`.
    async fn bind_multiple(&self, local: SocketAddr) -> Result<UdpSocket<S>> {
        Ok(UdpSocket {
            sock: self.stack.bind(&local.into())?,
        })
    }
}

impl<S: Stack> ConnectedUdp for ConnectedUdpSocket<S> {
    type Error = Error;

    /// `send(fd, data)`: one datagram to the connected peer.
    async fn send(&mut self, data: &[u8]) -> Result<()> {
        self.sock.send(data).await.map(drop)
    }

    /// `recv(fd, buf)`: one datagram from the connected peer.
    ///
    /// Errors: [`ErrorKind::MessageTooLong`] when it did not fit (see [`super`]).
    async fn receive_into(&mut self, buffer: &mut [u8]) -> Result<usize> {
        whole(self.sock.recv(buffer).await?)
    }
}

impl<S: Stack> UnconnectedUdp for UdpSocket<S> {
    type Error = Error;

    /// `sendto(fd, data, remote)`. `local` must be the socket's own address or leave the part
    /// that differs unspecified.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for another local address.
    async fn send(&mut self, local: SocketAddr, remote: SocketAddr, data: &[u8]) -> Result<()> {
        if !is_own(local, self.local()?) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        self.sock.send_to(data, &remote.into()).await.map(drop)
    }

    /// `recvfrom(fd, buf)`: one datagram, with the socket's own address and the sender's.
    ///
    /// Errors: [`ErrorKind::MessageTooLong`] when it did not fit (see [`super`]).
    async fn receive_into(&mut self, buffer: &mut [u8]) -> Result<(usize, SocketAddr, SocketAddr)> {
        let (got, from) = self.sock.recv_from(buffer).await?;
        Ok((whole(got)?, self.local()?, inet(from)?))
    }
}
