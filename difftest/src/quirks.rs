//! Which divergences a declared [`Quirk`] explains: the kernel's answer on one side, the
//! backend's documented answer on the other.

use anysock_core::conformance::Quirk;

use crate::call::Call;
use crate::compare::Divergence;

/// Every quirk the tester knows how to recognise.
pub const KNOWN: &[Quirk] = &[Quirk::SequentialPorts];

/// Whether `quirk` explains divergence `d` of `calls`.
pub fn explains(quirk: Quirk, calls: &[Call], d: &Divergence) -> bool {
    let _ = (calls, d);
    match quirk {
        // Ports are compared by the part they play, never by number: nothing to explain.
        Quirk::SequentialPorts => false,
        _ => false,
    }
}
