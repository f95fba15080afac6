//! Encoders and decoders shared by the option table: Rust values to the C values the kernel
//! reads, and back. Every range check happens here, before the kernel sees the value, so an
//! out-of-range value is [`ErrorKind::InvalidInput`] on every system alike.

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

/// A multicast hop limit: 0 (this host only) to 255. The kernel also takes -1 for "the
/// default", which `u32` cannot say.
pub(super) fn encode_hops(v: u32) -> Result<c_int> {
    if v > 255 {
        return Err(invalid());
    }
    encode_u32(v)
}

/// `None` is "no timeout" (`{0, 0}`). Zero is refused: the kernel would read it as "no
/// timeout", the opposite of what was asked. Sub-microsecond parts round up, so a tiny timeout
/// never becomes zero.
pub(super) fn encode_timeout(v: Option<Duration>) -> Result<libc::timeval> {
    let Some(d) = v else {
        return Ok(libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        });
    };
    if d.is_zero() {
        return Err(invalid());
    }
    let mut secs = d.as_secs();
    let mut micros = d.subsec_nanos().div_ceil(1000);
    if micros == 1_000_000 {
        secs += 1;
        micros = 0;
    }
    Ok(libc::timeval {
        tv_sec: libc::time_t::try_from(secs).unwrap_or(libc::time_t::MAX),
        tv_usec: micros as libc::suseconds_t,
    })
}

pub(super) fn decode_timeout(raw: libc::timeval) -> Result<Option<Duration>> {
    let secs = u64::try_from(raw.tv_sec).map_err(|_| invalid())?;
    let micros = u32::try_from(raw.tv_usec).map_err(|_| invalid())?;
    let d = Duration::from_secs(secs) + Duration::from_micros(u64::from(micros));
    Ok(if d.is_zero() { None } else { Some(d) })
}

/// Whole seconds, rounded up so that a short linger is not turned into "reset on close".
pub(super) fn encode_linger(v: Option<Duration>) -> Result<libc::linger> {
    Ok(match v {
        None => libc::linger {
            l_onoff: 0,
            l_linger: 0,
        },
        Some(d) => libc::linger {
            l_onoff: 1,
            l_linger: whole_seconds(d)?,
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

/// `d` in whole seconds, a fraction rounded up.
fn whole_seconds(d: Duration) -> Result<c_int> {
    let secs = d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0));
    c_int::try_from(secs).map_err(|_| invalid())
}

/// An interval in whole seconds where the kernel reads 0 as an error or as "never": zero is
/// refused, and a fraction rounds up so that a short interval does not become zero.
pub(super) fn encode_seconds(d: Duration) -> Result<c_int> {
    if d.is_zero() {
        return Err(invalid());
    }
    whole_seconds(d)
}

pub(super) fn decode_seconds(raw: c_int) -> Result<Duration> {
    Ok(Duration::from_secs(
        u64::try_from(raw).map_err(|_| invalid())?,
    ))
}

/// `None` is the kernel's 0, "the default"; so `Some(ZERO)` is refused rather than turned into
/// the default. A fraction of a millisecond rounds up.
pub(super) fn encode_millis(v: Option<Duration>) -> Result<c_int> {
    let Some(d) = v else { return Ok(0) };
    if d.is_zero() {
        return Err(invalid());
    }
    let millis = d.as_nanos().div_ceil(1_000_000);
    c_int::try_from(millis).map_err(|_| invalid())
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
    fn timeouts_never_round_to_zero() {
        assert!(encode_timeout(Some(Duration::ZERO)).is_err());
        let tv = encode_timeout(Some(Duration::from_nanos(1))).unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (0, 1));
        let tv = encode_timeout(Some(Duration::new(1, 999_999_999))).unwrap();
        assert_eq!((tv.tv_sec, tv.tv_usec), (2, 0));
        let none = encode_timeout(None).unwrap();
        assert_eq!(decode_timeout(none).unwrap(), None);
    }

    #[test]
    fn linger_rounds_up() {
        let l = encode_linger(Some(Duration::from_millis(1))).unwrap();
        assert_eq!((l.l_onoff, l.l_linger), (1, 1));
        assert_eq!(decode_linger(encode_linger(None).unwrap()).unwrap(), None);
        assert!(encode_linger(Some(Duration::from_secs(u64::MAX))).is_err());
    }

    #[test]
    fn intervals_round_up_and_refuse_zero() {
        assert!(encode_seconds(Duration::ZERO).is_err());
        assert_eq!(encode_seconds(Duration::from_millis(1)).unwrap(), 1);
        assert_eq!(encode_seconds(Duration::from_millis(2001)).unwrap(), 3);
        assert!(encode_seconds(Duration::MAX).is_err());
        assert!(decode_seconds(-1).is_err());

        assert_eq!(encode_millis(None).unwrap(), 0);
        assert!(encode_millis(Some(Duration::ZERO)).is_err());
        assert_eq!(encode_millis(Some(Duration::from_nanos(1))).unwrap(), 1);
        assert!(encode_millis(Some(Duration::MAX)).is_err());
        assert_eq!(decode_millis(0).unwrap(), None);
    }

    #[test]
    fn ranges_are_checked_before_the_kernel() {
        assert!(encode_hops(256).is_err());
        assert_eq!(encode_hops(255).unwrap(), 255);
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
