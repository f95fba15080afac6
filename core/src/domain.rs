//! The two choices `socket(family, type, 0)` asks for: a domain and a type.

use core::fmt;

/// The communication domain (address family) of a socket: `AF_UNIX`, `AF_INET`, `AF_INET6`.
///
/// Two sockets talk only when they share a domain and a [`Type`]. See
/// [`socket(2)`][socket(2)], [`unix(7)`][unix(7)], [`ip(7)`][ip(7)],
/// [`ipv6(7)`][ipv6(7)].
///
/// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
/// [unix(7)]: https://man7.org/linux/man-pages/man7/unix.7.html
/// [ip(7)]: https://man7.org/linux/man-pages/man7/ip.7.html
/// [ipv6(7)]: https://man7.org/linux/man-pages/man7/ipv6.7.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "AF_UNIX")]
#[doc(alias = "AF_INET")]
#[doc(alias = "AF_INET6")]
pub enum Domain {
    /// Local processes, addressed by a filesystem path or an abstract name (`AF_UNIX`).
    Unix,
    /// IPv4 (`AF_INET`).
    Inet,
    /// IPv6 (`AF_INET6`).
    Inet6,
}

/// The type of a socket: `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_SEQPACKET` (see
/// [`socket(2)`][socket(2)]).
///
/// [socket(2)]: https://man7.org/linux/man-pages/man2/socket.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "SOCK_STREAM")]
#[doc(alias = "SOCK_DGRAM")]
#[doc(alias = "SOCK_SEQPACKET")]
pub enum Type {
    /// A reliable, connected byte stream: TCP in the Internet domains.
    Stream,
    /// Individual messages without a connection: UDP in the Internet domains.
    Datagram,
    /// Reliable, connected, and message boundaries kept (Unix domain; Linux and some BSDs).
    SeqPacket,
}

impl Type {
    /// Whether the type is connection-oriented (`listen`/`accept` apply): stream and seqpacket.
    pub const fn is_connection_oriented(self) -> bool {
        matches!(self, Type::Stream | Type::SeqPacket)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Domain::Unix => "AF_UNIX",
            Domain::Inet => "AF_INET",
            Domain::Inet6 => "AF_INET6",
        })
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Stream => "SOCK_STREAM",
            Type::Datagram => "SOCK_DGRAM",
            Type::SeqPacket => "SOCK_SEQPACKET",
        })
    }
}

/// Which direction(s) [`shutdown`][shutdown(2)] closes: `SHUT_RD`, `SHUT_WR`,
/// `SHUT_RDWR`.
///
/// [shutdown(2)]: https://man7.org/linux/man-pages/man2/shutdown.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "SHUT_RD")]
#[doc(alias = "SHUT_WR")]
#[doc(alias = "SHUT_RDWR")]
pub enum Shutdown {
    /// No more receiving (`SHUT_RD`).
    Read,
    /// No more sending; the peer reads end of stream (`SHUT_WR`).
    Write,
    /// Both (`SHUT_RDWR`).
    Both,
}
