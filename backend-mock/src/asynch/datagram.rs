//! [`Datagram`]: a socket of messages (UDP or Unix datagram), async.

use anysock_core::{asynch, Datagram as _, MsgFlags, Received, Result, SocketAddr};
use anysock_core::{RecvMeta, RecvMsg, SendMsg};

use crate::asynch::io::{recv_msg, Io};
use crate::asynch::wrap::async_type;
use crate::kernel::ancillary::{Ctl, Outgoing};
use crate::kernel::state::State;
use crate::net::sharing::Sharing;
use crate::socket::passed::datagram_meta;
use crate::trace::Tracer;

async_type! {
    /// A datagram socket on a simulated host, async, with the answers of the blocking
    /// [`crate::Datagram`]. A receive parks on this socket until a datagram arrives; a send
    /// never waits on UDP (a full queue drops, as Linux does) and on Unix waits for room in the
    /// receiver's queue, parked there. Cancel-safe: a receive dropped before it completes has
    /// taken no datagram, a send dropped before it completes has sent none.
    datagram::Datagram
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Datagram<'_, S, B, Q, T, K, H>
{
    async fn send_with(&self, buf: &[u8], to: Option<&SocketAddr>) -> Result<usize> {
        let h = self.inner.handle;
        Io::new(self.inner.net, |st| {
            st.datagram_send(h, &[buf], to, MsgFlags::NONE)
        })
        .await
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    asynch::Datagram for Datagram<'_, S, B, Q, T, K, H>
{
    /// `sendto(fd, buf, len, 0, addr)`: see the blocking [`crate::Datagram`] for what is lost
    /// and what fails.
    async fn send_to(&mut self, buf: &[u8], addr: &SocketAddr) -> Result<usize> {
        self.send_with(buf, Some(addr)).await
    }

    /// `recvfrom(fd, buf, len, 0)` once a datagram is there.
    async fn recv_from(&mut self, buf: &mut [u8]) -> Result<(Received, SocketAddr)> {
        let h = self.inner.handle;
        let got = Io::new(self.inner.net, |st| {
            st.datagram_recv(h, &mut [&mut *buf], MsgFlags::NONE, &mut Ctl::none())
        })
        .await?;
        let received = Received {
            len: got.len,
            truncated: got.truncated,
        };
        Ok((received, got.from))
    }

    fn connect(&mut self, addr: &SocketAddr) -> Result<()> {
        self.inner.connect(addr)
    }

    async fn send(&mut self, buf: &[u8]) -> Result<usize> {
        self.send_with(buf, None).await
    }

    async fn recv(&mut self, buf: &mut [u8]) -> Result<Received> {
        self.recv_from(buf).await.map(|(r, _)| r)
    }

    fn peer_addr(&self) -> Result<SocketAddr> {
        self.inner.peer_addr()
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    asynch::MsgIo for Datagram<'_, S, B, Q, T, K, H>
{
    /// As the blocking [`crate::Datagram`]'s `send_msg`; with [`MsgFlags::DONTWAIT`], one
    /// try.
    async fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize> {
        if msg.flags.contains(MsgFlags::DONTWAIT) {
            return anysock_core::MsgIo::send_msg(&mut self.inner, msg);
        }
        let h = self.inner.handle;
        let bufs = msg.iov.as_slices();
        if msg.control.is_empty() {
            return Io::new(self.inner.net, |st| {
                st.datagram_send(h, bufs, msg.addr, msg.flags)
            })
            .await;
        }
        let out = Outgoing::parse(msg.control)?;
        Io::new(self.inner.net, |st| {
            st.datagram_send_with(h, bufs, msg.addr, msg.flags, &out)
        })
        .await
    }

    /// As the blocking [`crate::Datagram`]'s `recv_msg`, waiting for a datagram; with
    /// [`MsgFlags::DONTWAIT`], one try.
    async fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta> {
        if msg.flags.contains(MsgFlags::DONTWAIT) {
            return anysock_core::MsgIo::recv_msg(&mut self.inner, msg);
        }
        let (net, h) = (self.inner.net, self.inner.handle);
        recv_msg(net, h, msg, State::datagram_recv, datagram_meta).await
    }
}
