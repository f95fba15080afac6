//! What the fault injector decides for each datagram and stream write, and the faults it
//! traces.

use core::time::Duration;

use anysock_core::SocketAddr;

use crate::base::flight::HELD;
use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::table::faults::Fate;
use crate::trace::plan::{FaultPlan, Script};
use crate::trace::Fault;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
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
        let plan = *self.faults.plan(from, to);
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

    /// When stream bytes written now on `h` from host `from` to host `to` arrive: held
    /// ([`HELD`]) across a partition, else after the plan's latency (TCP only: `plan` is empty
    /// for Unix). The connection's ends are looked up only for a fault to trace.
    pub(crate) fn stream_arrival(
        &mut self,
        h: Handle,
        from: usize,
        to: usize,
        plan: &FaultPlan,
    ) -> Duration {
        if self.faults.is_cut(from, to) {
            let (src, dst) = self.ends(h);
            self.emit_fault(Fault::Partition, src, dst);
            return HELD;
        }
        if !plan.has_latency() {
            return self.clock.now();
        }
        let (src, dst) = self.ends(h);
        self.arrival(plan, None, src, dst)
    }
}
