//! `Instant`: a reading of a stack's monotonic clock.

use core::fmt;
use core::ops::{Add, Sub};
use core::time::Duration;

/// A point on a stack's monotonic clock ([`crate::Stack::now`]): the time since an unspecified
/// start, never going backwards. On the POSIX backend it is `clock_gettime(CLOCK_MONOTONIC)`;
/// on the mock, the network's virtual clock.
///
/// Instants of two different stacks are not comparable; within one stack they order as the
/// calls that read them did. Arithmetic never panics: it saturates at zero and at the largest
/// [`Duration`], so a deadline far in the future is just far.
///
/// ```
/// use anysock_core::Instant;
/// use core::time::Duration;
///
/// let start = Instant::from_since_start(Duration::from_secs(5));
/// let deadline = start + Duration::from_millis(250);
/// assert_eq!(deadline - start, Duration::from_millis(250));
/// assert_eq!(start - deadline, Duration::ZERO); // never negative
/// assert!(deadline > start);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[doc(alias = "CLOCK_MONOTONIC")]
#[doc(alias = "clock_gettime")]
pub struct Instant(Duration);

impl Instant {
    /// The clock's start.
    pub const ZERO: Instant = Instant(Duration::ZERO);

    /// The instant `since_start` after the clock's start.
    pub const fn from_since_start(since_start: Duration) -> Self {
        Instant(since_start)
    }

    /// The time from the clock's start to this instant.
    pub const fn since_start(self) -> Duration {
        self.0
    }

    /// The time from `earlier` to `self`; zero when `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }

    /// The time from `earlier` to `self`, or `None` when `earlier` is later.
    pub fn checked_duration_since(self, earlier: Instant) -> Option<Duration> {
        self.0.checked_sub(earlier.0)
    }

    /// `self + by`, or `None` past the largest representable instant.
    pub fn checked_add(self, by: Duration) -> Option<Instant> {
        self.0.checked_add(by).map(Instant)
    }

    /// `self - by`, or `None` before the clock's start.
    pub fn checked_sub(self, by: Duration) -> Option<Instant> {
        self.0.checked_sub(by).map(Instant)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// Saturates at the largest instant.
    fn add(self, by: Duration) -> Instant {
        Instant(self.0.saturating_add(by))
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    /// Saturates at the clock's start.
    fn sub(self, by: Duration) -> Instant {
        Instant(self.0.saturating_sub(by))
    }
}

impl Sub for Instant {
    type Output = Duration;
    /// The time from `earlier` to `self`; zero when `earlier` is later.
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instant({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let max = Instant::from_since_start(Duration::MAX);
        assert_eq!(max + Duration::from_secs(1), max);
        assert_eq!(Instant::ZERO - Duration::from_secs(1), Instant::ZERO);
        assert_eq!(Instant::ZERO - max, Duration::ZERO);
        assert_eq!(max.checked_add(Duration::from_nanos(1)), None);
        assert_eq!(Instant::ZERO.checked_duration_since(max), None);
    }
}
