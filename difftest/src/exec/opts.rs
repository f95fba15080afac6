//! `setsockopt` and `getsockopt` on whatever a slot holds.

use anysock_core::conformance::AllOptions;
use anysock_core::opt::*;
use anysock_core::Stack;

use super::{done, Held};
use crate::call::{GetOpt, SetOpt};
use crate::outcome::Outcome;

/// `setsockopt` on the socket in a slot.
pub(super) fn set<S: Stack>(held: &mut Held<S>, opt: SetOpt) -> Outcome
where
    S::Socket: AllOptions,
    S::Listener: AllOptions,
    S::Stream: AllOptions,
    S::Datagram: AllOptions,
{
    match held {
        Held::Empty => Outcome::NotMade,
        Held::Socket(s) => set_on(s, opt),
        Held::Listener(s) => set_on(s, opt),
        Held::Stream(s) => set_on(s, opt),
        Held::Datagram(s) => set_on(s, opt),
    }
}

/// `getsockopt` on the socket in a slot.
pub(super) fn get<S: Stack>(held: &Held<S>, opt: GetOpt) -> Outcome
where
    S::Socket: AllOptions,
    S::Listener: AllOptions,
    S::Stream: AllOptions,
    S::Datagram: AllOptions,
{
    match held {
        Held::Empty => Outcome::NotMade,
        Held::Socket(s) => get_on(s, opt),
        Held::Listener(s) => get_on(s, opt),
        Held::Stream(s) => get_on(s, opt),
        Held::Datagram(s) => get_on(s, opt),
    }
}

fn set_on<X: AllOptions>(s: &mut X, opt: SetOpt) -> Outcome {
    done(match opt {
        SetOpt::ReuseAddr(v) => s.set(ReuseAddr, v),
        SetOpt::ReusePort(v) => s.set(ReusePort, v),
        SetOpt::KeepAlive(v) => s.set(KeepAlive, v),
        SetOpt::LingerZero(on) => s.set(Linger, on.then_some(core::time::Duration::ZERO)),
        SetOpt::Broadcast(v) => s.set(Broadcast, v),
        SetOpt::NoDelay(v) => s.set(NoDelay, v),
        SetOpt::Ttl(v) => s.set(Ttl, v),
        SetOpt::UnicastHops(v) => s.set(UnicastHops, v),
        SetOpt::V6Only(v) => s.set(V6Only, v),
        SetOpt::RecvBufferSize(v) => s.set(RecvBufferSize, v),
    })
}

fn value<V: core::fmt::Debug>(result: anysock_core::Result<V>) -> Outcome {
    match result {
        Ok(v) => Outcome::Value(format!("{v:?}")),
        Err(e) => Outcome::Err(e.kind()),
    }
}

fn get_on<X: AllOptions>(s: &X, opt: GetOpt) -> Outcome {
    match opt {
        // The pending error by kind: the raw code is the kernel's alone.
        GetOpt::SocketError => match s.get(SocketError) {
            Ok(e) => Outcome::Value(format!("{:?}", e.map(|e| e.kind()))),
            Err(e) => Outcome::Err(e.kind()),
        },
        GetOpt::AcceptConn => value(s.get(AcceptConn)),
        GetOpt::SocketType => value(s.get(SocketType)),
        GetOpt::ReuseAddr => value(s.get(ReuseAddr)),
        GetOpt::ReusePort => value(s.get(ReusePort)),
        GetOpt::KeepAlive => value(s.get(KeepAlive)),
        GetOpt::Linger => value(s.get(Linger)),
        GetOpt::Broadcast => value(s.get(Broadcast)),
        GetOpt::NoDelay => value(s.get(NoDelay)),
        GetOpt::Ttl => value(s.get(Ttl)),
        GetOpt::UnicastHops => value(s.get(UnicastHops)),
        GetOpt::V6Only => value(s.get(V6Only)),
        GetOpt::RecvBufferSize => value(s.get(RecvBufferSize)),
        GetOpt::SendBufferSize => value(s.get(SendBufferSize)),
    }
}
