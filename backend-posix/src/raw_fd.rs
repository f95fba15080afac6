//! Raw descriptors in and out, without `std`: what firmware and C interop need. The `std`
//! traits (`AsRawFd`, `FromRawFd`, ...) in `std_fd` are built on these.

use anysock_core::Type;

use crate::socket::Wrapper;
use crate::sys::fd::from_raw_fd;
use crate::{Datagram, Listener, Socket, Stream};

macro_rules! raw_fd_methods {
    ($ty:ident, $fallback:expr) => {
        impl $ty {
            /// The descriptor, still owned by `self`.
            pub fn as_raw_fd(&self) -> i32 {
                self.socket().fd.raw()
            }

            /// Gives up the descriptor without closing it; the caller must close it.
            pub fn into_raw_fd(self) -> i32 {
                self.into_socket().fd.into_raw()
            }
        }

        from_raw_fd!($ty, |fd| $ty::from_socket(Socket::adopt(fd, $fallback)));
    };
}

raw_fd_methods!(Socket, Type::Stream);
raw_fd_methods!(Listener, Type::Stream);
raw_fd_methods!(Stream, Type::Stream);
raw_fd_methods!(Datagram, Type::Datagram);
