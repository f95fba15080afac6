//! `SockOpt<O>`, `AsFd` and `AsRawFd` for the async sockets: what never waits is the blocking socket's call.

use anysock_core::opt::{Gettable, Settable, SockOption};
use anysock_core::{Result, SockOpt};

use super::reactor::Reactor;
use super::{Datagram, Listener, Socket, Stream};

/// `impl SockOpt<O> for Async<R>` wherever the blocking type has `O`: setting and reading an
/// option never waits, so it is the blocking socket's call.
macro_rules! forward_sockopts {
    ($($ty:ident),*) => {$(
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

forward_sockopts!(Socket, Listener, Stream, Datagram);
