//! Socket options as types: each option is a marker with the type of its value, and says
//! whether it can be read ([`Gettable`]), written ([`Settable`]), or both.
//!
//! A backend implements [`crate::SockOpt<O>`] for each option it supports, so code that needs
//! an option says so in its bounds (`S: SockOpt<NoDelay>`), and using an option a backend lacks,
//! or writing a read-only one, does not compile:
//!
//! ```compile_fail
//! use anysock_core::{opt::SocketError, Error, SockOpt};
//! fn clear<S: SockOpt<SocketError>>(s: &mut S) -> Result<(), Error> {
//!     s.set(SocketError, None) // SO_ERROR is read-only
//! }
//! ```

use core::time::Duration;

use crate::domain::Type;
use crate::error::Error;

/// A socket option: a marker type naming it, and the type of its value.
pub trait SockOption: Copy {
    /// The option's value as Rust sees it (`bool`, `usize`, `Option<Duration>`, ...).
    type Value;
}

/// The option can be read with `getsockopt`.
pub trait Gettable: SockOption {}

/// The option can be written with `setsockopt`.
pub trait Settable: SockOption {}

macro_rules! options {
    ($(
        $(#[$doc:meta])*
        $name:ident: $value:ty, $($access:ident),+;
    )*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;
        impl SockOption for $name {
            type Value = $value;
        }
        $(impl $access for $name {})+
    )*};
}

options! {
    /// `SO_REUSEADDR`: bind to an address still in `TIME_WAIT` (and, for UDP, share it).
    #[doc(alias = "SO_REUSEADDR")]
    ReuseAddr: bool, Gettable, Settable;
    /// `SO_REUSEPORT`: several sockets bind the same address and port, and the kernel spreads
    /// connections or datagrams over them.
    #[doc(alias = "SO_REUSEPORT")]
    ReusePort: bool, Gettable, Settable;
    /// `SO_KEEPALIVE`: probe an idle connection to find out whether the peer is gone.
    #[doc(alias = "SO_KEEPALIVE")]
    KeepAlive: bool, Gettable, Settable;
    /// `SO_LINGER`: `Some(t)` makes `close` wait up to `t` for unsent data; `Some(ZERO)` resets
    /// the connection on close; `None` is the default (close returns at once, data still sent).
    /// Resolution is whole seconds; a fraction is rounded up.
    #[doc(alias = "SO_LINGER")]
    Linger: Option<Duration>, Gettable, Settable;
    /// `SO_RCVBUF`: the receive buffer size in bytes. Linux doubles the value set, for its own
    /// bookkeeping, and reports the doubled value.
    #[doc(alias = "SO_RCVBUF")]
    RecvBufferSize: usize, Gettable, Settable;
    /// `SO_SNDBUF`: the send buffer size in bytes (doubled by Linux, as for `SO_RCVBUF`).
    #[doc(alias = "SO_SNDBUF")]
    SendBufferSize: usize, Gettable, Settable;
    /// `SO_RCVTIMEO`: a blocking receive (or `accept`) gives up with
    /// [`crate::ErrorKind::WouldBlock`] after this long; `None` waits forever. `Some(ZERO)` is
    /// refused with [`crate::ErrorKind::InvalidInput`], since the kernel reads 0 as "forever".
    #[doc(alias = "SO_RCVTIMEO")]
    RecvTimeout: Option<Duration>, Gettable, Settable;
    /// `SO_SNDTIMEO`: as [`RecvTimeout`], for blocking sends (and `connect` on Linux).
    #[doc(alias = "SO_SNDTIMEO")]
    SendTimeout: Option<Duration>, Gettable, Settable;
    /// `SO_BROADCAST`: allow datagrams to broadcast addresses.
    #[doc(alias = "SO_BROADCAST")]
    Broadcast: bool, Gettable, Settable;
    /// `SO_ERROR`: the pending error of the socket, cleared by reading it; how a non-blocking
    /// `connect` reports its outcome. Read-only.
    #[doc(alias = "SO_ERROR")]
    SocketError: Option<Error>, Gettable;
    /// `SO_TYPE`: the socket's type. Read-only.
    #[doc(alias = "SO_TYPE")]
    SocketType: Type, Gettable;
    /// `SO_ACCEPTCONN`: whether the socket is listening. Read-only.
    #[doc(alias = "SO_ACCEPTCONN")]
    AcceptConn: bool, Gettable;
    /// `TCP_NODELAY`: send small segments at once instead of coalescing them (Nagle off).
    #[doc(alias = "TCP_NODELAY")]
    NoDelay: bool, Gettable, Settable;
    /// `IP_TTL`: the time-to-live of outgoing IPv4 packets (1..=255).
    #[doc(alias = "IP_TTL")]
    Ttl: u32, Gettable, Settable;
    /// `IPV6_UNICAST_HOPS`: the hop limit of outgoing IPv6 unicast packets (1..=255).
    #[doc(alias = "IPV6_UNICAST_HOPS")]
    UnicastHops: u32, Gettable, Settable;
    /// `IPV6_V6ONLY`: an IPv6 socket refuses IPv4-mapped traffic. Set it before `bind`.
    #[doc(alias = "IPV6_V6ONLY")]
    V6Only: bool, Gettable, Settable;
}
