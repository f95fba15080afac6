//! [`Socket`]: what `socket()` returns, async; and the connect every async socket shares.

use anysock_core::opt::SocketError;
use anysock_core::{asynch, Domain, Error, ErrorKind, Result, Socket as _, SocketAddr, Type};

use super::datagram::Datagram;
use super::listener::Listener;
use super::reactor::{Direction, Reactor, Registered};
use super::stream::Stream;
use crate::socket::Wrapper;
use crate::sys;

/// A POSIX socket fresh from [`anysock_core::asynch::Stack::socket`], registered with reactor
/// `R`: set options, `bind`, then `listen`, `connect` + `into_stream`, or `into_datagram`.
#[derive(Debug)]
pub struct Socket<R: Reactor> {
    pub(crate) inner: Registered<R, crate::Socket>,
}

impl<R: Reactor> asynch::Socket for Socket<R> {
    type Listener = Listener<R>;
    type Stream = Stream<R>;
    type Datagram = Datagram<R>;

    fn domain(&self) -> Domain {
        self.inner.get().domain()
    }

    fn socket_type(&self) -> Type {
        self.inner.get().socket_type()
    }

    fn bind(&mut self, addr: &SocketAddr) -> Result<()> {
        self.inner.get_mut().bind(addr)
    }

    fn listen(self, backlog: u32) -> Result<Listener<R>> {
        Listener::new(self.inner.into_inner().listen(backlog)?)
    }

    /// `connect(fd, addr)`, non-blocking; then, while it is in progress, wait until the socket
    /// is writable and read the outcome (`SO_ERROR`, then `getpeername`).
    async fn connect(&mut self, addr: &SocketAddr) -> Result<()> {
        connect(&mut self.inner, addr).await
    }

    fn into_stream(self) -> Result<Stream<R>> {
        Stream::new(self.inner.into_inner().into_stream()?)
    }

    fn into_datagram(self) -> Result<Datagram<R>> {
        Datagram::new(self.inner.into_inner().into_datagram()?)
    }
}

/// The async `connect` of any registered socket: start it (or find the one a cancelled call
/// started), then wait for writability and read the outcome.
///
/// Called again after a cancelled call, `connect` answers `EALREADY` while the handshake lasts
/// (so this waits for it), `EISCONN` once it succeeded (success, if to the same address), or the
/// error that ended it.
pub(crate) async fn connect<R: Reactor, T: Wrapper>(
    reg: &mut Registered<R, T>,
    addr: &SocketAddr,
) -> Result<()> {
    let (fd, domain) = (&reg.get().socket().fd, reg.get().socket().domain);
    match sys::socket::connect(fd, addr, domain) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyConnected => {
            return match sys::socket::peer_addr(fd, domain) {
                Ok(peer) if peer == *addr => Ok(()),
                Ok(_) => Err(e),
                Err(other) => Err(other),
            };
        }
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::InProgress | ErrorKind::AlreadyInProgress
            ) => {}
        Err(e) => return Err(e),
    }
    reg.io(Direction::Write, |s| {
        let sock = s.socket();
        if let Some(failed) = crate::sockopt::get::<SocketError>(&sock.fd)? {
            return Err(failed);
        }
        match sys::socket::peer_addr(&sock.fd, sock.domain) {
            Ok(_) => Ok(()),
            // Woken before the handshake ended: not yet.
            Err(e) if e.kind() == ErrorKind::NotConnected => Err(Error::new(ErrorKind::WouldBlock)),
            Err(e) => Err(e),
        }
    })
    .await
}
