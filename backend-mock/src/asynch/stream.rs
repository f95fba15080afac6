//! [`Stream`]: a connected stream socket (TCP, Unix stream or seqpacket), async.

use core::future::Future;

use anysock_core::embedded_io_async::{ErrorType, Read, Write};
use anysock_core::{asynch, Error, ErrorKind, MsgFlags, Result, Shutdown, SocketAddr};
use anysock_core::{RecvMeta, RecvMsg, SendMsg, Stream as _};

use crate::asynch::io::{recv_msg, Io};
use crate::asynch::wrap::async_type;
use crate::kernel::ancillary::Outgoing;
use crate::kernel::state::State;
use crate::net::sharing::Sharing;
use crate::trace::Tracer;

async_type! {
    /// A connected stream on a simulated host, async: [`anysock_core::asynch::Stream`], so
    /// `embedded_io_async::Read + Write`, with the answers of the blocking [`crate::Stream`].
    ///
    /// A call that cannot finish parks its future on the simulated socket: a read on this
    /// socket, a write on the peer's (whose queue is full), until the network changes it.
    /// Cancel-safe: a `read`, `recv`, `write` or `send` dropped before it completes has moved
    /// nothing.
    ///
    /// `&Stream` reads and writes too, so one task can read while another writes, and two
    /// tasks can wait to read at once: both are woken when bytes arrive; one gets them, the
    /// other waits again. At most [`crate::MAX_WAITERS`] futures wait on one socket at once
    /// (one more gets [`ErrorKind::OutOfMemory`]).
    stream::Stream
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Stream<'_, S, B, Q, T, K, H>
{
    /// One read of `buf` with `flags`, waiting for bytes (or the end, or an error). The
    /// future of the call itself, with nothing around it: a read is the hot path.
    fn read_with<'a>(
        &'a self,
        buf: &'a mut [u8],
        flags: MsgFlags,
    ) -> impl Future<Output = Result<usize>> + 'a {
        let h = self.inner.handle;
        Io::new(self.inner.net, move |st| {
            let got = st.stream_read_one(h, buf, flags)?;
            // A seqpacket record longer than the buffer, as the blocking read reports it.
            if got.truncated {
                return Err(Error::new(ErrorKind::MessageTooLong));
            }
            Ok(got.len)
        })
    }

    /// One write of `buf` with `flags`, waiting for room (or the connection).
    fn write_with<'a>(
        &'a self,
        buf: &'a [u8],
        flags: MsgFlags,
    ) -> impl Future<Output = Result<usize>> + 'a {
        let h = self.inner.handle;
        Io::new(self.inner.net, move |st| st.stream_write(h, &[buf], flags))
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    ErrorType for Stream<'_, S, B, Q, T, K, H>
{
    type Error = Error;
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Read
    for Stream<'_, S, B, Q, T, K, H>
{
    /// `recv(fd, buf, len, 0)` once there is something to read. An empty buffer returns
    /// `Ok(0)` at once.
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.read_with(buf, MsgFlags::NONE).await
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Write
    for Stream<'_, S, B, Q, T, K, H>
{
    /// `send(fd, buf, len, 0)` once there is room toward the peer. An empty buffer returns
    /// `Ok(0)` at once.
    async fn write(&mut self, buf: &[u8]) -> Result<usize> {
        self.write_with(buf, MsgFlags::NONE).await
    }

    /// Nothing to do: bytes reach the peer's queue when written.
    async fn flush(&mut self) -> Result<()> {
        Ok(())
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    ErrorType for &Stream<'_, S, B, Q, T, K, H>
{
    type Error = Error;
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Read
    for &Stream<'_, S, B, Q, T, K, H>
{
    /// As [`Stream`]'s `read`, through a shared reference.
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.read_with(buf, MsgFlags::NONE).await
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Write
    for &Stream<'_, S, B, Q, T, K, H>
{
    /// As [`Stream`]'s `write`, through a shared reference.
    async fn write(&mut self, buf: &[u8]) -> Result<usize> {
        self.write_with(buf, MsgFlags::NONE).await
    }

    async fn flush(&mut self) -> Result<()> {
        Ok(())
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    asynch::Stream for Stream<'_, S, B, Q, T, K, H>
{
    /// `send(fd, buf, len, flags)`; with [`MsgFlags::DONTWAIT`], one try.
    async fn send(&mut self, buf: &[u8], flags: MsgFlags) -> Result<usize> {
        if flags.contains(MsgFlags::DONTWAIT) {
            return self.inner.send(buf, flags);
        }
        self.write_with(buf, flags).await
    }

    /// `recv(fd, buf, len, flags)`; with [`MsgFlags::DONTWAIT`], one try. `WAITALL` (without
    /// `PEEK`) reads until the buffer is full, the stream ends, or an error comes.
    async fn recv(&mut self, buf: &mut [u8], flags: MsgFlags) -> Result<usize> {
        if flags.contains(MsgFlags::DONTWAIT) {
            return self.inner.recv(buf, flags);
        }
        if !flags.contains(MsgFlags::WAITALL) || flags.contains(MsgFlags::PEEK) {
            return self.read_with(buf, flags).await;
        }
        let once = flags.difference(MsgFlags::WAITALL);
        let mut filled = 0;
        while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
            match self.read_with(rest, once).await? {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    }

    fn shutdown(&mut self, how: Shutdown) -> Result<()> {
        self.inner.shutdown(how)
    }

    fn peer_addr(&self) -> Result<SocketAddr> {
        self.inner.peer_addr()
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    asynch::MsgIo for Stream<'_, S, B, Q, T, K, H>
{
    /// As the blocking [`crate::Stream`]'s `send_msg`, waiting for room; with
    /// [`MsgFlags::DONTWAIT`], one try.
    async fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize> {
        if msg.flags.contains(MsgFlags::DONTWAIT) {
            return anysock_core::MsgIo::send_msg(&mut self.inner, msg);
        }
        if msg.addr.is_some() && self.inner.domain() == anysock_core::Domain::Unix {
            return Err(Error::new(ErrorKind::AlreadyConnected));
        }
        let h = self.inner.handle;
        let bufs = msg.iov.as_slices();
        if msg.control.is_empty() {
            return Io::new(self.inner.net, |st| st.stream_write(h, bufs, msg.flags)).await;
        }
        let out = Outgoing::parse(msg.control)?;
        Io::new(self.inner.net, |st| {
            st.stream_write_with(h, bufs, msg.flags, &out)
        })
        .await
    }

    /// As the blocking [`crate::Stream`]'s `recv_msg`, waiting for bytes; with
    /// [`MsgFlags::DONTWAIT`], one try. Passed sockets are closed at once (their handles read
    /// as closed), as there.
    async fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta> {
        if msg.flags.contains(MsgFlags::DONTWAIT) {
            return anysock_core::MsgIo::recv_msg(&mut self.inner, msg);
        }
        let inner = &self.inner;
        recv_msg(
            inner.net,
            inner.handle,
            msg,
            State::stream_recv,
            |got, ctl| inner.meta(got, ctl),
        )
        .await
    }
}
