//! [`Socket`]: what `socket()` returns, async; `connect` is its one call that waits.

use anysock_core::{asynch, Domain, Error, ErrorKind, Result, Socket as _, SocketAddr, Type};

use crate::asynch::datagram::Datagram;
use crate::asynch::io::Io;
use crate::asynch::listener::Listener;
use crate::asynch::stream::Stream;
use crate::asynch::wrap::async_type;
use crate::kernel::table::sock::Phase;
use crate::net::sharing::Sharing;
use crate::trace::Tracer;

async_type! {
    /// A socket fresh from [`anysock_core::asynch::Stack::socket`] on a simulated host: set
    /// options, `bind`, then `listen`, `connect` + `into_stream`, or `into_datagram`.
    fresh::Socket
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    asynch::Socket for Socket<'n, S, B, Q, T, K, H>
{
    type Listener = Listener<'n, S, B, Q, T, K, H>;
    type Stream = Stream<'n, S, B, Q, T, K, H>;
    type Datagram = Datagram<'n, S, B, Q, T, K, H>;

    fn domain(&self) -> Domain {
        self.inner.domain()
    }

    fn socket_type(&self) -> Type {
        self.inner.socket_type()
    }

    fn bind(&mut self, addr: &SocketAddr) -> Result<()> {
        self.inner.bind(addr)
    }

    fn listen(self, backlog: u32) -> Result<Listener<'n, S, B, Q, T, K, H>> {
        Ok(Listener {
            inner: self.inner.listen(backlog)?,
        })
    }

    /// `connect(fd, addr)`: a stream connect completes once the listener's queue took it
    /// (at once when it has room; a `SYN` to a full queue waits for an `accept` to make room,
    /// or fails with [`ErrorKind::TimedOut`] after [`crate::SYN_TIMEOUT`]); a datagram
    /// connect sets the peer at once. Called again after success with the same address, it
    /// succeeds again; after a cancelled call, it waits for that call's handshake.
    async fn connect(&mut self, addr: &SocketAddr) -> Result<()> {
        let h = self.inner.handle;
        Io::new(self.inner.net, |st| {
            let s = st.sock(h)?;
            if addr.domain() != s.domain {
                return Err(Error::new(ErrorKind::InvalidInput));
            }
            if s.ty == Type::Datagram {
                return st.connect_datagram(h, addr);
            }
            // Connected already (not refused, not reset) to this address: success again.
            let established = s.phase == Phase::Connected && !(s.is_tcp() && s.stream.closed);
            let again = established && s.remote == Some(*addr);
            // A non-blocking connect says `InProgress`, then reports its outcome once.
            let answer = match st.connect_stream(h, addr) {
                Err(e) if e.kind() == ErrorKind::InProgress => st.connect_stream(h, addr),
                other => other,
            };
            match answer {
                // Still retrying its SYN: the kernel said where to wait for the outcome.
                Err(e) if e.kind() == ErrorKind::AlreadyInProgress => {
                    Err(Error::new(ErrorKind::WouldBlock))
                }
                Err(e) if e.kind() == ErrorKind::AlreadyConnected && again => Ok(()),
                other => other,
            }
        })
        .await
    }

    fn into_stream(self) -> Result<Stream<'n, S, B, Q, T, K, H>> {
        Ok(Stream {
            inner: self.inner.into_stream()?,
        })
    }

    fn into_datagram(self) -> Result<Datagram<'n, S, B, Q, T, K, H>> {
        Ok(Datagram {
            inner: self.inner.into_datagram()?,
        })
    }
}
