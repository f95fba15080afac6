//! `setsockopt`/`getsockopt`: the raw calls, with bytes or with a plain C value. Which option
//! is which level, name and C type, and how a Rust value becomes one, is the option table's
//! business (`crate::sockopt`), above this layer.

use core::mem::size_of;

use libc::{c_int, c_void, socklen_t};

use super::pod::{zeroed, Pod};
use super::{retry, Fd};
use anysock_core::{Error, ErrorKind, Result};

/// `setsockopt(fd, level, name, value, len)` with the value's bytes as they are.
pub(crate) fn set_raw(fd: &Fd, level: c_int, name: c_int, value: &[u8]) -> Result<()> {
    let len = socklen_t::try_from(value.len()).map_err(|_| Error::new(ErrorKind::InvalidInput))?;
    // SAFETY: `value` points to `len` readable bytes.
    retry(|| unsafe { libc::setsockopt(fd.raw(), level, name, value.as_ptr().cast(), len) })?;
    Ok(())
}

/// `getsockopt(fd, level, name, buf, &len)`: the option's bytes into `buf`, returning how many.
///
/// Errors with [`ErrorKind::InvalidInput`] when the kernel had more to say than `buf` holds
/// (it would have cut the value silently).
pub(crate) fn get_raw(fd: &Fd, level: c_int, name: c_int, buf: &mut [u8]) -> Result<usize> {
    let room = socklen_t::try_from(buf.len()).map_err(|_| Error::new(ErrorKind::InvalidInput))?;
    let mut len = room;
    // SAFETY: `buf` has `len` writable bytes and `len` is a writable `socklen_t`.
    retry(|| unsafe {
        libc::getsockopt(fd.raw(), level, name, buf.as_mut_ptr().cast(), &mut len)
    })?;
    if len > room {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    Ok(len as usize)
}

/// `setsockopt(fd, level, name, &value, sizeof value)`.
#[inline]
pub(crate) fn set<T: Pod>(fd: &Fd, level: c_int, name: c_int, value: &T) -> Result<()> {
    // SAFETY: `value` is a live `T` of `size_of::<T>()` readable bytes.
    retry(|| unsafe {
        libc::setsockopt(
            fd.raw(),
            level,
            name,
            (value as *const T).cast::<c_void>(),
            size_of::<T>() as socklen_t,
        )
    })?;
    Ok(())
}

/// `getsockopt(fd, level, name, &value, &len)`. A kernel answer shorter than `T` (some systems
/// pass booleans as one byte; Linux passes names without their padding) leaves the rest zero;
/// a longer one is an error, never cut.
#[inline]
pub(crate) fn get<T: Pod>(fd: &Fd, level: c_int, name: c_int) -> Result<T> {
    let mut value: T = zeroed();
    let mut len = size_of::<T>() as socklen_t;
    // SAFETY: `value` has `len` writable bytes and any bytes are a valid `T` (`Pod`).
    retry(|| unsafe {
        libc::getsockopt(
            fd.raw(),
            level,
            name,
            (&mut value as *mut T).cast::<c_void>(),
            &mut len,
        )
    })?;
    if len as usize > size_of::<T>() {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    Ok(value)
}
