//! `setsockopt`/`getsockopt`: the raw calls, and the table that gives each typed option of
//! `anysock_core::opt` its level, name and encoding.
//!
//! The table is in three parts: `portable` for the options every supported system has with
//! the same encoding, `linux` for the rest, as Linux defines them, and `other`, which on every
//! other system makes those same options answer [`ErrorKind::Unsupported`] without a syscall.
//! Every option thus exists for every socket type on every system, and the safe layer above
//! needs no `cfg`; an option's encoding for another system is written when it can be tested
//! there.

use core::mem::size_of;

use libc::{c_int, c_void, socklen_t};

use super::{retry, Fd};
use anysock_core::opt::SockOption;
use anysock_core::{Error, ErrorKind, Result};

// Outside Linux the Linux-only encoders have no row to serve.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
mod encode;
mod portable;

cfg_if::cfg_if! {
    if #[cfg(target_os = "linux")] {
        mod linux;
    } else {
        mod other;
    }
}

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

/// A C value an option is passed as: plain old data, for which every bit pattern is valid,
/// with a zero value.
pub(crate) trait Pod: Copy {
    fn zero() -> Self;
}

impl Pod for c_int {
    fn zero() -> Self {
        0
    }
}

impl Pod for u32 {
    fn zero() -> Self {
        0
    }
}

/// Names: an interface name (`IFNAMSIZ`) or a congestion-control name (`TCP_CA_NAME_MAX`),
/// NUL-terminated, NUL-padded.
impl Pod for [u8; 16] {
    fn zero() -> Self {
        [0; 16]
    }
}

impl Pod for libc::linger {
    fn zero() -> Self {
        libc::linger {
            l_onoff: 0,
            l_linger: 0,
        }
    }
}

impl Pod for libc::timeval {
    fn zero() -> Self {
        libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        }
    }
}

impl Pod for libc::in_addr {
    fn zero() -> Self {
        libc::in_addr { s_addr: 0 }
    }
}

/// How a typed option travels through `setsockopt`/`getsockopt`.
pub(crate) trait Codec: SockOption {
    /// `(level, name)` on this system, or `None` where the system lacks the option.
    const KEY: Option<(c_int, c_int)>;
    /// The C type the kernel reads and writes.
    type Raw: Pod;
    /// The C value for `value`, or why there is none ([`ErrorKind::InvalidInput`] out of
    /// range, [`ErrorKind::Unsupported`] for a read-only option).
    fn encode(value: Self::Value) -> Result<Self::Raw>;
    /// The value the kernel's answer stands for ([`ErrorKind::Unsupported`] for a write-only
    /// option).
    fn decode(raw: Self::Raw) -> Result<Self::Value>;
}

fn key<O: Codec>() -> Result<(c_int, c_int)> {
    O::KEY.ok_or(Error::new(ErrorKind::Unsupported))
}

/// Sets a typed option.
pub(crate) fn set<O: Codec>(fd: &Fd, value: O::Value) -> Result<()> {
    let (level, name) = key::<O>()?;
    let raw = O::encode(value)?;
    // SAFETY: `raw` is a live `O::Raw` of `size_of::<O::Raw>()` readable bytes.
    retry(|| unsafe {
        libc::setsockopt(
            fd.raw(),
            level,
            name,
            (&raw as *const O::Raw).cast::<c_void>(),
            size_of::<O::Raw>() as socklen_t,
        )
    })?;
    Ok(())
}

/// Reads a typed option. A kernel answer shorter than the C type (some systems pass booleans
/// as one byte; Linux passes names without their padding) leaves the rest zero; a longer one
/// is an error, never cut.
pub(crate) fn get<O: Codec>(fd: &Fd) -> Result<O::Value> {
    let (level, name) = key::<O>()?;
    let mut raw = O::Raw::zero();
    let mut len = size_of::<O::Raw>() as socklen_t;
    // SAFETY: `raw` has `len` writable bytes and any bytes are a valid `O::Raw` (`Pod`).
    retry(|| unsafe {
        libc::getsockopt(
            fd.raw(),
            level,
            name,
            (&mut raw as *mut O::Raw).cast::<c_void>(),
            &mut len,
        )
    })?;
    if len as usize > size_of::<O::Raw>() {
        return Err(Error::new(ErrorKind::InvalidInput));
    }
    O::decode(raw)
}

/// One row per option: marker, level, name, C type, encoder, decoder.
macro_rules! codecs {
    ($($opt:ty => $level:expr, $name:expr, $raw:ty, $encode:expr, $decode:expr;)*) => {$(
        impl $crate::sys::sockopt::Codec for $opt {
            const KEY: Option<(libc::c_int, libc::c_int)> = Some(($level, $name));
            type Raw = $raw;
            fn encode(value: Self::Value) -> anysock_core::Result<$raw> {
                $encode(value)
            }
            fn decode(raw: $raw) -> anysock_core::Result<Self::Value> {
                $decode(raw)
            }
        }
    )*};
}
use codecs;
