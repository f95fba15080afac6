//! Socket options as types: each option is a marker with the type of its value, and says
//! whether it can be read ([`Gettable`]), written ([`Settable`]), or both.
//!
//! A backend implements [`crate::SockOpt<O>`] for each option it supports, so code that needs
//! an option says so in its bounds (`S: SockOpt<NoDelay>`), and using an option a backend lacks,
//! or writing a read-only one, does not compile. The options every backend has (timeouts,
//! buffer sizes, the pending error, and per kind of socket `NoDelay`, `KeepAlive`, `Linger`,
//! `Broadcast`, `ReuseAddr`, ...) need no bound at all: [`crate::Stack`] requires them of its
//! socket types, in the sets [`StreamOptions`], [`DatagramOptions`], [`ListenerOptions`] and
//! [`SocketOptions`].
//!
//! Writing a read-only option does not compile:
//!
//! ```compile_fail
//! use anysock_core::{opt::SocketError, Error, SockOpt};
//! fn clear<S: SockOpt<SocketError>>(s: &mut S) -> Result<(), Error> {
//!     s.set(SocketError, None) // SO_ERROR is read-only
//! }
//! ```
//!
//! Nor does reading a write-only one (a group membership is an action, not a state):
//!
//! ```compile_fail
//! use anysock_core::{opt::JoinMulticastV4, Error, SockOpt};
//! fn joined<S: SockOpt<JoinMulticastV4>>(s: &S) -> Result<(), Error> {
//!     s.get(JoinMulticastV4).map(|_| ())
//! }
//! ```
//!
//! Each option also says which kinds of socket the kernel honours it on ([`ListenerOption`],
//! [`StreamOption`], [`DatagramOption`]; a fresh socket takes every option), and a backend
//! implements it only there, so a TCP option on a datagram socket does not compile either.
//!
//! The options are grouped by the level they live at: the socket itself (`SOL_SOCKET`), TCP
//! (`IPPROTO_TCP`), IPv4 (`IPPROTO_IP`) and IPv6 (`IPPROTO_IPV6`). What the type cannot tell,
//! the domain, is answered at run time: an option asked of a socket of a domain it does not
//! apply to (a TCP option on a Unix stream or on a fresh UDP socket, an IPv6 option on an IPv4
//! socket) fails with [`crate::ErrorKind::Unsupported`]; so does an option the operating
//! system lacks (most of the Linux-specific ones elsewhere).

/// Declares option markers with their docs: `Name: ValueType, Traits => rule;`, the traits
/// saying how the option is used (`Gettable`, `Settable`) and what it applies to
/// (`ListenerOption`, `StreamOption`, `DatagramOption`; a fresh socket takes every option),
/// and the optional rule of [`normalize`] its values go through before they are set.
macro_rules! options {
    ($(
        $(#[$doc:meta])*
        $name:ident: $value:ty, $($is:ident),+ $(=> $rule:ident)?;
    )*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;
        impl $crate::opt::SockOption for $name {
            type Value = $value;
            $(
                #[inline]
                fn normalize(value: $value) -> $crate::Result<$value> {
                    $crate::opt::normalize::$rule(value)
                }
            )?
        }
        $(impl $crate::opt::$is for $name {})+
    )*};
}

mod ip;
mod ipv6;
pub mod normalize;
mod sets;
mod socket;
mod tcp;
mod values;

pub use ip::*;
pub use ipv6::*;
pub use sets::{CommonOptions, DatagramOptions, ListenerOptions, SocketOptions, StreamOptions};
pub use socket::*;
pub use tcp::*;
pub use values::{CongestionName, Credentials, IfName, InterfaceV4, MulticastGroupV4};
pub use values::{MulticastGroupV6, NAME_MAX};

/// A socket option: a marker type naming it, and the type of its value.
pub trait SockOption: Copy {
    /// The option's value as Rust sees it (`bool`, `usize`, `Option<Duration>`, ...).
    type Value;

    /// The value as it is set, by every backend alike: rounded up to the unit the kernel keeps
    /// (a timeout to the microsecond, `Linger` to the second), or refused with
    /// [`crate::ErrorKind::InvalidInput`] where the kernel would misread it (a zero timeout)
    /// or cannot hold it (see [`normalize`] for the rules). Most options take any value as it
    /// is. A backend calls this before it sets the option, so what reads back is the same on
    /// all of them.
    #[inline]
    fn normalize(value: Self::Value) -> crate::Result<Self::Value> {
        Ok(value)
    }
}

/// The option can be read with `getsockopt`.
pub trait Gettable: SockOption {}

/// The option can be written with `setsockopt`.
pub trait Settable: SockOption {}

/// The kernel honours the option on a listening socket: it acts on the listen queue or on
/// `accept` (`ReuseAddr`, `RecvTimeout`, `FastOpen`, ...), or it is where the connections
/// accepted start from (buffer sizes, `Ttl`). Options of a connection (`NoDelay`,
/// `KeepAlive`, `Linger`) are set on the streams `accept` hands out.
///
/// A backend implements [`crate::SockOpt<O>`] for its listener only where `O` is one, so the
/// rest are a compile error there. A fresh socket ([`crate::Socket`]), which can still become
/// anything, takes every option.
pub trait ListenerOption: SockOption {}

/// The kernel honours the option on a connected stream (TCP, Unix stream or seqpacket): the
/// options of the socket itself, of TCP, and of the IP packets it sends. Datagram-only
/// options (`Broadcast`, multicast, received packet information) and listening ones
/// (`AcceptConn`, `FastOpen`) and those that only matter before `bind` (`ReuseAddr`,
/// `ReusePort`, `Freebind`, `V6Only`) are not; a backend's stream lacks them at compile time.
///
/// Some still depend on the domain, known only at run time: TCP options on a Unix stream
/// fail with [`crate::ErrorKind::Unsupported`], as the kernel answers.
pub trait StreamOption: SockOption {}

/// The kernel honours the option on a datagram socket: the options of the socket itself, of
/// the IP packets it sends and receives (multicast, packet information), and address sharing
/// with later binds (`ReuseAddr`, `ReusePort`). TCP options and stream ones (`Linger`,
/// `KeepAlive`) are not; a backend's datagram socket lacks them at compile time.
pub trait DatagramOption: SockOption {}
