//! Socket addresses of every domain, and their text form for command lines.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use core::str::FromStr;

use crate::domain::Domain;
use crate::error::{Error, ErrorKind, Result};
use crate::unix_addr::{self, UnixAddr};

/// An address of any socket domain (`struct sockaddr_storage`): what `bind`, `connect`,
/// `sendto` take and `accept`, `recvfrom`, `getsockname`, `getpeername` give back. See
/// [`ip(7)`][ip(7)], [`ipv6(7)`][ipv6(7)], [`unix(7)`][unix(7)].
///
/// IPv6 addresses keep their flow info and scope id. Text forms (see [`FromStr`]):
/// `127.0.0.1:80`, `[::1]:80`, `[fe80::1%2]:80`, `unix:/run/x.sock`, `unix:@name`, `unix:`.
///
/// ```
/// use anysock_core::{Domain, SocketAddr};
///
/// let a: SocketAddr = "[::1%1]:8080".parse()?;
/// assert_eq!(a.domain(), Domain::Inet6);
/// assert_eq!(a.to_string(), "[::1%1]:8080");
///
/// let u: SocketAddr = "unix:@anysock-demo".parse()?;
/// assert_eq!(u.domain(), Domain::Unix);
/// # Ok::<(), anysock_core::Error>(())
/// ```
///
/// [ip(7)]: https://man7.org/linux/man-pages/man7/ip.7.html
/// [ipv6(7)]: https://man7.org/linux/man-pages/man7/ipv6.7.html
/// [unix(7)]: https://man7.org/linux/man-pages/man7/unix.7.html
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[doc(alias = "sockaddr")]
#[doc(alias = "sockaddr_storage")]
#[doc(alias = "sockaddr_in")]
#[doc(alias = "sockaddr_in6")]
pub enum SocketAddr {
    /// An IPv4 address and port (`sockaddr_in`).
    V4(SocketAddrV4),
    /// An IPv6 address, port, flow info and scope id (`sockaddr_in6`).
    V6(SocketAddrV6),
    /// A Unix-domain address (`sockaddr_un`).
    Unix(UnixAddr),
}

impl SocketAddr {
    /// The domain a socket needs to use this address.
    pub const fn domain(&self) -> Domain {
        match self {
            SocketAddr::V4(_) => Domain::Inet,
            SocketAddr::V6(_) => Domain::Inet6,
            SocketAddr::Unix(_) => Domain::Unix,
        }
    }

    /// The address, checked for a socket of `domain` as every backend checks it before the
    /// call: [`crate::ErrorKind::InvalidInput`] when it is of another domain (C would pass it
    /// on and let the kernel guess; an IPv4 address for an IPv6 socket is written
    /// `::ffff:a.b.c.d`).
    #[inline]
    pub fn check_domain(&self, domain: Domain) -> crate::Result<&Self> {
        if self.domain() == domain {
            Ok(self)
        } else {
            Err(crate::Error::new(crate::ErrorKind::InvalidInput))
        }
    }

    /// The IP address and port, for the Internet domains.
    pub const fn as_inet(&self) -> Option<core::net::SocketAddr> {
        match *self {
            SocketAddr::V4(a) => Some(core::net::SocketAddr::V4(a)),
            SocketAddr::V6(a) => Some(core::net::SocketAddr::V6(a)),
            SocketAddr::Unix(_) => None,
        }
    }

    /// The Unix-domain address, for the Unix domain.
    pub const fn as_unix(&self) -> Option<&UnixAddr> {
        match self {
            SocketAddr::Unix(u) => Some(u),
            _ => None,
        }
    }

    /// The port, for the Internet domains.
    pub const fn port(&self) -> Option<u16> {
        match self {
            SocketAddr::V4(a) => Some(a.port()),
            SocketAddr::V6(a) => Some(a.port()),
            SocketAddr::Unix(_) => None,
        }
    }

    /// The same address with another port; Unix addresses are returned unchanged.
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        match &mut self {
            SocketAddr::V4(a) => a.set_port(port),
            SocketAddr::V6(a) => a.set_port(port),
            SocketAddr::Unix(_) => {}
        }
        self
    }

    /// The wildcard address of an Internet domain with port 0 (`INADDR_ANY` / `in6addr_any`), or
    /// the unnamed Unix address.
    #[doc(alias = "INADDR_ANY")]
    #[doc(alias = "in6addr_any")]
    pub const fn unspecified(domain: Domain) -> Self {
        match domain {
            Domain::Inet => SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)),
            Domain::Inet6 => SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0)),
            Domain::Unix => SocketAddr::Unix(UnixAddr::unnamed()),
        }
    }

    /// The loopback address of an Internet domain with port 0 (`INADDR_LOOPBACK` /
    /// `in6addr_loopback`); `None` for the Unix domain.
    #[doc(alias = "INADDR_LOOPBACK")]
    pub const fn loopback(domain: Domain) -> Option<Self> {
        match domain {
            Domain::Inet => Some(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))),
            Domain::Inet6 => Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::LOCALHOST,
                0,
                0,
                0,
            ))),
            Domain::Unix => None,
        }
    }
}

