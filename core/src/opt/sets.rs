//! Option sets: the options every backend has, per kind of socket, so generic code reaches them
//! from a bare `S: Stack` with no `where S::Stream: SockOpt<..>` clauses.
//!
//! [`crate::Stack`] requires each of its socket types to have its set: `S::Stream` has
//! [`StreamOptions`], `S::Datagram` [`DatagramOptions`], `S::Listener` [`ListenerOptions`] and
//! a fresh `S::Socket`, which can still become any of them, [`SocketOptions`]. Each set is a
//! trait with a blanket impl, so a backend never implements one itself: it implements
//! [`crate::SockOpt`] for the options, and the set follows (or the backend does not compile as
//! a `Stack`).
//!
//! ```
//! use anysock_core::opt::{KeepAlive, NoDelay, RecvTimeout, SendTimeout};
//! use anysock_core::prelude::*;
//! use anysock_core::{Result, SocketAddr, Stack};
//! use core::time::Duration;
//!
//! /// A client that gives up on a silent server: no bound but `S: Stack`.
//! fn connect_bounded<S: Stack>(stack: &S, to: &SocketAddr) -> Result<S::Stream> {
//!     let mut conn = stack.connect(to)?;
//!     conn.set(RecvTimeout, Some(Duration::from_secs(5)))?; // SO_RCVTIMEO
//!     conn.set(SendTimeout, Some(Duration::from_secs(5)))?; // SO_SNDTIMEO
//!     conn.set(NoDelay, true)?; // TCP_NODELAY
//!     conn.set(KeepAlive, true)?; // SO_KEEPALIVE
//!     Ok(conn)
//! }
//!
//! let net: anysock_mock::Net = anysock_mock::Net::new();
//! let client = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! let server = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! let _listener = server.listen(&"10.0.0.2:80".parse()?, 1)?;
//! let conn = connect_bounded(&client, &"10.0.0.2:80".parse()?)?;
//! assert_eq!(conn.get(RecvTimeout)?, Some(Duration::from_secs(5)));
//! assert!(conn.get(NoDelay)?);
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! An option outside the sets (say, [`super::Ttl`]) is still asked for in a bound. Name the set
//! in that bound too (`where S::Stream: StreamOptions + SockOpt<Ttl>`): a `where` clause on a
//! socket type is where the compiler looks first for `set` and `get`, and one that names only
//! `SockOpt<Ttl>` would leave the set's options out of its sight.

use super::{
    AcceptConn, Broadcast, DatagramOption, KeepAlive, Linger, ListenerOption, NoDelay,
    RecvBufferSize, RecvTimeout, ReuseAddr, ReusePort, SendBufferSize, SendTimeout, SocketError,
    SocketType, StreamOption,
};
use crate::SockOpt;

/// Declares an option set: a trait requiring `SockOpt<O>` for each option (and the sets it
/// extends), with the blanket impl that makes every type with those options a member. Each
/// option must apply to the set's kind of socket (`$kind`), or this does not compile.
macro_rules! option_set {
    ($(#[$doc:meta])* $name:ident for $kind:path: [$($base:ident),*] + [$($opt:ident),* $(,)?]) => {
        $(#[$doc])*
        pub trait $name: $($base +)* $(SockOpt<$opt> +)* {}

        impl<T: $($base +)* $(SockOpt<$opt> +)* ?Sized> $name for T {}

        const _: () = {
            const fn applies<O: $kind>() {}
            $(applies::<$opt>();)*
        };
    };
}

/// The options of every kind of socket apply to each kind.
trait EveryKind: ListenerOption + StreamOption + DatagramOption {}
impl<O: ListenerOption + StreamOption + DatagramOption> EveryKind for O {}

option_set! {
    /// The options of every socket, whatever it is: its timeouts ([`RecvTimeout`]: `recv` and
    /// `accept`, [`SendTimeout`]: `send` and `connect`), its buffer sizes, its pending error
    /// ([`SocketError`]) and its type. On a listener the timeouts and buffer sizes are where
    /// the connections it accepts start from, as on Linux and the BSDs.
    CommonOptions for EveryKind: [] + [
        RecvTimeout,
        SendTimeout,
        RecvBufferSize,
        SendBufferSize,
        SocketError,
        SocketType,
    ]
}

option_set! {
    /// The options of a connected stream: [`CommonOptions`], plus [`NoDelay`] (TCP only; a
    /// Unix stream answers [`crate::ErrorKind::Unsupported`]), [`KeepAlive`] and [`Linger`].
    StreamOptions for StreamOption: [CommonOptions] + [NoDelay, KeepAlive, Linger]
}

option_set! {
    /// The options of a datagram socket: [`CommonOptions`], plus [`Broadcast`].
    DatagramOptions for DatagramOption: [CommonOptions] + [Broadcast]
}

option_set! {
    /// The options of a listening socket: [`CommonOptions`], plus the address-sharing ones
    /// ([`ReuseAddr`], [`ReusePort`]: other sockets may still bind beside it) and
    /// [`AcceptConn`].
    ListenerOptions for ListenerOption: [CommonOptions] + [ReuseAddr, ReusePort, AcceptConn]
}

/// The options of a fresh socket, which can still become a listener, a stream or a datagram
/// socket: all of theirs, so [`ReuseAddr`], [`ReusePort`], [`NoDelay`] and the rest are set
/// before `bind`, `listen` or `connect`.
pub trait SocketOptions: ListenerOptions + StreamOptions + DatagramOptions {}

impl<T: ListenerOptions + StreamOptions + DatagramOptions + ?Sized> SocketOptions for T {}
