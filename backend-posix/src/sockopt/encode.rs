//! Encoders and decoders shared by the option table: Rust values to the C values the kernel
//! reads, and back. The values come normalised by core's rules (`SockOption::normalize`:
//! rounding to the kernel's unit, zero timeouts and out-of-range sizes refused, the same on
//! every backend); what is left here is the conversion, which still refuses with
//! [`ErrorKind::InvalidInput`] whatever a C type cannot hold, rather than cut it.

use core::time::Duration;

use libc::c_int;

use crate::sys::{addr, errno, socket};
use anysock_core::{Domain, Error, ErrorKind, Result, Type};

pub(super) fn invalid() -> Error {
    Error::new(ErrorKind::InvalidInput)
}

/// The answer of a read-only option to a write, and of a write-only one to a read (neither
/// can be asked for through the typed API; this keeps the table total).
pub(super) fn unsupported<T, U>(_: T) -> Result<U> {
    Err(Error::new(ErrorKind::Unsupported))
}

pub(super) fn encode_bool(v: bool) -> Result<c_int> {
    Ok(c_int::from(v))
}

pub(super) fn decode_bool(raw: c_int) -> Result<bool> {
    Ok(raw != 0)
}

pub(super) fn encode_size(v: usize) -> Result<c_int> {
    c_int::try_from(v).map_err(|_| invalid())
}

pub(super) fn decode_size(raw: c_int) -> Result<usize> {
    usize::try_from(raw).map_err(|_| invalid())
}

pub(super) fn encode_u32(v: u32) -> Result<c_int> {
    c_int::try_from(v).map_err(|_| invalid())
}

pub(super) fn decode_u32(raw: c_int) -> Result<u32> {
    u32::try_from(raw).map_err(|_| invalid())
}

pub(super) fn encode_u8(v: u8) -> Result<c_int> {
    Ok(c_int::from(v))
}

pub(super) fn decode_u8(raw: c_int) -> Result<u8> {
    u8::try_from(raw).map_err(|_| invalid())
}

/// `None` is "no timeout" (`{0, 0}`); a time is whole microseconds already (core's
/// `normalize::timeout`, which refuses zero), its seconds saturated at what `time_t` holds.
pub(super) fn encode_timeout(v: Option<Duration>) -> Result<libc::timeval> {
    let Some(d) = v else {
        return Ok(libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        });
    };
    Ok(libc::timeval {
        tv_sec: libc::time_t::try_from(d.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_usec: d.subsec_micros() as libc::suseconds_t,
    })
}

pub(super) fn decode_timeout(raw: libc::timeval) -> Result<Option<Duration>> {
    let secs = u64::try_from(raw.tv_sec).map_err(|_| invalid())?;
    let micros = u32::try_from(raw.tv_usec).map_err(|_| invalid())?;
    let d = Duration::from_secs(secs) + Duration::from_micros(u64::from(micros));
    Ok(if d.is_zero() { None } else { Some(d) })
}

/// Whole seconds already (core's `normalize::linger` rounds up, so that a short linger is not
/// turned into "reset on close").
pub(super) fn encode_linger(v: Option<Duration>) -> Result<libc::linger> {
    Ok(match v {
        None => libc::linger {
            l_onoff: 0,
            l_linger: 0,
        },
        Some(d) => libc::linger {
            l_onoff: 1,
            l_linger: encode_seconds(d)?,
        },
    })
}

pub(super) fn decode_linger(raw: libc::linger) -> Result<Option<Duration>> {
    if raw.l_onoff == 0 {
        return Ok(None);
    }
    let secs = u64::try_from(raw.l_linger).map_err(|_| invalid())?;
    Ok(Some(Duration::from_secs(secs)))
}

/// Whole seconds (core's `normalize::interval` and `normalize::linger` round up, and refuse a
/// zero interval, which the kernel reads as an error).
pub(super) fn encode_seconds(d: Duration) -> Result<c_int> {
    c_int::try_from(d.as_secs()).map_err(|_| invalid())
}

