//! `Stack`: an async backend's entry point, with its clock.

use core::time::Duration;

use super::datagram::Datagram;
use super::listener::Listener;
use super::msg_io::MsgIo;
use super::socket::Socket;
use super::stream::Stream;
use crate::addr::SocketAddr;
use crate::domain::{Domain, Type};
use crate::error::Result;
use crate::time::Instant;

/// An async backend: where sockets come from, and the clock their timeouts run on.
///
/// The async counterpart of [`crate::Stack`]. Creating, binding and listening never wait, so
/// they stay plain functions; connecting, accepting, reading, writing and sleeping are
/// `async`. Portable code takes an `asynch::Stack` as a generic parameter and runs on every
/// backend that implements it, under whatever executor the backend's driver works with.
///
/// ```no_run
/// use anysock_core::asynch::Stack;
/// use anysock_core::embedded_io_async::{Read, Write};
/// use core::time::Duration;
///
/// /// Sends a request every `period` and reads the answer, on any async backend.
/// async fn poll_sensor<S: Stack>(stack: &S, addr: &anysock_core::SocketAddr, period: Duration) -> anysock_core::Result<u8> {
///     let mut conn = stack.connect(addr).await?;
///     let mut next = stack.now()?;
///     let mut last = [0u8; 1];
///     for _ in 0..3 {
///         conn.write_all(b"?").await?;
///         conn.read_exact(&mut last).await?;
///         next = next + period;
///         stack.sleep_until(next).await?; // no drift: deadlines, not delays
///     }
///     Ok(last[0])
/// }
/// ```
pub trait Stack {
    /// A socket fresh from [`Stack::socket`]: not yet bound, listening or connected.
    type Socket: Socket<Listener = Self::Listener, Stream = Self::Stream, Datagram = Self::Datagram>;
    /// A listening socket.
    type Listener: Listener<Stream = Self::Stream>;
    /// A connected stream (or seqpacket) socket.
    type Stream: Stream + MsgIo;
    /// A datagram socket.
    type Datagram: Datagram + MsgIo;

    /// [`socket(domain, type, 0)`][socket(2)]: a new socket, so options can be set before
    /// [`Socket::bind`], [`Socket::listen`] or [`Socket::connect`]. Never waits.
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    fn socket(&self, domain: Domain, ty: Type) -> Result<Self::Socket>;

    /// [`socketpair(AF_UNIX, type, 0, sv)`][socketpair(2)]: two sockets connected to each
    /// other. Never waits.
    ///
    /// [socketpair(2)]: https://man7.org/linux/man-pages/man2/socketpair.2.html
    fn socketpair(&self, ty: Type) -> Result<(Self::Socket, Self::Socket)>;

    /// [`socket`][socket(2)] + [`bind(addr)`][bind(2)] + [`listen(backlog)`][listen(2)] for a
    /// stream socket of `addr`'s domain, as [`crate::Stack::listen`] (a backend may set
    /// `SO_REUSEADDR` first). Never waits.
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    /// [bind(2)]: https://man7.org/linux/man-pages/man2/bind.2.html
    /// [listen(2)]: https://man7.org/linux/man-pages/man2/listen.2.html
    fn listen(&self, addr: &SocketAddr, backlog: u32) -> Result<Self::Listener> {
        let mut s = self.socket(addr.domain(), Type::Stream)?;
        s.bind(addr)?;
        s.listen(backlog)
    }

    /// [`socket`][socket(2)] + [`connect(addr)`][connect(2)] for a stream socket of `addr`'s
    /// domain: completes once connected. See [`Socket::connect`] for the errors and for
    /// cancellation (a cancelled `Stack::connect` closes its half-made socket).
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    /// [connect(2)]: https://man7.org/linux/man-pages/man2/connect.2.html
    async fn connect(&self, addr: &SocketAddr) -> Result<Self::Stream> {
        let mut s = self.socket(addr.domain(), Type::Stream)?;
        s.connect(addr).await?;
        s.into_stream()
    }

    /// [`socket`][socket(2)] + [`bind(addr)`][bind(2)] for a datagram socket of `addr`'s
    /// domain. Never waits.
    ///
    /// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
    /// [bind(2)]: https://man7.org/linux/man-pages/man2/bind.2.html
    fn bind(&self, addr: &SocketAddr) -> Result<Self::Datagram> {
        let mut s = self.socket(addr.domain(), Type::Datagram)?;
        s.bind(addr)?;
        s.into_datagram()
    }

    /// [`clock_gettime(CLOCK_MONOTONIC)`][clock_gettime(2)]: the stack's monotonic clock, the
    /// one [`Stack::sleep_until`] and [`super::timeout`] run on; the same clock as
    /// [`crate::Stack::now`] of the same backend. Never waits.
    ///
    /// [clock_gettime(2)]: https://man7.org/linux/man-pages/man2/clock_gettime.2.html
    #[doc(alias = "clock_gettime")]
    fn now(&self) -> Result<Instant>;

    /// [`clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline)`][clock_nanosleep(2)], as a
    /// future: completes once [`Stack::now`] reads `deadline` or later (at once for a deadline
    /// already past). Sleeping to deadlines rather than for durations keeps periodic work from
    /// drifting.
    ///
    /// Cancelling it (dropping the future) cancels the timer: nothing stays registered.
    /// Errors: a backend whose timers are unavailable says so (the tokio driver outside a
    /// runtime with timers enabled); never a panic.
    ///
    /// [clock_nanosleep(2)]: https://man7.org/linux/man-pages/man2/clock_nanosleep.2.html
    #[doc(alias = "clock_nanosleep")]
    async fn sleep_until(&self, deadline: Instant) -> Result<()>;

    /// [`nanosleep(duration)`][nanosleep(2)], as a future: [`Stack::sleep_until`] `now() +
    /// duration`.
    ///
    /// [nanosleep(2)]: https://man7.org/linux/man-pages/man2/nanosleep.2.html
    #[doc(alias = "nanosleep")]
    async fn sleep(&self, duration: Duration) -> Result<()> {
        let deadline = self.now()? + duration;
        self.sleep_until(deadline).await
    }
}
