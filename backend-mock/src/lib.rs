//! # anysock-mock
//!
//! A deterministic in-memory network for the [`anysock_core`] traits: hosts with addresses,
//! TCP, UDP and Unix sockets, bounded buffers, listen queues and a virtual clock. No `std`, no
//! `unsafe`, and no heap unless asked for (feature `alloc`, for networks sized at run time);
//! the same program gives the same results run after run, at every size (no randomised
//! hashing, no wall clock, no memory addresses).
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
//! - [`Net`] holds everything in a `RefCell`; use it by shared reference from one thread
//!   (or from many: `SharedNet`, below).
//!   Capacities are const generics: `SOCKETS` (32), `BUF` bytes per receive queue (4096),
//!   `QUEUE` entries per listen, datagram or seqpacket queue (8), and, last, `HOSTS` (8).
//!   Without feature `alloc` a default `Net` is one block of about 240 000 bytes
//!   (`Net::memory` says exactly), small enough for a 2 MiB test thread's stack; a test
//!   function should hold one at a time. With `alloc` (or `std`) its tables are on the heap.
//! - Size (feature `alloc`): `Net::builder().hosts(1_000).sockets(20_000).build()?` makes a
//!   network of any size, all allocated by `build`; no call allocates after. More hosts or
//!   sockets than it holds are typed errors ([`Net::host`]: `OutOfMemory`; `socket`:
//!   `TooManyOpenFiles`), and a host address is used once (`AddrInUse`). What a call or a
//!   delivery costs does not grow with the hosts and sockets (sockets are found by index, the
//!   next event on the virtual clock is kept in order), and a program leaves the same trace,
//!   byte for byte, on a small network as among a thousand hosts.
//! - TCP, UDP, Unix stream, Unix datagram and Unix seqpacket sockets (records kept; one
//!   longer than the read buffer is `MessageTooLong` on `read`, `TRUNC` on `recv_msg`).
//! - Each [`Host`] owns an IPv4 and an IPv6 address; `127.0.0.0/8` and `::1` reach only the
//!   host itself. An IPv6 socket without `V6Only` also serves IPv4 (peers appear as
//!   `::ffff:a.b.c.d`), as on Linux. Each host has its own Unix path namespace.
//! - Bytes written to a stream land in the peer's receive queue at once; a datagram lands in
//!   its receiver's queue at once. Only a fault plan's latency (or a partition) puts bytes in
//!   flight: they take room in the receiver's queue when sent and become readable when the
//!   clock reaches their arrival.
//!
//! ## Ancillary data
//!
//! [`Stream`] and [`Datagram`] implement [`anysock_core::cmsg::Ancillary`], with a control
//! encoding of the mock's own (length-prefixed records, Linux's level and type numbers; see
//! [`cmsg`]):
//!
//! - Passed sockets ([`Cmsg::Rights`](anysock_core::cmsg::Cmsg::Rights), `SCM_RIGHTS`) over
//!   Unix stream, datagram and seqpacket sockets: the receiver gets a
//!   [`cmsg::PassedSocket`], another handle to the same simulated socket (a listener keeps
//!   its queue, a stream its connection and queued bytes), to turn into the type it is. As
//!   on Linux, a socket closes when its last handle does and no message in flight carries
//!   it; handles nobody takes, and those a control buffer too small cuts (reported as
//!   `CTRUNC`), are closed. A stream read that reaches bytes sent with sockets takes them and
//!   ends with those bytes; a peek hands out more handles and leaves them queued.
//! - Credentials (`SCM_CREDENTIALS`) on Unix sockets whose receiver set `PassCredentials`:
//!   each host runs one simulated process, pid `1000 + n` for the `n`-th host, user and
//!   group 1000 ([`Host::credentials`]). A sender may name only those.
//! - Packet info (`IP_PKTINFO` with `PktInfo`, `IPV6_PKTINFO` with `RecvPktInfo`): a UDP
//!   datagram's destination address and a simulated interface: 1 for loopback, 2 for the
//!   host's own address ([`cmsg::LOOPBACK_IFINDEX`], [`cmsg::HOST_IFINDEX`]).
//!
//! Nothing is dropped silently: what a send cannot carry fails before anything is sent, and
//! what a receive cannot fit is reported as `CTRUNC`.
//!
//! ## The rule for waiting
//!
//! One thread drives every socket, so a blocking call that needs another party to act can
//! never be satisfied by waiting: it would wait for ever. Such a call fails at once with
//! [`ErrorKind::Deadlock`](anysock_core::ErrorKind::Deadlock), made by
//! [`Error::deadlock`](anysock_core::Error::deadlock), whose
//! [`waiting_for`](anysock_core::Error::waiting_for) (and `Display`) says what it waited for:
//!
//! | blocking call | waits for ([`Wait`](anysock_core::Wait)) |
//! |---|---|
//! | `accept` with no connection queued | `Wait::Connection` |
//! | `read`, `recv`, `recv_from`, `recv_msg` with nothing queued | `Wait::Data` |
//! | `write`, `send`, `send_to` to a full queue (streams, seqpacket, Unix datagrams) | `Wait::Room` |
//! | `connect` to a full Unix listen queue | `Wait::Connect` |
//! | `poll` and a [`Selector`]'s `wait` without a timeout, nothing left to happen | `Wait::Readiness` |
//!
//! When the socket has a `RecvTimeout`/`SendTimeout` (or the `poll` a timeout), the call
//! instead moves the virtual clock by that timeout and fails with
//! [`ErrorKind::WouldBlock`](anysock_core::ErrorKind::WouldBlock) (`poll` returns 0), as Linux
//! does when `SO_RCVTIMEO`/`SO_SNDTIMEO` expires; a non-blocking call fails with `WouldBlock`
//! at once. `Deadlock` never comes from a non-blocking call or an expired timeout, and Linux
//! never reports it. What needs nobody is waited for: a blocking read waits for bytes already
//! on their way, moving the clock to their arrival (if that comes within its timeout); a call
//! on a stream whose `connect` is still unanswered waits for the `SYN`s to time out
//! ([`SYN_TIMEOUT`]) and reports that; a blocking TCP `connect` to a full backlog does the
//! same. `poll` with nothing ready moves the clock from event to event (arrivals, `connect`
//! timeouts) until something is ready or its timeout ends. A [`Selector`] (the mock's
//! `epoll`, from [`anysock_core::selector::ScalableReadiness`]) waits by the same rule.
//!
//! On a `SharedNet` (below) other threads can act, so the same calls really wait instead.
//!
//! ## Threads (feature `std`)
//!
//! `SharedNet` is the same network behind a `std::sync::Mutex`: its hosts and sockets are
//! `Send + Sync`, so a thread-per-connection server runs on it unchanged, and a blocking call
//! that cannot finish waits (in real time) until another thread changes the network, bounded
//! by the socket's timeout and by `Net::max_wait` ([`DEFAULT_MAX_WAIT`]), then fails with
//! `TimedOut` rather than hang. The single-threaded [`Net`] (`K` = [`Local`]) stays `no_std`
//! and pays nothing for it. See `SharedNet` for how its clock and tracer behave.
//!
//! ## Faults
//!
//! Faults are data: a [`FaultPlan`] for the whole network ([`Net::set_faults`]) or a pair
//! of hosts ([`Net::set_faults_between`], [`Net::set_faults_one_way`]), drawn from one seed
//! ([`Net::with_seed`], [`Net::set_seed`]; an in-crate splitmix64, no floating point:
//! probabilities are parts per million); a [`Script`] for one fault at an exact point
//! ("the 3rd datagram from a to b", "connection #2 after 100 bytes"); and calls that cut
//! the network ([`Net::partition`], [`Net::heal`], [`Net::crash`]). Each fault applied is
//! an event of the trace. The same seed and program give the same faults, run after run.
//!
//! ```
//! use anysock_mock::{FaultPlan, Net};
//! use anysock_core::{Datagram, Interest, PollFd, Pollable, Stack};
//! use core::time::Duration;
//!
//! let net: Net = Net::with_seed(7);
//! let a = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//! let b = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//! let ms = Duration::from_millis(1);
//! net.set_faults(FaultPlan::new().latency(10 * ms..20 * ms));
//! let mut server = b.bind(&"10.0.0.2:53".parse()?)?;
//! let mut client = a.bind(&"0.0.0.0:0".parse()?)?;
//! client.send_to(b"query", &"10.0.0.2:53".parse()?)?;
//! // Not there yet; poll waits on the virtual clock for its arrival.
//! let mut fds = [PollFd::new(server.handle(), Interest::READABLE)];
//! assert_eq!(b.poll(&mut fds, Some(Duration::from_secs(1)))?, 1);
//! assert!(net.now() >= 10 * ms && net.now() < 20 * ms);
//!
//! net.partition(a, b);
//! client.send_to(b"lost", &"10.0.0.2:53".parse()?)?; // sent, and lost on the cut link
//! net.heal(a, b);
//! # Ok::<(), anysock_core::Error>(())
//! ```
//!
//! What each fault does:
//!
//! - Loss, duplication, reordering: UDP datagrams only (TCP would retransmit; the mock does
//!   not model the delay that costs). A reordered datagram goes ahead of the last datagram
//!   from the same sender still waiting in the receiver's queue.
//! - Latency: per datagram and per stream write; stream bytes never overtake earlier ones.
//!   Connection set-up, `FIN` and reset are not delayed, but a reader sees the end of stream
//!   or a reset only after the bytes sent before it have arrived.
//! - Short reads and writes (`max_chunk`) and reset after N bytes: TCP connections (a
//!   scripted reset also works on Unix ones). The reset ends both sides: the writer's next
//!   call gets `ConnectionReset`, the reader gets exactly the bytes sent, then
//!   `ConnectionReset`.
//! - Partition: datagrams between the two hosts are lost. Stream bytes are held, not lost
//!   (TCP retransmits), and arrive when the link heals; Linux would give up after about
//!   15 minutes (`tcp_retries2`), the mock waits for ever. A `connect` across the cut
//!   retries its `SYN` as Linux does: non-blocking it stays `InProgress`, blocking it fails
//!   with `TimedOut` after [`SYN_TIMEOUT`]; healed in time, it connects (or is refused if
//!   nobody listens). `FIN`s and resets still cross.
//! - Crash: every socket of the host is gone at once; each connection is reset, so peers
//!   read what had arrived and then get `ConnectionReset` (a real crash sends nothing; the
//!   peer would only learn on its next send). The crashed host's socket objects report
//!   `BadDescriptor`; new sockets on the host model the restarted machine.
//! - Loopback traffic and a host's traffic with itself are faulted only by a plan set for
//!   that host with itself; Unix sockets are never faulted (except by a crash or a scripted
//!   reset).
//!
//! ## Trace
//!
//! A network made with [`Net::with_tracer`] hands each event to a [`trace::Tracer`] as it
//! happens: connections set up, refused and accepted, stream bytes, `FIN`s and resets,
//! datagrams (where they leave, also those to nobody and those lost), and every fault
//! applied, each with its time on the virtual clock. Connections are numbered in order
//! from 0. Addresses are as on the wire (IPv4-mapped addresses as IPv4). Events reach the
//! tracer after the network's state is released, so a tracer may even call into the
//! network. [`pcap`] turns the trace into a capture file.
//!
//! ```
//! use anysock_mock::trace::{Event, Tracer};
//! use anysock_mock::Net;
//! use anysock_core::{Listener, Stack};
//! use anysock_core::embedded_io::Write;
//!
//! #[derive(Default)]
//! struct Lines(Vec<String>);
//!
//! impl Tracer for Lines {
//!     fn record(&mut self, event: &Event<'_>) {
//!         self.0.push(event.to_string());
//!     }
//! }
//!
//! let mut lines = Lines::default();
//! {
//!     let net: Net<32, 4096, 8, &mut Lines> = Net::with_tracer(&mut lines);
//!     let a = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
//!     let b = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
//!     let mut listener = b.listen(&"10.0.0.2:80".parse()?, 1)?;
//!     let mut conn = a.connect(&"10.0.0.2:80".parse()?)?;
//!     let (_accepted, _) = listener.accept()?;
//!     conn.write_all(b"hello")?;
//! }
//! assert_eq!(lines.0[0], "     0.000000 connect #0 10.0.0.1:49152 -> 10.0.0.2:80");
//! assert_eq!(lines.0[1], "     0.000000 accept #0");
//! assert_eq!(lines.0[2], "     0.000000 data #0 10.0.0.1:49152 -> 10.0.0.2:80 5 bytes");
//! # Ok::<(), anysock_core::Error>(())
//! ```
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
//! - Options: a buffer size set to `v` reads back as `2 * min(v, 4194304)` (the kernel's
//!   default `rmem_max`/`wmem_max`, 212992 on kernels before 6.x; hosts may change it), never below Linux's floors (2304
//!   receive, 4608 send); a size above `i32::MAX` is `InvalidInput`. `Ttl` and `UnicastHops` default to 64 (`Ttl` 1..=255, `UnicastHops` 0..=255);
//!   `NoDelay` is `Unsupported` except on TCP, `UnicastHops` and `V6Only` except on IPv6,
//!   `Ttl` on Unix; `V6Only` after `bind` is `InvalidInput`; `SocketError` is read and
//!   cleared; `RecvTimeout`/`SendTimeout` of zero are `InvalidInput`.
//!
//! ## Differences from Linux
//!
//! The ones a program can meet are declared as `QUIRKS` (feature `conformance`), each a
//! [`Quirk`](anysock_core::conformance::Quirk) of the conformance suite with a case that pins
//! it; the differential tester counts a difference it explains as documented:
//!
//! - `Quirk::SequentialPorts`: see ephemeral ports, below.
//! - `Quirk::NoOutOfBand`: TCP urgent data and Unix stream out-of-band bytes are not
//!   simulated: `MsgFlags::OOB` on a TCP or Unix stream socket is `Unsupported`. Elsewhere
//!   the flag is what Linux makes of it: a UDP send refuses it (after binding, as Linux
//!   does), a UDP receive ignores it, Unix datagram and seqpacket sockets refuse it.
//! - `Quirk::NoDirectories`: a host's Unix path namespace is flat: any pathname can be
//!   bound, where Linux says `NotFound` when a directory on the path is missing.
//! - `Quirk::FixedSendBuffer`: buffer sizes read back as Linux's defaults (`SO_RCVBUF` and
//!   `SO_SNDBUF`: 131072 and 16384 for TCP, 212992 for UDP and Unix sockets), and a
//!   connected TCP socket keeps them, where Linux grows its send buffer to suit the
//!   connection (3939840 bytes on loopback).
//! - `Quirk::NoNagle`: every write goes at once, where Linux holds a small write back while
//!   earlier bytes wait for their acknowledgement (on loopback, only a socket connected to
//!   itself waits: its acknowledgements are delayed; bytes it held back that arrive after it
//!   shut down both ways abort its connection, `ECONNRESET`).
//! - `Quirk::SynRetriedAtOnce`: a `SYN` dropped for a full accept queue gets in as soon as an
//!   `accept` makes room; Linux waits for its retransmission (1 s, then 2 s, 4 s, ...).
//! - `Quirk::NoTimeWait`: there is no `TIME_WAIT`: the port of a TCP connection that is over
//!   is free at once, where Linux holds it for a minute after an active close.
//!
//! The others:
//!
//! - Waiting: a blocking call that nobody else can complete fails with `Deadlock` where
//!   Linux would wait for ever (see the rule above). `MsgFlags::WAITALL` returns what is
//!   queued.
//! - Ephemeral ports count up from [`FIRST_EPHEMERAL_PORT`] (49152) per host; Linux picks at
//!   random in 32768–60999. Autobound Unix names count from `00000` per host.
//! - Buffers: one queue per direction, at the receiver, holding at most
//!   `BUF` bytes, less when the receiver set a smaller `RecvBufferSize` or the sender a
//!   smaller `SendBufferSize` (half of what each reports, as Linux counts its own overhead in
//!   the other half), where Linux has a send and a receive buffer and tunes the sizes nobody
//!   set to the traffic. Sizes above `BUF` are reported as set but the queue stays at `BUF`.
//!   A datagram or seqpacket record larger than `BUF` is `MessageTooLong`.
//! - A Unix datagram or seqpacket queue holds `QUEUE` records (Linux: `max_dgram_qlen + 1`,
//!   11); a UDP queue holds `QUEUE` datagrams too (Linux counts bytes only).
//! - A `SYN` waiting for a listener that closes is refused at once.
//! - A connect to an address no host has is `HostUnreachable` at once (Linux would time out
//!   or report it after ARP fails); UDP to it is lost silently.
//! - Among `ReusePort` listeners or equally good UDP sockets, the lowest slot wins (Linux
//!   hashes).
//! - A connection waiting to be accepted uses a socket slot: `connect` fails with
//!   `TooManyOpenFiles` when none is left (Linux would fail the `accept`).
//! - Ancillary data is in the mock's encoding, not `struct cmsghdr` ([`cmsg`]). Only passed
//!   sockets, credentials and received packet info are carried: timestamps, TOS/TTL and
//!   segmentation offload cannot be encoded (`Unsupported`), and packet info on send
//!   (choosing the source) is `Unsupported`.
//! - A passed socket keeps its [`Handle`] on the receiving side (Linux gives a new descriptor
//!   number); a message carries at most [`cmsg::MAX_RIGHTS`] sockets (Linux: 253) and at most
//!   [`cmsg::MAX_IN_FLIGHT`] such messages wait on the whole network (beyond:
//!   `TooManyOpenFiles`, where Linux has `ETOOMANYREFS` per user). Sockets may be passed only
//!   within their host (another host's handle is `BadDescriptor`).
//! - Stricter than Linux, which accepts and ignores them: rights or credentials on an
//!   Internet socket, packet info on a Unix socket, and rights on a stream write of no bytes
//!   are `InvalidInput`. A record that does not fit the control buffer is left out whole
//!   (`CTRUNC`), where Linux may copy part of it; a stream read at end of stream carries no
//!   credentials (Linux sends pid 0).
//! - Sockets kept open only by messages queued at unreachable sockets are closed as soon as
//!   the last owner's handle is dropped (Linux's garbage collector runs later).
//! - Port numbers below 1024 need no privilege.
//! - `Handle` generations come back after 2^31 openings of one slot.
//! - Under latency, bytes in flight already take room in the receiver's queue (Linux counts
//!   them in the sender's buffer); when more than a few stream writes are in flight at
//!   once, the later ones arrive with the last one tracked.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod asynch;
mod base;
mod host;
mod kernel;
mod net;
#[cfg(feature = "conformance")]
mod quirks;
mod selector;
mod socket;
pub mod trace;

