//! Waiting: how long a blocking call of a shared network may wait, what a call that cannot
//! finish leaves in the state ([`Blocked`]), and how its wait ends ([`Expiry`], [`gave_up`]).

use core::time::Duration;

use anysock_core::{Error, ErrorKind, Result};

/// How long a blocking call of a shared network waits at most for another thread (real
/// time), unless `Net::max_wait` is set otherwise.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(5);

/// A blocking call of a shared network found it has to wait for another thread; `timeout` is
/// the socket's own limit (`SO_RCVTIMEO`, `SO_SNDTIMEO`, or `poll`'s), if any.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Blocked {
    pub(crate) timeout: Option<Duration>,
}

/// Why a wait ended without the call finishing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// The call's own timeout passed: it fails as Linux's does then.
    Timeout,
    /// The network's `max_wait` passed: on Linux the call would still be waiting.
    Bound,
}

/// What a blocking call that waited in vain returns: its own last answer when its timeout
/// passed, [`ErrorKind::TimedOut`] when the network's bound did.
pub(crate) fn gave_up<R>(last: Result<R>, why: Expiry) -> Result<R> {
    match why {
        Expiry::Timeout => last,
        Expiry::Bound => Err(Error::new(ErrorKind::TimedOut)),
    }
}
