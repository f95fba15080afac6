//! `Error`: what can go wrong talking to a server, and `Protocol`: what was wrong with a reply.

use core::fmt;

/// A call that did not produce a reply.
///
/// A server's error reply (`-ERR ...`) is not an `Error`: it is a reply,
/// [`Reply::Error`](crate::Reply::Error), and the connection stays usable. After any `Error`
/// the connection is out of step (a reply may be half read, a command half sent), so the
/// client refuses further calls with [`Error::Broken`]; connect again.
///
/// ```
/// use anysock_resp::{Error, Protocol};
///
/// let e = Error::Protocol(Protocol::BadType(b'?'));
/// assert_eq!(e.to_string(), "protocol error: unknown reply type byte 0x3f");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The socket failed: reset, timed out (`WouldBlock` or `TimedOut` when a
    /// [`RecvTimeout`](anysock::opt::RecvTimeout) or
    /// [`SendTimeout`](anysock::opt::SendTimeout) expired), and so on; or the command was
    /// empty ([`ErrorKind::InvalidInput`](anysock::ErrorKind::InvalidInput)).
    Io(anysock::Error),
    /// The server sent bytes that are not RESP2.
    Protocol(Protocol),
    /// A reply is longer than the client's buffer (the `BUF` of
    /// [`Client`](crate::Client)), or the buffer is too small to format a command header in.
    TooLong,
    /// The server closed the connection before the whole reply arrived.
    Closed,
    /// An earlier error left the connection out of step; make a new client.
    Broken,
}

/// What was wrong with a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Protocol {
    /// The first byte of a reply is none of `+ - : $ *`.
    BadType(u8),
    /// An integer or a length is not a decimal number.
    BadInteger,
    /// An integer or a length does not fit in 64 bits.
    Overflow,
    /// A length below `-1` (only `-1`, "null", is allowed).
    NegativeLength,
    /// A line does not end with `\r\n`, a line holds a `\r` or `\n`, or a bulk string's
    /// bytes are not followed by `\r\n`.
    BadLineEnd,
    /// Bytes arrived that answer no command sent.
    Unsolicited,
}

impl From<anysock::Error> for Error {
    fn from(e: anysock::Error) -> Self {
        Error::Io(e)
    }
}

impl From<Protocol> for Error {
    fn from(p: Protocol) -> Self {
        Error::Protocol(p)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::BadType(b) => write!(f, "unknown reply type byte {b:#04x}"),
            Protocol::BadInteger => f.write_str("not a decimal integer"),
            Protocol::Overflow => f.write_str("integer out of range"),
            Protocol::NegativeLength => f.write_str("negative length other than -1"),
            Protocol::BadLineEnd => f.write_str("line not ended by CRLF"),
            Protocol::Unsolicited => f.write_str("bytes that answer no command"),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "socket error: {e}"),
            Error::Protocol(p) => write!(f, "protocol error: {p}"),
            Error::TooLong => f.write_str("reply longer than the buffer"),
            Error::Closed => f.write_str("connection closed before the reply was complete"),
            Error::Broken => f.write_str("connection out of step after an earlier error"),
        }
    }
}
