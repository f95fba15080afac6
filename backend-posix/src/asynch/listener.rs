//! [`Listener`]: a socket accepting connections, async.

use anysock_core::{asynch, Listener as _, Result, SocketAddr};

use super::reactor::{Direction, Reactor, Registered};
use super::Stream;

/// A listening POSIX socket waiting on reactor `R`.
///
/// Cancel-safe: an `accept` dropped before it completes has taken no connection from the
/// queue.
#[derive(Debug)]
pub struct Listener<R: Reactor> {
    pub(crate) inner: Registered<R, crate::Listener>,
}

impl<R: Reactor> Listener<R> {
    /// Adopts a listener: makes it non-blocking and registers it with `R`.
    pub fn new(listener: crate::Listener) -> Result<Self> {
        Ok(Listener {
            inner: Registered::new(listener)?,
        })
    }

    /// The socket underneath, for what never waits (options, addresses, the descriptor).
    pub fn get_ref(&self) -> &crate::Listener {
        self.inner.get()
    }

    /// Deregisters the socket and gives it back, still non-blocking.
    pub fn into_inner(self) -> crate::Listener {
        self.inner.into_inner()
    }
}

impl<R: Reactor> asynch::Listener for Listener<R> {
    type Stream = Stream<R>;

    /// `accept4(fd, &addr, &len, SOCK_CLOEXEC)` once a connection is pending; the stream is
    /// made non-blocking and registered with `R`.
    async fn accept(&mut self) -> Result<(Stream<R>, SocketAddr)> {
        let (stream, peer) = self.inner.io(Direction::Read, |l| l.accept()).await?;
        Ok((Stream::new(stream)?, peer))
    }
}

impl<R: Reactor> asynch::Endpoint for Listener<R> {
    fn local_addr(&self) -> Result<SocketAddr> {
        anysock_core::Endpoint::local_addr(self.inner.get())
    }
}
