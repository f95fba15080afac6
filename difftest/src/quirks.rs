//! Which divergences a declared [`Quirk`] explains: the kernel's answer on one side, the
//! backend's documented answer on the other.

use anysock_core::conformance::Quirk;
use anysock_core::{Domain, ErrorKind, MsgFlags, Shutdown, Type};

use crate::call::{Addr, Call, GetOpt, Port};
use crate::compare::Divergence;
use crate::exec::Step;
use crate::outcome::Outcome;

/// Every quirk the tester knows how to recognise: all of them (see [`explains`]).
pub const KNOWN: &[Quirk] = Quirk::ALL;

/// `POLLIN` in a [`Outcome::Ready`].
const POLLIN: i16 = 0x1;
/// `POLLERR` in a [`Outcome::Ready`].
const POLLERR: i16 = 0x8;

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

/// Whether `quirk` explains divergence `d` of `calls`, whose run on the reference stack gave
/// `reference`.
pub fn explains(quirk: Quirk, calls: &[Call], reference: &[Step], d: &Divergence) -> bool {
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
        // Bytes Linux holds back on a socket connected to itself: read later (or not yet), or,
        // arriving after it shut down both ways, aborting its connection (RFC 1122's reset),
        // where the mock had them in at once.
        Quirk::NoNagle => match (call, &d.reference.outcome, subject) {
            (Call::Poll { .. }, Outcome::Ready(a), Outcome::Ready(b)) => {
                a.iter().zip(b).all(|(&(sa, ra), &(sb, rb))| {
                    sa == sb
                        && (ra == rb
                            || (self_connected(calls, reference, d.step, sa)
                                && (rb & !ra == POLLIN
                                    || (ra & POLLERR != 0 && aborted(calls, d.step, sa)))))
                })
            }
            (_, kernel, subject) => {
                matches!(sock, Some((Domain::Inet | Domain::Inet6, Type::Stream)))
                    && call.slot().is_some_and(|s| {
                        self_connected(calls, reference, d.step, s)
                            && (received_less(kernel, subject)
                                || (shows_reset(kernel) && aborted(calls, d.step, s)))
                    })
            }
        },
        // A connection the mock let in at once, which Linux has not yet: whatever is asked of
        // its client (or of the listener's queue) first shows it.
        Quirk::SynRetriedAtOnce => {
            let admitted_early = |slot: u8| {
                let last_connect = (0..d.step).rev().find(|&i| {
                    matches!(calls[i], Call::Connect { slot: s, .. } if s == slot)
                        || matches!(calls[i], Call::Socket { slot: s, .. } if s == slot)
                });
                last_connect.is_some_and(|i| {
                    matches!(calls[i], Call::Connect { .. })
                        && reference[i].outcome == Outcome::Err(ErrorKind::InProgress)
                        && calls[i..d.step]
                            .iter()
                            .any(|c| matches!(c, Call::Accept { .. }))
                })
            };
            // A connect left waiting, and an accept since that made room for it.
            let queued_early = || {
                (0..d.step).any(|i| {
                    matches!(calls[i], Call::Connect { .. })
                        && reference[i].outcome == Outcome::Err(ErrorKind::InProgress)
                        && calls[i..d.step]
                            .iter()
                            .any(|c| matches!(c, Call::Accept { .. }))
                })
            };
            match call {
                Call::Accept { .. } => {
                    d.reference.outcome == Outcome::Err(ErrorKind::WouldBlock)
                        && matches!(subject, Outcome::Accepted(_))
                        && queued_early()
                }
                // Each socket polled differently is such a client, or a listener the mock
                // shows readable with that connection queued.
                Call::Poll { .. } => match (&d.reference.outcome, subject) {
                    (Outcome::Ready(kernel), Outcome::Ready(mock))
                        if kernel.len() == mock.len() =>
                    {
                        kernel.iter().zip(mock).all(|(&(slot, k), &(_, m))| {
                            k == m || admitted_early(slot) || (m & !k == POLLIN && queued_early())
                        })
                    }
                    _ => false,
                },
                _ => call.slot().is_some_and(admitted_early),
            }
        }
        // A port the mock gave back when the connection ended, which Linux keeps in TIME_WAIT.
        Quirk::NoTimeWait => {
            matches!(call, Call::Bind { .. })
                && d.reference.outcome == Outcome::Err(ErrorKind::AddrInUse)
                && *subject == Outcome::Done
                && calls[..d.step]
                    .iter()
                    .any(|c| matches!(c, Call::Shutdown { .. } | Call::Close { .. }))
        }
        _ => false,
    }
}

/// Whether the reference received a strict part of what the subject did (or nothing yet):
/// bytes held back on one side.
fn received_less(reference: &Outcome, subject: &Outcome) -> bool {
    let bytes = |o: &Outcome| match o {
        Outcome::Bytes(b) | Outcome::Msg { bytes: b, .. } => Some(b.clone()),
        _ => None,
    };
    match (reference, bytes(subject)) {
        (Outcome::Err(ErrorKind::WouldBlock), Some(b)) => !b.is_empty(),
        (r, Some(b)) => bytes(r).is_some_and(|a| a.len() < b.len() && b.starts_with(&a)),
        _ => false,
    }
}

/// Whether an outcome shows a connection reset: the error, or `SO_ERROR` holding it.
fn shows_reset(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Err(ErrorKind::ConnectionReset) => true,
        Outcome::Value(v) => v.contains("ConnectionReset"),
        _ => false,
    }
}

/// Whether the socket in `slot` could have been aborted by bytes of its own held back: it
/// wrote more than once, then shut down reading and writing (before step `upto`).
fn aborted(calls: &[Call], upto: usize, slot: u8) -> bool {
    let on_slot = |c: &&Call| c.slot() == Some(slot);
    let writes = calls[..upto]
        .iter()
        .filter(on_slot)
        .filter(|c| {
            matches!(
                c,
                Call::Send { .. } | Call::SendMsg { .. } | Call::Write { .. }
            )
        })
        .count();
    let shut = |how: Shutdown| {
        calls[..upto].iter().filter(on_slot).any(
            |c| matches!(c, Call::Shutdown { how: h, .. } if *h == how || *h == Shutdown::Both),
        )
    };
    writes > 1 && shut(Shutdown::Read) && shut(Shutdown::Write)
}

/// Whether the TCP socket in `slot`, as of step `upto`, connected to itself: its last
/// `connect` made named its own address, port or fixed port.
fn self_connected(calls: &[Call], reference: &[Step], upto: usize, slot: u8) -> bool {
    let bound_to = |k: u8| {
        calls[..upto].iter().any(|c| {
            matches!(c, Call::Bind { slot: s, addr: Addr::Loopback { port: Port::Fresh(f), .. } }
                if *s == slot && *f == k)
        })
    };
    // A call that was not made (it named a socket that did not exist) changed nothing.
    let made = |i: &usize| {
        reference
            .get(*i)
            .is_some_and(|r| r.outcome != Outcome::NotMade)
    };
    (0..upto)
        .rev()
        .filter(made)
        .find_map(|i| match calls[i] {
            Call::Connect { slot: s, addr } if s == slot => Some(match addr {
                Addr::Of(o) => o == slot,
                Addr::Loopback {
                    port: Port::Of(o), ..
                }
                | Addr::Mapped(Port::Of(o)) => o == slot,
                Addr::Loopback {
                    port: Port::Fresh(k),
                    ..
                }
                | Addr::Mapped(Port::Fresh(k)) => bound_to(k),
                _ => false,
            }),
            Call::Socket { slot: s, .. } if s == slot => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}
