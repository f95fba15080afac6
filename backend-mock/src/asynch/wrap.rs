//! What every async socket type is: a blocking socket of the same name, made never to block,
//! with `getsockname`, a handle for `poll` and the options of the blocking type.

use anysock_core::Result;

use crate::base::handle::Handle;
use crate::net::sharing::Sharing;
use crate::net::Net;
use crate::trace::Tracer;

/// Makes the socket's calls answer instead of blocking, for an async type to wrap it.
pub(crate) fn never_block<
    const S: usize,
    const B: usize,
    const Q: usize,
    T: Tracer,
    K: Sharing,
    const H: usize,
>(
    net: &Net<S, B, Q, T, K, H>,
    h: Handle,
) -> Result<()> {
    net.state_mut().sock_mut(h)?.nonblocking = true;
    Ok(())
}

/// The struct of an async socket type, wrapping the blocking type of the same name, and what
/// every one shares: its blocking socket in and out, `getsockname`, a handle for `poll`, and
/// the options the blocking type has.
macro_rules! async_type {
    ($(#[$doc:meta])* $module:ident :: $name:ident) => {
        $(#[$doc])*
        pub struct $name<'n, const S: usize = 32, const B: usize = 4096, const Q: usize = 8, T: crate::trace::Tracer = (), K: crate::net::sharing::Sharing = crate::net::sharing::Local, const H: usize = { crate::kernel::table::hosts::MAX_HOSTS }> {
            pub(crate) inner: crate::socket::$module::$name<'n, S, B, Q, T, K, H>,
        }

        impl<'n, const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize> $name<'n, S, B, Q, T, K, H> {
            /// The async socket of a blocking one: from now on its calls never block the
            /// thread.
            ///
            /// Errors: [`anysock_core::ErrorKind::BadDescriptor`] when the socket is closed
            /// (its host crashed).
            pub fn new(inner: crate::socket::$module::$name<'n, S, B, Q, T, K, H>) -> anysock_core::Result<Self> {
                crate::asynch::wrap::never_block(inner.net, inner.handle)?;
                Ok($name { inner })
            }

            /// The blocking socket underneath, for what never waits.
            pub fn get_ref(&self) -> &crate::socket::$module::$name<'n, S, B, Q, T, K, H> {
                &self.inner
            }

            /// The blocking socket back; it stays non-blocking.
            pub fn into_inner(self) -> crate::socket::$module::$name<'n, S, B, Q, T, K, H> {
                self.inner
            }
        }

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize>
            core::fmt::Debug for $name<'_, S, B, Q, T, K, H>
        {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(concat!("asynch::", stringify!($name)))
                    .field("handle", &self.inner.handle)
                    .finish()
            }
        }

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize>
            anysock_core::asynch::Endpoint for $name<'_, S, B, Q, T, K, H>
        {
            /// `getsockname`, as the blocking socket's.
            fn local_addr(&self) -> anysock_core::Result<anysock_core::SocketAddr> {
                anysock_core::Endpoint::local_addr(&self.inner)
            }
        }

        impl<const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize>
            anysock_core::Pollable for $name<'_, S, B, Q, T, K, H>
        {
            type Handle = crate::base::handle::Handle;
            fn handle(&self) -> crate::base::handle::Handle {
                self.inner.handle
            }
        }

        /// `setsockopt`/`getsockopt` of every option the blocking socket has.
        impl<'n, O: anysock_core::opt::SockOption, const S: usize, const B: usize, const Q: usize, T: crate::trace::Tracer, K: crate::net::sharing::Sharing, const H: usize>
            anysock_core::SockOpt<O> for $name<'n, S, B, Q, T, K, H>
        where
            crate::socket::$module::$name<'n, S, B, Q, T, K, H>: anysock_core::SockOpt<O>,
        {
            fn set(&mut self, opt: O, value: O::Value) -> anysock_core::Result<()>
            where
                O: anysock_core::opt::Settable,
            {
                anysock_core::SockOpt::set(&mut self.inner, opt, value)
            }

            fn get(&self, opt: O) -> anysock_core::Result<O::Value>
            where
                O: anysock_core::opt::Gettable,
            {
                anysock_core::SockOpt::get(&self.inner, opt)
            }
        }
    };
}

pub(crate) use async_type;
