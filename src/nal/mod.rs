//! [embedded-nal] 0.9 over any anysock [`Stack`] (feature `nal`): crates written against
//! `TcpClientStack`, `TcpFullStack`, `UdpClientStack` and `UdpFullStack` run on the operating
//! system's sockets and on the mock network unchanged.
//!
//! [`Nal`] wraps a stack. The sockets it hands out ([`TcpSocket`], [`UdpSocket`]) are small
//! values the caller owns, as embedded-nal intends; nothing is allocated and the adapter keeps
//! no table of its own. The anysock socket inside is created on the first `connect` or `bind`,
//! when its address family is known, and is always non-blocking: a call that would wait returns
//! [`nb::Error::WouldBlock`], so `nb::block!` or a polling loop decides how to wait.
//!
//! | embedded-nal | anysock call(s) |
//! |---|---|
//! | `socket` | none yet: [`TcpSocket::Unopened`] |
//! | TCP `connect` | `socket` + `fcntl(O_NONBLOCK)` + `connect`, then `connect` again until it reports the outcome; on a connection that has ended, `close` and a new `connect` |
//! | TCP `send` / `receive` | `send` / `recv` ([`crate::embedded_io::Write`] / [`crate::embedded_io::Read`]) |
//! | TCP `bind` / `listen` / `accept` | `setsockopt(SO_REUSEADDR)` + `bind` / `listen` / `accept4(SOCK_NONBLOCK)` |
//! | UDP `connect` | `socket` + `bind(any:0)` + `connect` |
//! | UDP `bind` / `send_to` / `send` / `receive` | `bind` / `sendto` / `send` / `recvfrom` |
//! | `close` | `close` (dropping the socket) |
//! | `Dns::get_host_by_name` / `get_host_by_address` (a stack with [`crate::Resolve`]) | `getaddrinfo` / `getnameinfo` on POSIX, blocking |
//!
//! Two choices embedded-nal leaves open:
//!
//! - A TCP `receive` at end of stream returns `Ok(0)`, as `read` does; "nothing yet" is
//!   `WouldBlock`, never `Ok(0)`.
//! - A UDP `receive` of a datagram longer than the buffer fails with
//!   [`crate::ErrorKind::MessageTooLong`] (the buffer holds its start; the rest is gone) instead
//!   of cutting it silently.
//!
//! ```
//! use anysock::mock::Net;
//! use anysock::nal::{embedded_nal::nb, embedded_nal::{UdpClientStack, UdpFullStack}, Nal};
//!
//! let net: Net = Net::new();
//! let mut a = Nal::new(net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?);
//! let mut b = Nal::new(net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?);
//!
//! let mut server = b.socket()?;
//! b.bind(&mut server, 53)?;
//! let mut client = a.socket()?;
//! a.connect(&mut client, "10.0.0.2:53".parse().unwrap())?;
//! nb::block!(a.send(&mut client, b"query"))?;
//!
//! let mut buf = [0u8; 16];
//! let (n, from) = nb::block!(b.receive(&mut server, &mut buf))?;
//! assert_eq!((&buf[..n], from.to_string().as_str()), (&b"query"[..], "10.0.0.1:49152"));
//! # Ok::<(), anysock::nal::Error>(())
//! ```
//!
//! [embedded-nal]: https://docs.rs/embedded-nal/0.9

mod dns;
mod tcp;
mod udp;
use core::fmt;
use core::net::{IpAddr, Ipv4Addr};

pub use embedded_nal::{self, nb};
pub use tcp::TcpSocket;
pub use udp::UdpSocket;

use crate::{Domain, Endpoint, ErrorKind, Stack, Type};

/// The backlog [`Nal::new`] gives listening sockets.
pub const DEFAULT_BACKLOG: u32 = 8;

/// An anysock [`Stack`] seen through embedded-nal's traits.
///
/// It holds the stack, the IP address servers bind to (the wildcard `0.0.0.0` unless
/// [`Nal::with_local_ip`] says otherwise) and the `listen` backlog. Sockets live in the values
/// it hands out, so one `Nal` serves any number of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nal<S> {
    stack: S,
    local_ip: Option<IpAddr>,
    backlog: Option<u32>,
}

