//! Which divergences a declared [`Quirk`] explains: the kernel's answer on one side, the
//! backend's documented answer on the other.

use anysock_core::conformance::Quirk;
use anysock_core::{Domain, ErrorKind, MsgFlags, Type};

use crate::call::{Addr, Call, GetOpt};
use crate::compare::Divergence;
use crate::outcome::Outcome;

/// Every quirk the tester knows how to recognise.
pub const KNOWN: &[Quirk] = &[
    Quirk::SequentialPorts,
    Quirk::NoOutOfBand,
    Quirk::NoDirectories,
    Quirk::FixedSendBuffer,
];

/// The flags a call passes, if it passes any.
fn flags(call: &Call) -> MsgFlags {
    match *call {
        Call::Send { flags, .. }
        | Call::Recv { flags, .. }
        | Call::SendMsg { flags, .. }
        | Call::RecvMsg { flags, .. } => flags,
        _ => MsgFlags::NONE,
    }
}

/// Whether `quirk` explains divergence `d` of `calls`.
pub fn explains(quirk: Quirk, calls: &[Call], d: &Divergence) -> bool {
    let call = &calls[d.step];
    let sock = d.reference.sock.or(d.subject.sock);
    let subject = &d.subject.outcome;
    match quirk {
        // Ports are compared by the part they play, never by number: nothing to explain.
        Quirk::SequentialPorts => false,
        Quirk::NoOutOfBand => {
            // TCP and Unix stream sockets: the ones with out-of-band data on Linux.
            flags(call).contains(MsgFlags::OOB)
                && matches!(sock, Some((_, Type::Stream)))
                && *subject == Outcome::Err(ErrorKind::Unsupported)
        }
        Quirk::NoDirectories => {
            matches!(
                call,
                Call::Bind {
                    addr: Addr::MissingDir,
                    ..
                }
            ) && d.reference.outcome == Outcome::Err(ErrorKind::NotFound)
        }
        Quirk::FixedSendBuffer => {
            matches!(
                call,
                Call::Get {
                    opt: GetOpt::SendBufferSize,
                    ..
                }
            ) && matches!(sock, Some((Domain::Inet | Domain::Inet6, Type::Stream)))
                && matches!(
                    (&d.reference.outcome, subject),
                    (Outcome::Value(_), Outcome::Value(_))
                )
        }
        _ => false,
    }
}
