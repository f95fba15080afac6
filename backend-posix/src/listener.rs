//! [`Listener`]: a socket accepting connections.

use anysock_core::{Domain, Pollable, Result, SocketAddr, Type};

use crate::socket::{shared_methods, Socket};
use crate::sys;
use crate::Stream;

/// A listening POSIX socket. Close-on-exec; closed when dropped.
///
/// ```
/// use anysock_posix::Posix;
/// use anysock_core::{Endpoint, Listener, Stack, ErrorKind};
///
/// let mut listener = Posix.listen(&"127.0.0.1:0".parse()?, 16)?;
/// listener.set_nonblocking(true)?;
/// assert_eq!(listener.accept().unwrap_err().kind(), ErrorKind::WouldBlock);
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Listener {
    pub(crate) sock: Socket,
}

shared_methods!(Listener);

impl anysock_core::Listener for Listener {
    type Stream = Stream;

    fn accept(&mut self) -> Result<(Stream, SocketAddr)> {
        self.accept_as(false)
    }

    /// `accept4(fd, &addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)`: one syscall on Linux and the
    /// BSDs (Apple: `accept`, then `fcntl`s).
    fn accept_nonblocking(&mut self) -> Result<(Stream, SocketAddr)> {
        self.accept_as(true)
    }
}

impl Listener {
    fn accept_as(&mut self, nonblocking: bool) -> Result<(Stream, SocketAddr)> {
        let (fd, peer) = sys::socket::accept(&self.sock.fd, self.sock.domain, nonblocking)?;
        let sock = Socket {
            fd,
            domain: self.sock.domain,
            ty: self.sock.ty,
        };
        Ok((Stream { sock }, peer))
    }
}

impl anysock_core::Endpoint for Listener {
    fn local_addr(&self) -> Result<SocketAddr> {
        sys::socket::local_addr(&self.sock.fd, self.sock.domain)
    }

    fn set_nonblocking(&mut self, nonblocking: bool) -> Result<()> {
        self.sock.fd.set_nonblocking(nonblocking)
    }
}
