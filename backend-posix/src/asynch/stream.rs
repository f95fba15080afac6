//! [`Stream`]: a connected stream socket, async.

use anysock_core::embedded_io_async::{ErrorType, Read, Write};
use anysock_core::{asynch, Error, MsgFlags, MsgIo as _, RecvMeta, RecvMsg, Result, SendMsg};
use anysock_core::{Shutdown, SocketAddr, Stream as _};

use super::reactor::{Direction, Reactor, Registered};

/// A connected POSIX stream socket (TCP, Unix stream or seqpacket) waiting on reactor `R`:
/// [`anysock_core::asynch::Stream`], so `embedded_io_async::Read + Write`.
///
/// Cancel-safe: a `read`, `recv`, `write` or `send` dropped before it completes has
/// transferred nothing (the call that moves the bytes runs only in the poll that then
/// completes).
///
/// `&Stream` reads and writes too, so one task can read while another writes, and two tasks
/// can wait to read at once: both are woken when bytes arrive; one gets them, the other waits
/// again.
#[derive(Debug)]
pub struct Stream<R: Reactor> {
    pub(crate) inner: Registered<R, crate::Stream>,
}

impl<R: Reactor> ErrorType for Stream<R> {
    type Error = Error;
}

impl<R: Reactor> Read for Stream<R> {
    /// `recv(fd, buf, len, 0)` once the socket is readable. An empty buffer returns `Ok(0)` at
    /// once.
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.inner.io(Direction::Read, |s| s.receive(buf, 0)).await
    }
}

impl<R: Reactor> Write for Stream<R> {
    /// `send(fd, buf, len, MSG_NOSIGNAL)` once the socket has room. An empty buffer returns
    /// `Ok(0)` at once.
    async fn write(&mut self, buf: &[u8]) -> Result<usize> {
        self.inner
            .io(Direction::Write, |s| s.transmit(buf, MsgFlags::NONE))
            .await
    }

    /// Nothing to do: the kernel sends without being asked.
    async fn flush(&mut self) -> Result<()> {
        Ok(())
    }
}

impl<R: Reactor> ErrorType for &Stream<R> {
    type Error = Error;
}

impl<R: Reactor> Read for &Stream<R> {
    /// As [`Stream`]'s `read`, through a shared reference.
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.inner
            .io_shared(Direction::Read, |s| s.receive(buf, 0))
            .await
    }
}

impl<R: Reactor> Write for &Stream<R> {
    /// As [`Stream`]'s `write`, through a shared reference.
    async fn write(&mut self, buf: &[u8]) -> Result<usize> {
        self.inner
            .io_shared(Direction::Write, |s| s.transmit(buf, MsgFlags::NONE))
            .await
    }

    async fn flush(&mut self) -> Result<()> {
        Ok(())
    }
}

impl<R: Reactor> asynch::Stream for Stream<R> {
    /// `send(fd, buf, len, flags | MSG_NOSIGNAL)`; with [`MsgFlags::DONTWAIT`], one try.
    async fn send(&mut self, buf: &[u8], flags: MsgFlags) -> Result<usize> {
        self.inner
            .io_flags(Direction::Write, flags, |s| s.send(buf, flags))
            .await
    }

    /// `recv(fd, buf, len, flags)`; with [`MsgFlags::DONTWAIT`], one try. On a non-blocking
    /// socket the kernel's `MSG_WAITALL` stops at what is there, so `WAITALL` (without `PEEK`)
    /// reads until the buffer is full, the stream ends, or an error comes.
    async fn recv(&mut self, buf: &mut [u8], flags: MsgFlags) -> Result<usize> {
        let once = !flags.contains(MsgFlags::WAITALL) || flags.contains(MsgFlags::PEEK);
        if once || flags.contains(MsgFlags::DONTWAIT) {
            return self
                .inner
                .io_flags(Direction::Read, flags, |s| s.recv(buf, flags))
                .await;
        }
        let once = flags.difference(MsgFlags::WAITALL);
        let mut filled = 0;
        while filled < buf.len() {
            let rest = &mut buf[filled..];
            match self
                .inner
                .io(Direction::Read, |s| s.recv(rest, once))
                .await?
            {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    }

    fn shutdown(&mut self, how: Shutdown) -> Result<()> {
        self.inner.get_mut().shutdown(how)
    }

    fn peer_addr(&self) -> Result<SocketAddr> {
        self.inner.get().peer_addr()
    }
}

impl<R: Reactor> asynch::MsgIo for Stream<R> {
    async fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> Result<usize> {
        let flags = msg.flags;
        self.inner
            .io_flags(Direction::Write, flags, |s| s.send_msg(msg))
            .await
    }

    async fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> Result<RecvMeta> {
        let flags = msg.flags;
        self.inner
            .io_flags(Direction::Read, flags, |s| s.recv_msg(msg))
            .await
    }
}