impl<S: Stack> Nal<S> {
    /// The embedded-nal view of `stack`: servers bind to `0.0.0.0`, listen with a backlog of
    /// [`DEFAULT_BACKLOG`].
    pub const fn new(stack: S) -> Self {
        Nal {
            stack,
            local_ip: None,
            backlog: None,
        }
    }

    /// The same, binding to `ip` in `bind` (embedded-nal names only a port): `::` for IPv6
    /// (dual-stack where the system allows), `127.0.0.1` for loopback only, or one address of
    /// the host.
    #[must_use]
    pub const fn with_local_ip(mut self, ip: IpAddr) -> Self {
        self.local_ip = Some(ip);
        self
    }

    /// The same, with `backlog` as `listen`'s queue length.
    #[must_use]
    pub const fn with_backlog(mut self, backlog: u32) -> Self {
        self.backlog = Some(backlog);
        self
    }

    /// The stack, to create anysock sockets beside the embedded-nal ones.
    pub const fn stack(&self) -> &S {
        &self.stack
    }

    /// The stack back.
    pub fn into_inner(self) -> S {
        self.stack
    }

    /// The address `bind(port)` binds to.
    pub fn local_ip(&self) -> IpAddr {
        self.local_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    /// The backlog `listen` asks for.
    pub fn backlog(&self) -> u32 {
        self.backlog.unwrap_or(DEFAULT_BACKLOG)
    }

    /// `socket(domain, type, 0)` + `fcntl(O_NONBLOCK)`: embedded-nal's calls never wait.
    fn open(&self, domain: Domain, ty: Type) -> crate::Result<S::Socket> {
        let mut s = self.stack.socket(domain, ty)?;
        s.set_nonblocking(true)?;
        Ok(s)
    }

    /// The address `bind(port)` means: [`Nal::local_ip`] and `port`.
    fn local_addr(&self, port: u16) -> crate::SocketAddr {
        crate::SocketAddr::from((self.local_ip(), port))
    }
}

/// The error of the embedded-nal calls: an anysock [`crate::Error`], whose kind embedded-nal's
/// [`TcpError`](embedded_nal::TcpError) trait sums up.
///
/// (embedded-nal 0.9 has no trait for UDP errors; UDP calls return this type too.)
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error(crate::Error);

impl Error {
    /// The anysock error: its [`crate::ErrorKind`] and the OS code, when there is one.
    pub const fn socket_error(&self) -> crate::Error {
        self.0
    }
}

impl From<crate::Error> for Error {
    fn from(e: crate::Error) -> Self {
        Error(e)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(crate::Error::new(kind))
    }
}

impl From<Error> for crate::Error {
    fn from(e: Error) -> Self {
        e.0
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl core::error::Error for Error {}

impl embedded_nal::TcpError for Error {
    /// [`embedded_nal::TcpErrorKind::PipeClosed`] when the connection is gone in the direction
    /// of the call (`EPIPE`, `ECONNRESET`, `ECONNABORTED`); `Other` for the rest, whose detail
    /// is in [`Error::socket_error`].
    fn kind(&self) -> embedded_nal::TcpErrorKind {
        match self.0.kind() {
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                embedded_nal::TcpErrorKind::PipeClosed
            }
            _ => embedded_nal::TcpErrorKind::Other,
        }
    }
}

/// An anysock error as an `nb` one: "try again" (`WouldBlock`, and `Interrupted` from a backend
/// that reports it) is [`nb::Error::WouldBlock`], anything else a failure.
fn nb_error(e: crate::Error) -> nb::Error<Error> {
    match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::Interrupted => nb::Error::WouldBlock,
        _ => nb::Error::Other(Error(e)),
    }
}

/// A failure with `kind`, for a call made in the wrong state (say, `send` before `connect`).
fn fail(kind: ErrorKind) -> Error {
    Error(crate::Error::new(kind))
}

/// An address from the stack as embedded-nal's; Unix-domain ones cannot occur on the sockets
/// this adapter creates, and are refused rather than invented.
fn inet(addr: crate::SocketAddr) -> Result<core::net::SocketAddr, Error> {
    addr.as_inet().ok_or(fail(ErrorKind::InvalidInput))
}
