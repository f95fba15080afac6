//! What faults to inject: [`FaultPlan`] (probabilities, latency, short I/O, resets, for a pair
//! of hosts or the whole network) and [`Script`] (one fault at an exact point).

use core::ops::Range;
use core::time::Duration;

use crate::trace::ConnId;

/// Names one host of a network (from [`Host::id`]), for fault plans and scripts.
///
/// [`Host::id`]: crate::Host::id
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostId(pub(crate) usize);

/// The faults the network applies to IP traffic, drawn from its seeded generator (see
/// [`crate::Net::set_seed`]). Probabilities are in parts per million (`1_000_000` = always),
/// so plans hold no floating point. The default plan does nothing.
///
/// - `loss`, `duplicate`, `reorder`: per UDP datagram. TCP hides lost, duplicated and
///   reordered segments by retransmitting, so streams see none of these.
/// - `latency`: a delay drawn per datagram and per stream write from `start..end` (exactly
///   `start` when the range is empty); the bytes are queued at the receiver but readable only
///   once the virtual clock reaches their arrival. A stream's bytes stay in order: a chunk
///   never arrives before the one written before it.
/// - `max_chunk`: TCP reads and writes move at most this many bytes per call (at least 1).
/// - `reset_after`: a TCP connection made while the plan is in force is reset once it has
///   carried this many bytes (both directions together): the write that reaches the limit
///   is cut there and delivered, then both ends get [`ErrorKind::ConnectionReset`](anysock_core::ErrorKind::ConnectionReset).
///
/// ```
/// use anysock_mock::FaultPlan;
/// use core::time::Duration;
///
/// let plan = FaultPlan::new()
///     .loss(200_000) // 20 %
///     .latency(Duration::from_millis(10)..Duration::from_millis(20))
///     .max_chunk(100);
/// assert_eq!(plan.loss, 200_000);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// Parts per million of datagrams lost.
    pub loss: u32,
    /// Parts per million of datagrams delivered twice.
    pub duplicate: u32,
    /// Parts per million of datagrams that overtake the previous one from the same sender
    /// still waiting to be read (nothing happens when there is none).
    pub reorder: u32,
    /// The shortest delay.
    pub latency_min: Duration,
    /// The delay that is never reached (the range's end).
    pub latency_max: Duration,
    /// The most bytes a TCP read or write moves per call.
    pub max_chunk: Option<usize>,
    /// The bytes a TCP connection carries before it is reset.
    pub reset_after: Option<u64>,
}

impl FaultPlan {
    /// No faults.
    pub const NONE: FaultPlan = FaultPlan::new();

    /// No faults; add some with the methods below.
    pub const fn new() -> Self {
        FaultPlan {
            loss: 0,
            duplicate: 0,
            reorder: 0,
            latency_min: Duration::ZERO,
            latency_max: Duration::ZERO,
            max_chunk: None,
            reset_after: None,
        }
    }

    /// Loses `per_million` of the datagrams.
    pub const fn loss(mut self, per_million: u32) -> Self {
        self.loss = per_million;
        self
    }

    /// Delivers `per_million` of the datagrams twice.
    pub const fn duplicate(mut self, per_million: u32) -> Self {
        self.duplicate = per_million;
        self
    }

    /// Lets `per_million` of the datagrams overtake the one before them.
    pub const fn reorder(mut self, per_million: u32) -> Self {
        self.reorder = per_million;
        self
    }

    /// Delays datagrams and stream writes by a time drawn from `range`.
    pub fn latency(mut self, range: Range<Duration>) -> Self {
        self.latency_min = range.start;
        self.latency_max = range.end;
        self
    }

    /// Caps each TCP read and write at `bytes` (0 counts as 1).
    pub const fn max_chunk(mut self, bytes: usize) -> Self {
        self.max_chunk = Some(bytes);
        self
    }

    /// Resets each TCP connection after it carried `bytes`.
    pub const fn reset_after(mut self, bytes: u64) -> Self {
        self.reset_after = Some(bytes);
        self
    }

    pub(crate) fn has_latency(&self) -> bool {
        self.latency_max > self.latency_min || !self.latency_min.is_zero()
    }

    pub(crate) fn chunk(&self) -> usize {
        self.max_chunk.map_or(usize::MAX, |c| c.max(1))
    }
}

/// One fault at an exact point, for [`crate::Net::script`]. Datagrams are counted per
/// ordered pair of hosts from 1, in the order they are sent (every UDP datagram from a socket
/// of `from` to an address of `to`, lost or not; loopback traffic counts as a host to
/// itself); connections are numbered as in the trace.
///
/// ```
/// use anysock_mock::{Net, Script};
/// use anysock_mock::trace::ConnId;
///
/// let net: Net = Net::new();
/// let a = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
/// let b = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
/// net.script(Script::lose(a, b, 3))?; // the 3rd datagram from a to b
/// net.script(Script::reset(ConnId(2), 100))?; // connection #2 after 100 bytes
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Script {
    /// Loses the `nth` datagram from `from` to `to`.
    Lose {
        /// The sending host.
        from: HostId,
        /// The receiving host.
        to: HostId,
        /// Which datagram, from 1.
        nth: u32,
    },
    /// Delivers the `nth` datagram from `from` to `to` twice.
    Duplicate {
        /// The sending host.
        from: HostId,
        /// The receiving host.
        to: HostId,
        /// Which datagram, from 1.
        nth: u32,
    },
    /// Delays the `nth` datagram from `from` to `to` by `by` (instead of the plan's latency).
    Delay {
        /// The sending host.
        from: HostId,
        /// The receiving host.
        to: HostId,
        /// Which datagram, from 1.
        nth: u32,
        /// The delay.
        by: Duration,
    },
    /// Resets connection `conn` (TCP or Unix) once it has carried `after` bytes, both
    /// directions together; a connection made later is armed when it is made.
    Reset {
        /// The connection, numbered as in the trace.
        conn: ConnId,
        /// The bytes it carries before the reset.
        after: u64,
    },
}

impl Script {
    /// [`Script::Lose`].
    pub fn lose(from: impl Into<HostId>, to: impl Into<HostId>, nth: u32) -> Self {
        Script::Lose {
            from: from.into(),
            to: to.into(),
            nth,
        }
    }

    /// [`Script::Duplicate`].
    pub fn duplicate(from: impl Into<HostId>, to: impl Into<HostId>, nth: u32) -> Self {
        Script::Duplicate {
            from: from.into(),
            to: to.into(),
            nth,
        }
    }

    /// [`Script::Delay`].
    pub fn delay(from: impl Into<HostId>, to: impl Into<HostId>, nth: u32, by: Duration) -> Self {
        Script::Delay {
            from: from.into(),
            to: to.into(),
            nth,
            by,
        }
    }

    /// [`Script::Reset`].
    pub fn reset(conn: ConnId, after: u64) -> Self {
        Script::Reset { conn, after }
    }

    /// The datagram this script names, if it names one.
    pub(crate) fn datagram(&self) -> Option<(usize, usize, u32)> {
        match *self {
            Script::Lose { from, to, nth }
            | Script::Duplicate { from, to, nth }
            | Script::Delay { from, to, nth, .. } => Some((from.0, to.0, nth)),
            Script::Reset { .. } => None,
        }
    }
}
