//! What every async socket shares, written once for the four: adopting a blocking socket
//! (`new`), reaching it (`get_ref`), giving it back (`into_inner`), the local address, and what
//! never waits — options and descriptors — as the blocking socket's own calls.

use anysock_core::opt::{Gettable, Settable, SockOption};
use anysock_core::{asynch, Result, SockOpt, SocketAddr};

use super::datagram::Datagram;
use super::listener::Listener;
use super::reactor::{Reactor, Registered};
use super::socket::Socket;
use super::stream::Stream;

macro_rules! shared {
    ($($ty:ident),*) => {$(
        impl<R: Reactor> $ty<R> {
            #[doc = concat!("Adopts a blocking [`crate::", stringify!($ty), "`]: makes it ")]
            /// non-blocking and registers it with `R`.
            ///
            /// Errors: the reactor's ([`anysock_core::ErrorKind::Unsupported`] for
            /// [`super::Tokio`] outside a runtime).
            pub fn new(sock: crate::$ty) -> Result<Self> {
                Ok($ty {
                    inner: Registered::new(sock)?,
                })
            }

            /// The socket underneath, for what never waits (options, addresses, the
            /// descriptor).
            pub fn get_ref(&self) -> &crate::$ty {
                self.inner.get()
            }

            /// Deregisters the socket and gives it back, still non-blocking.
            pub fn into_inner(self) -> crate::$ty {
                self.inner.into_inner()
            }
        }

        impl<R: Reactor> asynch::Endpoint for $ty<R> {
            fn local_addr(&self) -> Result<SocketAddr> {
                anysock_core::Endpoint::local_addr(self.inner.get())
            }
        }

        impl<R: Reactor, O: SockOption> SockOpt<O> for $ty<R>
        where
            crate::$ty: SockOpt<O>,
        {
            fn set(&mut self, opt: O, value: O::Value) -> Result<()>
            where
                O: Settable,
            {
                self.inner.get_mut().set(opt, value)
            }

            fn get(&self, opt: O) -> Result<O::Value>
            where
                O: Gettable,
            {
                self.inner.get().get(opt)
            }
        }

        impl<R: Reactor> std::os::fd::AsFd for $ty<R> {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                self.inner.get().as_fd()
            }
        }

        impl<R: Reactor> std::os::fd::AsRawFd for $ty<R> {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                self.inner.get().as_raw_fd()
            }
        }
    )*};
}

shared!(Socket, Listener, Stream, Datagram);
