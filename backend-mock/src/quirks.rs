//! The mock's documented differences from Linux, by the conformance suite's names.

use anysock_core::conformance::Quirk;

/// Every [`Quirk`] the mock has: where it knowingly differs from Linux. Each has a case of
/// the conformance suite that checks the mock's side of it, and a line in the crate docs
/// ("Differences from Linux").
pub const QUIRKS: &[Quirk] = &[
    Quirk::SequentialPorts,
    Quirk::NoOutOfBand,
    Quirk::NoDirectories,
    Quirk::FixedSendBuffer,
    Quirk::NoNagle,
    Quirk::SynRetriedAtOnce,
    Quirk::NoTimeWait,
];
