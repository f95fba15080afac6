//! What an option's value becomes before any backend sets it: the rules every backend follows
//! (so the kernel and a simulation agree), named in the option table by
//! [`super::SockOption::normalize`].
//!
//! The kernel keeps times in coarse units (`timeval` microseconds, whole seconds of
//! `SO_LINGER` and `TCP_KEEPIDLE`, milliseconds of `TCP_USER_TIMEOUT`) and sizes in a C `int`.
//! A value is rounded up to the unit, so a short time never becomes zero, which the kernel
//! reads as "never", "for ever" or "the default"; a zero where the kernel would read it so is
//! refused; a value the unit cannot hold is refused. Refusals are
//! [`ErrorKind::InvalidInput`], never a silent cut.

use core::time::Duration;

use crate::error::{Error, ErrorKind, Result};

fn invalid() -> Error {
    Error::new(ErrorKind::InvalidInput)
}

/// The largest count of a unit the kernel holds in a C `int`.
const INT_MAX: u64 = i32::MAX as u64;

/// `d` rounded up to a whole number of `unit`s (a nanosecond unit of 1, 1 000, 1 000 000 or
/// 1 000 000 000), and that number; `None` when it is more than `max` units.
fn round_up(d: Duration, unit_nanos: u32, max: u64) -> Option<(Duration, u64)> {
    let units = d.as_nanos().div_ceil(u128::from(unit_nanos));
    let units = u64::try_from(units).ok().filter(|&n| n <= max)?;
    let nanos = u128::from(units) * u128::from(unit_nanos);
    let secs = u64::try_from(nanos / 1_000_000_000).ok()?;
    Some((Duration::new(secs, (nanos % 1_000_000_000) as u32), units))
}

/// `SO_RCVTIMEO`, `SO_SNDTIMEO`: `None` waits for ever; `Some(ZERO)` is refused (the kernel
/// reads a zero `timeval` as "for ever", the opposite of what was asked); a fraction of a
/// microsecond rounds up. Times beyond what a `timeval` holds stay as they are (any such wait
/// is for ever in practice; a backend saturates them).
pub fn timeout(value: Option<Duration>) -> Result<Option<Duration>> {
    let Some(d) = value else { return Ok(None) };
    if d.is_zero() {
        return Err(invalid());
    }
    Ok(Some(round_up(d, 1_000, u64::MAX).map_or(d, |(d, _)| d)))
}

/// `SO_LINGER`: whole seconds, a fraction rounded up (so a short linger does not become zero,
/// which resets the connection on close); more seconds than a C `int` holds is refused.
/// `Some(ZERO)`, the reset, and `None`, the default, stay.
pub fn linger(value: Option<Duration>) -> Result<Option<Duration>> {
    let Some(d) = value else { return Ok(None) };
    let (d, _) = round_up(d, 1_000_000_000, INT_MAX).ok_or_else(invalid)?;
    Ok(Some(d))
}

/// `TCP_KEEPIDLE`, `TCP_KEEPINTVL`: whole seconds, a fraction rounded up; zero is refused
/// (the kernel reads it as an error), as is more than a C `int` holds.
pub fn interval(value: Duration) -> Result<Duration> {
    if value.is_zero() {
        return Err(invalid());
    }
    let (d, _) = round_up(value, 1_000_000_000, INT_MAX).ok_or_else(invalid)?;
    Ok(d)
}

/// `TCP_USER_TIMEOUT`: `None` is the system's default (the kernel's 0), so `Some(ZERO)` is
/// refused; whole milliseconds, a fraction rounded up; more than a C `int` holds is refused.
pub fn millis(value: Option<Duration>) -> Result<Option<Duration>> {
    let Some(d) = value else { return Ok(None) };
    if d.is_zero() {
        return Err(invalid());
    }
    let (d, _) = round_up(d, 1_000_000, INT_MAX).ok_or_else(invalid)?;
    Ok(Some(d))
}

/// `SO_RCVBUF`, `SO_SNDBUF`, `SO_RCVLOWAT`: a byte count the kernel holds in a C `int`;
/// more is refused rather than cut.
pub fn size(value: usize) -> Result<usize> {
    if value as u64 > INT_MAX {
        return Err(invalid());
    }
    Ok(value)
}

/// `IP_MULTICAST_TTL`, `IPV6_MULTICAST_HOPS`: 0 (this host only) to 255.
pub fn hops(value: u32) -> Result<u32> {
    if value > 255 {
        return Err(invalid());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn timeouts_round_up_to_the_microsecond_and_refuse_zero() {
        assert!(timeout(Some(Duration::ZERO)).is_err());
        assert_eq!(timeout(None), Ok(None));
        let tiny = timeout(Some(Duration::from_nanos(1)));
        assert_eq!(tiny, Ok(Some(Duration::from_micros(1))));
        let almost = timeout(Some(Duration::new(1, 999_999_999)));
        assert_eq!(almost, Ok(Some(Duration::from_secs(2))));
        assert_eq!(timeout(Some(Duration::MAX)), Ok(Some(Duration::MAX)));
    }

    #[test]
    fn linger_rounds_up_to_whole_seconds() {
        assert_eq!(linger(Some(MS)), Ok(Some(Duration::from_secs(1))));
        assert_eq!(linger(Some(Duration::ZERO)), Ok(Some(Duration::ZERO)));
        assert_eq!(linger(None), Ok(None));
        assert!(linger(Some(Duration::from_secs(u64::MAX))).is_err());
        assert!(linger(Some(Duration::from_secs(INT_MAX + 1))).is_err());
    }

    #[test]
    fn intervals_and_millis_round_up_and_refuse_zero() {
        assert!(interval(Duration::ZERO).is_err());
        assert_eq!(interval(MS), Ok(Duration::from_secs(1)));
        assert_eq!(interval(2001 * MS), Ok(Duration::from_secs(3)));
        assert!(interval(Duration::MAX).is_err());
        assert_eq!(millis(None), Ok(None));
        assert!(millis(Some(Duration::ZERO)).is_err());
        assert_eq!(millis(Some(Duration::from_nanos(1))), Ok(Some(MS)));
        assert!(millis(Some(Duration::MAX)).is_err());
    }

    #[test]
    fn sizes_and_hops_fit_what_the_kernel_holds() {
        assert_eq!(size(i32::MAX as usize), Ok(i32::MAX as usize));
        assert!(size(i32::MAX as usize + 1).is_err());
        assert_eq!(hops(255), Ok(255));
        assert!(hops(256).is_err());
    }
}
