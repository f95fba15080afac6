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

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing>
    anysock_core::Listener for Listener<'n, S, B, Q, T, K>
{
    type Stream = Stream<'n, S, B, Q, T, K>;

    /// `accept(fd)`: the oldest waiting connection (FIFO). With none waiting it fails with
    /// [`anysock_core::ErrorKind::WouldBlock`], blocking or not (after `RecvTimeout` on the
    /// virtual clock, if one is set): nobody else can connect while the caller waits. On a
    /// `SharedNet` (feature `std`), a blocking accept waits for another thread's `connect` (see
    /// there for the bounds).
    fn accept(&mut self) -> Result<(Stream<'n, S, B, Q, T, K>, SocketAddr)> {
        let h = self.handle;
        let (child, peer) = self.net.blocking(|st| st.accept(h), gave_up)?;
        Ok((Stream::from_parts(self.net, child), peer))
    }
}