pub use base::clock::SYN_TIMEOUT;
pub use base::handle::Handle;
pub use host::Host;
pub use kernel::datagram::{MAX_UDP_V4, MAX_UDP_V6};
pub use kernel::table::faults::MAX_SCRIPTS;
pub use kernel::table::hosts::{FIRST_EPHEMERAL_PORT, MAX_HOSTS};
pub use kernel::table::names::MAX_NAMES;
pub use kernel::table::paths::MAX_PATHS;
pub use kernel::table::sock::MAX_WAITERS;
pub use kernel::table::wait::DEFAULT_MAX_WAIT;
pub use kernel::table::wake::MAX_TIMERS;
#[cfg(feature = "alloc")]
pub use net::builder::Builder;
#[cfg(feature = "std")]
pub use net::shared::{Shared, SharedNet};
pub use net::sharing::{Local, Sharing};
pub use net::Net;
#[cfg(feature = "conformance")]
pub use quirks::QUIRKS;
pub use selector::Selector;
pub use socket::cmsg;
pub use socket::datagram::Datagram;
pub use socket::fresh::Socket;
pub use socket::listener::Listener;
pub use socket::stream::Stream;
#[doc(inline)]
pub use trace::pcap;
pub use trace::plan::{FaultPlan, HostId, Script};
