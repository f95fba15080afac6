//! [`Listener`]: a socket accepting connections, async.

use anysock_core::{asynch, Listener as _, Result, SocketAddr};

use super::reactor::{Direction, Reactor, Registered};
use super::stream::Stream;

/// A listening POSIX socket waiting on reactor `R`.
///
/// Cancel-safe: an `accept` dropped before it completes has taken no connection from the
/// queue.
#[derive(Debug)]
pub struct Listener<R: Reactor> {
    pub(crate) inner: Registered<R, crate::Listener>,
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
