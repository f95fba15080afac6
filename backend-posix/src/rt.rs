//! Runtime support for programs without `std` (firmware-style programs on a POSIX system):
//! the monotonic clock, the standard streams, the command line, removing a socket's file (and
//! a stale one), catching signals, and aborting — so such a program needs no `unsafe` of its
//! own.
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

use anysock_core::{Domain, Endpoint as _, Error, ErrorKind, Result, SocketAddr, Type, UnixAddr};

use crate::sys;
use crate::{Datagram, Socket};

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

/// Removes the file of a pathname Unix socket of type `ty` at `addr` left by a process that
/// is gone (killed before it could unlink it), so that a `bind` there succeeds; returns whether
/// a file was removed. The file is removed only when it is provably stale:
///
/// - it must be a socket ([`lstat(2)`][lstat(2)]): anything else at the path (a typo naming a
///   user's file) is left alone, and `bind` reports [`ErrorKind::AddrInUse`];
/// - nobody may answer on it: a [`connect(2)`][connect(2)] that is refused shows the owner is
///   gone, while a live server keeps its address (removing the file would leave it running but
///   unreachable).
///
/// Other addresses (Internet, abstract, unnamed) leave nothing behind: `Ok(false)`.
///
/// Errors: those of `lstat`, `socket` and `unlink` (a permission problem, say).
///
/// [lstat(2)]: https://man7.org/linux/man-pages/man2/lstat.2.html
/// [connect(2)]: https://man7.org/linux/man-pages/man2/connect.2.html
pub fn remove_stale(addr: &SocketAddr, ty: Type) -> Result<bool> {
    let Some(path) = addr.as_unix().and_then(UnixAddr::as_pathname) else {
        return Ok(false);
    };
    if !sys::rt::is_socket(path)? {
        return Ok(false);
    }
    let mut probe = Socket::new(Domain::Unix, ty)?;
    // Non-blocking, so that a live server with a full backlog cannot keep us waiting.
    probe.set_nonblocking(true)?;
    match anysock_core::Socket::connect(&mut probe, addr) {
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => sys::rt::unlink(path).map(|()| true),
        // Someone answers, or the outcome is unclear: keep the file; `bind` says why it fails.
        _ => Ok(false),
    }
}

/// [`abort()`][abort(3)]: ends the process at once, as a panic handler without `std` must.
///
/// [abort(3)]: https://man7.org/linux/man-pages/man3/abort.3.html
pub fn abort() -> ! {
    sys::rt::abort()
}

/// A signal that [`interrupt_on`] or [`notify_on`] can catch: the two the system leaves to
/// programs, and the two that ask a program to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// `SIGUSR1`.
    User1,
    /// `SIGUSR2`.
    User2,
    /// `SIGTERM`: stop, as `kill` and service managers ask.
    Terminate,
    /// `SIGINT`: stop, as Ctrl-C at a terminal asks.
    Interrupt,
}

impl Signal {
    /// The signal's number (`SIGTERM` is 15 on Linux), as [`notify_on`] delivers it.
    pub fn number(self) -> u8 {
        let number = match self {
            Signal::User1 => sys::rt::SIGUSR1,
            Signal::User2 => sys::rt::SIGUSR2,
            Signal::Terminate => sys::rt::SIGTERM,
            Signal::Interrupt => sys::rt::SIGINT,
        };
        // Signal numbers are below 65 everywhere.
        number as u8
    }
}

/// `sigaction(signal, { handler that does nothing, flags: 0 })`: the signal no longer ends the
/// process; it only interrupts the blocking call it lands in. Without `SA_RESTART` that call
/// fails with `EINTR`, which this crate restarts (see the crate's EINTR policy), so a program
/// that catches a signal this way sees it nowhere — which is what firmware wants from an
/// interrupt it does not use, and what a test needs to show that `EINTR` is handled.
#[doc(alias = "sigaction")]
pub fn interrupt_on(signal: Signal) -> Result<()> {
    sys::rt::interrupt_on(signal.number().into())
}

/// Signals as datagrams (the self-pipe trick): catches each of `signals` and, whenever one
/// arrives, sends its [`Signal::number`] as a one-byte datagram to the returned socket. A
/// superloop polls that socket with its others, so a `SIGTERM` wakes its `poll` at once and is
/// handled in the loop, outside the handler, like any input: stop accepting, close the sockets,
/// remove socket files, exit 0.
///
/// The handler is async-signal-safe (one `send` that never waits; `errno` is kept). While the
/// socket's queue is full, further signals add nothing to it (one queued datagram already says
/// a signal came). Without `SA_RESTART`, as [`interrupt_on`]; this crate restarts what a signal
/// interrupts.
///
/// Once per process: the sending end stays open until the process ends, for a signal may
/// come at any moment.
///
/// Errors: [`ErrorKind::InvalidInput`] when called before in this process; those of
/// `socketpair` and `sigaction`.
///
/// ```no_run
/// use anysock_core::{Datagram as _, Interest, PollFd, Pollable as _, Stack as _};
/// use anysock_posix::rt::{self, Signal};
/// use anysock_posix::Posix;
///
/// let mut signals = rt::notify_on(&[Signal::Terminate, Signal::Interrupt])?;
/// let mut fds = [PollFd::new(signals.handle(), Interest::READABLE)];
/// Posix.poll(&mut fds, None)?; // ... with the program's other sockets
/// let mut number = [0u8; 1];
/// signals.recv(&mut number)?;
/// assert!(number[0] == Signal::Terminate.number() || number[0] == Signal::Interrupt.number());
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[doc(alias = "sigaction")]
#[doc(alias = "signalfd")]
pub fn notify_on(signals: &[Signal]) -> Result<Datagram> {
    let fd = sys::rt::notify_pair()?;
    for signal in signals {
        sys::rt::notify_on(signal.number().into())?;
    }
    anysock_core::Socket::into_datagram(Socket {
        fd,
        domain: Domain::Unix,
        ty: Type::Datagram,
    })
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;

    use super::*;
    use anysock_core::Stack as _;

    #[test]
    fn remove_stale_removes_only_a_socket_file_nobody_answers_on() {
        let dir = std::env::temp_dir().join(format!("anysock-rt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let at = |name: &str| {
            let path = dir.join(name);
            let text = format!("unix:{}", path.display());
            (path, text.parse::<SocketAddr>().unwrap())
        };

        let (path, addr) = at("live.sock");
        let live = crate::Posix.bind(&addr).unwrap();
        assert_eq!(
            remove_stale(&addr, Type::Datagram),
            Ok(false),
            "its owner answers"
        );
        assert!(path.exists());
        drop(live);
        assert_eq!(
            remove_stale(&addr, Type::Datagram),
            Ok(true),
            "nobody answers"
        );
        assert!(!path.exists());
        assert_eq!(
            remove_stale(&addr, Type::Datagram),
            Ok(false),
            "nothing left"
        );
        crate::Posix.bind(&addr).expect("the path is free again");

        let (path, addr) = at("notes.txt");
        std::fs::write(&path, b"not a socket").unwrap();
        assert_eq!(remove_stale(&addr, Type::Datagram), Ok(false));
        assert_eq!(std::fs::read(&path).unwrap(), b"not a socket");

        let inet = "127.0.0.1:9".parse().unwrap();
        assert_eq!(remove_stale(&inet, Type::Stream), Ok(false));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
