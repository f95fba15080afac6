//! [embedded-nal-async] 0.9 over any anysock [`crate::asynch::Stack`] (feature `nal-async`):
//! async crates written against `TcpConnect`, `UdpStack` and `Dns` — the HTTP client
//! reqwless, for one — run on the operating system's sockets (either reactor) and on any other
//! async anysock backend, unchanged.
//!
//! [`Nal`] wraps a stack; nothing is allocated and the adapter keeps no table of its own. The
//! connections and sockets it hands out are the stack's own, so they keep its contracts:
//! cancel-safe reads, typed errors, close on drop. The error type is anysock's
//! [`crate::Error`] itself: it is an `embedded_io_async::Error`, and its
//! [`crate::ErrorKind`] says more than embedded-io's kinds can.
//!
//! | embedded-nal-async | anysock call(s) |
//! |---|---|
//! | `TcpConnect::connect` | [`crate::asynch::Stack::connect`]: `socket` + `connect`, completing once connected |
//! | the connection's `read` / `write` | `recv` / `send` ([`crate::asynch::Stream`]) |
//! | `UdpStack::connect_from` | `socket` + `bind(local)` + `connect(remote)` |
//! | `UdpStack::bind_single` / `bind_multiple` | `socket` + `bind(local)` |
//! | `ConnectedUdp::send` / `receive_into` | `send` / `recv` |
//! | `UnconnectedUdp::send` / `receive_into` | `sendto` / `recvfrom` |
//! | `Dns::get_host_by_name` / `get_host_by_address` | [`crate::asynch::Resolve::resolve`] / [`crate::asynch::Resolve::reverse`] (`getaddrinfo` / `getnameinfo` on POSIX) |
//!
//! Choices embedded-nal-async leaves open, or that differ from its notes:
//!
//! - A datagram longer than the receive buffer fails with [`crate::ErrorKind::MessageTooLong`]
//!   (the buffer holds its start; the rest is gone). embedded-nal-async asks for the full
//!   length instead, which a `recvfrom` without `MSG_TRUNC` cannot know; an error is never
//!   mistaken for a whole datagram.
//! - `UnconnectedUdp::send` accepts as `local` the socket's own address, or one with the
//!   unspecified IP and/or port 0; any other is [`crate::ErrorKind::InvalidInput`] (choosing
//!   another source address per datagram is not offered). `receive_into` reports the socket's
//!   bound address as the local one (the wildcard, for a wildcard-bound socket).
//! - A name that does not exist is [`crate::ErrorKind::HostNotFound`].
//!
//! Multicast: a [`UdpSocket`] of a stack that has the membership options joins and leaves
//! groups ([`UdpSocket::join_multicast_v4`], [`UdpSocket::join_multicast_v6`]).
//!
//! [embedded-nal-async]: https://docs.rs/embedded-nal-async/0.9

mod dns;
mod tcp;
mod udp;

pub use embedded_nal_async;
pub use udp::{ConnectedUdpSocket, UdpSocket};

use crate::ErrorKind;

/// An async anysock stack seen through embedded-nal-async's traits (`TcpConnect`, `UdpStack`,
/// and `Dns` where the stack resolves names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nal<S> {
    stack: S,
}

impl<S> Nal<S> {
    /// The embedded-nal-async view of `stack`.
    pub const fn new(stack: S) -> Self {
        Nal { stack }
    }

    /// The stack, to create anysock sockets beside the embedded-nal-async ones.
    pub const fn stack(&self) -> &S {
        &self.stack
    }

    /// The stack back.
    pub fn into_inner(self) -> S {
        self.stack
    }
}

/// An address from the stack as embedded-nal-async's; Unix-domain ones cannot occur on the
/// sockets this adapter creates, and are refused rather than invented.
fn inet(addr: crate::SocketAddr) -> crate::Result<core::net::SocketAddr> {
    addr.as_inet()
        .ok_or(crate::Error::new(ErrorKind::InvalidInput))
}
