//! The options a sequence sets and reads, per kind of socket.
//!
//! Options are typed per kind: a stream has no `SO_REUSEADDR`, a listener no `TCP_NODELAY`,
//! a datagram socket no `SO_LINGER`. Each kind's trait lists what a sequence may ask of it;
//! asking for an option the kind lacks is a call no program can write, so it is not made
//! ([`Outcome::NotMade`]) on either side.

use anysock_core::conformance::AllOptions;
use anysock_core::opt::*;
use anysock_core::{Result, SockOpt};

use crate::call::{GetOpt, SetOpt};
use crate::outcome::Outcome;

/// Sets option `O`.
fn set_one<O: Settable, X: SockOpt<O> + ?Sized>(s: &mut X, o: O, value: O::Value) -> Outcome {
    match s.set(o, value) {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Err(e.kind()),
    }
}

/// The value of option `O`, as text.
fn get_one<O, X>(s: &X, o: O) -> Outcome
where
    O: Gettable<Value: core::fmt::Debug>,
    X: SockOpt<O> + ?Sized,
{
    text(s.get(o))
}

fn text<V: core::fmt::Debug>(result: Result<V>) -> Outcome {
    match result {
        Ok(v) => Outcome::Value(format!("{v:?}")),
        Err(e) => Outcome::Err(e.kind()),
    }
}

/// The call `setsockopt` makes for a [`SetOpt`] variant (its option has the variant's name,
/// but for `LingerZero`).
macro_rules! set_call {
    ($s:ident, LingerZero, $v:ident) => {
        set_one($s, Linger, $v.then_some(core::time::Duration::ZERO))
    };
    ($s:ident, $opt:ident, $v:ident) => {
        set_one($s, $opt, $v)
    };
}

/// The call `getsockopt` makes for a [`GetOpt`] variant: the pending error by kind (the raw
/// code is the kernel's alone), the rest by value.
macro_rules! get_call {
    ($s:ident, SocketError) => {
        text($s.get(SocketError).map(|e| e.map(|e| e.kind())))
    };
    ($s:ident, $opt:ident) => {
        get_one($s, $opt)
    };
}

/// Declares a kind's trait: the options it has (the set every `Stack` gives it, plus the IP
/// ones) and which [`SetOpt`] and [`GetOpt`] variants reach them.
macro_rules! kind {
    (
        $(#[$doc:meta])*
        $name:ident: $set:ident $(+ $extra:ident)*;
        set [$($sv:ident),* $(,)?];
        get [$($gv:ident),* $(,)?];
    ) => {
        $(#[$doc])*
        pub trait $name: $set $(+ SockOpt<$extra>)* {
            /// `setsockopt`, if this kind has the option.
            fn set_opt(&mut self, opt: SetOpt) -> Outcome {
                #[allow(unreachable_patterns)]
                match opt {
                    $(SetOpt::$sv(v) => set_call!(self, $sv, v),)*
                    _ => Outcome::NotMade,
                }
            }

            /// `getsockopt`, if this kind has the option.
            fn get_opt(&self, opt: GetOpt) -> Outcome {
                #[allow(unreachable_patterns)]
                match opt {
                    $(GetOpt::$gv => get_call!(self, $gv),)*
                    _ => Outcome::NotMade,
                }
            }
        }

        impl<T: $set $(+ SockOpt<$extra>)*> $name for T {}
    };
}

kind! {
    /// A fresh socket: every option.
    SocketOpts: AllOptions;
    set [ReuseAddr, ReusePort, KeepAlive, LingerZero, Broadcast, NoDelay, Ttl, UnicastHops,
        V6Only, RecvBufferSize];
    get [SocketError, AcceptConn, SocketType, ReuseAddr, ReusePort, KeepAlive, Linger, Broadcast,
        NoDelay, Ttl, UnicastHops, V6Only, RecvBufferSize, SendBufferSize];
}

kind! {
    /// A listener: its set, the hop limits and `IPV6_V6ONLY`.
    ListenerOpts: ListenerOptions + Ttl + UnicastHops + V6Only;
    set [ReuseAddr, ReusePort, Ttl, UnicastHops, V6Only, RecvBufferSize];
    get [SocketError, AcceptConn, SocketType, ReuseAddr, ReusePort, Ttl, UnicastHops, V6Only,
        RecvBufferSize, SendBufferSize];
}

kind! {
    /// A connected stream: its set and the hop limits.
    StreamOpts: StreamOptions + Ttl + UnicastHops;
    set [KeepAlive, LingerZero, NoDelay, Ttl, UnicastHops, RecvBufferSize];
    get [SocketError, SocketType, KeepAlive, Linger, NoDelay, Ttl, UnicastHops, RecvBufferSize,
        SendBufferSize];
}

kind! {
    /// A datagram socket: its set, the hop limits and `IPV6_V6ONLY`.
    DatagramOpts: DatagramOptions + Ttl + UnicastHops + V6Only;
    set [Broadcast, Ttl, UnicastHops, V6Only, RecvBufferSize];
    get [SocketError, SocketType, Broadcast, Ttl, UnicastHops, V6Only, RecvBufferSize,
        SendBufferSize];
}
