//! Raw descriptors in and out, without `std`: what firmware and C interop need. The `std`
//! traits (`AsRawFd`, `FromRawFd`, ...) in `std_fd` are built on these.

use anysock_core::{Domain, Type};

use super::Fd;
use crate::socket::Wrapper;
use crate::{Datagram, Listener, Socket, Stream};

/// Wraps a descriptor, asking the kernel what it is. A descriptor that is not a socket still
/// wraps (every call on it then fails with `BadDescriptor`), so that adopting cannot fail.
fn adopt(fd: Fd, fallback: Type) -> Socket {
    match super::socket::identify(&fd) {
        Ok((domain, ty)) => Socket { fd, domain, ty },
        Err(_) => Socket {
            fd,
            domain: Domain::Unix,
            ty: fallback,
        },
    }
}

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

            /// Takes ownership of `fd`, asking the kernel for its domain and type
            /// (`getsockname`, `SO_TYPE`). It is closed when the result is dropped.
            ///
            /// # Safety
            /// `fd` must be an open descriptor that nothing else owns or closes.
            pub unsafe fn from_raw_fd(fd: i32) -> Self {
                // SAFETY: the caller hands over an open descriptor it owned.
                let fd = unsafe { Fd::from_raw(fd) };
                Self::from_socket(adopt(fd, $fallback))
            }
        }
    };
}

raw_fd_methods!(Socket, Type::Stream);
raw_fd_methods!(Listener, Type::Stream);
raw_fd_methods!(Stream, Type::Stream);
raw_fd_methods!(Datagram, Type::Datagram);
