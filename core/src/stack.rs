//! `Stack`: a backend's entry point.

use core::time::Duration;

use crate::addr::SocketAddr;
use crate::datagram::Datagram;
use crate::domain::{Domain, Type};
use crate::error::Result;
use crate::listener::Listener;
use crate::msg_io::MsgIo;
use crate::opt::{DatagramOptions, ListenerOptions, ReuseAddr, SocketOptions, StreamOptions};
use crate::poll::{PollFd, Pollable};
use crate::socket::Socket;
use crate::sockopt::SockOpt;
use crate::stream::Stream;
use crate::time::Instant;

/// A backend: where sockets come from, and where several are waited on at once.
///
/// Portable code takes a `Stack` as a generic parameter and uses nothing else, so the same code
/// runs on the kernel (`anysock-posix`) and on a simulated network (`anysock-mock`). The
/// options every backend has come with the socket types (see [`crate::opt::StreamOptions`]
/// and its siblings): a timeout is set with no bound beyond `S: Stack`.
///
/// ```no_run
/// use anysock_core::{Listener, Stack};
/// use embedded_io::{Read, Write};
///
/// /// Echoes one client's bytes back until it closes, on any backend.
/// fn echo_once<S: Stack>(stack: &S, addr: &anysock_core::SocketAddr) -> Result<(), anysock_core::Error> {
///     let mut listener = stack.listen(addr, 16)?;
///     let (mut conn, _peer) = listener.accept()?;
///     let mut buf = [0u8; 512];
///     loop {
///         let n = conn.read(&mut buf)?;
///         if n == 0 {
///             return Ok(()); // end of stream
///         }
///         conn.write_all(&buf[..n])?;
///     }
/// }
/// ```
pub trait Stack {
    /// The handle sockets of this backend give to [`Stack::poll`].
    type Handle: Copy + Eq + core::fmt::Debug;
    /// A socket fresh from [`Stack::socket`]: not yet bound, listening or connected. Has every
    /// option of the [`crate::opt`] sets, to set before it becomes something.
    type Socket: Socket<Listener = Self::Listener, Stream = Self::Stream, Datagram = Self::Datagram>
        + Pollable<Handle = Self::Handle>
        + SocketOptions;
    /// A listening socket, with the options of [`ListenerOptions`].
    type Listener: Listener<Stream = Self::Stream>
        + Pollable<Handle = Self::Handle>
        + ListenerOptions;
    /// A connected stream (or seqpacket) socket, with the options of [`StreamOptions`].
    type Stream: Stream + MsgIo + Pollable<Handle = Self::Handle> + StreamOptions;
    /// A datagram socket, with the options of [`DatagramOptions`].
    type Datagram: Datagram + MsgIo + Pollable<Handle = Self::Handle> + DatagramOptions;

    /// [`socket(domain, type, 0)`][socket(2)]: a new socket, not bound, listening or connected, so
    /// options can be set before [`Socket::bind`], [`Socket::listen`] or [`Socket::connect`].
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    fn socket(&self, domain: Domain, ty: Type) -> Result<Self::Socket>;

    /// [`socketpair(AF_UNIX, type, 0, sv)`][socketpair(2)]: two sockets connected to each other,
    /// with unnamed addresses. Turn them into streams or datagrams with [`Socket::into_stream`] or
    /// [`Socket::into_datagram`].
    ///
    /// [socketpair(2)]: https://man7.org/linux/man-pages/man2/socketpair.2.html
    fn socketpair(&self, ty: Type) -> Result<(Self::Socket, Self::Socket)>;

    /// [`socket`][socket(2)] + `setsockopt(SO_REUSEADDR)` + [`bind(addr)`][bind(2)] +
    /// [`listen(backlog)`][listen(2)] for a stream socket of `addr`'s domain.
    ///
    /// `SO_REUSEADDR` is set on Internet sockets first, as `std::net::TcpListener::bind` does,
    /// so a restarted server binds its port while its old connections sit in `TIME_WAIT`
    /// (Unix sockets have no such state, and Linux gives the option no meaning there). To
    /// bind without it, use [`Stack::socket`], [`Socket::bind`] and [`Socket::listen`].
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    /// [bind(2)]: https://man7.org/linux/man-pages/man2/bind.2.html
    /// [listen(2)]: https://man7.org/linux/man-pages/man2/listen.2.html
    fn listen(&self, addr: &SocketAddr, backlog: u32) -> Result<Self::Listener> {
        let mut s = self.socket(addr.domain(), Type::Stream)?;
        if addr.domain() != Domain::Unix {
            s.set(ReuseAddr, true)?;
        }
        s.bind(addr)?;
        s.listen(backlog)
    }

    /// [`socket`][socket(2)] + blocking [`connect(addr)`][connect(2)] for a stream
    /// socket of `addr`'s domain.
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    /// [connect(2)]: https://man7.org/linux/man-pages/man2/connect.2.html
    fn connect(&self, addr: &SocketAddr) -> Result<Self::Stream> {
        let mut s = self.socket(addr.domain(), Type::Stream)?;
        s.connect(addr)?;
        s.into_stream()
    }

    /// [`socket`][socket(2)] + [`bind(addr)`][bind(2)] for a datagram socket of
    /// `addr`'s domain.
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    /// [bind(2)]: https://man7.org/linux/man-pages/man2/bind.2.html
    fn bind(&self, addr: &SocketAddr) -> Result<Self::Datagram> {
        let mut s = self.socket(addr.domain(), Type::Datagram)?;
        s.bind(addr)?;
        s.into_datagram()
    }

    /// [`poll(fds, nfds, timeout)`][poll(2)]: waits until one of the sockets is ready as asked, or
    /// the timeout passes (`None` waits without limit; `Some(ZERO)` only looks). Records what was
    /// found in each entry and returns how many entries have something to report (0 on timeout).
    ///
    /// [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
    #[doc(alias = "ppoll")]
    fn poll(&self, fds: &mut [PollFd<Self::Handle>], timeout: Option<Duration>) -> Result<usize>;

    /// [`clock_gettime(CLOCK_MONOTONIC)`][clock_gettime(2)]: the stack's monotonic clock, the one
    /// its timeouts run on. It never goes backwards; its start is unspecified, so only the
    /// differences of two readings mean something. Portable code keeps deadlines and expires
    /// idle connections with it without naming a backend (the mock's clock is virtual: it moves
    /// only when the simulation waits).
    ///
    /// Errors: neither the POSIX backend nor the mock fails here; a backend whose clock can be
    /// unavailable (an embedded stack not yet started) reports it as an error, never a panic.
    ///
    /// [clock_gettime(2)]: https://man7.org/linux/man-pages/man2/clock_gettime.2.html
    #[doc(alias = "clock_gettime")]
    #[doc(alias = "CLOCK_MONOTONIC")]
    fn now(&self) -> Result<Instant>;
}
