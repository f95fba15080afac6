//! [`Socket`]: what `socket()` returns, before it is a listener, a stream or a datagram.

use anysock_core::{Domain, Error, ErrorKind, Pollable, Result, SocketAddr, Type};

use crate::sys::{self, Fd};
use crate::{Datagram, Listener, Stream};

/// A POSIX socket fresh from `socket()`: set options, `bind`, then
/// [`listen`](anysock_core::Socket::listen), [`connect`](anysock_core::Socket::connect) +
/// [`into_stream`](anysock_core::Socket::into_stream), or
/// [`into_datagram`](anysock_core::Socket::into_datagram). Close-on-exec; closed when dropped.
///
/// ```
/// use anysock_posix::Posix;
/// use anysock_core::{Endpoint, opt::ReuseAddr, Domain, Listener, Socket, SockOpt, Stack, Type};
///
/// let mut s = Posix.socket(Domain::Inet, Type::Stream)?;
/// s.set(ReuseAddr, true)?;
/// s.bind(&"127.0.0.1:0".parse()?)?;
/// let listener = s.listen(8)?;
/// assert_ne!(listener.local_addr()?.port(), Some(0));
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Socket {
    pub(crate) fd: Fd,
    pub(crate) domain: Domain,
    pub(crate) ty: Type,
}

impl Socket {
    /// [`socket(domain, type | SOCK_CLOEXEC, 0)`][socket(2)]: a new socket, close-on-exec,
    /// not bound, listening or connected. The same as [`anysock_core::Stack::socket`] on
    /// [`crate::Posix`].
    ///
    /// Errors: [`ErrorKind::Unsupported`] for a type the system lacks (seqpacket outside Linux
    /// and some BSDs), [`ErrorKind::TooManyOpenFiles`].
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    #[doc(alias = "socket")]
    pub fn new(domain: Domain, ty: Type) -> Result<Socket> {
        Ok(Socket {
            fd: sys::socket::socket(domain, ty)?,
            domain,
            ty,
        })
    }

    /// [`setsockopt(fd, level, name, value, len)`][setsockopt(2)] with raw bytes: for
    /// options anysock has no type for. `level` and `name` are the platform's
    /// `SOL_*`/`IPPROTO_*` and `SO_*` values.
    ///
    /// [setsockopt(2)]: https://man7.org/linux/man-pages/man2/setsockopt.2.html
    #[doc(alias = "setsockopt")]
    pub fn set_raw_option(&mut self, level: i32, name: i32, value: &[u8]) -> Result<()> {
        sys::sockopt::set_raw(&self.fd, level, name, value)
    }

    /// [`getsockopt(fd, level, name, buf, &len)`][getsockopt(2)] with raw bytes; returns
    /// how many bytes of `buf` the value filled. Errors with [`ErrorKind::InvalidInput`] if the
    /// value did not fit.
    ///
    /// [getsockopt(2)]: https://man7.org/linux/man-pages/man2/getsockopt.2.html
    #[doc(alias = "getsockopt")]
    pub fn get_raw_option(&self, level: i32, name: i32, buf: &mut [u8]) -> Result<usize> {
        sys::sockopt::get_raw(&self.fd, level, name, buf)
    }

    /// [`fcntl(fd, F_DUPFD_CLOEXEC, 0)`][fcntl(2)]: a second handle to the same socket
    /// (as `dup` does, but close-on-exec), for another thread.
    ///
    /// [fcntl(2)]: https://man7.org/linux/man-pages/man2/fcntl.2.html
    #[doc(alias = "dup")]
    #[doc(alias = "F_DUPFD_CLOEXEC")]
    pub fn try_clone(&self) -> Result<Socket> {
        Ok(Socket {
            fd: self.fd.try_clone()?,
            domain: self.domain,
            ty: self.ty,
        })
    }
}

impl anysock_core::Socket for Socket {
    type Listener = Listener;
    type Stream = Stream;
    type Datagram = Datagram;

    fn domain(&self) -> Domain {
        self.domain
    }

    fn socket_type(&self) -> Type {
        self.ty
    }

    fn bind(&mut self, addr: &SocketAddr) -> Result<()> {
        sys::socket::bind(&self.fd, addr, self.domain)
    }

    fn listen(self, backlog: u32) -> Result<Listener> {
        // A datagram socket: the kernel answers EOPNOTSUPP, which maps to `Unsupported`.
        sys::socket::listen(&self.fd, backlog)?;
        Ok(Listener { sock: self })
    }

