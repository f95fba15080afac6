//! # anysock-posix
//!
//! The [`anysock_core`] traits over the operating system's sockets: raw libc syscalls, no
//! `std` required (feature `std`, on by default, adds `std` interop), no allocation.
//!
//! Linux is the first platform; macOS and the BSDs differ only inside the private `sys` layer.
//!
//! ## Policies
//!
//! - **Close-on-exec, always.** Every descriptor is created `CLOEXEC` (atomically where the
//!   system allows: `SOCK_CLOEXEC`, `accept4`), and closed when its owner is dropped.
//! - **No `SIGPIPE`.** Sends use `MSG_NOSIGNAL` (or `SO_NOSIGPIPE` on Apple systems), so writing
//!   to a vanished peer is an [`anysock_core::ErrorKind::BrokenPipe`] error, never a signal
//!   that kills the process.
//! - **`EINTR` is retried inside.** A call interrupted by a signal is restarted (a `poll` with
//!   what is left of its timeout; an interrupted `connect` is waited for, not repeated);
//!   [`anysock_core::ErrorKind::Interrupted`] is never returned. To make a blocking call give
//!   up, use a timeout option or a non-blocking socket with [`anysock_core::Stack::poll`].
//! - **Addresses are checked before the kernel sees them.** An address of another domain than
//!   the socket's, or a Unix path that does not fit `sun_path`, is
//!   [`anysock_core::ErrorKind::InvalidInput`].
//! - **Truncation is reported.** A datagram longer than the buffer comes back with
//!   [`anysock_core::Received::truncated`]; `recv_msg` reports `MSG_TRUNC`/`MSG_CTRUNC`.
//!
//! ```
//! use anysock_posix::Posix;
//! use anysock_core::{Endpoint, Datagram, Stack};
//!
//! let mut server = Posix.bind(&"127.0.0.1:0".parse()?)?;
//! let mut client = Posix.bind(&"127.0.0.1:0".parse()?)?;
//! client.send_to(b"hola", &server.local_addr()?)?;
//! let mut buf = [0u8; 16];
//! let (got, from) = server.recv_from(&mut buf)?;
//! assert_eq!(&buf[..got.len], b"hola");
//! assert_eq!(from, client.local_addr()?);
//! # Ok::<(), anysock_core::Error>(())
//! ```
#![no_std]
#![deny(missing_docs, missing_debug_implementations)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

#[cfg(feature = "std")]
extern crate std;

#[cfg(any(feature = "async-io", feature = "tokio"))]
pub mod asynch;
mod batch;
pub mod cmsg;
mod datagram;
mod listener;
mod passed;
mod raw_fd;
pub mod rt;
// A selector exists where the system has `epoll` (see `sys::epoll`); elsewhere `Posix` has no
// `ScalableReadiness`, and `Stack::poll` is how to wait.
#[cfg(any(target_os = "linux", target_os = "android"))]
mod selector;
mod socket;
mod sockopt;
mod stack;
#[cfg(feature = "std")]
mod std_fd;
#[cfg(feature = "std")]
mod std_io;
mod stream;
mod sys;

pub use datagram::Datagram;
pub use listener::Listener;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use selector::Selector;
pub use socket::Socket;
pub use stack::Posix;
pub use stream::Stream;
