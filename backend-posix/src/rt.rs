//! Runtime support for programs without `std` (firmware-style programs on a POSIX system):
//! the monotonic clock, the standard streams, the command line, removing a socket's file,
//! catching a signal, and aborting — so such a program needs no `unsafe` of its own.
//!
//! ```no_run
//! use core::fmt::Write as _;
//! use anysock_posix::rt;
//!
//! let start = rt::monotonic_now();
//! let args = rt::Args::read()?;
//! for arg in args.iter().skip(1) {
//!     writeln!(rt::Stdout, "argument: {}", core::str::from_utf8(arg).unwrap_or("?")).ok();
//! }
//! writeln!(rt::Stderr, "took {:?}", rt::monotonic_now() - start).ok();
//! # Ok::<(), anysock_core::Error>(())
//! ```

use core::fmt;
use core::time::Duration;

use anysock_core::{Error, ErrorKind, Result, UnixAddr};

use crate::sys;

/// [`clock_gettime(CLOCK_MONOTONIC)`][clock_getres(2)]: time that never jumps when the
/// wall clock is set.
///
/// [clock_getres(2)]: https://man7.org/linux/man-pages/man2/clock_getres.2.html
#[doc(alias = "clock_gettime")]
#[doc(alias = "CLOCK_MONOTONIC")]
pub fn monotonic_now() -> Duration {
    sys::rt::monotonic_now()
}

/// Standard output, written with [`write(2)`][write(2)]; `write!` works on it. A write error (a
/// closed pipe) is `fmt::Error`.
///
/// [write(2)]: https://man7.org/linux/man-pages/man2/write.2.html
#[derive(Clone, Copy, Debug, Default)]
pub struct Stdout;

/// Standard error, written with [`write(2)`][write(2)]; `write!` works on it.
///
/// [write(2)]: https://man7.org/linux/man-pages/man2/write.2.html
#[derive(Clone, Copy, Debug, Default)]
pub struct Stderr;

impl fmt::Write for Stdout {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        sys::rt::write_all(1, s.as_bytes()).map_err(|_| fmt::Error)
    }
}

impl fmt::Write for Stderr {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        sys::rt::write_all(2, s.as_bytes()).map_err(|_| fmt::Error)
    }
}

/// The most bytes of command line [`Args`] holds.
pub const ARGS_CAPACITY: usize = 4096;

/// The process's command line (`argv`), read from `/proc/self/cmdline` into a fixed buffer:
/// no heap, no raw pointers.
#[derive(Clone, Debug)]
pub struct Args {
    buf: [u8; ARGS_CAPACITY],
    len: usize,
}

impl Args {
    /// Reads the command line.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] when it is longer than [`ARGS_CAPACITY`] (never
    /// cut); [`ErrorKind::Unsupported`] where there is no `/proc/self/cmdline`.
    pub fn read() -> Result<Args> {
        let mut args = Args {
            buf: [0; ARGS_CAPACITY],
            len: 0,
        };
        args.len = sys::rt::read_file(c"/proc/self/cmdline", &mut args.buf).map_err(|e| {
            if e.kind() == ErrorKind::NotFound {
                Error::new(ErrorKind::Unsupported)
            } else {
                e
            }
        })?;
        Ok(args)
    }

    /// The arguments as bytes, the program name first.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let used = self.buf.get(..self.len).unwrap_or_default();
        // Every argument ends with a NUL, so the last split is empty.
        used.strip_suffix(&[0])
            .unwrap_or(used)
            .split(|&b| b == 0)
            .filter(move |_| self.len > 0)
    }
}

/// [`unlink(path)`][unlink(2)]: removes the file a pathname Unix socket left behind (closing the
/// socket does not), so the next `bind` can use the path.
///
/// Errors: [`ErrorKind::InvalidInput`] for an address that is not a pathname;
/// [`ErrorKind::NotFound`] when there is no such file.
///
/// [unlink(2)]: https://man7.org/linux/man-pages/man2/unlink.2.html
pub fn unlink(addr: &UnixAddr) -> Result<()> {
    let path = addr
        .as_pathname()
        .ok_or(Error::new(ErrorKind::InvalidInput))?;
    sys::rt::unlink(path)
}

/// [`abort()`][abort(3)]: ends the process at once, as a panic handler without `std` must.
///
/// [abort(3)]: https://man7.org/linux/man-pages/man3/abort.3.html
pub fn abort() -> ! {
    sys::rt::abort()
}

/// A signal that [`interrupt_on`] can catch: the two the system leaves to programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// `SIGUSR1`.
    User1,
    /// `SIGUSR2`.
    User2,
}

/// `sigaction(signal, { handler that does nothing, flags: 0 })`: the signal no longer ends the
/// process; it only interrupts the blocking call it lands in. Without `SA_RESTART` that call
/// fails with `EINTR`, which this crate restarts (see the crate's EINTR policy), so a program
/// that catches a signal this way sees it nowhere — which is what firmware wants from an
/// interrupt it does not use, and what a test needs to show that `EINTR` is handled.
#[doc(alias = "sigaction")]
pub fn interrupt_on(signal: Signal) -> Result<()> {
    sys::rt::interrupt_on(match signal {
        Signal::User1 => sys::rt::SIGUSR1,
        Signal::User2 => sys::rt::SIGUSR2,
    })
}
