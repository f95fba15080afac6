//! The connection calls: `socket`, `bind`, `listen`, `accept`, `connect`, `shutdown`,
//! `getsockname`, `getpeername`.

use core::time::Duration;

use libc::c_int;

use super::addr::{self, SockAddr};
use super::{os, retry, sockopt, Fd};
use anysock_core::{
    Domain, Error, ErrorKind, Interest, PollFd, Result, Shutdown, SocketAddr, Type,
};

/// The `SOCK_*` value of a type.
pub(crate) fn type_value(ty: Type) -> c_int {
    match ty {
        Type::Stream => libc::SOCK_STREAM,
        Type::Datagram => libc::SOCK_DGRAM,
        Type::SeqPacket => libc::SOCK_SEQPACKET,
    }
}

/// The type of a `SOCK_*` value, when it is one anysock speaks.
pub(crate) fn type_of(value: c_int) -> Option<Type> {
    match value {
        libc::SOCK_STREAM => Some(Type::Stream),
        libc::SOCK_DGRAM => Some(Type::Datagram),
        libc::SOCK_SEQPACKET => Some(Type::SeqPacket),
        _ => None,
    }
}

/// `socket(domain, type, 0)`, close-on-exec and without `SIGPIPE`.
pub(crate) fn socket(domain: Domain, ty: Type) -> Result<Fd> {
    os::socket(addr::family(domain), type_value(ty))
}

/// `socketpair(AF_UNIX, type, 0)`, close-on-exec and without `SIGPIPE`.
pub(crate) fn socketpair(ty: Type) -> Result<(Fd, Fd)> {
    os::socketpair(libc::AF_UNIX, type_value(ty))
}

/// `bind(fd, addr, len)`.
pub(crate) fn bind(fd: &Fd, addr: &SocketAddr, domain: Domain) -> Result<()> {
    addr::with_sockaddr(addr, domain, |ptr, len| {
        // SAFETY: `ptr` points to `len` initialised bytes of a socket address.
        retry(|| unsafe { libc::bind(fd.raw(), ptr, len) })?;
        Ok(())
    })
}

/// `listen(fd, backlog)`; a backlog above `c_int::MAX` is clamped, as the kernel clamps to
/// `somaxconn` anyway.
pub(crate) fn listen(fd: &Fd, backlog: u32) -> Result<()> {
    let backlog = c_int::try_from(backlog).unwrap_or(c_int::MAX);
    // SAFETY: `listen` reads no memory.
    retry(|| unsafe { libc::listen(fd.raw(), backlog) })?;
    Ok(())
}

/// `accept4(fd, &addr, &len, SOCK_CLOEXEC)` (`| SOCK_NONBLOCK` when `nonblocking`): the new
/// connection, in the mode asked for, and its peer's address.
pub(crate) fn accept(fd: &Fd, domain: Domain, nonblocking: bool) -> Result<(Fd, SocketAddr)> {
    let mut peer = SockAddr::empty();
    let len: *mut _ = peer.len_mut();
    // SAFETY: `peer` has room for any address and `len` holds that room's size.
    let new = unsafe { os::accept(fd, peer.as_mut_ptr(), len, nonblocking) }?;
    Ok((new, peer.to_socket_addr(domain)?))
}

/// `connect(fd, addr, len)`.
///
/// On a blocking socket, a signal arriving while the kernel connects does not stop the
/// connection; repeating `connect` then would fail with `EALREADY`. So an interrupted connect
/// waits for the socket to become writable and reports `SO_ERROR` instead.
pub(crate) fn connect(fd: &Fd, addr: &SocketAddr, domain: Domain) -> Result<()> {
    let ret = addr::with_sockaddr(addr, domain, |ptr, len| {
        // SAFETY: `ptr` points to `len` initialised bytes of a socket address.
        Ok(unsafe { libc::connect(fd.raw(), ptr, len) })
    })?;
    if ret == 0 {
        return Ok(());
    }
    let code = super::errno::errno();
    if code != libc::EINTR {
        return Err(super::errno::from_errno(code));
    }
    let mut entry = [PollFd::new(fd.raw(), Interest::WRITABLE)];
    super::poll::poll(&mut entry, None::<Duration>)?;
    match pending_error(fd)? {
        0 => Ok(()),
        code => Err(super::errno::from_errno(code)),
    }
}

/// `getsockopt(fd, SOL_SOCKET, SO_ERROR)`: the pending error's code, 0 for none; reading it
/// clears it.
pub(crate) fn pending_error(fd: &Fd) -> Result<c_int> {
    sockopt::get::<c_int>(fd, libc::SOL_SOCKET, libc::SO_ERROR)
}

/// `shutdown(fd, how)`.
pub(crate) fn shutdown(fd: &Fd, how: Shutdown) -> Result<()> {
    let how = match how {
        Shutdown::Read => libc::SHUT_RD,
        Shutdown::Write => libc::SHUT_WR,
        Shutdown::Both => libc::SHUT_RDWR,
    };
    // SAFETY: `shutdown` reads no memory.
    retry(|| unsafe { libc::shutdown(fd.raw(), how) })?;
    Ok(())
}

/// `getsockname(fd, &addr, &len)`.
pub(crate) fn local_addr(fd: &Fd, domain: Domain) -> Result<SocketAddr> {
    let mut addr = SockAddr::empty();
    let len: *mut _ = addr.len_mut();
    // SAFETY: `addr` has room for any address and `len` holds that room's size.
    retry(|| unsafe { libc::getsockname(fd.raw(), addr.as_mut_ptr(), len) })?;
    addr.to_socket_addr(domain)
}

/// `getpeername(fd, &addr, &len)`.
pub(crate) fn peer_addr(fd: &Fd, domain: Domain) -> Result<SocketAddr> {
    let mut addr = SockAddr::empty();
    let len: *mut _ = addr.len_mut();
    // SAFETY: `addr` has room for any address and `len` holds that room's size.
    retry(|| unsafe { libc::getpeername(fd.raw(), addr.as_mut_ptr(), len) })?;
    addr.to_socket_addr(domain)
}

/// The domain and type of a descriptor obtained elsewhere (`getsockname`'s family, `SO_TYPE`).
///
/// Errors with [`ErrorKind::BadDescriptor`] for something that is not a socket, and
/// [`ErrorKind::Unsupported`] for a socket of a domain or type anysock does not speak.
pub(crate) fn identify(fd: &Fd) -> Result<(Domain, Type)> {
    let mut addr = SockAddr::empty();
    let len: *mut _ = addr.len_mut();
    // SAFETY: `addr` has room for any address and `len` holds that room's size.
    retry(|| unsafe { libc::getsockname(fd.raw(), addr.as_mut_ptr(), len) })?;
    let family = addr.family();
    let domain = addr::domain_of(family).ok_or(Error::new(ErrorKind::Unsupported))?;
    let ty = sockopt::get::<c_int>(fd, libc::SOL_SOCKET, libc::SO_TYPE)?;
    let ty = type_of(ty).ok_or(Error::new(ErrorKind::Unsupported))?;
    Ok((domain, ty))
}
