//! What differs between the supported systems: how a socket is made close-on-exec, how
//! `SIGPIPE` is avoided, and where `errno` lives.
//!
//! - Linux, Android, FreeBSD, NetBSD, OpenBSD, DragonFly: `SOCK_CLOEXEC` on `socket`,
//!   `socketpair` and `accept4`, atomically, so no `fork`+`exec` in another thread can inherit
//!   the descriptor; `MSG_NOSIGNAL` on every send.
//! - macOS, iOS: no atomic flags; `fcntl(FD_CLOEXEC)` right after creation, and `SO_NOSIGPIPE`
//!   on the socket instead of `MSG_NOSIGNAL`.

use libc::{c_int, sockaddr, socklen_t};

use super::{retry, Fd};
use anysock_core::Result;

cfg_if::cfg_if! {
    if #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    ))] {
        /// Added to every send so that writing to a closed peer is `EPIPE`, not a signal.
        pub(crate) const SEND_FLAGS: c_int = libc::MSG_NOSIGNAL;

        /// `socket(domain, ty | SOCK_CLOEXEC, 0)`.
        pub(crate) fn socket(domain: c_int, ty: c_int) -> Result<Fd> {
            // SAFETY: `socket` reads no memory.
            let fd = retry(|| unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, 0) })?;
            // SAFETY: `socket` just returned this descriptor; nothing else owns it.
            Ok(unsafe { Fd::from_raw(fd) })
        }

        /// `socketpair(domain, ty | SOCK_CLOEXEC, 0)`.
        pub(crate) fn socketpair(domain: c_int, ty: c_int) -> Result<(Fd, Fd)> {
            let mut fds = [0 as c_int; 2];
            // SAFETY: `fds` has room for the two descriptors `socketpair` writes.
            retry(|| unsafe {
                libc::socketpair(domain, ty | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr())
            })?;
            // SAFETY: `socketpair` succeeded, so both are new descriptors nothing else owns.
            Ok(unsafe { (Fd::from_raw(fds[0]), Fd::from_raw(fds[1])) })
        }

        /// `accept4(fd, addr, len, SOCK_CLOEXEC)`, with `SOCK_NONBLOCK` too when `nonblocking`:
        /// the new descriptor's mode in the same call.
        ///
        /// # Safety
        /// `addr` must point to `*len` writable bytes and `len` to a writable `socklen_t`.
        pub(crate) unsafe fn accept(
            fd: &Fd,
            addr: *mut sockaddr,
            len: *mut socklen_t,
            nonblocking: bool,
        ) -> Result<Fd> {
            let flags = if nonblocking {
                libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK
            } else {
                libc::SOCK_CLOEXEC
            };
            // SAFETY: the caller vouches for `addr` and `len`.
            let new = retry(|| unsafe { libc::accept4(fd.raw(), addr, len, flags) })?;
            // SAFETY: `accept4` just returned this descriptor; nothing else owns it.
            Ok(unsafe { Fd::from_raw(new) })
        }
    } else if #[cfg(any(target_os = "macos", target_os = "ios", target_os = "tvos", target_os = "watchos"))] {
        /// Apple has no `MSG_NOSIGNAL`; `SO_NOSIGPIPE`, set on every socket below, does the job.
        pub(crate) const SEND_FLAGS: c_int = 0;

        /// Close-on-exec and no `SIGPIPE`, set right after creation (not atomic: Apple has no
        /// `SOCK_CLOEXEC`).
        fn prepare(fd: Fd) -> Result<Fd> {
            fd.set_cloexec()?;
            let one: c_int = 1;
            super::sockopt::set_raw(&fd, libc::SOL_SOCKET, libc::SO_NOSIGPIPE, &one.to_ne_bytes())?;
            Ok(fd)
        }

        /// `socket(domain, ty, 0)`, then [`prepare`].
        pub(crate) fn socket(domain: c_int, ty: c_int) -> Result<Fd> {
            // SAFETY: `socket` reads no memory.
            let fd = retry(|| unsafe { libc::socket(domain, ty, 0) })?;
            // SAFETY: `socket` just returned this descriptor; nothing else owns it.
            prepare(unsafe { Fd::from_raw(fd) })
        }

        /// `socketpair(domain, ty, 0)`, then [`prepare`] on both.
        pub(crate) fn socketpair(domain: c_int, ty: c_int) -> Result<(Fd, Fd)> {
            let mut fds = [0 as c_int; 2];
            // SAFETY: `fds` has room for the two descriptors `socketpair` writes.
            retry(|| unsafe { libc::socketpair(domain, ty, 0, fds.as_mut_ptr()) })?;
            // SAFETY: `socketpair` succeeded, so both are new descriptors nothing else owns.
            let (a, b) = unsafe { (Fd::from_raw(fds[0]), Fd::from_raw(fds[1])) };
            Ok((prepare(a)?, prepare(b)?))
        }

        /// `accept(fd, addr, len)`, then [`prepare`], then the mode asked for: Apple's
        /// `accept` gives the new descriptor the listener's `O_NONBLOCK`, and has no
        /// `accept4` to say otherwise.
        ///
        /// # Safety
        /// `addr` must point to `*len` writable bytes and `len` to a writable `socklen_t`.
        pub(crate) unsafe fn accept(
            fd: &Fd,
            addr: *mut sockaddr,
            len: *mut socklen_t,
            nonblocking: bool,
        ) -> Result<Fd> {
            // SAFETY: the caller vouches for `addr` and `len`.
            let new = retry(|| unsafe { libc::accept(fd.raw(), addr, len) })?;
            // SAFETY: `accept` just returned this descriptor; nothing else owns it.
            let new = prepare(unsafe { Fd::from_raw(new) })?;
            new.set_nonblocking(nonblocking)?;
            Ok(new)
        }
    } else {
        compile_error!("anysock-posix: this Unix is not supported yet (add it to sys/os.rs)");
    }
}

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        /// Received descriptors (`SCM_RIGHTS`) arrive close-on-exec.
        pub(crate) const RECVMSG_FLAGS: c_int = libc::MSG_CMSG_CLOEXEC;
        /// Asks `recv`/`recvfrom` for a datagram's full length, so truncation is seen.
        pub(crate) const TRUNC_LEN: Option<c_int> = Some(libc::MSG_TRUNC);
        pub(crate) use libc::__errno_location as errno_location;
    } else if #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd", target_os = "dragonfly"))] {
        /// Received descriptors (`SCM_RIGHTS`) arrive close-on-exec.
        pub(crate) const RECVMSG_FLAGS: c_int = libc::MSG_CMSG_CLOEXEC;
        /// `recv` cannot report a datagram's full length here; `recvmsg`'s flags are used.
        pub(crate) const TRUNC_LEN: Option<c_int> = None;
        cfg_if::cfg_if! {
            if #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))] {
                pub(crate) use libc::__error as errno_location;
            } else {
                pub(crate) use libc::__errno as errno_location;
            }
        }
    } else {
        /// Apple has no `MSG_CMSG_CLOEXEC`.
        pub(crate) const RECVMSG_FLAGS: c_int = 0;
        /// `recv` cannot report a datagram's full length here; `recvmsg`'s flags are used.
        pub(crate) const TRUNC_LEN: Option<c_int> = None;
        pub(crate) use libc::__error as errno_location;
    }
}
