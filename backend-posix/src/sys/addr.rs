//! [`SocketAddr`] to and from `sockaddr_storage`: the only code that knows the C layouts.

use core::mem::{self, size_of, MaybeUninit};
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use core::ptr;
use core::slice;

use libc::{
    c_int, sa_family_t, sockaddr, sockaddr_in, sockaddr_in6, sockaddr_storage, sockaddr_un,
    socklen_t,
};

use anysock_core::unix_addr::SUN_PATH_CAPACITY;
use anysock_core::{Domain, Error, ErrorKind, Result, SocketAddr, UnixAddr, UnixAddrKind};

/// Bytes before `sun_path` in `sockaddr_un`.
const SUN_PATH_OFFSET: usize = mem::offset_of!(sockaddr_un, sun_path);

/// The `AF_*` value of a domain.
pub(crate) fn family(domain: Domain) -> c_int {
    match domain {
        Domain::Unix => libc::AF_UNIX,
        Domain::Inet => libc::AF_INET,
        Domain::Inet6 => libc::AF_INET6,
    }
}

/// The domain of an `AF_*` value, when it is one anysock speaks.
pub(crate) fn domain_of(family: c_int) -> Option<Domain> {
    match family {
        libc::AF_UNIX => Some(Domain::Unix),
        libc::AF_INET => Some(Domain::Inet),
        libc::AF_INET6 => Some(Domain::Inet6),
        _ => None,
    }
}

/// Encodes `addr` for a socket of `domain` on the stack and hands `call` a pointer to it and
/// its length: the address lives exactly as long as the syscall needs it, only its own bytes
/// are written, and every family meets `call` at one place (this is on the path of every
/// `sendto`: one call site keeps its result out of a merge of three).
///
/// Errors with [`ErrorKind::InvalidInput`] when `addr` is of another domain (C would pass it on
/// and let the kernel guess), or is a Unix path too long for this platform's `sun_path`; with
/// [`ErrorKind::Unsupported`] for abstract names where there are none.
#[inline]
pub(crate) fn with_sockaddr<T>(
    addr: &SocketAddr,
    domain: Domain,
    call: impl FnOnce(*const sockaddr, socklen_t) -> Result<T>,
) -> Result<T> {
    let mut raw = MaybeUninit::<sockaddr_storage>::uninit();
    let len = match addr.check_domain(domain)? {
        SocketAddr::V4(a) => {
            // SAFETY: the storage has room for, and the alignment of, a `sockaddr_in`.
            unsafe { ptr::write(raw.as_mut_ptr().cast::<sockaddr_in>(), encode_v4(a)) };
            size_of::<sockaddr_in>() as socklen_t
        }
        SocketAddr::V6(a) => {
            // SAFETY: the storage has room for, and the alignment of, a `sockaddr_in6`.
            unsafe { ptr::write(raw.as_mut_ptr().cast::<sockaddr_in6>(), encode_v6(a)) };
            size_of::<sockaddr_in6>() as socklen_t
        }
        SocketAddr::Unix(u) => {
            let sun = raw.as_mut_ptr().cast::<sockaddr_un>();
            // SAFETY: the storage has room for, and the alignment of, a `sockaddr_un`; all-zero
            // bytes are a valid one, so the reference is to an initialised value.
            let sun = unsafe {
                ptr::write(sun, mem::zeroed());
                &mut *sun
            };
            encode_unix(u, sun)?
        }
    };
    // The first `len` bytes of `raw` are the address written above.
    call(raw.as_ptr().cast(), len)
}

#[inline]
fn encode_v4(a: &SocketAddrV4) -> sockaddr_in {
    // SAFETY: plain old data; all-zero bytes are a valid value.
    let mut sin: sockaddr_in = unsafe { mem::zeroed() };
    sin.sin_family = libc::AF_INET as sa_family_t;
    sin.sin_port = a.port().to_be();
    sin.sin_addr = in_addr(*a.ip());
    set_len_field(&mut sin, size_of::<sockaddr_in>());
    sin
}

#[inline]
fn encode_v6(a: &SocketAddrV6) -> sockaddr_in6 {
    // SAFETY: plain old data; all-zero bytes are a valid value.
    let mut sin6: sockaddr_in6 = unsafe { mem::zeroed() };
    sin6.sin6_family = libc::AF_INET6 as sa_family_t;
    sin6.sin6_port = a.port().to_be();
    sin6.sin6_flowinfo = a.flowinfo().to_be();
    sin6.sin6_addr.s6_addr = a.ip().octets();
    sin6.sin6_scope_id = a.scope_id();
    set_len_field(&mut sin6, size_of::<sockaddr_in6>());
    sin6
}

