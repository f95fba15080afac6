//! The state of one simulated socket, as the kernel would keep it behind a descriptor.

use core::time::Duration;

use anysock_core::{Domain, ErrorKind, SocketAddr, Type};

use crate::base::flight::{Chunks, Flights, NO_CHUNKS};
use crate::base::handle::Handle;
use crate::base::list::List;
use crate::base::queue::{Queue, Records};
use crate::base::ring::{Bytes, BytesRef, Front, Ring};
use crate::base::wakers::Wakers;
use crate::trace::ConnId;

/// The most futures that may wait on one socket at once: its readers (and acceptors, and a
/// connect), and the writers waiting for room in its queue. One more fails with
/// [`anysock_core::ErrorKind::OutOfMemory`]; no waiter is ever forgotten.
pub const MAX_WAITERS: usize = 4;

/// Linux's floor for `SO_RCVBUF` as reported (`SOCK_MIN_RCVBUF`, 2304 bytes).
pub(crate) const MIN_RCVBUF_REPORTED: usize = 2304;
/// Linux's floor for `SO_SNDBUF` as reported (`SOCK_MIN_SNDBUF`, 4608 bytes).
pub(crate) const MIN_SNDBUF_REPORTED: usize = 4608;
/// Linux's default TTL and hop limit (`net.ipv4.ip_default_ttl`, `net.ipv6.conf.*.hop_limit`).
pub(crate) const DEFAULT_TTL: u32 = 64;

/// Where a socket is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Fresh, or a datagram socket (connected or not).
    Idle,
    /// Accepting connections; `backlog` is already clamped to the queue capacity (kept as a
    /// `u32`, so the phase takes 8 bytes of the socket's first line).
    Listening { backlog: u32 },
    /// A TCP `SYN` went unanswered, and the kernel retries it (see [`Retry`]).
    SynSent,
    /// A stream with a peer (which may since have gone: see [`Stream`]).
    Connected,
}

/// A `connect` retrying its `SYN`: the listener's queue was full, or the link to `host` is
/// cut (then `listener` may be `None`: nobody listened when the `SYN` left); the kernel
/// retries until `deadline`. Kept beside the socket's [`Phase`], which only says
/// [`Phase::SynSent`], so the phase takes little room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Retry {
    pub(crate) listener: Option<Handle>,
    pub(crate) host: usize,
    pub(crate) deadline: Duration,
}

/// The options `setsockopt` stores. Buffer sizes are kept as Linux reports them (doubled);
/// the limits they set, which every read and write looks at, are kept with the socket's
/// counts (see [`Sock::set_rcvbuf`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Opts {
    pub(crate) rcvbuf: usize,
    pub(crate) sndbuf: usize,
    pub(crate) reuse_addr: bool,
    pub(crate) reuse_port: bool,
    pub(crate) keepalive: bool,
    pub(crate) broadcast: bool,
    pub(crate) nodelay: bool,
    pub(crate) v6only: bool,
    /// `IP_PKTINFO`: attach an IPv4 datagram's destination and interface.
    pub(crate) pktinfo: bool,
    /// `IPV6_RECVPKTINFO`: attach a datagram's destination and interface, as IPv6.
    pub(crate) recv_pktinfo: bool,
    pub(crate) ttl: u32,
    pub(crate) hops: u32,
    pub(crate) recv_timeout: Option<Duration>,
    pub(crate) send_timeout: Option<Duration>,
    pub(crate) linger: Option<Duration>,
}

/// Linux's default buffer sizes as `SO_RCVBUF`/`SO_SNDBUF` report them: `tcp_rmem[1]` and
/// `tcp_wmem[1]` for TCP, `rmem_default`/`wmem_default` for UDP and Unix sockets.
const fn default_buffers(domain: Domain, ty: Type) -> (usize, usize) {
    match (domain, ty) {
        (Domain::Inet | Domain::Inet6, Type::Stream) => (131_072, 16_384),
        _ => (212_992, 212_992),
    }
}

