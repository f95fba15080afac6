//! Comparing two runs of one sequence step by step: the first call whose outcomes differ, and
//! the group it belongs to.

use anysock_core::{Domain, Type};

use crate::call::Call;
use crate::exec::Step;

/// The first call of a sequence on which the two stacks disagreed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// Its index in the sequence.
    pub step: usize,
    /// What the reference stack gave.
    pub reference: Step,
    /// What the stack under test gave.
    pub subject: Step,
}

/// The first step where `reference` and `subject` differ, if any.
pub fn first_divergence(reference: &[Step], subject: &[Step]) -> Option<Divergence> {
    let step = reference
        .iter()
        .zip(subject)
        .position(|(a, b)| a.outcome != b.outcome)?;
    Some(Divergence {
        step,
        reference: reference[step].clone(),
        subject: subject[step].clone(),
    })
}

/// The kind of socket, as a reader names it.
pub fn socket_kind(sock: Option<(Domain, Type)>) -> &'static str {
    match sock {
        Some((Domain::Inet, Type::Stream)) => "TCP/IPv4",
        Some((Domain::Inet6, Type::Stream)) => "TCP/IPv6",
        Some((Domain::Inet, Type::Datagram)) => "UDP/IPv4",
        Some((Domain::Inet6, Type::Datagram)) => "UDP/IPv6",
        Some((Domain::Inet | Domain::Inet6, Type::SeqPacket)) => "SEQPACKET/IP",
        Some((Domain::Unix, Type::Stream)) => "Unix stream",
        Some((Domain::Unix, Type::Datagram)) => "Unix datagram",
        Some((Domain::Unix, Type::SeqPacket)) => "Unix seqpacket",
        None => "no socket",
    }
}

/// The group of a divergence: the call, the kind of socket, and the shapes of both outcomes
/// (`connect on TCP/IPv4: Err(ConnectionRefused) vs Ok`). Sequences that diverge the same way
/// for the same reason share it.
/// A call on no one socket (`poll`) is named alone.
pub fn category(calls: &[Call], d: &Divergence) -> String {
    let on = match d.reference.sock.or(d.subject.sock) {
        None => String::new(),
        sock => format!(" on {}", socket_kind(sock)),
    };
    format!(
        "{}{on}: {} vs {}",
        calls[d.step].name(),
        d.reference.outcome.shape(),
        d.subject.outcome.shape()
    )
}
