//! `Resolve`: host names to addresses and back (`getaddrinfo`, `getnameinfo`).

use core::net::IpAddr;

use crate::error::Result;

/// Which addresses a name lookup asks for (`ai_family` of `getaddrinfo`'s hints).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[doc(alias = "ai_family")]
pub enum Family {
    /// IPv4 addresses only (`AF_INET`: `A` records).
    #[doc(alias = "AF_INET")]
    Inet,
    /// IPv6 addresses only (`AF_INET6`: `AAAA` records).
    #[doc(alias = "AF_INET6")]
    Inet6,
    /// Both, in the order the resolver prefers (`AF_UNSPEC`).
    #[default]
    #[doc(alias = "AF_UNSPEC")]
    Any,
}

impl Family {
    /// Whether `addr` is of this family.
    pub const fn includes(self, addr: &IpAddr) -> bool {
        matches!(
            (self, addr),
            (Family::Any, _) | (Family::Inet, IpAddr::V4(_)) | (Family::Inet6, IpAddr::V6(_))
        )
    }
}

/// Name resolution: a stack that knows host names (the POSIX backend through the system's
/// resolver, a simulated network through the names its test declares).
///
/// Both calls block until the answer is known; [`crate::asynch::Resolve`] is the async
/// counterpart. An address literal (`"10.0.0.2"`, `"::1"`) resolves to itself, without asking
/// anyone.
///
/// ```no_run
/// use anysock_core::{Family, Resolve};
/// use core::net::IpAddr;
///
/// fn first_v4<R: Resolve>(resolver: &R, host: &str) -> anysock_core::Result<IpAddr> {
///     let mut addrs = [IpAddr::from([0, 0, 0, 0]); 4];
///     let n = resolver.resolve(host, Family::Inet, &mut addrs)?;
///     Ok(addrs[..n][0]) // n >= 1 on success
/// }
/// ```
pub trait Resolve {
    /// [`getaddrinfo(host, NULL, &hints, &res)`][getaddrinfo(3)]: the addresses of `host`, of
    /// `family`, written to the start of `out` in the resolver's order (duplicates dropped);
    /// returns how many, at least one. Addresses beyond `out`'s length are left out.
    ///
    /// Errors: [`crate::ErrorKind::HostNotFound`] when the name does not exist or has no
    /// address of `family` (`EAI_NONAME`, `EAI_NODATA`); [`crate::ErrorKind::TimedOut`] when
    /// the name servers did not answer (`EAI_AGAIN`: try again later);
    /// [`crate::ErrorKind::InvalidInput`] for an empty `out`, an empty name, or a name with a
    /// NUL byte or longer than 253 bytes (the most DNS allows).
    ///
    /// [getaddrinfo(3)]: https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
    #[doc(alias = "getaddrinfo")]
    #[doc(alias = "gethostbyname")]
    fn resolve(&self, host: &str, family: Family, out: &mut [IpAddr]) -> Result<usize>;

    /// [`getnameinfo(addr, NI_NAMEREQD)`][getnameinfo(3)]: the name of the host with address
    /// `addr`, written to the start of `name`; returns its length in bytes.
    ///
    /// Errors: [`crate::ErrorKind::HostNotFound`] when the address has no name;
    /// [`crate::ErrorKind::InvalidInput`] when the name does not fit in `name` (255 bytes
    /// always suffice).
    ///
    /// [getnameinfo(3)]: https://man7.org/linux/man-pages/man3/getnameinfo.3.html
    #[doc(alias = "getnameinfo")]
    #[doc(alias = "gethostbyaddr")]
    fn reverse(&self, addr: IpAddr, name: &mut [u8]) -> Result<usize>;
}

/// The longest host name DNS allows, in bytes (RFC 1035: 253 characters of text).
pub const MAX_HOST_NAME: usize = 253;

/// The shared input rule of every resolver: the checks [`Resolve::resolve`] makes before
/// asking anyone, and the literal shortcut. Returns `Some(count)` when `host` is an address
/// literal (written to `out`), `None` when the name must be looked up.
///
/// Errors: [`crate::ErrorKind::InvalidInput`] for an empty `out`, an empty name, a NUL byte
/// or more than [`MAX_HOST_NAME`] bytes; [`crate::ErrorKind::HostNotFound`] for a literal of
/// the other family.
pub fn literal(host: &str, family: Family, out: &mut [IpAddr]) -> Result<Option<usize>> {
    use crate::error::{Error, ErrorKind};
    if out.is_empty() || host.is_empty() || host.len() > MAX_HOST_NAME || host.contains('\0') {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    let literal = host
        .parse::<IpAddr>()
        .ok()
        .or_else(|| host.strip_prefix('[')?.strip_suffix(']')?.parse().ok());
    match literal {
        Some(ip) if family.includes(&ip) => {
            out[0] = ip;
            Ok(Some(1))
        }
        Some(_) => Err(Error::new(ErrorKind::HostNotFound)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn literals_answer_themselves_and_bad_names_are_refused_before_any_lookup() {
        let mut out = [IpAddr::from([0, 0, 0, 0]); 2];
        assert_eq!(literal("10.0.0.2", Family::Any, &mut out), Ok(Some(1)));
        assert_eq!(out[0], IpAddr::from([10, 0, 0, 2]));
        assert_eq!(literal("[::1]", Family::Inet6, &mut out), Ok(Some(1)));
        assert_eq!(literal("example", Family::Any, &mut out), Ok(None));
        let kind = |r: Result<Option<usize>>| r.unwrap_err().kind();
        assert_eq!(
            kind(literal("::1", Family::Inet, &mut out)),
            ErrorKind::HostNotFound
        );
        assert_eq!(
            kind(literal("", Family::Any, &mut out)),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            kind(literal("a\0b", Family::Any, &mut out)),
            ErrorKind::InvalidInput
        );
        let long = core::str::from_utf8(&[b'a'; MAX_HOST_NAME + 1]).unwrap();
        assert_eq!(
            kind(literal(long, Family::Any, &mut out)),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            kind(literal("x", Family::Any, &mut [])),
            ErrorKind::InvalidInput
        );
    }
}
