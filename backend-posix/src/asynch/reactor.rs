//! `Reactor`: whose readiness the async sockets wait on, and `Registered`: a socket registered
//! with it.

use core::fmt;
use core::time::Duration;

use anysock_core::{Error, ErrorKind, MsgFlags, Result};

use crate::socket::Wrapper;
use crate::sys;
use crate::sys::source_fd::SourceFd;

/// The reactor an async socket waits on: [`super::AsyncIo`] or [`super::Tokio`]. The same
/// protocol code runs on either; the choice is the program's, made once where it builds its
/// [`super::Posix`] stack.
///
/// Sealed: the two drivers are the ones this crate knows how to wait with.
pub trait Reactor: driver::Driver + Copy + Default + fmt::Debug + Send + Sync + 'static {}

/// Which readiness a call waits for (public only inside the sealed [`driver::Driver`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Data, end of stream, a connection to accept, or an error.
    Read,
    /// Room to write, a finished `connect`, or an error.
    Write,
}

pub(crate) mod driver {
    use super::*;

    /// What a reactor does for the sockets: register a descriptor, wait for readiness around a
    /// non-blocking call, and sleep. Public only to be nameable in [`super::Reactor`]'s bounds;
    /// outside the crate it can be neither named nor implemented.
    #[allow(async_fn_in_trait)]
    pub trait Driver {
        /// A registered descriptor; dropping it deregisters it.
        type Source: fmt::Debug + Send + Sync;

        /// Registers the (non-blocking) descriptor for both directions.
        fn register(fd: SourceFd) -> Result<Self::Source>;

        /// Runs `op` until it does something other than fail with `WouldBlock`, waiting for
        /// readiness in `dir` in between. `op` runs first, so a ready socket costs one call;
        /// it transfers data only in a poll that then completes, so the future can be dropped
        /// at any await point without losing any.
        async fn io<T>(
            source: &Self::Source,
            dir: Direction,
            op: impl FnMut() -> Result<T>,
        ) -> Result<T>;

        /// As [`Driver::io`], for a caller that holds the socket exclusively (`&mut`): no
        /// other task can wait on it meanwhile, so a reactor may keep one waker per direction
        /// instead of a list.
        async fn io_exclusive<T>(
            source: &Self::Source,
            dir: Direction,
            op: impl FnMut() -> Result<T>,
        ) -> Result<T> {
            Self::io(source, dir, op).await
        }

        /// Completes after `duration`.
        async fn sleep(duration: Duration) -> Result<()>;
    }
}

/// A socket of type `T` registered with reactor `R`. The registration is declared first, so it
/// is dropped (deregistering the descriptor) before the socket closes the descriptor: the
/// invariant [`SourceFd`] relies on.
pub(crate) struct Registered<R: Reactor, T> {
    source: R::Source,
    io: T,
}

impl<R: Reactor, T: Wrapper> Registered<R, T> {
    /// Makes `io` non-blocking and registers it with `R`.
    pub(crate) fn new(io: T) -> Result<Self> {
        let fd = &io.socket().fd;
        fd.set_nonblocking(true)?;
        let source = R::register(SourceFd::of(fd))?;
        Ok(Registered { source, io })
    }

    /// The socket, to call what never waits (addresses, options).
    pub(crate) fn get(&self) -> &T {
        &self.io
    }

    /// The socket, mutably: never handed out, so nobody can make it blocking again.
    pub(crate) fn get_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// Deregisters and hands the socket back (still non-blocking).
    pub(crate) fn into_inner(self) -> T {
        let Registered { source, io } = self;
        drop(source);
        io
    }

    /// `op` on the socket until it does not fail with `WouldBlock` (see [`driver::Driver::io`]).
    pub(crate) async fn io<X>(
        &mut self,
        dir: Direction,
        mut op: impl FnMut(&mut T) -> Result<X>,
    ) -> Result<X> {
        let Registered { source, io } = self;
        R::io_exclusive(source, dir, || op(io)).await
    }

    /// [`Registered::io`], except that with [`MsgFlags::DONTWAIT`] in `flags` the call is
    /// tried once and a `WouldBlock` answer returned, as the flag asks.
    pub(crate) async fn io_flags<X>(
        &mut self,
        dir: Direction,
        flags: MsgFlags,
        mut op: impl FnMut(&mut T) -> Result<X>,
    ) -> Result<X> {
        if flags.contains(MsgFlags::DONTWAIT) {
            return op(&mut self.io);
        }
        self.io(dir, op).await
    }

    /// As [`Registered::io`], through a shared reference (for `&Stream` readers and writers).
    pub(crate) async fn io_shared<X>(
        &self,
        dir: Direction,
        mut op: impl FnMut(&T) -> Result<X>,
    ) -> Result<X> {
        R::io(&self.source, dir, || op(&self.io)).await
    }
}

impl<R: Reactor, T: fmt::Debug> fmt::Debug for Registered<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.io, f)
    }
}

/// A reactor's `std::io::Error` as an anysock [`Error`]: the OS code when there is one, so its
/// kind is the one every other call reports for it.
pub(crate) fn io_error(e: std::io::Error) -> Error {
    if let Some(code) = e.raw_os_error() {
        return sys::errno::from_errno(code);
    }
    use std::io::ErrorKind as K;
    Error::new(match e.kind() {
        K::WouldBlock => ErrorKind::WouldBlock,
        K::TimedOut => ErrorKind::TimedOut,
        K::OutOfMemory => ErrorKind::OutOfMemory,
        K::Unsupported => ErrorKind::Unsupported,
        K::InvalidInput => ErrorKind::InvalidInput,
        _ => ErrorKind::Other,
    })
}
