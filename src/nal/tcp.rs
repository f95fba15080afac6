//! `TcpClientStack` and `TcpFullStack` for [`Nal`].

use crate::Endpoint as _;
use core::fmt;
use core::mem;

use embedded_nal::{nb, TcpClientStack, TcpFullStack};

use super::{fail, inet, nb_error, Error, Nal};
use crate::embedded_io::{Read as _, Write as _};
use crate::opt::ReuseAddr;
use crate::{ErrorKind, Listener as _, MsgFlags, SockOpt as _, Socket as _, Stack, Stream, Type};

/// An embedded-nal TCP socket of a [`Nal`]: which state it is in, holding the anysock socket
/// of that state.
///
/// The variants are public so a program can reach the socket underneath (to set an option on
/// a connected stream, say), or build a [`TcpSocket::Bound`] itself from a socket it prepared
/// (with `SO_REUSEADDR`, for instance) and hand it to `listen`.
pub enum TcpSocket<S: Stack> {
    /// Fresh from `socket()`: no descriptor yet. `connect` opens one of the remote's family,
    /// `bind` one of [`Nal::local_ip`]'s.
    Unopened,
    /// Bound to a local address (`bind`), not yet listening or connecting.
    Bound(S::Socket),
    /// A non-blocking `connect` is under way; call `connect` again for its outcome.
    Connecting(S::Socket),
    /// Connected: `send` and `receive` apply.
    Connected(S::Stream),
    /// Listening: `accept` applies.
    Listening(S::Listener),
}

impl<S: Stack> TcpSocket<S> {
    /// `getsockname`: the local address, once there is a descriptor (the port the system
    /// chose after `bind(0)`, for instance).
    ///
    /// Errors: [`ErrorKind::NotConnected`] for [`TcpSocket::Unopened`].
    #[doc(alias = "getsockname")]
    pub fn local_addr(&self) -> Result<core::net::SocketAddr, Error> {
        let addr = match self {
            TcpSocket::Unopened => return Err(fail(ErrorKind::NotConnected)),
            TcpSocket::Bound(s) | TcpSocket::Connecting(s) => s.local_addr()?,
            TcpSocket::Connected(s) => s.local_addr()?,
            TcpSocket::Listening(l) => l.local_addr()?,
        };
        inet(addr)
    }

    fn state(&self) -> &'static str {
        match self {
            TcpSocket::Unopened => "Unopened",
            TcpSocket::Bound(_) => "Bound",
            TcpSocket::Connecting(_) => "Connecting",
            TcpSocket::Connected(_) => "Connected",
            TcpSocket::Listening(_) => "Listening",
        }
    }
}

/// Shows the state only: a stack's socket types need not be `Debug`.
impl<S: Stack> fmt::Debug for TcpSocket<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TcpSocket::{}", self.state())
    }
}

/// One step of a non-blocking `connect`: the socket's next state and what to tell the caller.
///
/// The first `connect` starts the handshake (`EINPROGRESS`); calling it again reports
/// `EALREADY` while it lasts, then the outcome once: success, or the error that ended it.
/// A failed socket is dropped, so the next `connect` starts afresh on a new one.
fn connect_step<S: Stack>(
    mut sock: S::Socket,
    remote: &crate::SocketAddr,
) -> (TcpSocket<S>, nb::Result<(), Error>) {
    let in_progress = |kind| {
        matches!(
            kind,
            ErrorKind::InProgress
                | ErrorKind::AlreadyInProgress
                | ErrorKind::WouldBlock
                | ErrorKind::Interrupted
        )
    };
    match sock.connect(remote) {
        Ok(()) => connected::<S>(sock),
        // `EISCONN`: the outcome was reported before (or the backend skips that step), and it
        // was success.
        Err(e) if e.kind() == ErrorKind::AlreadyConnected => connected::<S>(sock),
        Err(e) if in_progress(e.kind()) => {
            (TcpSocket::Connecting(sock), Err(nb::Error::WouldBlock))
        }
        Err(e) => (TcpSocket::Unopened, Err(nb::Error::Other(e.into()))),
    }
}

