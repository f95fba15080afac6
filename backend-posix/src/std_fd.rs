//! `std` interop (feature `std`): descriptors in and out, and conversions with the standard
//! library's socket types. What takes a raw number (`FromRawFd`) is made in `raw_fd` by the
//! `sys` layer; the rest goes through owned and borrowed descriptors, without `unsafe`.

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

use anysock_core::{Domain, Type};

use crate::cmsg::PassedFd;
use crate::socket::Wrapper;
use crate::sys::Fd;
use crate::{Datagram, Listener, Socket, Stream};

macro_rules! fd_traits {
    ($ty:ident, $fallback:expr) => {
        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                $ty::as_raw_fd(self)
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.socket().fd.as_fd()
            }
        }

        impl IntoRawFd for $ty {
            fn into_raw_fd(self) -> RawFd {
                $ty::into_raw_fd(self)
            }
        }

        /// Takes ownership of the descriptor, asking the kernel for its domain and type.
        impl From<OwnedFd> for $ty {
            fn from(owned: OwnedFd) -> Self {
                Self::from_socket(Socket::adopt(Fd::from(owned), $fallback))
            }
        }

        impl From<$ty> for OwnedFd {
            fn from(s: $ty) -> OwnedFd {
                OwnedFd::from(s.into_socket().fd)
            }
        }
    };
}

fd_traits!(Socket, Type::Stream);
fd_traits!(Listener, Type::Stream);
fd_traits!(Stream, Type::Stream);
fd_traits!(Datagram, Type::Datagram);

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

impl From<PassedFd> for OwnedFd {
    fn from(passed: PassedFd) -> OwnedFd {
        OwnedFd::from(passed.fd)
    }
}
