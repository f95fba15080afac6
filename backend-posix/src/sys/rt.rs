//! What a program without `std` needs from the C library besides sockets: the monotonic
//! clock, the standard streams, its command line, looking at and removing a file, catching a
//! signal, and aborting.

use core::sync::atomic::{AtomicI32, Ordering};
use core::time::Duration;

use libc::c_int;

use super::{os, retry, Fd};
use anysock_core::{Error, ErrorKind, Result, Type};

// Link the C library ourselves: the `libc` crate leaves that to `std` whenever another crate
// of the build turns on its `std` feature, and a program without `std` still needs it.
#[link(name = "c")]
extern "C" {}

/// `clock_gettime(CLOCK_MONOTONIC)`.
pub(crate) fn monotonic_now() -> Duration {
    super::poll::now()
}

/// `write(fd, bytes)` until all is written, retried on `EINTR`.
pub(crate) fn write_all(fd: c_int, mut bytes: &[u8]) -> Result<()> {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is valid for reads of `bytes.len()` bytes for the call.
        let n = retry(|| unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) })?;
        let n = usize::try_from(n).unwrap_or(0);
        if n == 0 {
            return Err(Error::new(ErrorKind::BrokenPipe));
        }
        bytes = bytes.get(n..).unwrap_or_default();
    }
    Ok(())
}

/// Reads `path` (a NUL-terminated C string) into `buf`, returning how many bytes came; a file
/// longer than `buf` is `InvalidInput`, never cut.
pub(crate) fn read_file(path: &core::ffi::CStr, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: `path` is a C string; `open` reads no other memory.
    let fd = retry(|| unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) })?;
    // SAFETY: `open` just returned this descriptor; nothing else owns it.
    let fd = unsafe { super::Fd::from_raw(fd) };
    let mut filled = 0;
    loop {
        let Some(rest) = buf.get_mut(filled..) else {
            return Err(Error::new(ErrorKind::InvalidInput));
        };
        if rest.is_empty() {
            // Full: anything more would not fit.
            let mut probe = [0u8; 1];
            // SAFETY: `probe` is one writable byte.
            let more = retry(|| unsafe { libc::read(fd.raw(), probe.as_mut_ptr().cast(), 1) })?;
            return if more == 0 {
                Ok(filled)
            } else {
                Err(Error::new(ErrorKind::InvalidInput))
            };
        }
        // SAFETY: `rest` is valid for writes of `rest.len()` bytes for the call.
        let n = retry(|| unsafe { libc::read(fd.raw(), rest.as_mut_ptr().cast(), rest.len()) })?;
        match usize::try_from(n) {
            Ok(0) | Err(_) => return Ok(filled),
            Ok(n) => filled += n,
        }
    }
}

