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
//! The options are grouped by the level they live at: the socket itself (`SOL_SOCKET`), TCP
//! (`IPPROTO_TCP`), IPv4 (`IPPROTO_IP`) and IPv6 (`IPPROTO_IPV6`). An option asked of a socket
//! it does not apply to (a TCP option on a UDP or Unix socket, an IPv6 option on an IPv4
//! socket) fails with [`crate::ErrorKind::Unsupported`]; so does an option the operating system
//! lacks (most of the Linux-specific ones elsewhere).

/// Declares option markers: `Name: ValueType, Gettable, Settable;` with their docs.
macro_rules! options {
    ($(
        $(#[$doc:meta])*
        $name:ident: $value:ty, $($access:ident),+;
    )*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;
        impl $crate::opt::SockOption for $name {
            type Value = $value;
        }
        $(impl $crate::opt::$access for $name {})+
    )*};
}

mod ip;
mod ipv6;
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
}

/// The option can be read with `getsockopt`.
pub trait Gettable: SockOption {}

/// The option can be written with `setsockopt`.
pub trait Settable: SockOption {}
