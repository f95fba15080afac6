//! `SockOpt<O>`: reading and writing one typed option.

use crate::error::Result;
use crate::opt::{Gettable, Settable, SockOption};

/// `setsockopt` / `getsockopt` of the option `O`, for a backend that supports it.
///
/// The option is named by its marker value, so the call reads like the C one:
///
/// ```no_run
/// use anysock_core::{opt::{NoDelay, RecvBufferSize}, Error, SockOpt};
///
/// fn tune<S: SockOpt<NoDelay> + SockOpt<RecvBufferSize>>(s: &mut S) -> Result<usize, Error> {
///     s.set(NoDelay, true)?;
///     s.get(RecvBufferSize)
/// }
/// ```
pub trait SockOpt<O: SockOption> {
    /// `setsockopt(fd, level, name, &value, len)`.
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] for a value out of range;
    /// [`crate::ErrorKind::Unsupported`] when the option does not apply to this socket (say,
    /// `TCP_NODELAY` on a Unix socket).
    #[doc(alias = "setsockopt")]
    fn set(&mut self, opt: O, value: O::Value) -> Result<()>
    where
        O: Settable;

    /// `getsockopt(fd, level, name, &value, &len)`.
    #[doc(alias = "getsockopt")]
    fn get(&self, opt: O) -> Result<O::Value>
    where
        O: Gettable;
}