impl Opts {
    pub(crate) const fn new(domain: Domain, ty: Type) -> Self {
        let (rcvbuf, sndbuf) = default_buffers(domain, ty);
        Opts {
            reuse_addr: false,
            reuse_port: false,
            keepalive: false,
            broadcast: false,
            nodelay: false,
            v6only: false,
            linger: None,
            recv_timeout: None,
            send_timeout: None,
            rcvbuf,
            sndbuf,
            ttl: DEFAULT_TTL,
            hops: DEFAULT_TTL,
            pktinfo: false,
            recv_pktinfo: false,
        }
    }
}

/// What happened to a connected stream, as flags the peer's actions set on this side, so a
/// socket knows its state even after its peer's slot is gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stream {
    /// This side did `shutdown(SHUT_RD)`.
    pub(crate) rd_shut: bool,
    /// This side did `shutdown(SHUT_WR)`.
    pub(crate) wr_shut: bool,
    /// The peer will send no more: it shut down writing or closed cleanly (TCP `FIN`).
    pub(crate) fin: bool,
    /// Unix only: the peer did `shutdown(SHUT_RD)`, so writing here is `EPIPE`.
    pub(crate) peer_rd_shut: bool,
    /// The peer's socket is closed.
    pub(crate) peer_gone: bool,
    /// TCP only: the connection is in `TCP_CLOSE` (a reset came, or the last `FIN` was
    /// answered by a reset); reads give end of stream, writes `EPIPE`.
    pub(crate) closed: bool,
    /// A non-blocking `connect` returned `EINPROGRESS` and has finished since: the next
    /// `connect` returns success once, as Linux's does, before `EISCONN`.
    pub(crate) connect_unreported: bool,
    /// A blocking `connect` on a shared network waits for room in the listener's queue;
    /// its retries ask how it went instead of connecting again.
    pub(crate) connect_waiting: bool,
    /// `shutdown` came while a non-blocking `connect` was unreported on a connection that
    /// failed or never finished (Linux's `SS_DISCONNECTING`): `connect` is `EINVAL` now.
    pub(crate) disconnecting: bool,
}

/// How many bytes a connection may carry, both ways together, before the network resets it,
/// if any limit is set: in 8 bytes, where an `Option<u64>` takes 16 (none is `u64::MAX`, a
/// count no connection reaches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ResetAfter(u64);

impl ResetAfter {
    /// No limit.
    pub(crate) const NEVER: ResetAfter = ResetAfter(u64::MAX);

    /// `bytes`, or no limit.
    pub(crate) fn new(bytes: Option<u64>) -> Self {
        ResetAfter(bytes.map_or(u64::MAX, |n| n.min(u64::MAX - 1)))
    }

    /// The limit, if one is set.
    pub(crate) fn get(self) -> Option<u64> {
        (self != ResetAfter::NEVER).then_some(self.0)
    }
}

/// What an explicit `bind` pinned (Linux's `SOCK_BINDADDR_LOCK`, `SOCK_BINDPORT_LOCK`): a
/// TCP socket whose connection ends keeps these, and gives up the rest.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Locks {
    /// Bound to a specific address (not the wildcard).
    pub(crate) addr: bool,
    /// Bound to a specific port (not port 0).
    pub(crate) port: bool,
}

impl Stream {
    /// Nothing happened: a connection both ends still use both ways.
    pub(crate) const CLEAN: Stream = Stream {
        rd_shut: false,
        wr_shut: false,
        fin: false,
        peer_rd_shut: false,
        peer_gone: false,
        closed: false,
        connect_unreported: false,
        connect_waiting: false,
        disconnecting: false,
    };
}

