//! [`Listener`]: a socket accepting connections.

use anysock_core::{Result, SocketAddr};

use crate::kernel::table::wait::gave_up;
use crate::net::sharing::Sharing;
use crate::socket::socket_type;
use crate::socket::stream::Stream;
use crate::trace::Tracer;

socket_type! {
    /// A listening socket on a [`crate::Host`]. Dropping it closes it and resets the
    /// connections still waiting in its queue.
    Listener
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    anysock_core::Listener for Listener<'n, S, B, Q, T, K, H>
{
    type Stream = Stream<'n, S, B, Q, T, K, H>;

    /// `accept(fd)`: the oldest waiting connection (FIFO). With none waiting, non-blocking it
    /// fails with [`anysock_core::ErrorKind::WouldBlock`]; blocking, nobody else can connect
    /// while the caller waits, so it fails at once with
    /// [`anysock_core::ErrorKind::Deadlock`] ([`anysock_core::Wait::Connection`]), or with
    /// `WouldBlock` after `RecvTimeout` on the virtual clock if one is set. On a `SharedNet`
    /// (feature `std`), a blocking accept waits for another thread's `connect` (see there for
    /// the bounds).
    fn accept(&mut self) -> Result<(Stream<'n, S, B, Q, T, K, H>, SocketAddr)> {
        self.accept_as(false)
    }

    /// `accept4(fd, .., SOCK_NONBLOCK)`: as `accept`, the stream made non-blocking in the
    /// same step.
    fn accept_nonblocking(&mut self) -> Result<(Stream<'n, S, B, Q, T, K, H>, SocketAddr)> {
        self.accept_as(true)
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Listener<'n, S, B, Q, T, K, H>
{
    fn accept_as(
        &mut self,
        nonblocking: bool,
    ) -> Result<(Stream<'n, S, B, Q, T, K, H>, SocketAddr)> {
        let h = self.handle;
        let (child, peer) = self.net.blocking(|st| st.accept(h, nonblocking), gave_up)?;
        Ok((Stream::from_parts(self.net, child), peer))
    }
}
