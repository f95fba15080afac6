//! [`Socket`]: what `socket()` returns, before it is a listener, a stream or a datagram.

use anysock_core::{Domain, Error, ErrorKind, Result, SocketAddr, Type};

use crate::socket::datagram::Datagram;
use crate::socket::listener::Listener;
use crate::socket::socket_type;
use crate::socket::stream::Stream;

socket_type! {
    /// A socket fresh from [`anysock_core::Stack::socket`] on a [`crate::Host`]: set options,
    /// `bind`, then `listen`, `connect` + `into_stream`, or `into_datagram`. Closed when
    /// dropped.
    Socket
}

impl<
        'n,
        const S: usize,
        const B: usize,
        const Q: usize,
        T: crate::trace::Tracer,
        K: crate::net::sharing::Sharing,
        const H: usize,
    > anysock_core::Socket for Socket<'n, S, B, Q, T, K, H>
{
    type Listener = Listener<'n, S, B, Q, T, K, H>;
    type Stream = Stream<'n, S, B, Q, T, K, H>;
    type Datagram = Datagram<'n, S, B, Q, T, K, H>;

    fn domain(&self) -> Domain {
        Socket::domain(self)
    }

    fn socket_type(&self) -> Type {
        Socket::socket_type(self)
    }

    fn bind(&mut self, addr: &SocketAddr) -> Result<()> {
        self.net.state_mut().bind(self.handle, addr)
    }

    fn listen(self, backlog: u32) -> Result<Listener<'n, S, B, Q, T, K, H>> {
        self.net.state_mut().listen(self.handle, backlog)?;
        let (net, handle) = self.into_parts();
        Ok(Listener::from_parts(net, handle))
    }

    /// `connect(fd, addr)`. A stream connect completes at once when the listener's queue has
    /// room (a non-blocking TCP one still says [`ErrorKind::InProgress`] first, as Linux's
    /// does even on loopback; a Unix one never does). See the crate docs for a full queue.
    fn connect(&mut self, addr: &SocketAddr) -> Result<()> {
        let h = self.handle;
        self.net.blocking_then(
            |st| {
                let s = st.sock(h)?;
                addr.check_domain(s.domain)?;
                if s.ty == Type::Datagram {
                    st.connect_datagram(h, addr)
                } else {
                    st.connect_stream(h, addr)
                }
            },
            |st, last, why| st.connect_gave_up(h, last, why),
        )
    }

    fn into_stream(self) -> Result<Stream<'n, S, B, Q, T, K, H>> {
        if Socket::socket_type(&self) == Type::Datagram {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (net, handle) = self.into_parts();
        Ok(Stream::from_parts(net, handle))
    }

    fn into_datagram(self) -> Result<Datagram<'n, S, B, Q, T, K, H>> {
        if Socket::socket_type(&self) != Type::Datagram {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (net, handle) = self.into_parts();
        Ok(Datagram::from_parts(net, handle))
    }
}
