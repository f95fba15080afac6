//! The virtual clock and the fixed times the simulated kernel waits.

use core::time::Duration;

/// How long Linux keeps retrying an unanswered TCP `SYN` before `connect` fails with
/// `ETIMEDOUT`: with `net.ipv4.tcp_syn_retries = 6` (the default) the retries go out after
/// 1, 2, 4, 8, 16 and 32 s and the last one is given 64 s, 127 s in all.
pub const SYN_TIMEOUT: Duration = Duration::from_secs(127);

/// Time as the network sees it: starts at zero and moves only when told to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Clock {
    now: Duration,
}

impl Clock {
    pub(crate) const fn new() -> Self {
        Clock {
            now: Duration::ZERO,
        }
    }

    pub(crate) const fn now(&self) -> Duration {
        self.now
    }

    /// Moves forward by `by`, stopping at `Duration::MAX` rather than overflowing.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.now = self.now.saturating_add(by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturates() {
        let mut c = Clock::new();
        c.advance(Duration::from_secs(1));
        assert_eq!(c.now(), Duration::from_secs(1));
        c.advance(Duration::MAX);
        assert_eq!(c.now(), Duration::MAX);
    }
}
