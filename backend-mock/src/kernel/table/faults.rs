//! The fault injector: the plans in force, partitions, scripts and the generator; what it
//! decides for each datagram and stream write; and the [`Net`] calls that set it up.

use core::time::Duration;

use anysock_core::{Error, ErrorKind, Result, SocketAddr};

use crate::base::flight::HELD;
use crate::base::rng::Rng;
use crate::host::MAX_HOSTS;
use crate::kernel::state::{Net, State};
use crate::trace::plan::{FaultPlan, HostId, Script};
use crate::trace::{ConnId, Fault, Tracer};
use crate::Sharing;

/// The most scripted faults waiting at once (then [`Net::script`] fails with
/// [`ErrorKind::OutOfMemory`]).
pub const MAX_SCRIPTS: usize = 16;

/// What the injector knows.
#[derive(Debug)]
pub(crate) struct Faults {
    pub(crate) rng: Rng,
    everywhere: FaultPlan,
    pairs: [[Option<FaultPlan>; MAX_HOSTS]; MAX_HOSTS],
    cut: [[bool; MAX_HOSTS]; MAX_HOSTS],
    sent: [[u32; MAX_HOSTS]; MAX_HOSTS],
    scripts: [Option<Script>; MAX_SCRIPTS],
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

    fn set_cut(&mut self, a: usize, b: usize, cut: bool) {
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
    fn count(&mut self, from: usize, to: usize) -> u32 {
        match self.sent.get_mut(from).and_then(|r| r.get_mut(to)) {
            Some(n) => {
                *n = n.saturating_add(1);
                *n
            }
            None => 0,
        }
    }

    /// Removes and returns the script for datagram `nth` from `from` to `to`, if any.
    fn take_datagram(&mut self, from: usize, to: usize, nth: u32) -> Option<Script> {
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
    fn draw_latency(&mut self, plan: &FaultPlan) -> Duration {
        let span = plan.latency_max.saturating_sub(plan.latency_min);
        let nanos = u64::try_from(span.as_nanos()).unwrap_or(u64::MAX);
        plan.latency_min
            .saturating_add(Duration::from_nanos(self.rng.below(nanos)))
    }
}

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    /// Decides what happens to a UDP datagram from host `from` to host `to` and traces the
    /// faults applied; `None` when it is lost.
    pub(crate) fn datagram_fate(
        &mut self,
        from: usize,
        to: usize,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> Option<Fate> {
        let nth = self.faults.count(from, to);
        if self.faults.is_cut(from, to) {
            self.emit_fault(Fault::Partition, src, dst);
            return None;
        }
        let plan = self.faults.plan(from, to);
        let script = self.faults.take_datagram(from, to, nth);
        if matches!(script, Some(Script::Lose { .. })) || self.faults.rng.chance(plan.loss) {
            self.emit_fault(Fault::Loss, src, dst);
            return None;
        }
        let twice = matches!(script, Some(Script::Duplicate { .. }))
            || self.faults.rng.chance(plan.duplicate);
        if twice {
            self.emit_fault(Fault::Duplicate, src, dst);
        }
        let scripted = match script {
            Some(Script::Delay { by, .. }) => Some(by),
            _ => None,
        };
        let first = self.arrival(&plan, scripted, src, dst);
        let second = twice.then(|| self.arrival(&plan, None, src, dst));
        let reorder = self.faults.rng.chance(plan.reorder);
        Some(Fate {
            copies: [Some(first), second],
            reorder,
        })
    }

    /// When bytes sent now arrive: after the scripted delay, or one drawn from the plan.
    fn arrival(
        &mut self,
        plan: &FaultPlan,
        scripted: Option<Duration>,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> Duration {
        let delay = match scripted {
            Some(by) => by,
            None if plan.has_latency() => self.faults.draw_latency(plan),
            None => Duration::ZERO,
        };
        if !delay.is_zero() {
            self.emit_fault(Fault::Latency(delay), src, dst);
        }
        self.clock.now().saturating_add(delay)
    }

    /// When stream bytes written now from host `from` to host `to` arrive: held ([`HELD`])
    /// across a partition, else after the plan's latency (TCP only: `plan` is empty for Unix).
    pub(crate) fn stream_arrival(
        &mut self,
        from: usize,
        to: usize,
        plan: &FaultPlan,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> Duration {
        if self.faults.is_cut(from, to) {
            self.emit_fault(Fault::Partition, src, dst);
            return HELD;
        }
        self.arrival(plan, None, src, dst)
    }
}

/// Setting up faults. Every call takes effect at once, for traffic from then on.
impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing> Net<S, B, Q, T, K> {
    /// Restarts the generator every random fault is drawn from. The same seed and the same
    /// calls give the same faults, run after run. A network starts with seed 0.
    pub fn set_seed(&self, seed: u64) {
        self.state_mut().faults.rng = Rng::new(seed);
    }

    /// Applies `plan` to traffic between any two different hosts (a pair's own plan, from
    /// [`Net::set_faults_between`], takes precedence). [`FaultPlan::NONE`] turns it off.
    pub fn set_faults(&self, plan: FaultPlan) {
        self.state_mut().faults.everywhere = plan;
    }

    /// Applies `plan` to traffic between `a` and `b`, both ways, instead of the network's
    /// plan; `a == b` names the host's traffic with itself (loopback), which no other plan
    /// touches.
    pub fn set_faults_between(&self, a: impl Into<HostId>, b: impl Into<HostId>, plan: FaultPlan) {
        let (a, b) = (a.into().0, b.into().0);
        self.set_faults_one_way(HostId(a), HostId(b), plan);
        self.set_faults_one_way(HostId(b), HostId(a), plan);
    }

    /// Applies `plan` to traffic from `from` to `to` only.
    pub fn set_faults_one_way(
        &self,
        from: impl Into<HostId>,
        to: impl Into<HostId>,
        plan: FaultPlan,
    ) {
        let (from, to) = (from.into().0, to.into().0);
        let mut st = self.state_mut();
        if let Some(p) = st.faults.pairs.get_mut(from).and_then(|r| r.get_mut(to)) {
            *p = Some(plan);
        }
    }

    /// Removes every plan (the network's and the pairs'), scripts and partitions stay.
    pub fn clear_faults(&self) {
        let mut st = self.state_mut();
        st.faults.everywhere = FaultPlan::NONE;
        st.faults.pairs = [[None; MAX_HOSTS]; MAX_HOSTS];
    }

    /// Adds one fault at an exact point (see [`Script`]); each fires once.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for datagram 0; [`ErrorKind::OutOfMemory`] when
    /// [`MAX_SCRIPTS`] scripts are already waiting.
    pub fn script(&self, script: Script) -> Result<()> {
        if script.datagram().is_some_and(|(_, _, nth)| nth == 0) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let mut st = self.state_mut();
        if let Script::Reset { conn, after } = script {
            if st.arm_reset(conn, after) {
                return Ok(());
            }
        }
        let slot = st
            .faults
            .scripts
            .iter_mut()
            .find(|s| s.is_none())
            .ok_or(Error::new(ErrorKind::OutOfMemory))?;
        *slot = Some(script);
        Ok(())
    }

    /// Cuts the link between `a` and `b`: see the crate docs ("Faults") for what each kind
    /// of traffic does while it lasts. A host is never cut from itself.
    pub fn partition(&self, a: impl Into<HostId>, b: impl Into<HostId>) {
        let (a, b) = (a.into().0, b.into().0);
        self.state_mut().faults.set_cut(a, b, true);
    }

    /// Mends the link between `a` and `b`: held stream bytes arrive now, and connection
    /// attempts still retrying go through (or are refused, if nobody listens any more).
    pub fn heal(&self, a: impl Into<HostId>, b: impl Into<HostId>) {
        let (a, b) = (a.into().0, b.into().0);
        let mut st = self.state_mut();
        if !st.faults.is_cut(a, b) {
            return;
        }
        st.faults.set_cut(a, b, false);
        st.heal(a, b);
    }

    /// Whether the link between `a` and `b` is cut.
    pub fn is_partitioned(&self, a: impl Into<HostId>, b: impl Into<HostId>) -> bool {
        self.state().faults.is_cut(a.into().0, b.into().0)
    }

    /// Crashes `host`: every socket on it is gone at once, its connections reset (their
    /// peers get [`ErrorKind::ConnectionReset`]), its ports and abstract names free. The
    /// host's socket objects report [`ErrorKind::BadDescriptor`] from then on; the host itself
    /// stays up, so new sockets model the restarted machine.
    pub fn crash(&self, host: impl Into<HostId>) {
        let host = host.into().0;
        let mut st = self.state_mut();
        if st.host_info(host).is_ok() {
            st.crash(host);
        }
    }
}