/// One simulated socket.
///
/// The fields are in the order a stream write and read touch them (`repr(C)` keeps that
/// order; `align(64)` starts each socket on a cache line, and the socket takes an odd number
/// of lines, so the sockets' first lines fall in every set of the processor's cache rather
/// than in a few):
/// - the first line holds all a common write or read looks at, of the writer and of the
///   reader alike: the state, the peer, the counts of the receive ring and of its bytes in
///   flight, how many bytes may wait and be on their way, and whether a read carries
///   credentials (64 bytes exactly: each count is as small as it can be);
/// - the second the first bytes of the receive ring;
/// - then the hosts, the options, who waits on the socket, and what only the other calls,
///   tracing, setup and teardown use: none of it is read by a common write or read (an
///   option read there, even behind a test that fails, would be a line more for each
///   message).
///
/// The other bytes, the records and the chunks in flight are in the socket's [`Bulk`], in
/// another table. A network of a thousand hosts keeps its sockets out of the processor's
/// caches, and this is what keeps a message from costing more there: a short message touches
/// the first line of the writer and the first two lines of the reader, nothing else.
#[derive(Debug)]
#[repr(C, align(64))]
pub(crate) struct Sock<const B: usize, const Q: usize> {
    pub(crate) phase: Phase,
    /// The socket at the other end: a stream's peer, or a connected Unix datagram's target.
    pub(crate) peer: Option<Handle>,
    /// Bytes the connection may carry, both ways together, before the network resets it.
    pub(crate) reset_after: ResetAfter,
    /// Bytes ever queued in `rx`: what the peer wrote, for a stream, and so the bytes this
    /// end received on its connection. With `rx`'s length it gives [`Sock::rx_head`].
    pub(crate) received: u64,
    /// Bytes received and not yet read (their counts; the bytes are in `front` and the
    /// [`Bulk`]).
    pub(crate) rx: Ring<B>,
    /// For streams: the bytes at the end of `rx` that have not arrived yet (their count; the
    /// chunks are in the [`Bulk`]).
    pub(crate) flights: Flights,
    /// How many bytes this socket may have on their way ([`Sock::tx_limit`]), kept in step
    /// with `SO_SNDBUF` so that a write reads it from this line.
    tx_cap: u32,
    /// How many bytes may wait in the receive queue ([`Sock::rx_limit`]), kept in step with
    /// `SO_RCVBUF`.
    rx_cap: u32,
    pub(crate) stream: Stream,
    /// `SO_ERROR`: reported once, by the next call that looks at it.
    pub(crate) so_error: Option<ErrorKind>,
    pub(crate) ty: Type,
    /// `SO_PASSCRED` (Unix sockets only): each read carries the sender's credentials, so it
    /// is not the common case.
    pub(crate) pass_cred: bool,
    /// The first bytes of `rx` (see [`Front`]).
    pub(crate) front: Front,
    pub(crate) nonblocking: bool,
    pub(crate) domain: Domain,
    /// Listed among the sockets the current call changed (see `State::sock_mut`).
    pub(crate) touched: bool,
    pub(crate) host: usize,
    /// The host at the other end of a connected stream (whose fault plan applies).
    pub(crate) peer_host: usize,
    pub(crate) opts: Opts,
    /// Futures waiting for this socket to change: to read from it, accept on it, see its
    /// connect end, or write into its queue.
    pub(crate) waiters: Wakers<MAX_WAITERS>,
    /// A connection waiting in this listener's accept queue.
    pub(crate) parent: Option<Handle>,
    /// For datagram and seqpacket sockets: where each record in `rx` starts and who sent it
    /// (its counts; the records are in the [`Bulk`]).
    pub(crate) dgrams: Queue<Q>,
    /// A connected stream's number in the trace.
    pub(crate) conn: Option<ConnId>,
    /// While [`Phase::SynSent`]: the `connect` retrying its `SYN`.
    pub(crate) retry: Retry,
    /// `getsockname`, once bound (explicitly or by an implicit bind).
    pub(crate) local: Option<SocketAddr>,
    /// Whether `local`'s port is this socket's in the port table (Linux's `inet_num`). A TCP
    /// socket whose connection ended gives up a port it did not bind explicitly, and
    /// `getsockname` still shows it, as Linux's does.
    pub(crate) holds_port: bool,
    /// What an explicit `bind` pinned.
    pub(crate) locks: Locks,
    /// A TCP `connect` of this socket failed (or was taken apart): Linux then refuses to
    /// let it `listen` (`EINVAL`), though it may connect again.
    pub(crate) connect_failed: bool,
    /// An IPv6 TCP socket that connected (or tried) to an IPv4-mapped address: Linux keeps
    /// IPv4's operations for it, and its later IPv6 `SYN`s go nowhere.
    pub(crate) ipv4_ops: bool,
    /// `getpeername`: the connected peer's address.
    pub(crate) remote: Option<SocketAddr>,
    /// Arrival order, for the accept queue and for `SYN`s waiting for room (FIFO).
    pub(crate) seq: u64,
    /// Handles open on this socket: the objects that own it (a connection waiting in an
    /// accept queue counts its listener's hold as one). The socket closes when the last one
    /// is dropped and no message in flight carries it (see `rights.rs`).
    pub(crate) owners: u32,
    /// Messages not yet received that carry this socket (`SCM_RIGHTS` in flight).
    pub(crate) inflight: u32,
    /// A listener's connections waiting to be accepted, oldest first (links: `queue`).
    pub(crate) accepts: List,
    /// A listener's `connect`s waiting for room in its queue, oldest first (links: `queue`).
    pub(crate) syns: List,
    /// The entry of the socket file this socket made, if it bound a pathname.
    pub(crate) path: Option<u32>,
    /// Scratch for finding the sockets no owner can reach (see `rights.rs`).
    pub(crate) reached: bool,
}

