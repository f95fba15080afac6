//! [`Socket`]: what `socket()` returns, before it is a listener, a stream or a datagram; and
//! what all four socket types share.

use anysock_core::{Domain, Error, ErrorKind, Result, SocketAddr, Type};

use crate::{Datagram, Listener, Stream};

/// The struct of a socket type, and what every socket type shares: closing on drop, a
/// [`Handle`] for `poll`, and its domain and type.
macro_rules! socket_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<'n, const S: usize = 32, const B: usize = 4096, const Q: usize = 8, T: crate::trace::Tracer = (), K: crate::Sharing = crate::Local> {
            pub(crate) net: &'n crate::Net<S, B, Q, T, K>,
            pub(crate) handle: crate::Handle,
        }

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::Sharing>
            core::fmt::Debug for $name<'_, S, B, Q, T, K>
        {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("handle", &self.handle)
                    .finish()
            }
        }

        impl<'n, const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::Sharing> $name<'n, S, B, Q, T, K> {
            pub(crate) fn from_parts(net: &'n crate::Net<S, B, Q, T, K>, handle: crate::Handle) -> Self {
                $name { net, handle }
            }

            /// Gives up ownership without closing, to become another socket type.
            #[allow(dead_code)]
            pub(crate) fn into_parts(self) -> (&'n crate::Net<S, B, Q, T, K>, crate::Handle) {
                let me = core::mem::ManuallyDrop::new(self);
                (me.net, me.handle)
            }

            /// The socket's domain.
            pub fn domain(&self) -> anysock_core::Domain {
                self.net
                    .state()
                    .sock(self.handle)
                    .map_or(anysock_core::Domain::Unix, |s| s.domain)
            }

            /// The socket's type.
            pub fn socket_type(&self) -> anysock_core::Type {
                self.net
                    .state()
                    .sock(self.handle)
                    .map_or(anysock_core::Type::Stream, |s| s.ty)
            }
        }

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::Sharing> anysock_core::Endpoint
            for $name<'_, S, B, Q, T, K>
        {
            /// `getsockname`: the bound address, or the unspecified address of the domain
            /// (`0.0.0.0:0`, `[::]:0`, unnamed) when unbound.
            fn local_addr(&self) -> anysock_core::Result<anysock_core::SocketAddr> {
                let st = self.net.state();
                let s = st.sock(self.handle)?;
                Ok(s
                    .local
                    .unwrap_or(anysock_core::SocketAddr::unspecified(s.domain)))
            }

            fn set_nonblocking(&mut self, nonblocking: bool) -> anysock_core::Result<()> {
                self.net.state_mut().sock_mut(self.handle)?.nonblocking = nonblocking;
                Ok(())
            }
        }

        /// Closes the socket (`close(fd)`).
        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::Sharing> Drop for $name<'_, S, B, Q, T, K> {
            fn drop(&mut self) {
                self.net.state_mut().close(self.handle);
            }
        }

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::Sharing> anysock_core::Pollable
            for $name<'_, S, B, Q, T, K>
        {
            type Handle = crate::Handle;
            fn handle(&self) -> crate::Handle {
                self.handle
            }
        }
    };
}

pub(crate) use socket_type;

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
        K: crate::Sharing,
    > anysock_core::Socket for Socket<'n, S, B, Q, T, K>
{
    type Listener = Listener<'n, S, B, Q, T, K>;
    type Stream = Stream<'n, S, B, Q, T, K>;
    type Datagram = Datagram<'n, S, B, Q, T, K>;

    fn domain(&self) -> Domain {
        Socket::domain(self)
    }

    fn socket_type(&self) -> Type {
        Socket::socket_type(self)
    }

    fn bind(&mut self, addr: &SocketAddr) -> Result<()> {
        self.net.state_mut().bind(self.handle, addr)
    }

    fn listen(self, backlog: u32) -> Result<Listener<'n, S, B, Q, T, K>> {
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

    fn into_stream(self) -> Result<Stream<'n, S, B, Q, T, K>> {
        if Socket::socket_type(&self) == Type::Datagram {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (net, handle) = self.into_parts();
        Ok(Stream::from_parts(net, handle))
    }

    fn into_datagram(self) -> Result<Datagram<'n, S, B, Q, T, K>> {
        if Socket::socket_type(&self) != Type::Datagram {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (net, handle) = self.into_parts();
        Ok(Datagram::from_parts(net, handle))
    }
}
