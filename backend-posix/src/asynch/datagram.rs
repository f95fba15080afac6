//! [`Datagram`]: a socket of messages, async.

use anysock_core::{asynch, Datagram as _, MsgIo as _, Received, RecvMeta, RecvMsg};
use anysock_core::{Result, SendMsg, SocketAddr};

use super::reactor::{Direction, Reactor, Registered};

/// A POSIX datagram socket (UDP or Unix datagram) waiting on reactor `R`.
///
/// Cancel-safe: a receive dropped before it completes has taken no datagram; a send dropped
/// before it completes has sent none.
#[derive(Debug)]
pub struct Datagram<R: Reactor> {
    pub(crate) inner: Registered<R, crate::Datagram>,
}

impl<R: Reactor> asynch::Datagram for Datagram<R> {
    async fn send_to(&mut self, buf: &[u8], addr: &SocketAddr) -> Result<usize> {
        self.inner
            .io(Direction::Write, |d| d.send_to(buf, addr))
            .await
    }

    async fn recv_from(&mut self, buf: &mut [u8]) -> Result<(Received, SocketAddr)> {
        self.inner.io(Direction::Read, |d| d.recv_from(buf)).await
    }

    fn connect(&mut self, addr: &SocketAddr) -> Result<()> {
        self.inner.get_mut().connect(addr)
    }

    async fn send(&mut self, buf: &[u8]) -> Result<usize> {
        self.inner.io(Direction::Write, |d| d.send(buf)).await
    }

    async fn recv(&mut self, buf: &mut [u8]) -> Result<Received> {
        self.inner.io(Direction::Read, |d| d.recv(buf)).await
    }

    fn peer_addr(&self) -> Result<SocketAddr> {
        self.inner.get().peer_addr()
    }
}

impl<R: Reactor> asynch::MsgIo for Datagram<R> {
    async fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize> {
        let flags = msg.flags;
        self.inner
            .io_flags(Direction::Write, flags, |d| d.send_msg(msg))
            .await
    }

    async fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta> {
        let flags = msg.flags;
        self.inner
            .io_flags(Direction::Read, flags, |d| d.recv_msg(msg))
            .await
    }
}
