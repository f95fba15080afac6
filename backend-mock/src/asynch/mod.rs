// The async public types, beside `socket/` in the top layer: the async stack of a host, its
// sockets, the futures they are made of, and the driver that runs a program on the virtual
// clock.
//
// May import: every layer below, and `socket/` and `host.rs` (the blocking types they wrap).

//! The mock network, async: [`anysock_core::asynch`] on simulated hosts, and [`Net::run`], a
//! deterministic driver on the virtual clock.
//!
//! [`Host::asynch`](crate::Host::asynch) gives a host's async stack; its sockets wrap the
//! blocking ones and give the same answers. A call that cannot finish parks its future's
//! waker on the simulated socket it waits on — its own for a read, an `accept` or a `connect`,
//! the peer's for a write into a full queue — and returns `Pending`. Every change the network
//! makes to a socket (bytes or a connection arriving, room made by a read, a `FIN`, a reset, a
//! `connect` answered or timed out, the socket closing) wakes the futures parked on it when
//! the call that made it ends; a call that changed nothing wakes nobody. Timers
//! ([`asynch::Stack::sleep_until`], so [`asynch::timeout`]) run on the virtual clock.
//!
//! ```
//! use anysock_core::asynch::{timeout, Listener as _, Stack as _};
//! use anysock_core::embedded_io_async::{Read as _, Write as _};
//! use anysock_core::{ErrorKind, Wait};
//! use anysock_mock::{FaultPlan, Net};
//! use core::time::Duration;
//!
//! let net: Net = Net::new();
//! let ms = Duration::from_millis(1);
//! net.set_faults(FaultPlan::new().latency(20 * ms..20 * ms));
//! let server = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?.asynch();
//! let client = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?.asynch();
//! let addr = "10.0.0.1:7".parse()?;
//! let mut listener = server.listen(&addr, 4)?;
//! let echo = async {
//!     let (mut conn, _) = listener.accept().await?;
//!     let mut buf = [0u8; 5];
//!     conn.read_exact(&mut buf).await?;
//!     conn.write_all(&buf).await
//! };
//! let ask = async {
//!     let mut conn = client.connect(&addr).await?;
//!     conn.write_all(b"hello").await?;
//!     let mut buf = [0u8; 5];
//!     conn.read_exact(&mut buf).await?;
//!     Ok::<_, anysock_core::Error>(buf)
//! };
//! let (echoed, answer) = net.run(embassy_futures::join::join(echo, ask))?;
//! echoed?;
//! assert_eq!(&answer?, b"hello");
//! assert_eq!(net.now(), 40 * ms, "two trips of 20 ms, and no real time spent");
//!
//! // Nobody will ever connect: the driver says so instead of hanging.
//! let stuck = net.run(listener.accept()).unwrap_err();
//! assert_eq!(stuck.kind(), ErrorKind::Deadlock);
//! assert_eq!(stuck.waiting_for(), Some(Wait::Connection));
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! # The driver
//!
//! [`Net::run`] polls one future — several tasks joined with a `no_std` `join`/`select`
//! (`embassy-futures`) are one future — until it completes. When nothing can progress, it moves
//! the virtual clock to the next scheduled event (delayed bytes arriving, a timer, a
//! `connect` giving up after [`crate::SYN_TIMEOUT`]); when nothing is scheduled either, it stops
//! with [`ErrorKind::Deadlock`](anysock_core::ErrorKind::Deadlock), saying what was waiting
//! ([`anysock_core::Error::waiting_for`]). It costs no real time, and the same program with the
//! same seed runs the same way, run after run.
//!
//! # Other executors
//!
//! The futures are ordinary ones: any executor runs them (embassy's, a tokio current-thread
//! runtime, `futures::executor`). Only the clock is the driver's: under another executor the
//! virtual time moves when the program calls [`Net::advance`], so a timer or delayed bytes wait
//! for that.
//!
//! # Threads (`SharedNet`, feature `std`)
//!
//! On a `SharedNet` the async sockets are `Send` and `Sync`, and a change made by any thread —
//! a blocking call, or a future polled by another thread's executor — wakes the futures parked
//! on the socket it changed, whatever thread they run on. [`Net::run`] works there too: with
//! nothing to do and nothing scheduled on the virtual clock, it waits for another thread to
//! change the network, at most `Net::max_wait` (then it fails with
//! [`ErrorKind::TimedOut`](anysock_core::ErrorKind::TimedOut), as a blocking call of a shared
//! network does). Only single-threaded runs are deterministic.
//!
//! # Cancellation and limits
//!
//! A future dropped before it completes takes its parked waker (or timer) back and has moved
//! nothing: a `read` leaves the bytes, an `accept` the connection, a `connect` the handshake
//! going (calling `connect` again waits for its outcome). At most [`crate::MAX_WAITERS`]
//! futures wait on one socket, and at most [`crate::MAX_TIMERS`] timers run on one network;
//! one more fails with [`ErrorKind::OutOfMemory`](anysock_core::ErrorKind::OutOfMemory).

#[cfg(doc)]
use crate::net::Net;
#[cfg(doc)]
use anysock_core::asynch;

pub(crate) mod datagram;
pub(crate) mod host;
pub(crate) mod io;
pub(crate) mod listener;
mod run;
pub(crate) mod socket;
pub(crate) mod stream;
mod wrap;

pub use datagram::Datagram;
pub use host::Host;
pub use listener::Listener;
pub use socket::Socket;
pub use stream::Stream;
