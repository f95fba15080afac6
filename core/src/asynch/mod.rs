//! The async socket API: the calls of [`crate::Stack`], [`crate::Listener`], [`crate::Stream`],
//! [`crate::Datagram`] and [`crate::MsgIo`] as `async fn`s, plus the stack's clock, `sleep`
//! and a timeout. The name follows `embedded-io`'s (`embedded_io_async`), whose traits the
//! streams here implement.
//!
//! Like the rest of the crate: no `std`, no allocation, no executor. A backend drives the
//! futures with whatever wakes it — the POSIX backend with an existing reactor (`async-io`'s
//! or tokio's), a simulated network by parking the waker on the simulated socket and waking it
//! when the change it waits for happens (data, room, a connection, a timer).
//!
//! ```
//! use anysock_core::asynch::{timeout, Listener, Stack};
//! use anysock_core::embedded_io_async::{Read, Write};
//! use core::time::Duration;
//!
//! /// Echoes one client's bytes back until it closes or stays silent for a second.
//! async fn echo_once<S: Stack>(stack: &S, addr: &anysock_core::SocketAddr) -> anysock_core::Result<()> {
//!     let mut listener = stack.listen(addr, 16)?;
//!     let (mut conn, _peer) = listener.accept().await?;
//!     let mut buf = [0u8; 512];
//!     loop {
//!         // `??`: the first `?` is the timeout's, the second the read's own error.
//!         let n = timeout(stack, Duration::from_secs(1), conn.read(&mut buf)).await??;
//!         if n == 0 {
//!             return Ok(()); // end of stream
//!         }
//!         conn.write_all(&buf[..n]).await?;
//!     }
//! }
//! ```
//!
//! # The contracts every backend keeps
//!
//! **The same answers as the blocking calls.** An async call returns what its blocking
//! counterpart returns once it would stop waiting: `read` gives `Ok(0)` only at end of stream
//! (or for an empty buffer, at once), `write` never `Ok(0)` for a non-empty buffer, a datagram
//! too long for the buffer is reported as [`crate::Received::truncated`], and the errors are
//! the same [`crate::ErrorKind`]s. Where the blocking call would wait, the future is pending
//! instead; it never blocks the thread. (`ErrorKind::WouldBlock` is never the answer of an async
//! call, except for an explicit [`crate::MsgFlags::DONTWAIT`] and the one case
//! [`Socket::connect`] names.)
//!
//! **Cancellation loses nothing and leaks nothing.** Dropping a future before it completes
//! (a `select`, or [`timeout`] expiring) undoes nothing and takes nothing: a cancelled
//! [`Stream::recv`], `read` or [`Datagram::recv_from`] leaves the bytes it had not returned
//! readable by the next call; a cancelled [`Listener::accept`] leaves the connection in the
//! listener's queue; a cancelled `write` or `send` has sent nothing, or is done. A cancelled
//! [`Socket::connect`] leaves the handshake going: calling `connect` again waits for its
//! outcome. Helper loops built from these calls (`read_exact`, `write_all`) are only as safe
//! as `embedded_io_async` says: their progress is in their own stack frame.
//!
//! **Two tasks waiting on one socket in the same direction** (where a backend lets a socket be
//! shared, such as two readers of one POSIX stream through `&Stream`) are both woken when the
//! socket becomes ready. The bytes (or the connection, or the datagram) go to whichever runs
//! first; the other finds nothing and waits again. Which one is served is not specified; neither
//! is ever forgotten, and nothing panics. A backend may wake a waiter spuriously; the call then
//! checks again and keeps waiting.
//!
//! **Time is the stack's.** [`Stack::now`] is the same monotonic clock as
//! [`crate::Stack::now`]; [`Stack::sleep_until`] and [`timeout`] run on it, so on a simulated
//! network with a virtual clock they cost no real time.

// `async fn` in the traits, as `embedded-io-async` has them: the futures' `Send`-ness follows the
// backend's types, so single-threaded embedded executors need nothing they lack. (A
// work-stealing executor spawns the concrete backend's futures, which are `Send` where the
// backend's sockets are.)
#![allow(async_fn_in_trait)]

mod datagram;
mod listener;
mod msg_io;
mod resolve;
mod socket;
mod stack;
mod stream;
mod time;

pub use datagram::Datagram;
pub use listener::Listener;
pub use msg_io::MsgIo;
pub use resolve::Resolve;
pub use socket::{Endpoint, Socket};
pub use stack::Stack;
pub use stream::Stream;
pub use time::{timeout, timeout_at};

/// The async traits, imported without their names: `use anysock_core::asynch::prelude::*;`
/// makes every async call reachable (`read` and `write` come from `embedded_io_async`).
pub mod prelude {
    pub use super::{
        Datagram as _, Endpoint as _, Listener as _, MsgIo as _, Resolve as _, Socket as _,
        Stack as _, Stream as _,
    };
    pub use crate::embedded_io_async::{Read as _, Write as _};
}
