//! `std` interop (feature `std`): descriptors in and out, and conversions with the standard
//! library's socket types. Here because taking a raw descriptor is `unsafe`.

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

use anysock_core::{Domain, Type};

use crate::socket::Wrapper;
use crate::{Datagram, Listener, Socket, Stream};

macro_rules! fd_traits {
    ($ty:ident) => {
        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                $ty::as_raw_fd(self)
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                // SAFETY: the descriptor stays open while `self` is borrowed: only dropping
                // `self` closes it.
                unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
            }
        }

        impl IntoRawFd for $ty {
            fn into_raw_fd(self) -> RawFd {
                $ty::into_raw_fd(self)
            }
        }

        impl FromRawFd for $ty {
            /// Takes ownership of `fd`, asking the kernel for its domain and type.
            ///
            /// # Safety
            /// `fd` must be an open descriptor that nothing else owns or closes.
            unsafe fn from_raw_fd(fd: RawFd) -> Self {
                // SAFETY: the caller's promise is the one `from_raw_fd` asks for.
                unsafe { $ty::from_raw_fd(fd) }
            }
        }

        impl From<OwnedFd> for $ty {
            fn from(owned: OwnedFd) -> Self {
                // SAFETY: `into_raw_fd` gives up `owned`'s descriptor, which is open.
                unsafe { Self::from_raw_fd(owned.into_raw_fd()) }
            }
        }

        impl From<$ty> for OwnedFd {
            fn from(s: $ty) -> OwnedFd {
                // SAFETY: `into_raw_fd` gives up an open descriptor that nothing else owns.
                unsafe { OwnedFd::from_raw_fd(s.into_raw_fd()) }
            }
        }
    };
}

fd_traits!(Socket);
fd_traits!(Listener);
fd_traits!(Stream);
fd_traits!(Datagram);

/// Conversions with a standard library type, both ways. Into std, the socket must be of the
/// matching domain and type; when it is not, it comes back unchanged as the error.
macro_rules! std_conversions {
    ($ours:ident: $($std:ty => $check:expr),*) => {$(
        impl From<$std> for $ours {
            fn from(s: $std) -> Self {
                OwnedFd::from(s).into()
            }
        }

        impl TryFrom<$ours> for $std {
            type Error = $ours;
            fn try_from(s: $ours) -> Result<Self, $ours> {
                let sock = s.socket();
                if !$check(sock.domain, sock.ty) {
                    return Err(s);
                }
                Ok(OwnedFd::from(s).into())
            }
        }
    )*};
}

fn is_inet(domain: Domain) -> bool {
    matches!(domain, Domain::Inet | Domain::Inet6)
}

std_conversions!(Stream:
    TcpStream => |d, t| is_inet(d) && t == Type::Stream,
    UnixStream => |d, t| d == Domain::Unix && t == Type::Stream);
std_conversions!(Listener:
    TcpListener => |d, t| is_inet(d) && t == Type::Stream,
    UnixListener => |d, t| d == Domain::Unix && t == Type::Stream);
std_conversions!(Datagram:
    UdpSocket => |d, t| is_inet(d) && t == Type::Datagram,
    UnixDatagram => |d, t| d == Domain::Unix && t == Type::Datagram);

impl From<crate::cmsg::PassedFd> for OwnedFd {
    fn from(fd: crate::cmsg::PassedFd) -> OwnedFd {
        // SAFETY: `into_raw_fd` gives up an open descriptor that nothing else owns.
        unsafe { OwnedFd::from_raw_fd(fd.into_raw_fd()) }
    }
}
