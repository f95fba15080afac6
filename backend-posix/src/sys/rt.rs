//! What a program without `std` needs from the C library besides sockets: the monotonic
//! clock, the standard streams, its command line, removing a file, catching a signal, and
//! aborting.

use core::time::Duration;

use libc::c_int;

use super::retry;
use anysock_core::{Error, ErrorKind, Result};

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

/// `unlink(path)` for a path without NUL bytes.
pub(crate) fn unlink(path: &[u8]) -> Result<()> {
    let mut buf = [0u8; anysock_core::unix_addr::SUN_PATH_CAPACITY + 1];
    let dst = buf
        .get_mut(..path.len())
        .ok_or(Error::new(ErrorKind::InvalidInput))?;
    dst.copy_from_slice(path);
    if path.contains(&0) {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    // SAFETY: `buf` holds `path` and then at least one NUL, so it is a C string.
    retry(|| unsafe { libc::unlink(buf.as_ptr().cast()) })?;
    Ok(())
}

/// `abort()`.
pub(crate) fn abort() -> ! {
    // SAFETY: `abort` takes no arguments and never returns.
    unsafe { libc::abort() }
}

pub(crate) const SIGUSR1: c_int = libc::SIGUSR1;
pub(crate) const SIGUSR2: c_int = libc::SIGUSR2;

/// The handler [`interrupt_on`] installs: doing nothing is all it is for, and is
/// async-signal-safe.
extern "C" fn interrupted(_: c_int) {}

/// `sigaction(signal, { interrupted, mask: empty, flags: 0 })`: no `SA_RESTART`.
pub(crate) fn interrupt_on(signal: c_int) -> Result<()> {
    // SAFETY: `sigaction` is plain data, for which all zeroes is a valid value (no flags).
    let mut action: libc::sigaction = unsafe { core::mem::zeroed() };
    action.sa_sigaction = interrupted as extern "C" fn(c_int) as libc::sighandler_t;
    // SAFETY: `sa_mask` is a writable `sigset_t` inside `action`.
    unsafe { libc::sigemptyset(&mut action.sa_mask) };
    // SAFETY: `action` is a valid `sigaction` whose handler touches nothing; the old action
    // is not asked for (null).
    retry(|| unsafe { libc::sigaction(signal, &action, core::ptr::null_mut()) })?;
    Ok(())
}
