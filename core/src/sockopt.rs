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
    /// [`setsockopt(fd, level, name, &value, len)`][setsockopt(2)]: sets the option.
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] for a value out of range;
    /// [`crate::ErrorKind::Unsupported`] when the option does not apply to this socket (say,
    /// `TCP_NODELAY` on a Unix socket).
    ///
    /// [setsockopt(2)]: https://man7.org/linux/man-pages/man2/setsockopt.2.html
    #[doc(alias = "setsockopt")]
    fn set(&mut self, opt: O, value: O::Value) -> Result<()>
    where
        O: Settable;

    /// [`getsockopt(fd, level, name, &value, &len)`][getsockopt(2)]: reads the option.
    ///
    /// Errors: [`crate::ErrorKind::Unsupported`] when the option does not apply to this
    /// socket.
    ///
    /// [getsockopt(2)]: https://man7.org/linux/man-pages/man2/getsockopt.2.html
    #[doc(alias = "getsockopt")]
    fn get(&self, opt: O) -> Result<O::Value>
    where
        O: Gettable;
}