    fn connect(&mut self, addr: &SocketAddr) -> Result<()> {
        sys::socket::connect(&self.fd, addr, self.domain)
    }

    fn into_stream(self) -> Result<Stream> {
        if !self.ty.is_connection_oriented() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        Ok(Stream { sock: self })
    }

    fn into_datagram(self) -> Result<Datagram> {
        if self.ty != Type::Datagram {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        Ok(Datagram { sock: self })
    }
}

impl Pollable for Socket {
    type Handle = i32;
    fn handle(&self) -> i32 {
        self.fd.raw()
    }
}

impl Socket {
    /// Wraps a descriptor obtained elsewhere, asking the kernel what it is (`getsockname`,
    /// `SO_TYPE`). A descriptor that is not a socket still wraps, as a Unix socket of type
    /// `fallback` (every call on it then fails with `BadDescriptor`), so that adopting cannot
    /// fail.
    pub(crate) fn adopt(fd: Fd, fallback: Type) -> Socket {
        match sys::socket::identify(&fd) {
            Ok((domain, ty)) => Socket { fd, domain, ty },
            Err(_) => Socket {
                fd,
                domain: Domain::Unix,
                ty: fallback,
            },
        }
    }
}

/// What every socket type is made of: a [`Socket`] that knows its domain and type.
pub(crate) trait Wrapper: Sized {
    fn socket(&self) -> &Socket;
    fn into_socket(self) -> Socket;
    fn from_socket(sock: Socket) -> Self;
}

impl Wrapper for Socket {
    fn socket(&self) -> &Socket {
        self
    }
    fn into_socket(self) -> Socket {
        self
    }
    fn from_socket(sock: Socket) -> Self {
        sock
    }
}

/// Inherent methods every socket wrapper shares with [`Socket`].
macro_rules! shared_methods {
    ($ty:ident) => {
        impl crate::socket::Wrapper for $ty {
            fn socket(&self) -> &Socket {
                &self.sock
            }
            fn into_socket(self) -> Socket {
                self.sock
            }
            fn from_socket(sock: Socket) -> Self {
                $ty { sock }
            }
        }

        impl $ty {
            /// [`setsockopt`][setsockopt(2)] with raw bytes; see
            /// [`Socket::set_raw_option`].
            ///
            /// [setsockopt(2)]: https://man7.org/linux/man-pages/man2/setsockopt.2.html
            #[doc(alias = "setsockopt")]
            pub fn set_raw_option(&mut self, level: i32, name: i32, value: &[u8]) -> Result<()> {
                self.sock.set_raw_option(level, name, value)
            }

            /// [`getsockopt`][getsockopt(2)] with raw bytes; see
            /// [`Socket::get_raw_option`].
            ///
            /// [getsockopt(2)]: https://man7.org/linux/man-pages/man2/getsockopt.2.html
            #[doc(alias = "getsockopt")]
            pub fn get_raw_option(&self, level: i32, name: i32, buf: &mut [u8]) -> Result<usize> {
                self.sock.get_raw_option(level, name, buf)
            }

            /// [`fcntl(fd, F_DUPFD_CLOEXEC, 0)`][fcntl(2)]: a second handle to the same
            /// socket, close-on-exec.
            ///
            /// [fcntl(2)]: https://man7.org/linux/man-pages/man2/fcntl.2.html
            #[doc(alias = "dup")]
            pub fn try_clone(&self) -> Result<$ty> {
                Ok($ty {
                    sock: self.sock.try_clone()?,
                })
            }

            /// The socket's domain (`SO_DOMAIN`, as found when it was made or adopted).
            pub fn domain(&self) -> Domain {
                self.sock.domain
            }

            /// The socket's type (`SO_TYPE`, as found when it was made or adopted).
            pub fn socket_type(&self) -> Type {
                self.sock.ty
            }
        }

        impl Pollable for $ty {
            type Handle = i32;
            fn handle(&self) -> i32 {
                self.sock.fd.raw()
            }
        }
    };
}

pub(crate) use shared_methods;

impl anysock_core::Endpoint for Socket {
    fn local_addr(&self) -> Result<SocketAddr> {
        sys::socket::local_addr(&self.fd, self.domain)
    }

    fn set_nonblocking(&mut self, nonblocking: bool) -> Result<()> {
        self.fd.set_nonblocking(nonblocking)
    }
}
