//! One small `Copy` error for every call: a kind to match on, plus the raw OS code when the error
//! came from the operating system (`errno`).

use core::fmt;

/// What went wrong, in the terms a caller matches on.
///
/// The kinds follow the `errno` values the socket calls produce (see each variant), so code written
/// against the C API knows where to look. A backend maps its own errors onto these kinds; the raw
/// code stays available through [`Error::raw_os_error`]. See [`errno(3)`][errno(3)].
///
/// [errno(3)]: https://man7.org/linux/man-pages/man3/errno.3.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The call would have to wait, and the socket is non-blocking (`EAGAIN`/`EWOULDBLOCK`), or a
    /// timeout set with `SO_RCVTIMEO`/`SO_SNDTIMEO` expired before anything was transferred.
    #[doc(alias = "EAGAIN")]
    #[doc(alias = "EWOULDBLOCK")]
    WouldBlock,
    /// A non-blocking `connect` has started and is not finished yet (`EINPROGRESS`). Wait for the
    /// socket to become writable, then read the `SocketError` option for the outcome.
    #[doc(alias = "EINPROGRESS")]
    InProgress,
    /// A previous non-blocking `connect` on this socket is still in progress (`EALREADY`).
    #[doc(alias = "EALREADY")]
    AlreadyInProgress,
    /// The call was interrupted by a signal (`EINTR`). The POSIX backend retries internally, so it
    /// does not return this kind; other backends may.
    #[doc(alias = "EINTR")]
    Interrupted,
    /// Nobody listens at the address (`ECONNREFUSED`), or the listener's queue was full.
    #[doc(alias = "ECONNREFUSED")]
    ConnectionRefused,
    /// The peer reset the connection (`ECONNRESET`).
    #[doc(alias = "ECONNRESET")]
    ConnectionReset,
    /// The connection was aborted on this side (`ECONNABORTED`).
    #[doc(alias = "ECONNABORTED")]
    ConnectionAborted,
    /// The socket is not connected (`ENOTCONN`).
    #[doc(alias = "ENOTCONN")]
    NotConnected,
    /// The socket is already connected (`EISCONN`).
    #[doc(alias = "EISCONN")]
    AlreadyConnected,
    /// The address is already in use (`EADDRINUSE`).
    #[doc(alias = "EADDRINUSE")]
    AddrInUse,
    /// The address is not available on this host (`EADDRNOTAVAIL`).
    #[doc(alias = "EADDRNOTAVAIL")]
    AddrNotAvailable,
    /// No route to the network (`ENETUNREACH`).
    #[doc(alias = "ENETUNREACH")]
    NetworkUnreachable,
    /// No route to the host (`EHOSTUNREACH`).
    #[doc(alias = "EHOSTUNREACH")]
    HostUnreachable,
    /// The network is down (`ENETDOWN`).
    #[doc(alias = "ENETDOWN")]
    NetworkDown,
    /// The operation timed out (`ETIMEDOUT`), e.g. a `connect` that got no answer.
    #[doc(alias = "ETIMEDOUT")]
    TimedOut,
    /// Writing to a connection whose peer is gone or that was shut down for writing (`EPIPE`).
    /// The process never receives `SIGPIPE` for it.
    #[doc(alias = "EPIPE")]
    BrokenPipe,
    /// An argument was invalid (`EINVAL`): a malformed or too-long address, too many iovecs, an
    /// address of the wrong family for the socket, an option value out of range, and so on.
    #[doc(alias = "EINVAL")]
    InvalidInput,
    /// A datagram is larger than the transport allows (`EMSGSIZE`).
    #[doc(alias = "EMSGSIZE")]
    MessageTooLong,
    /// The domain, type, protocol, option or flag is not supported here (`EAFNOSUPPORT`,
    /// `EPROTONOSUPPORT`, `ESOCKTNOSUPPORT`, `EOPNOTSUPP`, `ENOPROTOOPT`, `EPROTOTYPE`).
    #[doc(alias = "EAFNOSUPPORT")]
    #[doc(alias = "EPROTONOSUPPORT")]
    #[doc(alias = "ESOCKTNOSUPPORT")]
    #[doc(alias = "EOPNOTSUPP")]
    #[doc(alias = "ENOPROTOOPT")]
    #[doc(alias = "EPROTOTYPE")]
    Unsupported,
    /// The caller lacks the permission (`EACCES`, `EPERM`), e.g. binding a port below 1024.
    #[doc(alias = "EACCES")]
    #[doc(alias = "EPERM")]
    PermissionDenied,
    /// A Unix socket path names nothing (`ENOENT`), a directory on it is missing (`ENOTDIR`), or
    /// a named network interface does not exist (`ENODEV`).
    #[doc(alias = "ENOENT")]
    #[doc(alias = "ENOTDIR")]
    #[doc(alias = "ENODEV")]
    NotFound,
    /// A host name does not exist, or has no address of the family asked for (`getaddrinfo`'s
    /// `EAI_NONAME` and `EAI_NODATA`); an address has no name (`getnameinfo`'s `EAI_NONAME`).
    #[doc(alias = "EAI_NONAME")]
    #[doc(alias = "EAI_NODATA")]
    #[doc(alias = "HOST_NOT_FOUND")]
    HostNotFound,
    /// The kernel ran out of memory or buffer space (`ENOMEM`, `ENOBUFS`).
    #[doc(alias = "ENOMEM")]
    #[doc(alias = "ENOBUFS")]
    OutOfMemory,
    /// The process or the system has no descriptors left (`EMFILE`, `ENFILE`).
    #[doc(alias = "EMFILE")]
    #[doc(alias = "ENFILE")]
    TooManyOpenFiles,
    /// The descriptor is closed, not a socket, or of the wrong kind for the call (`EBADF`,
    /// `ENOTSOCK`).
    #[doc(alias = "EBADF")]
    #[doc(alias = "ENOTSOCK")]
    BadDescriptor,
    /// The stream ended before the bytes a call needed arrived (`read_exact` reached end of
    /// stream). Converting [`embedded_io::ReadExactError`] gives this kind.
    UnexpectedEof,
    /// The call would wait for ever: nothing else can ever complete it. A simulated network
    /// run by one thread says so instead of hanging (a blocking `accept` when no other socket
    /// can connect, a `read` nobody will ever write to), as does an async driver whose every
    /// task waits with no event scheduled. [`Error::waiting_for`] says what the call waited
    /// for. The operating system never reports it; non-blocking sockets and expired timeouts
    /// report [`ErrorKind::WouldBlock`].
    #[doc(alias = "EDEADLK")]
    Deadlock,
    /// Any other error; see [`Error::raw_os_error`].
    Other,
}