/// What a waiter on a socket can see, in a few numbers: a call that leaves them as they were
/// changed nothing a waiter waits for (a read that found nothing, an option read back), so
/// nobody is woken for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Signature {
    /// Grows with every byte or record that becomes readable.
    arrived: u64,
    /// Grows with every byte or record read: room for writers.
    taken: u64,
    /// The receive queue's size (`SO_RCVBUF` changes the room).
    limit: usize,
    /// The phase and the connection's flags.
    state: u16,
}

/// What a socket holds in bulk, in a table of its own: the bytes of its receive ring (whose
/// first cache line is all a short message touches), the chunks of its bytes in flight and
/// the records of its datagram queue.
#[derive(Debug)]
pub(crate) struct Bulk<const B: usize, const Q: usize> {
    pub(crate) bytes: [u8; B],
    pub(crate) chunks: Chunks,
    pub(crate) records: Records<Q>,
}

impl<const B: usize, const Q: usize> Bulk<B, Q> {
    pub(crate) const fn new() -> Self {
        Bulk {
            bytes: [0; B],
            chunks: NO_CHUNKS,
            records: [None; Q],
        }
    }
}

/// See [`Sock::inheritance`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Inheritance {
    opts: Opts,
    pass_cred: bool,
    rx_cap: u32,
    tx_cap: u32,
}

/// A byte count for a ring of `B` bytes: at most `B`, which fits a `u32` (the socket's
/// [`Ring`] does not compile for a `B` that does not).
const fn cap<const B: usize>(n: usize) -> u32 {
    (if n < B { n } else { B }) as u32
}

impl<const B: usize, const Q: usize> Sock<B, Q> {
    /// The receive ring's bytes: its first ones, here, and the rest, in `bulk`.
    pub(crate) fn bytes<'a>(front: &'a mut Front, bulk: &'a mut Bulk<B, Q>) -> Bytes<'a, B> {
        Bytes {
            front: &mut front.0,
            rest: &mut bulk.bytes,
        }
    }

    /// [`Sock::bytes`], to read.
    pub(crate) fn bytes_ref<'a>(&'a self, bulk: &'a Bulk<B, Q>) -> BytesRef<'a, B> {
        BytesRef {
            front: &self.front.0,
            rest: &bulk.bytes,
        }
    }

    /// Bytes read from `rx` so far: for a stream, the stream offset of `rx`'s first byte,
    /// where descriptors passed with a write are found again.
    pub(crate) fn rx_head(&self) -> u64 {
        self.received.wrapping_sub(self.rx.len() as u64)
    }

