//! Async sockets on the operating system's kernel (features `async-io` and `tokio`): the
//! [`anysock_core::asynch`] traits, waiting on an existing reactor — never one of this crate's
//! own.
//!
//! [`Posix<R>`](Posix) is the stack; `R` says whose reactor the sockets wait on:
//!
//! - [`AsyncIo`] (feature `async-io`): async-io's reactor, runtime-agnostic — any executor
//!   drives the futures (smol, `async_io::block_on`, `futures::executor`, tokio).
//! - [`Tokio`] (feature `tokio`): tokio's own I/O driver, through `AsyncFd`, for programs that
//!   already run tokio, so they do not run a second reactor thread.
//!
//! Protocol code is generic over [`anysock_core::asynch::Stack`] and runs on either, and on the
//! mock network.
//!
//! How a call waits: the non-blocking syscall first; when it answers `EAGAIN`, the future
//! waits for the reactor to report readiness, then tries again. The syscall that moves bytes
//! (or takes a connection) runs only in the poll that then completes, so every call is
//! cancel-safe as [`anysock_core::asynch`] requires: dropping a pending `recv` leaves the bytes
//! readable, a pending `accept` leaves the connection queued. Every waiter joins the reactor's
//! list for its direction, so two tasks waiting on one socket are both woken.
//!
//! The policies of the blocking sockets hold: close-on-exec, no `SIGPIPE`, `EINTR` retried,
//! addresses checked before the kernel sees them, truncation reported. A socket adopted with
//! `new` is made non-blocking; `into_inner` deregisters it and hands it back non-blocking.

mod datagram;
mod listener;
mod off_thread;
mod reactor;
mod shared;
mod socket;
mod stack;
mod stream;

#[cfg(feature = "async-io")]
mod async_io;
#[cfg(feature = "tokio")]
mod tokio;

#[cfg(feature = "async-io")]
pub use async_io::AsyncIo;
pub use datagram::Datagram;
pub use listener::Listener;
pub use reactor::Reactor;
pub use socket::Socket;
pub use stack::Posix;
pub use stream::Stream;
#[cfg(feature = "tokio")]
pub use tokio::Tokio;
