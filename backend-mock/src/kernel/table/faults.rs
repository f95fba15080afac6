//! The fault injector's tables: the plans in force, partitions, scripts and the generator.

use core::time::Duration;

use crate::base::rng::Rng;
use crate::kernel::table::hosts::MAX_HOSTS;
use crate::trace::plan::{FaultPlan, Script};
use crate::trace::ConnId;

/// The most scripted faults waiting at once (then [`Net::script`] fails with
/// [`ErrorKind::OutOfMemory`]).
///
/// [`Net::script`]: crate::Net::script
/// [`ErrorKind::OutOfMemory`]: anysock_core::ErrorKind::OutOfMemory
pub const MAX_SCRIPTS: usize = 16;

/// What the injector knows.
#[derive(Debug)]
pub(crate) struct Faults {
    pub(crate) rng: Rng,
    pub(crate) everywhere: FaultPlan,
    pub(crate) pairs: [[Option<FaultPlan>; MAX_HOSTS]; MAX_HOSTS],
    cut: [[bool; MAX_HOSTS]; MAX_HOSTS],
    sent: [[u32; MAX_HOSTS]; MAX_HOSTS],
    pub(crate) scripts: [Option<Script>; MAX_SCRIPTS],
}

/// What happens to one datagram that is not lost: when each copy arrives, and whether it
/// jumps ahead of the datagram before it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fate {
    pub(crate) copies: [Option<Duration>; 2],
    pub(crate) reorder: bool,
}

impl Faults {
    pub(crate) const fn new(seed: u64) -> Self {
        Faults {
            rng: Rng::new(seed),
            everywhere: FaultPlan::NONE,
            pairs: [[None; MAX_HOSTS]; MAX_HOSTS],
            cut: [[false; MAX_HOSTS]; MAX_HOSTS],
            sent: [[0; MAX_HOSTS]; MAX_HOSTS],
            scripts: [None; MAX_SCRIPTS],
        }
    }

    /// The plan for traffic from host `from` to host `to`: the pair's own, else the
    /// network's (which does not apply to a host's traffic with itself).
    pub(crate) fn plan(&self, from: usize, to: usize) -> FaultPlan {
        match self
            .pairs
            .get(from)
            .and_then(|r| r.get(to))
            .copied()
            .flatten()
        {
            Some(p) => p,
            None if from != to => self.everywhere,
            None => FaultPlan::NONE,
        }
    }

    pub(crate) fn is_cut(&self, a: usize, b: usize) -> bool {
        self.cut
            .get(a)
            .and_then(|r| r.get(b))
            .copied()
            .unwrap_or(false)
    }

    pub(crate) fn set_cut(&mut self, a: usize, b: usize, cut: bool) {
        if a == b {
            return;
        }
        for (x, y) in [(a, b), (b, a)] {
            if let Some(c) = self.cut.get_mut(x).and_then(|r| r.get_mut(y)) {
                *c = cut;
            }
        }
    }

    /// Counts one more datagram from `from` to `to`; returns its ordinal (from 1).
    pub(crate) fn count(&mut self, from: usize, to: usize) -> u32 {
        match self.sent.get_mut(from).and_then(|r| r.get_mut(to)) {
            Some(n) => {
                *n = n.saturating_add(1);
                *n
            }
            None => 0,
        }
    }

    /// Removes and returns the script for datagram `nth` from `from` to `to`, if any.
    pub(crate) fn take_datagram(&mut self, from: usize, to: usize, nth: u32) -> Option<Script> {
        let slot = self.scripts.iter_mut().find(|s| {
            s.as_ref()
                .and_then(Script::datagram)
                .is_some_and(|d| d == (from, to, nth))
        })?;
        slot.take()
    }

    /// Removes and returns the byte limit scripted for connection `conn`, if any.
    pub(crate) fn take_reset(&mut self, conn: ConnId) -> Option<u64> {
        let slot = self
            .scripts
            .iter_mut()
            .find(|s| matches!(s, Some(Script::Reset { conn: c, .. }) if *c == conn))?;
        match slot.take() {
            Some(Script::Reset { after, .. }) => Some(after),
            _ => None,
        }
    }

    /// A delay drawn from the plan's latency range.
    pub(crate) fn draw_latency(&mut self, plan: &FaultPlan) -> Duration {
        let span = plan.latency_max.saturating_sub(plan.latency_min);
        let nanos = u64::try_from(span.as_nanos()).unwrap_or(u64::MAX);
        plan.latency_min
            .saturating_add(Duration::from_nanos(self.rng.below(nanos)))
    }
}