/// What a call that could never finish was waiting for ([`ErrorKind::Deadlock`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Wait {
    /// A connection to accept.
    Connection,
    /// A `connect` to be answered.
    Connect,
    /// Bytes or a datagram to read.
    Data,
    /// Room in the peer's queue to write.
    Room,
    /// One of the sockets of a `poll` or a selector to become ready.
    Readiness,
    /// A timer or a task of an async driver.
    Task,
}

impl ErrorKind {
    /// Every kind, in declaration order: an [`Error`] keeps a kind as its index here.
    const ALL: [ErrorKind; 28] = [
        ErrorKind::WouldBlock,
        ErrorKind::InProgress,
        ErrorKind::AlreadyInProgress,
        ErrorKind::Interrupted,
        ErrorKind::ConnectionRefused,
        ErrorKind::ConnectionReset,
        ErrorKind::ConnectionAborted,
        ErrorKind::NotConnected,
        ErrorKind::AlreadyConnected,
        ErrorKind::AddrInUse,
        ErrorKind::AddrNotAvailable,
        ErrorKind::NetworkUnreachable,
        ErrorKind::HostUnreachable,
        ErrorKind::NetworkDown,
        ErrorKind::TimedOut,
        ErrorKind::BrokenPipe,
        ErrorKind::InvalidInput,
        ErrorKind::MessageTooLong,
        ErrorKind::Unsupported,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::HostNotFound,
        ErrorKind::OutOfMemory,
        ErrorKind::TooManyOpenFiles,
        ErrorKind::BadDescriptor,
        ErrorKind::UnexpectedEof,
        ErrorKind::Deadlock,
        ErrorKind::Other,
    ];
}