    pub(crate) const fn new(host: usize, domain: Domain, ty: Type) -> Self {
        Sock {
            phase: Phase::Idle,
            stream: Stream::CLEAN,
            so_error: None,
            nonblocking: false,
            domain,
            ty,
            touched: false,
            received: 0,
            reset_after: ResetAfter::NEVER,
            rx: Ring::new(),
            flights: Flights::new(),
            peer: None,
            tx_cap: cap::<B>(B),
            rx_cap: cap::<B>(B),
            pass_cred: false,
            opts: Opts::new(domain, ty),
            front: Front::new(),
            waiters: Wakers::new(),
            parent: None,
            host,
            peer_host: host,
            dgrams: Queue::new(),
            conn: None,
            retry: Retry {
                listener: None,
                host,
                deadline: Duration::ZERO,
            },
            local: None,
            holds_port: true,
            locks: Locks {
                addr: false,
                port: false,
            },
            connect_failed: false,
            ipv4_ops: false,
            remote: None,
            seq: 0,
            owners: 1,
            inflight: 0,
            accepts: List::EMPTY,
            syns: List::EMPTY,
            path: None,
            reached: false,
        }
    }

    /// Whether a change of it has anyone to wake: futures waiting on it, or, for a connection
    /// in an accept queue, its listener's.
    #[inline]
    pub(crate) fn watched(&self) -> bool {
        self.waiters.len() > 0 || self.parent.is_some()
    }

    /// What its waiters can see at `now` (see [`Signature`]; `bulk`: the socket's).
    pub(crate) fn signature(&self, bulk: &Bulk<B, Q>, now: Duration) -> Signature {
        let visible = match self.dgrams.len() {
            0 => 0,
            _ => self
                .dgrams
                .iter(&bulk.records)
                .filter(|r| r.at <= now)
                .count() as u64,
        };
        let records = self.dgrams.popped();
        let st = self.stream;
        let phase: u16 = match self.phase {
            Phase::Idle => 0,
            Phase::Listening { .. } => 1,
            Phase::SynSent => 2,
            Phase::Connected => 3,
        };
        let flag = |f: bool, bit: u16| u16::from(f) << bit;
        let state = phase << 9
            | flag(st.fin, 0)
            | flag(st.closed, 1)
            | flag(st.peer_gone, 2)
            | flag(st.rd_shut, 3)
            | flag(st.wr_shut, 4)
            | flag(st.peer_rd_shut, 5)
            | flag(self.so_error.is_some(), 6)
            | flag(self.peer.is_some(), 7)
            | flag(self.parent.is_some(), 8);
        Signature {
            arrived: self
                .rx_head()
                .wrapping_add(self.readable(bulk, now) as u64)
                .wrapping_add(records)
                .wrapping_add(visible),
            taken: self.rx_head().wrapping_add(records),
            limit: self.rx_limit(),
            state,
        }
    }

