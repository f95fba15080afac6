//! The system's resolver: `getaddrinfo` and `getnameinfo`. What they consult (`/etc/hosts`,
//! DNS, mDNS, ...) is the system's choice (`nsswitch.conf`); the calls block until it answers.

use core::net::IpAddr;
use core::{mem, ptr};

use libc::{addrinfo, c_char, c_int};

use anysock_core::resolve::{self, Family, MAX_HOST_NAME};
use anysock_core::{Domain, Error, ErrorKind, Result, SocketAddr};

use super::addr::{with_sockaddr, SockAddr};

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        /// "The name exists but has no address of that family" (glibc, bionic).
        const EAI_NODATA: Option<c_int> = Some(libc::EAI_NODATA);
    } else {
        const EAI_NODATA: Option<c_int> = None;
    }
}

/// `getaddrinfo`'s list, freed with `freeaddrinfo` when dropped: on every path out, early
/// returns and panics included.
struct AddrInfoList(*mut addrinfo);

impl Drop for AddrInfoList {
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful `getaddrinfo` and is freed only here, once.
        unsafe { libc::freeaddrinfo(self.0) };
    }
}

/// `getaddrinfo(host, NULL, {family, SOCK_STREAM}, &list)`: the addresses of `host`, without
/// duplicates, into `out`. The rule for literals and bad names is core's
/// ([`resolve::literal`]); `SOCK_STREAM` asks for one entry per address rather than one per
/// socket type.
pub(crate) fn resolve(host: &str, family: Family, out: &mut [IpAddr]) -> Result<usize> {
    if let Some(n) = resolve::literal(host, family, out)? {
        return Ok(n);
    }
    // `literal` checked the length and the absence of NUL bytes; the zeroes end the string.
    let mut name = [0u8; MAX_HOST_NAME + 1];
    name[..host.len()].copy_from_slice(host.as_bytes());
    // SAFETY: `addrinfo` is integers and pointers; all-zero bytes (null pointers) are valid.
    let mut hints: addrinfo = unsafe { mem::zeroed() };
    hints.ai_family = match family {
        Family::Inet => libc::AF_INET,
        Family::Inet6 => libc::AF_INET6,
        Family::Any => libc::AF_UNSPEC,
    };
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut list: *mut addrinfo = ptr::null_mut();
    // SAFETY: `name` is NUL-terminated, `hints` a valid `addrinfo`, `list` a place for the
    // result; no service is asked for (null).
    let rc = unsafe { libc::getaddrinfo(name.as_ptr().cast(), ptr::null(), &hints, &mut list) };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    let list = AddrInfoList(list);
    let mut found = 0;
    let mut node = list.0;
    while !node.is_null() && found < out.len() {
        // SAFETY: `node` is an entry of the list `getaddrinfo` returned, alive until `list`
        // is dropped.
        let entry = unsafe { &*node };
        node = entry.ai_next;
        let Some(ip) = entry_ip(entry) else { continue };
        if !out[..found].contains(&ip) {
            out[found] = ip;
            found += 1;
        }
    }
    if found == 0 {
        return Err(Error::new(ErrorKind::HostNotFound));
    }
    Ok(found)
}

/// The IP address of one `getaddrinfo` entry; `None` for a family other than IPv4 and IPv6.
fn entry_ip(entry: &addrinfo) -> Option<IpAddr> {
    let domain = match entry.ai_family {
        libc::AF_INET => Domain::Inet,
        libc::AF_INET6 => Domain::Inet6,
        _ => return None,
    };
    let mut addr = SockAddr::empty();
    let len = entry.ai_addrlen;
    if entry.ai_addr.is_null() || len as usize > mem::size_of::<libc::sockaddr_storage>() {
        return None;
    }
    // SAFETY: `ai_addr` points to `ai_addrlen` bytes of address, which fit the storage (checked
    // above); the two do not overlap.
    unsafe {
        ptr::copy_nonoverlapping(
            entry.ai_addr.cast::<u8>(),
            addr.as_mut_ptr().cast::<u8>(),
            len as usize,
        )
    };
    *addr.len_mut() = len;
    Some(addr.to_socket_addr(domain).ok()?.as_inet()?.ip())
}

/// `getnameinfo(addr, NI_NAMEREQD)`: the name of the host with address `ip`, into `name`.
pub(crate) fn reverse(ip: IpAddr, name: &mut [u8]) -> Result<usize> {
    let sa = SocketAddr::from(core::net::SocketAddr::new(ip, 0));
    let mut host = [0u8; 1025]; // NI_MAXHOST on glibc, the largest of the systems
    let rc = with_sockaddr(&sa, sa.domain(), |ptr, len| {
        // SAFETY: `ptr`/`len` is a valid address for the call's duration; `host` is writable
        // for its length; no service is asked for (null, 0).
        Ok(unsafe {
            libc::getnameinfo(
                ptr,
                len,
                host.as_mut_ptr().cast::<c_char>(),
                host.len() as libc::socklen_t,
                ptr::null_mut(),
                0,
                libc::NI_NAMEREQD,
            )
        })
    })?;
    if rc != 0 {
        return Err(gai_error(rc));
    }
    let len = host.iter().position(|&b| b == 0).unwrap_or(host.len());
    let dst = name
        .get_mut(..len)
        .ok_or(Error::new(ErrorKind::InvalidInput))?;
    dst.copy_from_slice(&host[..len]);
    Ok(len)
}

/// A `getaddrinfo`/`getnameinfo` failure as an [`Error`]. Their codes are not `errno` values,
/// so none is kept as the OS code, except for `EAI_SYSTEM`, which means "see `errno`".
fn gai_error(rc: c_int) -> Error {
    let kind = match rc {
        libc::EAI_NONAME => ErrorKind::HostNotFound,
        rc if Some(rc) == EAI_NODATA => ErrorKind::HostNotFound,
        libc::EAI_AGAIN => ErrorKind::TimedOut,
        libc::EAI_MEMORY => ErrorKind::OutOfMemory,
        libc::EAI_FAMILY => ErrorKind::Unsupported,
        libc::EAI_OVERFLOW | libc::EAI_BADFLAGS | libc::EAI_SERVICE | libc::EAI_SOCKTYPE => {
            ErrorKind::InvalidInput
        }
        libc::EAI_SYSTEM => return super::errno::from_errno(super::errno::errno()),
        _ => ErrorKind::Other,
    };
    Error::new(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_resolves_and_an_invalid_name_is_host_not_found() {
        let mut out = [IpAddr::from([0, 0, 0, 0]); 4];
        let n = resolve("localhost", Family::Inet, &mut out).unwrap();
        assert!(out[..n].contains(&IpAddr::from([127, 0, 0, 1])));
        // `.invalid` is reserved never to exist (RFC 6761): answered without a name server.
        let e = resolve("no-such-host.invalid", Family::Any, &mut out).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::HostNotFound);
        assert_eq!(e.raw_os_error(), None);
    }
}