/// Whether a connected stream's connection is over: the peer closed it (end of stream, with
/// nothing left to read), reset it, or it broke (a failed send, a timeout). A peek at one byte,
/// without waiting, tells. Bytes not yet read keep it alive, so nothing the peer sent is
/// dropped; an answer that says nothing about the connection (a backend without `MSG_PEEK`)
/// keeps it too.
fn ended<St: Stream>(stream: &mut St) -> bool {
    match stream.recv(&mut [0u8; 1], MsgFlags::PEEK | MsgFlags::DONTWAIT) {
        Ok(n) => n == 0,
        Err(e) => matches!(
            e.kind(),
            ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::NotConnected
                | ErrorKind::TimedOut
                | ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable
                | ErrorKind::NetworkDown
        ),
    }
}

/// The socket whose `connect` succeeded, as a stream.
fn connected<S: Stack>(sock: S::Socket) -> (TcpSocket<S>, nb::Result<(), Error>) {
    match sock.into_stream() {
        Ok(stream) => (TcpSocket::Connected(stream), Ok(())),
        Err(e) => (TcpSocket::Unopened, Err(nb::Error::Other(e.into()))),
    }
}

impl<S: Stack> TcpClientStack for Nal<S> {
    type TcpSocket = TcpSocket<S>;
    type Error = Error;

    /// A socket in state [`TcpSocket::Unopened`]: the descriptor comes with `connect` or
    /// `bind`, once its address family is known. Never fails.
    fn socket(&mut self) -> Result<TcpSocket<S>, Error> {
        Ok(TcpSocket::Unopened)
    }

    /// `connect(fd, remote)`, non-blocking: [`nb::Error::WouldBlock`] until the handshake
    /// ends, then `Ok(())` (and `Ok(())` again for the same remote while connected, so a
    /// client calls it to learn whether it still is).
    ///
    /// A connection that has ended — the peer closed it and everything it sent has been read,
    /// it was reset, or it broke — is dropped and a new one started to `remote`, as other
    /// embedded-nal stacks do: a client that keeps calling `connect` (an MQTT client after
    /// its broker restarted) gets back in touch once the server is there again.
    ///
    /// Errors: [`ErrorKind::ConnectionRefused`], [`ErrorKind::TimedOut`], ...; the socket is
    /// then [`TcpSocket::Unopened`] again, so calling `connect` retries on a new descriptor.
    /// [`ErrorKind::AlreadyConnected`] when connected to another address,
    /// [`ErrorKind::InvalidInput`] on a listening socket.
    fn connect(
        &mut self,
        socket: &mut TcpSocket<S>,
        remote: core::net::SocketAddr,
    ) -> nb::Result<(), Error> {
        let remote = crate::SocketAddr::from(remote);
        let afresh = |nal: &Self| match nal.open(remote.domain(), Type::Stream) {
            Ok(sock) => connect_step::<S>(sock, &remote),
            Err(e) => (TcpSocket::Unopened, Err(nb::Error::Other(e.into()))),
        };
        let (next, result) = match mem::replace(socket, TcpSocket::Unopened) {
            TcpSocket::Unopened => afresh(self),
            TcpSocket::Bound(sock) | TcpSocket::Connecting(sock) => {
                connect_step::<S>(sock, &remote)
            }
            TcpSocket::Connected(mut stream) => {
                if ended(&mut stream) {
                    drop(stream); // close(fd): the old connection goes before the new one starts
                    afresh(self)
                } else {
                    let result = match stream.peer_addr() {
                        Ok(peer) if peer == remote => Ok(()),
                        Ok(_) => Err(nb::Error::Other(fail(ErrorKind::AlreadyConnected))),
                        Err(e) => Err(nb::Error::Other(e.into())),
                    };
                    (TcpSocket::Connected(stream), result)
                }
            }
            listening @ TcpSocket::Listening(_) => (
                listening,
                Err(nb::Error::Other(fail(ErrorKind::InvalidInput))),
            ),
        };
        *socket = next;
        result
    }