pub(super) fn decode_seconds(raw: c_int) -> Result<Duration> {
    Ok(Duration::from_secs(
        u64::try_from(raw).map_err(|_| invalid())?,
    ))
}

/// `None` is the kernel's 0, "the default"; a time is whole milliseconds already (core's
/// `normalize::millis`, which refuses `Some(ZERO)` rather than turn it into the default).
pub(super) fn encode_millis(v: Option<Duration>) -> Result<c_int> {
    let Some(d) = v else { return Ok(0) };
    c_int::try_from(d.as_millis()).map_err(|_| invalid())
}

pub(super) fn decode_millis(raw: c_int) -> Result<Option<Duration>> {
    let millis = u64::try_from(raw).map_err(|_| invalid())?;
    Ok((millis != 0).then(|| Duration::from_millis(millis)))
}

pub(super) fn decode_error(raw: c_int) -> Result<Option<Error>> {
    Ok(if raw == 0 {
        None
    } else {
        Some(errno::from_errno(raw))
    })
}

pub(super) fn decode_type(raw: c_int) -> Result<Type> {
    socket::type_of(raw).ok_or(Error::new(ErrorKind::Unsupported))
}

pub(super) fn decode_domain(raw: c_int) -> Result<Domain> {
    addr::domain_of(raw).ok_or(Error::new(ErrorKind::Unsupported))
}

/// A name into its NUL-padded C form; `None` is all zeros, the empty name.
pub(super) fn encode_name(name: Option<&[u8]>) -> [u8; 16] {
    let mut raw = [0u8; 16];
    if let Some(name) = name {
        // The typed names hold at most 15 bytes, so one NUL always follows.
        let n = name.len().min(15);
        raw[..n].copy_from_slice(&name[..n]);
    }
    raw
}

/// The bytes of a NUL-terminated C name; `None` when it is empty. A name filling the buffer
/// without a NUL is taken whole: the typed constructors then refuse it as too long.
pub(super) fn decode_name(raw: &[u8; 16]) -> Option<&[u8]> {
    let len = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    (len > 0).then(|| &raw[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_convert_to_the_kernel_units_and_back() {
        let tv = encode_timeout(Some(Duration::new(2, 5_000))).unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (2, 5));
        assert_eq!(decode_timeout(tv).unwrap(), Some(Duration::new(2, 5_000)));
        let none = encode_timeout(None).unwrap();
        assert_eq!(decode_timeout(none).unwrap(), None);
        let forever = encode_timeout(Some(Duration::MAX)).unwrap();
        assert_eq!(forever.tv_sec, libc::time_t::MAX);

        let l = encode_linger(Some(Duration::from_secs(1))).unwrap();
        assert_eq!((l.l_onoff, l.l_linger), (1, 1));
        assert_eq!(decode_linger(encode_linger(None).unwrap()).unwrap(), None);
        assert!(encode_linger(Some(Duration::from_secs(u64::MAX))).is_err());

        assert_eq!(encode_seconds(Duration::from_secs(3)).unwrap(), 3);
        assert!(encode_seconds(Duration::MAX).is_err());
        assert!(decode_seconds(-1).is_err());
        assert_eq!(encode_millis(None).unwrap(), 0);
        assert_eq!(encode_millis(Some(Duration::from_millis(7))).unwrap(), 7);
        assert!(encode_millis(Some(Duration::MAX)).is_err());
        assert_eq!(decode_millis(0).unwrap(), None);
    }

    #[test]
    fn what_a_c_type_cannot_hold_is_refused() {
        assert!(encode_u32(u32::MAX).is_err());
        assert!(decode_u8(256).is_err());
        assert!(decode_u8(-1).is_err());
    }

    #[test]
    fn names_are_nul_padded() {
        let raw = encode_name(Some(b"reno"));
        assert_eq!(&raw[..5], b"reno\0");
        assert_eq!(decode_name(&raw), Some(&b"reno"[..]));
        assert_eq!(decode_name(&encode_name(None)), None);
        assert_eq!(decode_name(&[b'x'; 16]).map(<[u8]>::len), Some(16));
    }
}