impl From<core::net::SocketAddr> for SocketAddr {
    fn from(a: core::net::SocketAddr) -> Self {
        match a {
            core::net::SocketAddr::V4(a) => SocketAddr::V4(a),
            core::net::SocketAddr::V6(a) => SocketAddr::V6(a),
        }
    }
}

impl From<SocketAddrV4> for SocketAddr {
    fn from(a: SocketAddrV4) -> Self {
        SocketAddr::V4(a)
    }
}

impl From<SocketAddrV6> for SocketAddr {
    fn from(a: SocketAddrV6) -> Self {
        SocketAddr::V6(a)
    }
}

impl From<UnixAddr> for SocketAddr {
    fn from(a: UnixAddr) -> Self {
        SocketAddr::Unix(a)
    }
}

impl<I: Into<IpAddr>> From<(I, u16)> for SocketAddr {
    fn from((ip, port): (I, u16)) -> Self {
        core::net::SocketAddr::new(ip.into(), port).into()
    }
}

/// Fails with [`ErrorKind::InvalidInput`] for a Unix-domain address.
impl TryFrom<SocketAddr> for core::net::SocketAddr {
    type Error = Error;
    fn try_from(a: SocketAddr) -> Result<Self> {
        a.as_inet().ok_or(Error::new(ErrorKind::InvalidInput))
    }
}

/// Fails with [`ErrorKind::InvalidInput`] for an address that is not Unix-domain.
impl TryFrom<SocketAddr> for UnixAddr {
    type Error = Error;
    fn try_from(a: SocketAddr) -> Result<Self> {
        a.as_unix()
            .copied()
            .ok_or(Error::new(ErrorKind::InvalidInput))
    }
}

/// Parses `IPv4:port`, `[IPv6%scope]:port` or `unix:...` (see [`SocketAddr`]).
///
/// Errors with [`ErrorKind::InvalidInput`] for anything else, including a port out of range, a
/// missing port, a Unix path over [`crate::unix_addr::MAX_PATH_LEN`] bytes, or a bad escape.
impl FromStr for SocketAddr {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        if let Some(rest) = s.strip_prefix("unix:") {
            return unix_addr::parse(rest).map(SocketAddr::Unix);
        }
        core::net::SocketAddr::from_str(s)
            .map(SocketAddr::from)
            .map_err(|_| Error::new(ErrorKind::InvalidInput))
    }
}

impl fmt::Display for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketAddr::V4(a) => fmt::Display::fmt(a, f),
            SocketAddr::V6(a) => fmt::Display::fmt(a, f),
            SocketAddr::Unix(u) => fmt::Display::fmt(u, f),
        }
    }
}

impl fmt::Debug for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketAddr::V6(a) if a.flowinfo() != 0 => {
                write!(f, "{a} (flowinfo {:#x})", a.flowinfo())
            }
            _ => fmt::Display::fmt(self, f),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn parses_every_form() {
        let cases = [
            "127.0.0.1:80",
            "[::1]:80",
            "[::1%1]:80",
            "unix:/tmp/x.sock",
            "unix:@name",
            "unix:",
            "unix:@a\\x00b",
        ];
        for text in cases {
            let a: SocketAddr = text.parse().unwrap();
            assert_eq!(a.to_string(), text, "round trip");
        }
        let a: SocketAddr = "[::1%7]:80".parse().unwrap();
        match a {
            SocketAddr::V6(v6) => assert_eq!(v6.scope_id(), 7),
            _ => panic!("not v6"),
        }
    }

    #[test]
    fn rejects_bad_text() {
        let long_path = ["unix:/", &"a".repeat(107)].concat();
        let bad = [
            "",
            "127.0.0.1",
            "127.0.0.1:65536",
            "::1:80",
            "[::1]",
            "localhost:80",
            "300.0.0.1:1",
            "unix:a\0b",
            "unix:\\q",
            "tcp://1.2.3.4:5",
            long_path.as_str(),
        ];
        for text in bad {
            let e = text.parse::<SocketAddr>().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{text:?}");
        }
    }

    #[test]
    fn conversions() {
        let std_addr = core::net::SocketAddr::from(([127, 0, 0, 1], 9));
        let a = SocketAddr::from(std_addr);
        assert_eq!(core::net::SocketAddr::try_from(a).unwrap(), std_addr);
        let u = SocketAddr::Unix(UnixAddr::pathname("/x").unwrap());
        assert!(core::net::SocketAddr::try_from(u).is_err());
        assert_eq!(a.with_port(10).port(), Some(10));
    }
}