impl Wait {
    /// Every wait, in declaration order: an [`Error`] keeps a wait as its index here, plus one.
    const ALL: [Wait; 6] = [
        Wait::Connection,
        Wait::Connect,
        Wait::Data,
        Wait::Room,
        Wait::Readiness,
        Wait::Task,
    ];

    /// What the call waited for, in words (used by `Display`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Wait::Connection => "a connection to accept",
            Wait::Connect => "its connect to be answered",
            Wait::Data => "data to read",
            Wait::Room => "room to write",
            Wait::Readiness => "a socket to become ready",
            Wait::Task => "a task or a timer",
        }
    }
}

impl ErrorKind {
    /// A short lowercase description, as used by `Display`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::WouldBlock => "operation would block",
            ErrorKind::InProgress => "operation in progress",
            ErrorKind::AlreadyInProgress => "operation already in progress",
            ErrorKind::Interrupted => "interrupted by a signal",
            ErrorKind::ConnectionRefused => "connection refused",
            ErrorKind::ConnectionReset => "connection reset by peer",
            ErrorKind::ConnectionAborted => "connection aborted",
            ErrorKind::NotConnected => "socket is not connected",
            ErrorKind::AlreadyConnected => "socket is already connected",
            ErrorKind::AddrInUse => "address in use",
            ErrorKind::AddrNotAvailable => "address not available",
            ErrorKind::NetworkUnreachable => "network unreachable",
            ErrorKind::HostUnreachable => "host unreachable",
            ErrorKind::NetworkDown => "network is down",
            ErrorKind::TimedOut => "timed out",
            ErrorKind::BrokenPipe => "broken pipe",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::MessageTooLong => "message too long",
            ErrorKind::Unsupported => "not supported",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::NotFound => "not found",
            ErrorKind::HostNotFound => "host not found",
            ErrorKind::OutOfMemory => "out of memory or buffer space",
            ErrorKind::TooManyOpenFiles => "too many open files",
            ErrorKind::BadDescriptor => "bad descriptor",
            ErrorKind::UnexpectedEof => "unexpected end of stream",
            ErrorKind::Deadlock => "would wait for ever",
            ErrorKind::Other => "other error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of every anysock call: an [`ErrorKind`] and, when the operating system reported it,
/// the raw `errno` value.
///
/// It is 8 bytes and `Copy`, so `Result<usize, Error>` stays two machine words. A
/// [`ErrorKind::Deadlock`] also says what the call was waiting for ([`Error::waiting_for`]).
///
/// ```
/// use anysock_core::{Error, ErrorKind};
///
/// let e = Error::from_os(ErrorKind::ConnectionRefused, 111);
/// assert_eq!(e.kind(), ErrorKind::ConnectionRefused);
/// assert_eq!(e.raw_os_error(), Some(111));
/// assert_eq!(Error::new(ErrorKind::InvalidInput).raw_os_error(), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[doc(alias = "errno")]
pub struct Error {
    /// One machine word: the `errno` value in the low 32 bits (0 when the error did not come
    /// from the operating system), the kind's index in [`ErrorKind::ALL`] in the next 8, and
    /// for [`ErrorKind::Deadlock`] what the call waited for (its index in [`Wait::ALL`] plus
    /// one; 0 for nothing) in the 8 above. A single scalar, `Result<usize, Error>` is a pair
    /// of them, which calls pass and return in registers.
    bits: u64,
}

const KIND_SHIFT: u32 = 32;
const WAIT_SHIFT: u32 = 40;

impl Error {
    /// An error of `kind` that did not come from the operating system (found by anysock itself,
    /// or by a simulated backend).
    pub const fn new(kind: ErrorKind) -> Self {
        Error::pack(kind, None, 0)
    }

    /// An error the operating system reported as `errno` value `code`, classified as `kind`.
    pub const fn from_os(kind: ErrorKind, code: i32) -> Self {
        Error::pack(kind, None, code)
    }