    /// `send(fd, buf, len, MSG_NOSIGNAL)`: the bytes taken (at least one for a non-empty
    /// buffer), or [`nb::Error::WouldBlock`] while the send buffer is full.
    ///
    /// Errors: [`ErrorKind::NotConnected`] unless connected; `PipeClosed` kinds
    /// (`BrokenPipe`, `ConnectionReset`) once the peer is gone.
    fn send(&mut self, socket: &mut TcpSocket<S>, buffer: &[u8]) -> nb::Result<usize, Error> {
        match socket {
            TcpSocket::Connected(stream) => stream.write(buffer).map_err(nb_error),
            _ => Err(nb::Error::Other(fail(ErrorKind::NotConnected))),
        }
    }

    /// `recv(fd, buf, len, 0)`: the bytes received, `Ok(0)` at end of stream (or for an empty
    /// buffer), [`nb::Error::WouldBlock`] while nothing is there.
    ///
    /// Errors: [`ErrorKind::NotConnected`] unless connected; `ConnectionReset`.
    fn receive(
        &mut self,
        socket: &mut TcpSocket<S>,
        buffer: &mut [u8],
    ) -> nb::Result<usize, Error> {
        match socket {
            TcpSocket::Connected(stream) => stream.read(buffer).map_err(nb_error),
            _ => Err(nb::Error::Other(fail(ErrorKind::NotConnected))),
        }
    }

    /// `close(fd)`: drops the socket. Never fails.
    fn close(&mut self, socket: TcpSocket<S>) -> Result<(), Error> {
        drop(socket);
        Ok(())
    }
}

impl<S: Stack> TcpFullStack for Nal<S> {
    /// `socket` + `fcntl(O_NONBLOCK)` + `setsockopt(SO_REUSEADDR)` + `bind(fd,
    /// local_ip:port)`; port 0 lets the system choose (see [`TcpSocket::local_addr`]).
    /// `SO_REUSEADDR` is set as `std::net::TcpListener::bind` sets it, so a server that
    /// restarts binds its port again while its old connections linger in `TIME_WAIT`.
    ///
    /// Errors: [`ErrorKind::AddrInUse`]; [`ErrorKind::InvalidInput`] when the socket already
    /// has a descriptor.
    fn bind(&mut self, socket: &mut TcpSocket<S>, local_port: u16) -> Result<(), Error> {
        if !matches!(socket, TcpSocket::Unopened) {
            return Err(fail(ErrorKind::InvalidInput));
        }
        let addr = self.local_addr(local_port);
        let mut sock = self.open(addr.domain(), Type::Stream)?;
        sock.set(ReuseAddr, true)?;
        sock.bind(&addr)?;
        *socket = TcpSocket::Bound(sock);
        Ok(())
    }

    /// `listen(fd, backlog)` with [`Nal::backlog`]. An unbound socket is bound to
    /// [`Nal::local_ip`] with a port the system chooses first, as Linux does. Listening
    /// already is `Ok`.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] on a connecting or connected socket.
    fn listen(&mut self, socket: &mut TcpSocket<S>) -> Result<(), Error> {
        if matches!(socket, TcpSocket::Unopened) {
            TcpFullStack::bind(self, socket, 0)?;
        }
        match mem::replace(socket, TcpSocket::Unopened) {
            TcpSocket::Bound(sock) => {
                *socket = TcpSocket::Listening(sock.listen(self.backlog())?);
                Ok(())
            }
            listening @ TcpSocket::Listening(_) => {
                *socket = listening;
                Ok(())
            }
            other => {
                *socket = other;
                Err(fail(ErrorKind::InvalidInput))
            }
        }
    }

    /// `accept4(fd, &addr, &len, SOCK_NONBLOCK)` ([`crate::Listener::accept_nonblocking`]): the next
    /// connection, non-blocking from the start, and its peer, or [`nb::Error::WouldBlock`]
    /// while none is pending.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] unless listening; [`ErrorKind::ConnectionAborted`]
    /// for a connection reset before it was taken (accept again).
    fn accept(
        &mut self,
        socket: &mut TcpSocket<S>,
    ) -> nb::Result<(TcpSocket<S>, core::net::SocketAddr), Error> {
        let TcpSocket::Listening(listener) = socket else {
            return Err(nb::Error::Other(fail(ErrorKind::InvalidInput)));
        };
        let (stream, peer) = listener.accept_nonblocking().map_err(nb_error)?;
        Ok((TcpSocket::Connected(stream), inet(peer)?))
    }
}
