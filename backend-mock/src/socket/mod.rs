// The top layer, with `host.rs`, `selector.rs` and `lib.rs`: the public types. Here the socket
// types (`Socket`, `Listener`, `Stream`, `Datagram`, passed sockets), their options, and the
// public `cmsg` module; each call locks the `Net` and runs a kernel call.
//
// May import: every layer below.

//! What all socket types share: their struct, closing on drop, a `Handle` for `poll`, and
//! their domain and type.

pub mod cmsg;
pub(crate) mod datagram;
pub(crate) mod fresh;
pub(crate) mod listener;
pub(crate) mod passed;
mod sockopt;
pub(crate) mod stream;

/// The struct of a socket type, and what every socket type shares: closing on drop, a
/// [`Handle`](crate::base::handle::Handle) for `poll`, and its domain and type.
macro_rules! socket_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<'n, const S: usize = 32, const B: usize = 4096, const Q: usize = 8, T: crate::trace::Tracer = (), K: crate::net::sharing::Sharing = crate::net::sharing::Local, const H: usize = { crate::kernel::table::hosts::MAX_HOSTS }> {
            pub(crate) net: &'n crate::net::Net<S, B, Q, T, K, H>,
            pub(crate) handle: crate::base::handle::Handle,
        }

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize>
            core::fmt::Debug for $name<'_, S, B, Q, T, K, H>
        {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("handle", &self.handle)
                    .finish()
            }
        }

        impl<'n, const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize> $name<'n, S, B, Q, T, K, H> {
            pub(crate) fn from_parts(net: &'n crate::net::Net<S, B, Q, T, K, H>, handle: crate::base::handle::Handle) -> Self {
                $name { net, handle }
            }

            /// Gives up ownership without closing, to become another socket type.
            #[allow(dead_code)]
            pub(crate) fn into_parts(self) -> (&'n crate::net::Net<S, B, Q, T, K, H>, crate::base::handle::Handle) {
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

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize> anysock_core::Endpoint
            for $name<'_, S, B, Q, T, K, H>
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
        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize> Drop for $name<'_, S, B, Q, T, K, H> {
            fn drop(&mut self) {
                self.net.state_mut().close(self.handle);
            }
        }

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize> anysock_core::Pollable
            for $name<'_, S, B, Q, T, K, H>
        {
            type Handle = crate::base::handle::Handle;
            fn handle(&self) -> crate::base::handle::Handle {
                self.handle
            }
        }
    };
}

pub(crate) use socket_type;