/// A socket path as a C string: `path`, then at least one NUL. A path with a NUL byte, or
/// longer than `sun_path`, is `InvalidInput`.
fn c_path(path: &[u8]) -> Result<[u8; anysock_core::unix_addr::SUN_PATH_CAPACITY + 1]> {
    let mut buf = [0u8; anysock_core::unix_addr::SUN_PATH_CAPACITY + 1];
    let dst = buf
        .get_mut(..path.len())
        .ok_or(Error::new(ErrorKind::InvalidInput))?;
    dst.copy_from_slice(path);
    if path.contains(&0) {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    Ok(buf)
}

/// `unlink(path)` for a path without NUL bytes.
pub(crate) fn unlink(path: &[u8]) -> Result<()> {
    let buf = c_path(path)?;
    // SAFETY: `buf` holds `path` and then at least one NUL, so it is a C string.
    retry(|| unsafe { libc::unlink(buf.as_ptr().cast()) })?;
    Ok(())
}

/// `lstat(path)` and `S_ISSOCK`: whether `path` is a socket file; `false` when nothing is
/// there. A symbolic link is not followed (and is not a socket).
pub(crate) fn is_socket(path: &[u8]) -> Result<bool> {
    let buf = c_path(path)?;
    // SAFETY: `stat` is plain data, for which all zeroes is a valid value.
    let mut st: libc::stat = unsafe { core::mem::zeroed() };
    // SAFETY: `buf` is a C string (see `c_path`); `st` is a writable `stat`.
    match retry(|| unsafe { libc::lstat(buf.as_ptr().cast(), &mut st) }) {
        Ok(_) => Ok(st.st_mode & libc::S_IFMT == libc::S_IFSOCK),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// `abort()`.
pub(crate) fn abort() -> ! {
    // SAFETY: `abort` takes no arguments and never returns.
    unsafe { libc::abort() }
}

pub(crate) const SIGUSR1: c_int = libc::SIGUSR1;
pub(crate) const SIGUSR2: c_int = libc::SIGUSR2;
pub(crate) const SIGTERM: c_int = libc::SIGTERM;
pub(crate) const SIGINT: c_int = libc::SIGINT;

/// The handler [`interrupt_on`] installs: doing nothing is all it is for, and is
/// async-signal-safe.
extern "C" fn interrupted(_: c_int) {}

/// `sigaction(signal, { interrupted, mask: empty, flags: 0 })`: no `SA_RESTART`.
pub(crate) fn interrupt_on(signal: c_int) -> Result<()> {
    handle(signal, interrupted)
}

/// The sending end of the socket pair [`notify_on`] made, or -1. Never closed once set: a
/// signal may arrive at any moment until the process ends.
static NOTIFY: AtomicI32 = AtomicI32::new(-1);

/// The handler [`notify_on`] installs: sends the signal's number, one byte, to the socket
/// pair. Async-signal-safe: an atomic load and one `send` that never waits, with `errno` put
/// back as it was for the code the signal interrupted.
extern "C" fn notify(signal: c_int) {
    let fd = NOTIFY.load(Ordering::Relaxed);
    let byte = signal as u8;
    // SAFETY: the location of the calling thread's own `errno`, valid for the thread's life.
    let errno = unsafe { os::errno_location() };
    // SAFETY: as above; reading it is reading an `int`.
    let saved = unsafe { *errno };
    // SAFETY: `byte` is one readable byte. `MSG_DONTWAIT`: when the queue is full the byte is
    // dropped (the reader learns of the signal from those already queued); a closed reader
    // is an error, never `SIGPIPE` (`SEND_FLAGS`).
    let _ = unsafe {
        libc::send(
            fd,
            (&byte as *const u8).cast(),
            1,
            libc::MSG_DONTWAIT | os::SEND_FLAGS,
        )
    };
    // SAFETY: as above.
    unsafe { *errno = saved };
}

/// A Unix datagram socket pair whose sending end [`notify_on`]'s handler writes to; returns
/// the receiving end. Once per process: later calls are `InvalidInput`.
pub(crate) fn notify_pair() -> Result<Fd> {
    let (receiver, sender) = super::socket::socketpair(Type::Datagram)?;
    if NOTIFY
        .compare_exchange(-1, sender.raw(), Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    // Open for the life of the process: the handler may use it at any moment.
    let _ = sender.into_raw();
    Ok(receiver)
}

/// `sigaction(signal, { notify, mask: empty, flags: 0 })`, once [`notify_pair`] has run.
pub(crate) fn notify_on(signal: c_int) -> Result<()> {
    handle(signal, notify)
}

/// `sigaction(signal, { handler, mask: empty, flags: 0 })`: no `SA_RESTART`.
fn handle(signal: c_int, handler: extern "C" fn(c_int)) -> Result<()> {
    // SAFETY: `sigaction` is plain data, for which all zeroes is a valid value (no flags).
    let mut action: libc::sigaction = unsafe { core::mem::zeroed() };
    action.sa_sigaction = handler as libc::sighandler_t;
    // SAFETY: `sa_mask` is a writable `sigset_t` inside `action`.
    unsafe { libc::sigemptyset(&mut action.sa_mask) };
    // SAFETY: `action` is a valid `sigaction` whose handler is async-signal-safe (`interrupted`
    // does nothing, `notify` see above); the old action is not asked for (null).
    retry(|| unsafe { libc::sigaction(signal, &action, core::ptr::null_mut()) })?;
    Ok(())
}
