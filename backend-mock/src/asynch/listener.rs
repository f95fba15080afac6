//! [`Listener`]: a socket accepting connections, async.

use anysock_core::{asynch, Result, SocketAddr};

use crate::asynch::io::Io;
use crate::asynch::stream::Stream;
use crate::asynch::wrap::async_type;
use crate::net::sharing::Sharing;
use crate::trace::Tracer;

async_type! {
    /// A listening socket on a simulated host, async. `accept` parks on the listener until a
    /// connection is queued; dropped before it completes, it has taken none (the connection
    /// stays queued for the next `accept`). Dropping the listener closes it and resets the
    /// connections still queued.
    listener::Listener
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    asynch::Listener for Listener<'n, S, B, Q, T, K, H>
{
    type Stream = Stream<'n, S, B, Q, T, K, H>;

    /// `accept(fd)` once a connection is queued: the oldest one (FIFO), as an async stream.
    async fn accept(&mut self) -> Result<(Stream<'n, S, B, Q, T, K, H>, SocketAddr)> {
        let (net, h) = (self.inner.net, self.inner.handle);
        // `accept4(.., SOCK_NONBLOCK)`: the connection is taken already made never to block.
        let (child, peer) = Io::new(net, |st| st.accept(h, true)).await?;
        let stream = crate::socket::stream::Stream::from_parts(net, child);
        Ok((Stream { inner: stream }, peer))
    }
}