    /// The next time queued bytes arrive after `now`, if any are on their way (`bulk`: the
    /// socket's).
    pub(crate) fn next_arrival(&self, bulk: &Bulk<B, Q>, now: Duration) -> Option<Duration> {
        let dgram = if self.dgrams.len() == 0 {
            None
        } else {
            self.dgrams
                .iter(&bulk.records)
                .map(|r| r.at)
                .find(|&at| at > now)
        };
        let stream = if self.flights.is_empty() {
            None
        } else {
            self.flights.next_arrival(&bulk.chunks, now)
        };
        match (dgram, stream) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next time this socket changes by itself after `now`: bytes or a datagram arrive,
    /// or a `connect` retrying its `SYN` gives up.
    pub(crate) fn next_event(&self, bulk: &Bulk<B, Q>, now: Duration) -> Option<Duration> {
        let timer = match self.phase {
            Phase::SynSent => Some(self.retry.deadline),
            _ => None,
        };
        match (timer, self.next_arrival(bulk, now)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Stream bytes that can be read at `now` (the rest are on their way; `bulk`: the
    /// socket's).
    pub(crate) fn readable(&self, bulk: &Bulk<B, Q>, now: Duration) -> usize {
        self.rx
            .len()
            .saturating_sub(self.flights.pending(&bulk.chunks, now))
    }

    pub(crate) fn is_tcp(&self) -> bool {
        self.domain != Domain::Unix && self.ty == Type::Stream
    }

    pub(crate) fn is_unix(&self) -> bool {
        self.domain == Domain::Unix
    }

    pub(crate) fn is_listening(&self) -> bool {
        matches!(self.phase, Phase::Listening { .. })
    }

    /// How many bytes may wait in this socket's receive queue: the receive buffer it was given
    /// (half the reported `SO_RCVBUF`, as Linux counts its bookkeeping in the other half),
    /// never more than the array; the whole array when the size was never set.
    #[inline]
    pub(crate) fn rx_limit(&self) -> usize {
        self.rx_cap as usize
    }

    /// How many bytes this socket may have on their way: half the reported `SO_SNDBUF` once
    /// set, else as many as the array holds.
    #[inline]
    pub(crate) fn tx_limit(&self) -> usize {
        self.tx_cap as usize
    }

    /// `SO_RCVBUF` set to `reported` (as Linux reports it, doubled): the receive queue
    /// follows it from now on (Linux's `SOCK_RCVBUF_LOCK`). Left alone, Linux tunes the buffer
    /// to the traffic, and the mock's queue is its whole array.
    pub(crate) fn set_rcvbuf(&mut self, reported: usize) {
        self.opts.rcvbuf = reported;
        self.rx_cap = cap::<B>(reported / 2);
    }

    /// `SO_SNDBUF` set to `reported` (as Linux reports it, doubled), likewise.
    pub(crate) fn set_sndbuf(&mut self, reported: usize) {
        self.opts.sndbuf = reported;
        self.tx_cap = cap::<B>(reported / 2);
    }

    /// What an accepted socket takes from its listener, as on Linux: the options, with the
    /// buffer limits they set, and `SO_PASSCRED`.
    pub(crate) fn inheritance(&self) -> Inheritance {
        Inheritance {
            opts: self.opts,
            pass_cred: self.pass_cred,
            rx_cap: self.rx_cap,
            tx_cap: self.tx_cap,
        }
    }

    /// Takes what [`Sock::inheritance`] gave for its own.
    pub(crate) fn inherit(&mut self, from: Inheritance) {
        self.opts = from.opts;
        self.pass_cred = from.pass_cred;
        self.rx_cap = from.rx_cap;
        self.tx_cap = from.tx_cap;
    }

    /// The local address, if the socket holds its port (bound, explicitly or implicitly, and
    /// not given up since).
    pub(crate) fn bound(&self) -> Option<SocketAddr> {
        self.local.filter(|_| self.holds_port)
    }

    /// Takes the pending error (`SO_ERROR` is read-and-clear).
    pub(crate) fn take_error(&mut self) -> Option<ErrorKind> {
        self.so_error.take()
    }
}

#[cfg(test)]
mod tests {
    use core::mem::{offset_of, size_of};

    use super::Sock;

    type S = Sock<4096, 8>;

    /// Where a field of `S` ends.
    macro_rules! end {
        ($field:ident) => {{
            let s = S::new(0, anysock_core::Domain::Inet, anysock_core::Type::Stream);
            offset_of!(S, $field) + size_of_val(&s.$field)
        }};
    }

    #[test]
    fn a_common_write_or_read_reads_the_first_line_of_each_socket() {
        for end in [
            end!(phase),
            end!(peer),
            end!(reset_after),
            end!(received),
            end!(rx),
            end!(flights),
            end!(tx_cap),
            end!(rx_cap),
            end!(stream),
            end!(so_error),
            end!(ty),
            end!(pass_cred),
        ] {
            assert!(end <= 64, "a common field ends at byte {end}");
        }
    }

    #[test]
    fn the_first_bytes_received_are_in_the_second_line() {
        assert_eq!(offset_of!(S, front), 64);
    }

    #[test]
    fn a_socket_takes_an_odd_number_of_lines() {
        // An even number (12 lines) put the first lines of all the sockets in a quarter of
        // the sets of a 64-set cache: at 100 hosts they no longer fitted, 2.2 misses a
        // message in place of 1.
        let lines = size_of::<S>() / 64;
        assert_eq!(size_of::<S>() % 64, 0);
        assert_eq!(lines % 2, 1, "{lines} lines");
    }
}
