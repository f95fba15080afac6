//! `errno` and its meaning as an [`ErrorKind`].

use anysock_core::{Error, ErrorKind};

/// The calling thread's `errno`.
#[inline]
pub(crate) fn errno() -> i32 {
    // SAFETY: the location is the calling thread's own `errno`, valid for the thread's life.
    unsafe { *super::os::errno_location() }
}

/// The `Error` for `errno` value `code`.
#[cold]
pub(crate) fn from_errno(code: i32) -> Error {
    Error::from_os(kind_of(code), code)
}

/// Classifies an `errno` value. Values without a kind of their own map to `Other`; the raw
/// value stays in the `Error`.
pub(crate) fn kind_of(code: i32) -> ErrorKind {
    use libc::*;
    match code {
        // EAGAIN and EWOULDBLOCK are equal on every supported platform; listing one avoids an
        // unreachable pattern.
        EAGAIN => ErrorKind::WouldBlock,
        EINPROGRESS => ErrorKind::InProgress,
        EALREADY => ErrorKind::AlreadyInProgress,
        EINTR => ErrorKind::Interrupted,
        ECONNREFUSED => ErrorKind::ConnectionRefused,
        ECONNRESET => ErrorKind::ConnectionReset,
        ECONNABORTED => ErrorKind::ConnectionAborted,
        ENOTCONN | EDESTADDRREQ => ErrorKind::NotConnected,
        EISCONN => ErrorKind::AlreadyConnected,
        EADDRINUSE => ErrorKind::AddrInUse,
        EADDRNOTAVAIL => ErrorKind::AddrNotAvailable,
        ENETUNREACH => ErrorKind::NetworkUnreachable,
        EHOSTUNREACH | EHOSTDOWN => ErrorKind::HostUnreachable,
        ENETDOWN => ErrorKind::NetworkDown,
        ETIMEDOUT => ErrorKind::TimedOut,
        EPIPE => ErrorKind::BrokenPipe,
        EINVAL | EFAULT | ENAMETOOLONG => ErrorKind::InvalidInput,
        EMSGSIZE => ErrorKind::MessageTooLong,
        EAFNOSUPPORT | EPFNOSUPPORT | EPROTONOSUPPORT | ESOCKTNOSUPPORT | EOPNOTSUPP
        | ENOPROTOOPT | EPROTOTYPE => ErrorKind::Unsupported,
        EACCES | EPERM | EROFS => ErrorKind::PermissionDenied,
        // ENODEV: an interface named in an option (SO_BINDTODEVICE, multicast) does not exist.
        ENOENT | ENOTDIR | ELOOP | ENODEV => ErrorKind::NotFound,
        ENOMEM | ENOBUFS => ErrorKind::OutOfMemory,
        EMFILE | ENFILE => ErrorKind::TooManyOpenFiles,
        EBADF | ENOTSOCK => ErrorKind::BadDescriptor,
        _ => ErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn would_block_covers_both_names() {
        assert_eq!(kind_of(libc::EWOULDBLOCK), ErrorKind::WouldBlock);
        assert_eq!(kind_of(libc::EAGAIN), ErrorKind::WouldBlock);
        assert_eq!(from_errno(libc::EPIPE).raw_os_error(), Some(libc::EPIPE));
        assert_eq!(kind_of(12345), ErrorKind::Other);
    }
}