    const fn pack(kind: ErrorKind, wait: Option<Wait>, code: i32) -> Self {
        let wait = match wait {
            None => 0,
            Some(w) => w as u64 + 1,
        };
        Error {
            bits: (code as u32 as u64) | ((kind as u64) << KIND_SHIFT) | (wait << WAIT_SHIFT),
        }
    }

    /// A [`ErrorKind::Deadlock`]: the call waited for `what`, which nothing can ever bring.
    ///
    /// ```
    /// use anysock_core::{Error, ErrorKind, Wait};
    ///
    /// let e = Error::deadlock(Wait::Connection);
    /// assert_eq!(e.kind(), ErrorKind::Deadlock);
    /// assert_eq!(e.waiting_for(), Some(Wait::Connection));
    /// assert_eq!(
    ///     e.to_string(),
    ///     "would wait for ever: waits for a connection to accept, and nothing else can run"
    /// );
    /// ```
    pub const fn deadlock(what: Wait) -> Self {
        Error::pack(ErrorKind::Deadlock, Some(what), 0)
    }

    /// What a [`ErrorKind::Deadlock`] call was waiting for.
    pub const fn waiting_for(&self) -> Option<Wait> {
        let index = ((self.bits >> WAIT_SHIFT) & 0xff) as usize;
        if index == 0 || index > Wait::ALL.len() {
            return None;
        }
        Some(Wait::ALL[index - 1])
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        let index = ((self.bits >> KIND_SHIFT) & 0xff) as usize;
        if index < ErrorKind::ALL.len() {
            ErrorKind::ALL[index]
        } else {
            ErrorKind::Other
        }
    }

    /// The raw `errno` value, when the operating system reported the error.
    pub const fn raw_os_error(&self) -> Option<i32> {
        match self.bits as u32 as i32 {
            0 => None,
            code => Some(code),
        }
    }

    /// Whether retrying later may succeed without changing anything: [`ErrorKind::WouldBlock`].
    pub const fn is_would_block(&self) -> bool {
        matches!(self.kind(), ErrorKind::WouldBlock)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind());
        if let Some(code) = self.raw_os_error() {
            d.field("os_error", &code);
        }
        if let Some(wait) = self.waiting_for() {
            d.field("waiting_for", &wait);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.raw_os_error(), self.waiting_for()) {
            (Some(code), _) => write!(f, "{} (os error {})", self.kind(), code),
            (None, Some(wait)) => write!(
                f,
                "{}: waits for {}, and nothing else can run",
                self.kind(),
                wait.as_str()
            ),
            (None, None) => f.write_str(self.kind().as_str()),
        }
    }
}

impl core::error::Error for Error {}

/// `read_exact(..)?` in a function returning [`Result`]: end of stream becomes
/// [`ErrorKind::UnexpectedEof`], any other error stays itself.
impl From<embedded_io::ReadExactError<Error>> for Error {
    fn from(e: embedded_io::ReadExactError<Error>) -> Self {
        match e {
            embedded_io::ReadExactError::UnexpectedEof => Error::new(ErrorKind::UnexpectedEof),
            embedded_io::ReadExactError::Other(e) => e,
        }
    }
}

impl embedded_io::Error for Error {
    fn kind(&self) -> embedded_io::ErrorKind {
        use embedded_io::ErrorKind as E;
        match self.kind() {
            ErrorKind::Interrupted => E::Interrupted,
            ErrorKind::ConnectionRefused => E::ConnectionRefused,
            ErrorKind::ConnectionReset => E::ConnectionReset,
            ErrorKind::ConnectionAborted => E::ConnectionAborted,
            ErrorKind::NotConnected => E::NotConnected,
            ErrorKind::AddrInUse => E::AddrInUse,
            ErrorKind::AddrNotAvailable => E::AddrNotAvailable,
            ErrorKind::TimedOut => E::TimedOut,
            ErrorKind::BrokenPipe => E::BrokenPipe,
            ErrorKind::InvalidInput => E::InvalidInput,
            ErrorKind::Unsupported => E::Unsupported,
            ErrorKind::PermissionDenied => E::PermissionDenied,
            ErrorKind::NotFound | ErrorKind::HostNotFound => E::NotFound,
            ErrorKind::OutOfMemory => E::OutOfMemory,
            ErrorKind::AlreadyConnected => E::AlreadyExists,
            // embedded-io has no kind for these; `Other` plus our own `kind()` keeps them apart.
            ErrorKind::WouldBlock
            | ErrorKind::InProgress
            | ErrorKind::AlreadyInProgress
            | ErrorKind::NetworkUnreachable
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkDown
            | ErrorKind::MessageTooLong
            | ErrorKind::TooManyOpenFiles
            | ErrorKind::BadDescriptor
            | ErrorKind::Deadlock
            | ErrorKind::Other => E::Other,
            ErrorKind::UnexpectedEof => E::InvalidData,
        }
    }
}