/// Writes `addr` into `sun`, which is all zeros, and returns its length. Out of line: the
/// path of every `sendto` carries no 110-byte copy.
#[inline(never)]
fn encode_unix(addr: &UnixAddr, sun: &mut sockaddr_un) -> Result<socklen_t> {
    sun.sun_family = libc::AF_UNIX as sa_family_t;
    let room = sun.sun_path.len();
    let used = match addr.kind() {
        UnixAddrKind::Unnamed => 0,
        UnixAddrKind::Pathname(path) => {
            if path.len() > room {
                return Err(Error::new(ErrorKind::InvalidInput));
            }
            copy_bytes(&mut sun.sun_path, path);
            // The terminating NUL counts when it fits; Linux also takes a full sun_path.
            (path.len() + 1).min(room)
        }
        UnixAddrKind::Abstract(name) => {
            if !HAS_ABSTRACT {
                return Err(Error::new(ErrorKind::Unsupported));
            }
            if name.len() + 1 > room {
                return Err(Error::new(ErrorKind::InvalidInput));
            }
            copy_bytes(&mut sun.sun_path[1..], name);
            name.len() + 1
        }
    };
    set_len_field(sun, SUN_PATH_OFFSET + used);
    Ok((SUN_PATH_OFFSET + used) as socklen_t)
}

/// Room for an address the kernel returns (`accept`, `recvfrom`, `getsockname`...), decoded
/// by [`SockAddr::to_socket_addr`].
///
/// Nothing is cleared beforehand, so the path of every `recvfrom` writes one word here, not
/// 128 bytes. A call that fills it writes `len` bytes (at most its size) and sets `len`;
/// decoding reads only what `len` says was written.
pub(crate) struct SockAddr {
    storage: MaybeUninit<sockaddr_storage>,
    len: socklen_t,
}

/// The bytes of a [`SockAddr`] up to the end of its family field.
const FAMILY_END: usize = mem::offset_of!(sockaddr, sa_family) + size_of::<sa_family_t>();

impl SockAddr {
    /// Room for any address the kernel returns.
    #[inline]
    pub(crate) fn empty() -> Self {
        SockAddr {
            storage: MaybeUninit::uninit(),
            len: size_of::<sockaddr_storage>() as socklen_t,
        }
    }

    #[inline]
    pub(crate) fn as_mut_ptr(&mut self) -> *mut sockaddr {
        self.storage.as_mut_ptr().cast()
    }

    /// The `AF_*` value in the family field (`AF_UNSPEC` when the call wrote no family).
    #[inline]
    pub(crate) fn family(&self) -> c_int {
        if (self.len as usize) < FAMILY_END {
            return libc::AF_UNSPEC;
        }
        let at = mem::offset_of!(sockaddr, sa_family);
        // SAFETY: the call wrote the first `len` bytes of the storage, which include the family
        // field; the storage is aligned for it.
        let family: sa_family_t =
            unsafe { ptr::read(self.storage.as_ptr().cast::<u8>().add(at).cast()) };
        c_int::from(family)
    }

    #[inline]
    pub(crate) fn len(&self) -> socklen_t {
        self.len
    }

    #[inline]
    pub(crate) fn len_mut(&mut self) -> &mut socklen_t {
        &mut self.len
    }

    /// Decodes what the kernel wrote. `domain` is the socket's: the kernel reports an unnamed
    /// Unix peer with length 0, which carries no family of its own.
    ///
    /// The Internet families are decoded here, on the path of every `recvfrom`; a Unix address
    /// goes out of line. (Written so, the address reaches the caller in one copy: 105
    /// instructions per datagram by `benches/callgrind.sh udp`, where one `match` on the
    /// family, or a Unix decoder returning the whole `SocketAddr`, take 111 or more.)
    #[inline(always)]
    pub(crate) fn to_socket_addr(&self, domain: Domain) -> Result<SocketAddr> {
        if let Some(sin) = self.get::<sockaddr_in>() {
            if c_int::from(sin.sin_family) == libc::AF_INET {
                return Ok(SocketAddr::V4(decode_v4(&sin)));
            }
        }
        if let Some(sin6) = self.get::<sockaddr_in6>() {
            if c_int::from(sin6.sin6_family) == libc::AF_INET6 {
                return Ok(SocketAddr::V6(decode_v6(&sin6)));
            }
        }
        self.to_unix_addr(domain).map(SocketAddr::Unix)
    }

    /// [`SockAddr::to_socket_addr`] for what is not an Internet address: on a Unix-domain
    /// socket, unnamed when the call wrote no family (the kernel reports an unnamed peer with
    /// length 0). An Internet socket's calls always report their own family, so anything else
    /// there is [`ErrorKind::Unsupported`].
    #[inline(never)]
    fn to_unix_addr(&self, domain: Domain) -> Result<UnixAddr> {
        if domain != Domain::Unix {
            return Err(Error::new(ErrorKind::Unsupported));
        }
        let len = (self.len as usize).min(size_of::<sockaddr_storage>());
        match self.family() {
            libc::AF_UNIX => {
                // SAFETY: a call wrote the first `len` bytes of the storage (at most its size).
                let written =
                    unsafe { slice::from_raw_parts(self.storage.as_ptr().cast::<u8>(), len) };
                let path = written.get(SUN_PATH_OFFSET..).unwrap_or_default();
                let path = path.get(..SUN_PATH_CAPACITY).unwrap_or(path);
                UnixAddr::from_sun_path(path)
            }
            libc::AF_UNSPEC if len < FAMILY_END => Ok(UnixAddr::unnamed()),
            _ => Err(Error::new(ErrorKind::Unsupported)),
        }
    }

