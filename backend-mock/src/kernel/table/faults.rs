//! The fault injector's tables: the plans in force, partitions, scripts and the generator.

use core::time::Duration;

use crate::base::rng::Rng;
use crate::base::table::{NoMemory, Row, Table};
use crate::trace::plan::{FaultPlan, Script};
use crate::trace::ConnId;

/// The most scripted faults waiting at once (then [`Net::script`] fails with
/// [`ErrorKind::OutOfMemory`]).
///
/// [`Net::script`]: crate::Net::script
/// [`ErrorKind::OutOfMemory`]: anysock_core::ErrorKind::OutOfMemory
pub const MAX_SCRIPTS: usize = 16;

/// What the injector keeps about traffic from one host to another: only pairs that have a
/// plan of their own, a cut, or datagrams to count have one.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Pair {
    plan: Option<FaultPlan>,
    cut: bool,
    /// Datagrams sent so far.
    sent: u32,
}

/// What the injector knows.
#[derive(Debug)]
pub(crate) struct Faults<const H: usize> {
    pub(crate) rng: Rng,
    /// The network's plan.
    everywhere: FaultPlan,
    /// By sending host, then receiving host.
    pairs: Table<Row<Pair, H>, H>,
    /// Pairs with a plan of their own, and pairs cut (each direction counts): while none
    /// is, a write asks nothing more of this table.
    plans: usize,
    cuts: usize,
    /// No plan anywhere and no link cut (see [`Faults::quiet`]), kept as the others change.
    quiet: bool,
    pub(crate) scripts: [Option<Script>; MAX_SCRIPTS],
}

/// What happens to one datagram that is not lost: when each copy arrives, and whether it
/// jumps ahead of the datagram before it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fate {
    pub(crate) copies: [Option<Duration>; 2],
    pub(crate) reorder: bool,
}

/// Hosts each host keeps room for in its row before the row grows (feature `alloc`; more
/// are fine, the row then grows once).
const ROOM_PER_HOST: usize = 16;

impl<const H: usize> Faults<H> {
    /// The injector of a network of `hosts` hosts.
    pub(crate) fn try_new(seed: u64, hosts: usize) -> Result<Self, NoMemory> {
        let room = hosts.min(ROOM_PER_HOST);
        Ok(Faults {
            rng: Rng::new(seed),
            everywhere: FaultPlan::NONE,
            pairs: Table::try_from_fn(hosts, |_| Row::try_with_room(room))?,
            plans: 0,
            cuts: 0,
            quiet: true,
            scripts: [None; MAX_SCRIPTS],
        })
    }

    fn pair(&self, from: usize, to: usize) -> Option<&Pair> {
        self.pairs.get(from)?.get(to)
    }

    fn pair_mut(&mut self, from: usize, to: usize) -> Option<&mut Pair> {
        self.pairs.get_mut(from)?.get_or_insert(to, Pair::default)
    }

    /// The plan for traffic from host `from` to host `to`: the pair's own, else the
    /// network's (which does not apply to a host's traffic with itself).
    pub(crate) fn plan(&self, from: usize, to: usize) -> &FaultPlan {
        let own = if self.plans == 0 {
            None
        } else {
            self.pair(from, to).and_then(|p| p.plan.as_ref())
        };
        match own {
            Some(p) => p,
            None if from != to => &self.everywhere,
            None => &FaultPlan::NONE,
        }
    }

    /// Applies `plan` to traffic between any two different hosts without a plan of their own.
    pub(crate) fn set_everywhere(&mut self, plan: FaultPlan) {
        self.everywhere = plan;
        self.settle();
    }

    /// Whether no fault can touch any traffic: no plan anywhere and no link cut (scripts
    /// aside). Then a stream write or read needs nothing from this table.
    pub(crate) fn quiet(&self) -> bool {
        self.quiet
    }

    /// Notes whether the injector is quiet now.
    fn settle(&mut self) {
        self.quiet = self.plans == 0 && self.cuts == 0 && self.everywhere == FaultPlan::NONE;
    }

    /// Gives traffic from `from` to `to` a plan of its own (`None`: the network's again).
    pub(crate) fn set_plan(&mut self, from: usize, to: usize, plan: Option<FaultPlan>) {
        let Some(p) = self.pair_mut(from, to) else {
            return;
        };
        let was = p.plan.is_some();
        p.plan = plan;
        match (was, plan.is_some()) {
            (false, true) => self.plans += 1,
            (true, false) => self.plans -= 1,
            _ => {}
        }
        self.settle();
    }

    /// Removes every pair's own plan.
    pub(crate) fn clear_plans(&mut self) {
        if self.plans == 0 {
            return;
        }
        for row in self.pairs.iter_mut() {
            for p in row.values_mut() {
                p.plan = None;
            }
        }
        self.plans = 0;
        self.settle();
    }

    pub(crate) fn is_cut(&self, a: usize, b: usize) -> bool {
        self.cuts > 0 && self.pair(a, b).is_some_and(|p| p.cut)
    }

    pub(crate) fn set_cut(&mut self, a: usize, b: usize, cut: bool) {
        if a == b {
            return;
        }
        for (x, y) in [(a, b), (b, a)] {
            let Some(p) = self.pair_mut(x, y) else {
                continue;
            };
            let was = p.cut;
            p.cut = cut;
            match (was, cut) {
                (false, true) => self.cuts += 1,
                (true, false) => self.cuts -= 1,
                _ => {}
            }
        }
        self.settle();
    }

    /// Counts one more datagram from `from` to `to`; returns its ordinal (from 1).
    pub(crate) fn count(&mut self, from: usize, to: usize) -> u32 {
        match self.pair_mut(from, to) {
            Some(p) => {
                p.sent = p.sent.saturating_add(1);
                p.sent
            }
            None => 0,
        }
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.pairs.heap_bytes() + self.pairs.iter().map(Row::heap_bytes).sum::<usize>()
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