#[cfg(feature = "std")]
impl From<Error> for std::io::Error {
    /// Keeps the OS code when there is one (so `raw_os_error` survives), else the kind.
    fn from(e: Error) -> Self {
        use std::io::ErrorKind as K;
        if let Some(code) = e.raw_os_error() {
            return std::io::Error::from_raw_os_error(code);
        }
        let kind = match e.kind() {
            ErrorKind::WouldBlock => K::WouldBlock,
            ErrorKind::Interrupted => K::Interrupted,
            ErrorKind::ConnectionRefused => K::ConnectionRefused,
            ErrorKind::ConnectionReset => K::ConnectionReset,
            ErrorKind::ConnectionAborted => K::ConnectionAborted,
            ErrorKind::NotConnected => K::NotConnected,
            ErrorKind::AddrInUse => K::AddrInUse,
            ErrorKind::AddrNotAvailable => K::AddrNotAvailable,
            ErrorKind::TimedOut => K::TimedOut,
            ErrorKind::BrokenPipe => K::BrokenPipe,
            ErrorKind::InvalidInput => K::InvalidInput,
            ErrorKind::Unsupported => K::Unsupported,
            ErrorKind::PermissionDenied => K::PermissionDenied,
            ErrorKind::NotFound | ErrorKind::HostNotFound => K::NotFound,
            ErrorKind::OutOfMemory => K::OutOfMemory,
            ErrorKind::UnexpectedEof => K::UnexpectedEof,
            _ => K::Other,
        };
        std::io::Error::new(kind, e)
    }
}

/// `Result` with anysock's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_two_words_with_usize() {
        assert_eq!(core::mem::size_of::<Error>(), 8);
        assert!(core::mem::size_of::<Result<usize>>() <= 16);
    }

    #[test]
    fn every_kind_wait_and_code_comes_back_out_of_the_word() {
        for kind in ErrorKind::ALL {
            for code in [0, 1, 111, i32::MAX, -1, i32::MIN] {
                let e = Error::from_os(kind, code);
                assert_eq!(e.kind(), kind);
                assert_eq!(e.raw_os_error(), (code != 0).then_some(code));
                assert_eq!(e.waiting_for(), None);
            }
        }
        for wait in Wait::ALL {
            let e = Error::deadlock(wait);
            assert_eq!(
                (e.kind(), e.waiting_for()),
                (ErrorKind::Deadlock, Some(wait))
            );
            assert_eq!(e.raw_os_error(), None);
        }
        assert_ne!(
            Error::new(ErrorKind::Other),
            Error::from_os(ErrorKind::Other, 5)
        );
        assert_ne!(Error::deadlock(Wait::Data), Error::deadlock(Wait::Room));
    }

    #[test]
    fn read_exact_keeps_its_cause() {
        use embedded_io::ReadExactError;
        let eof = Error::from(ReadExactError::UnexpectedEof);
        assert_eq!(eof.kind(), ErrorKind::UnexpectedEof);
        let reset = Error::from_os(ErrorKind::ConnectionReset, 104);
        assert_eq!(Error::from(ReadExactError::Other(reset)), reset);
    }

    #[test]
    fn maps_to_embedded_io() {
        let e = Error::new(ErrorKind::BrokenPipe);
        assert_eq!(
            embedded_io::Error::kind(&e),
            embedded_io::ErrorKind::BrokenPipe
        );
        assert_eq!(
            embedded_io::Error::kind(&Error::new(ErrorKind::WouldBlock)),
            embedded_io::ErrorKind::Other
        );
    }
}
