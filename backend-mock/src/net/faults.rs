//! Setting up faults: the [`Net`] calls that choose plans, scripts, partitions and crashes.

use anysock_core::{Error, ErrorKind, Result};

use crate::base::rng::Rng;
use crate::net::sharing::Sharing;
use crate::net::Net;
use crate::trace::plan::{FaultPlan, HostId, Script};
use crate::trace::Tracer;

/// Setting up faults. Every call takes effect at once, for traffic from then on.
impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Net<S, B, Q, T, K, H>
{
    /// Restarts the generator every random fault is drawn from. The same seed and the same
    /// calls give the same faults, run after run. A network starts with seed 0.
    pub fn set_seed(&self, seed: u64) {
        self.state_mut().faults.rng = Rng::new(seed);
    }

    /// Applies `plan` to traffic between any two different hosts (a pair's own plan, from
    /// [`Net::set_faults_between`], takes precedence). [`FaultPlan::NONE`] turns it off.
    pub fn set_faults(&self, plan: FaultPlan) {
        self.state_mut().faults.set_everywhere(plan);
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
        st.faults.set_plan(from, to, Some(plan));
    }

    /// Removes every plan (the network's and the pairs'), scripts and partitions stay.
    pub fn clear_faults(&self) {
        let mut st = self.state_mut();
        st.faults.set_everywhere(FaultPlan::NONE);
        st.faults.clear_plans();
    }

    /// Adds one fault at an exact point (see [`Script`]); each fires once.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for datagram 0; [`ErrorKind::OutOfMemory`] when
    /// [`MAX_SCRIPTS`] scripts are already waiting.
    ///
    /// [`MAX_SCRIPTS`]: crate::MAX_SCRIPTS
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