    /// The start of the storage as `T`, when the call wrote that many bytes.
    #[inline(always)]
    fn get<T: Copy>(&self) -> Option<T> {
        const { assert!(size_of::<T>() <= size_of::<sockaddr_storage>()) };
        if (self.len as usize) < size_of::<T>() {
            return None;
        }
        // SAFETY: the storage is large enough and aligned for every `sockaddr_*` type; its
        // first `len` bytes, at least `size_of::<T>()`, were written by the call, and `T` is
        // plain old data for which any bytes are a valid value.
        Some(unsafe { ptr::read(self.storage.as_ptr().cast::<T>()) })
    }
}

#[inline(always)]
fn decode_v4(sin: &sockaddr_in) -> SocketAddrV4 {
    SocketAddrV4::new(ipv4(sin.sin_addr), u16::from_be(sin.sin_port))
}

#[inline(always)]
fn decode_v6(sin6: &sockaddr_in6) -> SocketAddrV6 {
    SocketAddrV6::new(
        ipv6(sin6.sin6_addr),
        u16::from_be(sin6.sin6_port),
        u32::from_be(sin6.sin6_flowinfo),
        sin6.sin6_scope_id,
    )
}

/// An IPv4 address as the kernel holds it (network byte order in memory).
#[inline(always)]
pub(crate) fn in_addr(ip: Ipv4Addr) -> libc::in_addr {
    libc::in_addr {
        s_addr: u32::from_ne_bytes(ip.octets()),
    }
}

/// The IPv4 address the kernel holds in `addr`.
#[inline(always)]
pub(crate) fn ipv4(addr: libc::in_addr) -> Ipv4Addr {
    Ipv4Addr::from(addr.s_addr.to_ne_bytes())
}

/// The IPv6 address the kernel holds in `addr`.
#[inline(always)]
pub(crate) fn ipv6(addr: libc::in6_addr) -> Ipv6Addr {
    Ipv6Addr::from(addr.s6_addr)
}

fn copy_bytes(dst: &mut [libc::c_char], src: &[u8]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = s as libc::c_char;
    }
}

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        const HAS_ABSTRACT: bool = true;
        /// Linux addresses carry no length field.
        fn set_len_field<T>(_addr: &mut T, _len: usize) {}
    } else {
        const HAS_ABSTRACT: bool = false;
        /// The BSD family's addresses start with their own length (`sin_len`, `sun_len`...).
        fn set_len_field<T>(addr: &mut T, len: usize) {
            // SAFETY: every `sockaddr_*` type here starts with its one-byte length field.
            unsafe { ptr::write(ptr::from_mut(addr).cast::<u8>(), len as u8) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes `addr` as a socket call would, and decodes it as from the kernel.
    fn round_trip(addr: &SocketAddr) -> Result<SocketAddr> {
        with_sockaddr(addr, addr.domain(), |ptr, len| {
            let mut raw = SockAddr::empty();
            // SAFETY: `ptr` points to `len` initialised bytes, at most the storage's size, which
            // is what the kernel would copy too.
            unsafe {
                ptr::copy_nonoverlapping(
                    ptr.cast::<u8>(),
                    raw.as_mut_ptr().cast::<u8>(),
                    len as usize,
                )
            };
            *raw.len_mut() = len;
            raw.to_socket_addr(addr.domain())
        })
    }

    #[test]
    fn round_trips_every_form() {
        let cases = [
            "127.0.0.1:80",
            "[::1]:443",
            "[fe80::1%3]:9",
            "unix:/tmp/a.sock",
            "unix:@abstract\\x00name",
            "unix:",
        ];
        for text in cases {
            let addr: SocketAddr = text.parse().unwrap();
            assert_eq!(round_trip(&addr).unwrap(), addr, "{text}");
        }
    }

    #[test]
    fn flowinfo_survives() {
        let addr = SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 1, 0xabcde, 2));
        assert_eq!(round_trip(&addr).unwrap(), addr);
    }

    #[test]
    fn wrong_domain_is_invalid_input() {
        let v6: SocketAddr = "[::1]:1".parse().unwrap();
        let e = with_sockaddr(&v6, Domain::Inet, |_, _| Ok(())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn kernel_lengths_decode() {
        let mut raw = SockAddr::empty();
        *raw.len_mut() = 0;
        assert_eq!(
            raw.to_socket_addr(Domain::Unix).unwrap(),
            SocketAddr::Unix(UnixAddr::unnamed())
        );
    }
}
