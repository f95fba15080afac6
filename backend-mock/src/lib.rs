//! # anysock-mock
//!
//! A deterministic in-memory network for the [`anysock_core`] traits: hosts with addresses,
//! TCP, UDP and Unix sockets, bounded buffers, listen queues and a virtual clock. No `std`, no
//! heap, no `unsafe`; the same program gives the same results run after run (no hash maps, no
//! wall clock, no memory addresses).
//!
//! ```
//! use anysock_mock::Net;
//! use anysock_core::{Datagram, Stack};
//!
//! let net: Net = Net::new();
//! let a = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! let b = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! let mut server = b.bind(&"10.0.0.2:53".parse()?)?;
//! let mut client = a.bind(&"0.0.0.0:0".parse()?)?;
//! client.send_to(b"query", &"10.0.0.2:53".parse()?)?;
//! let mut buf = [0u8; 16];
//! let (got, from) = server.recv_from(&mut buf)?;
//! assert_eq!(&buf[..got.len], b"query");
//! assert_eq!(from.to_string(), "10.0.0.1:49152");
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! ## The model
//!
//! - [`Net`] holds everything in a `RefCell`; use it by shared reference from one thread.
//!   Capacities are const generics: `SOCKETS` (32), `BUF` bytes per receive queue (4096),
//!   `QUEUE` entries per listen, datagram or seqpacket queue (8). A default `Net` is
//!   180 000 bytes, small enough for a 2 MiB test thread's stack.
//! - TCP, UDP, Unix stream, Unix datagram and Unix seqpacket sockets (records kept; one
//!   longer than the read buffer is `MessageTooLong` on `read`, `TRUNC` on `recv_msg`).
//! - Each [`Host`] owns an IPv4 and an IPv6 address; `127.0.0.0/8` and `::1` reach only the
//!   host itself. An IPv6 socket without `V6Only` also serves IPv4 (peers appear as
//!   `::ffff:a.b.c.d`), as on Linux. Each host has its own Unix path namespace.
//! - Bytes written to a stream land in the peer's receive queue at once; a datagram lands in
//!   its receiver's queue at once. Nothing is in flight, so nothing needs the clock to move.
//!
//! ## The rule for waiting
//!
//! One thread drives every socket, so a blocking call that needs another party to act can
//! never be satisfied by waiting. Such a call fails at once with
//! [`ErrorKind::WouldBlock`](anysock_core::ErrorKind::WouldBlock), or, when the socket has a
//! `RecvTimeout`/`SendTimeout`, first moves the virtual clock by that timeout (what Linux
//! does when `SO_RCVTIMEO`/`SO_SNDTIMEO` expires). `poll` with nothing ready moves the clock
//! by its timeout and returns 0; without a timeout it fails with `WouldBlock`.
//!
//! ## Linux behaviour reproduced
//!
//! Each fact below was checked on Linux (loopback, with the POSIX backend or Python) and most
//! are pinned by tests that run the same calls on both backends and compare the results.
//!
//! - `listen(backlog)`: `backlog + 1` connections wait; beyond that a TCP `SYN` is dropped:
//!   a non-blocking `connect` says `InProgress` and stays pending, a blocking one fails with
//!   `TimedOut` after [`SYN_TIMEOUT`] (127 s, `tcp_syn_retries = 6`) on the virtual clock, or
//!   with `InProgress` when a shorter `SendTimeout` expires first. A Unix `connect` to a full
//!   queue is `WouldBlock`. An `accept` lets waiting `SYN`s in, oldest first.
//! - `connect` to nobody: TCP `ConnectionRefused` (non-blocking: `InProgress`, then
//!   `SocketError` gives `ConnectionRefused`); Unix `NotFound` for a missing path,
//!   `ConnectionRefused` when the path's socket is closed or not listening, `Unsupported`
//!   (`EPROTOTYPE`) for a socket of another type. A non-blocking TCP connect that succeeds
//!   says `InProgress` and is writable at once with no `SocketError`; a second `connect`
//!   then succeeds once, later ones are `AlreadyConnected`. Unix connects complete at once.
//! - Streams: a write takes what fits and `WouldBlock`s when nothing does. `shutdown(Write)`:
//!   the peer reads its data, then `Ok(0)`. `shutdown(Read)`: reads give the queued data,
//!   then `Ok(0)`; TCP still accepts the peer's data (Linux does), a Unix peer gets
//!   `BrokenPipe`. TCP `shutdown` on an unconnected socket is `NotConnected`; Unix's is `Ok`.
//! - Close with unread data, or TCP with `Linger` of zero: the peer reads what it had queued,
//!   then one `ConnectionReset`, then `Ok(0)`; TCP writes report the reset if not yet
//!   reported, then `BrokenPipe`; Unix writes are `BrokenPipe`. Linux ignores `Linger` on
//!   Unix sockets, and so does the mock.
//! - Writing after the peer closed cleanly: TCP takes the first write (the peer's host answers
//!   with a reset), later writes fail with `BrokenPipe`, reads give `Ok(0)`. Unix:
//!   `BrokenPipe` at once.
//! - Closing a listener resets the connections in its queue (their clients read
//!   `ConnectionReset`, then `Ok(0)`, and get `BrokenPipe` on write).
//! - Unconnected streams: TCP read `NotConnected`, write `BrokenPipe`; Unix read
//!   `InvalidInput`, write `NotConnected`.
//! - `poll`: an unconnected stream is writable and hung up; a reset one reports error,
//!   hang-up, readable and writable; `POLLHUP` when both directions are shut.
//! - UDP to a port nobody has: `send` succeeds; a connected socket then gets
//!   `ConnectionRefused` from its next call, once (an unconnected one hears nothing). A
//!   connected UDP socket receives only from its peer. A full queue drops silently;
//!   broadcast without `Broadcast` is `PermissionDenied`. Unix datagrams: `NotFound` for a
//!   missing path, `ConnectionRefused` for a closed one (and once for a closed connected
//!   peer, then `NotConnected`), `WouldBlock` for a full queue.
//! - `bind`: `AddrNotAvailable` for an address the host does not have, `InvalidInput` when
//!   already bound or of another family, `AddrInUse` by Linux's rules: both `ReuseAddr` lets
//!   TCP sockets share a port unless one listens (and UDP always), both `ReusePort` always;
//!   `0.0.0.0` overlaps every IPv4 address, `::` every IPv6 one and, without `V6Only`, every
//!   IPv4 one. A Unix path that exists (even after its socket closed) is `AddrInUse`; remove
//!   it with [`Host::unlink`]. Binding the unnamed Unix address autobinds a 5-hex-digit
//!   abstract name. `listen` on an unbound TCP socket binds an ephemeral port; on an unbound
//!   Unix socket it is `InvalidInput`; on a datagram socket `Unsupported`.
//! - Options: a buffer size set to `v` reads back as `2 * min(v, 212992)` (the kernel's
//!   default `rmem_max`/`wmem_max`; hosts may raise it), never below Linux's floors (2304
//!   receive, 4608 send); a size above `i32::MAX` is `InvalidInput`. `Ttl` and `UnicastHops` default to 64 (`Ttl` 1..=255, `UnicastHops` 0..=255);
//!   `NoDelay` is `Unsupported` except on TCP, `UnicastHops` and `V6Only` except on IPv6,
//!   `Ttl` on Unix; `V6Only` after `bind` is `InvalidInput`; `SocketError` is read and
//!   cleared; `RecvTimeout`/`SendTimeout` of zero are `InvalidInput`.
//!
//! ## Differences from Linux
//!
//! - Waiting: see the rule above. `MsgFlags::WAITALL` returns what is queued.
//! - Ephemeral ports count up from [`FIRST_EPHEMERAL_PORT`] (49152) per host; Linux picks at
//!   random in 32768–60999. Autobound Unix names count from `00000` per host.
//! - Buffers: one queue per direction, at the receiver, holding at most
//!   `min(BUF, receiver's RecvBufferSize / 2, sender's SendBufferSize / 2)` bytes, where Linux
//!   has a send and a receive buffer and counts its own overhead. Sizes above `BUF` are
//!   reported as set but the queue stays at `BUF`. Buffer sizes read back as `2 * BUF` by
//!   default (Linux: 131072/16384 for TCP, 212992 for UDP and Unix). A datagram or seqpacket
//!   record larger than `BUF` is `MessageTooLong`.
//! - A Unix datagram or seqpacket queue holds `QUEUE` records (Linux: `max_dgram_qlen + 1`,
//!   11); a UDP queue holds `QUEUE` datagrams too (Linux counts bytes only).
//! - A waiting `SYN` is let in as soon as an `accept` makes room (Linux waits for the next
//!   retransmission); a `SYN` waiting for a listener that closes is refused at once.
//! - There is no `TIME_WAIT`: a closed socket's port is free at once.
//! - A connect to an address no host has is `HostUnreachable` at once (Linux would time out
//!   or report it after ARP fails); UDP to it is lost silently.
//! - Among `ReusePort` listeners or equally good UDP sockets, the lowest slot wins (Linux
//!   hashes).
//! - A connection waiting to be accepted uses a socket slot: `connect` fails with
//!   `TooManyOpenFiles` when none is left (Linux would fail the `accept`).
//! - No ancillary data: `send_msg` with `control` is `InvalidInput`; `control_len` is 0.
//!   `MsgFlags::OOB` is `Unsupported`.
//! - Port numbers below 1024 need no privilege.
//! - `Handle` generations wrap after 2^32 openings of one slot.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod bind;
mod clock;
mod close;
mod connect;
mod datagram;
mod datagram_io;
mod flags;
mod host;
mod listener;
mod net;
mod paths;
mod poll;
mod ports;
mod queue;
mod ring;
mod sock;
mod socket;
mod sockopt;
mod stream;
mod stream_io;

pub use clock::SYN_TIMEOUT;
pub use datagram::Datagram;
pub use datagram_io::{MAX_UDP_V4, MAX_UDP_V6};
pub use host::{Host, FIRST_EPHEMERAL_PORT, MAX_HOSTS};
pub use listener::Listener;
pub use net::{Handle, Net};
pub use paths::MAX_PATHS;
pub use socket::Socket;
pub use stream::Stream;
