//! The calls a sequence is made of: the socket API as data, naming sockets by their place in a
//! small pool and addresses by what they stand for, so that one sequence means the same on any
//! stack.

use core::fmt;

use anysock_core::{Domain, Interest, MsgFlags, Shutdown, Type};

/// How many sockets a sequence juggles at once.
pub const POOL: usize = 4;

/// A place in the pool of sockets (`s0` .. `s3`).
pub type Slot = u8;

/// The port of an Internet address, by what it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Port {
    /// Port 0: "any free port" to `bind`, a port nobody can have to `connect` and `send_to`.
    Zero,
    /// A fixed port that nothing uses when the sequence starts, the `k`-th of the sequence.
    Fresh(u8),
    /// The port the socket in a slot has (or had, when it was closed).
    Of(Slot),
}

/// An address, by what it stands for; each stack resolves it to one of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Addr {
    /// The loopback address of IPv4 (`127.0.0.1`) or IPv6 (`::1`).
    Loopback {
        /// IPv6 rather than IPv4.
        v6: bool,
        /// Which port.
        port: Port,
    },
    /// `127.0.0.1` as an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`).
    Mapped(Port),
    /// The wildcard address (`0.0.0.0:0`, `[::]:0`).
    Any {
        /// IPv6 rather than IPv4.
        v6: bool,
    },
    /// An address that is not this host's (TEST-NET), port 0: only ever bound to.
    Foreign {
        /// IPv6 rather than IPv4.
        v6: bool,
    },
    /// A fresh socket file, the `k`-th of the sequence.
    Path(u8),
    /// A fresh socket file whose path is as long as `sun_path` allows.
    LongPath(u8),
    /// A socket file in a directory that does not exist.
    MissingDir,
    /// A fresh Linux abstract name, the `k`-th of the sequence.
    Abstract(u8),
    /// The unnamed Unix address (binding it autobinds an abstract name).
    Unnamed,
    /// The local address of the socket in a slot (or the one it had, once closed).
    Of(Slot),
}

impl Addr {
    /// The domain of the address, where it is fixed (`Of` depends on the slot).
    pub fn domain(&self) -> Option<Domain> {
        Some(match self {
            Addr::Loopback { v6: false, .. } | Addr::Any { v6: false } => Domain::Inet,
            Addr::Foreign { v6: false } => Domain::Inet,
            Addr::Loopback { v6: true, .. } | Addr::Any { v6: true } | Addr::Mapped(_) => {
                Domain::Inet6
            }
            Addr::Foreign { v6: true } => Domain::Inet6,
            Addr::Path(_) | Addr::LongPath(_) | Addr::MissingDir | Addr::Abstract(_) => {
                Domain::Unix
            }
            Addr::Unnamed => Domain::Unix,
            Addr::Of(_) => return None,
        })
    }

    /// Whether sending to this address could leave the host (it must never be sent to).
    pub fn is_foreign(&self) -> bool {
        matches!(self, Addr::Foreign { .. })
    }
}

/// A typed option to set, with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetOpt {
    /// `SO_REUSEADDR`.
    ReuseAddr(bool),
    /// `SO_REUSEPORT`.
    ReusePort(bool),
    /// `SO_KEEPALIVE`.
    KeepAlive(bool),
    /// `SO_LINGER`, off or with a timeout of zero (a reset on close).
    LingerZero(bool),
    /// `SO_BROADCAST`.
    Broadcast(bool),
    /// `TCP_NODELAY`.
    NoDelay(bool),
    /// `IP_TTL`.
    Ttl(u32),
    /// `IPV6_UNICAST_HOPS`.
    UnicastHops(u32),
    /// `IPV6_V6ONLY`.
    V6Only(bool),
    /// `SO_RCVBUF`.
    RecvBufferSize(usize),
}

/// A typed option to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GetOpt {
    /// `SO_ERROR` (read and cleared).
    SocketError,
    /// `SO_ACCEPTCONN`.
    AcceptConn,
    /// `SO_TYPE`.
    SocketType,
    /// `SO_REUSEADDR`.
    ReuseAddr,
    /// `SO_REUSEPORT`.
    ReusePort,
    /// `SO_KEEPALIVE`.
    KeepAlive,
    /// `SO_LINGER`.
    Linger,
    /// `SO_BROADCAST`.
    Broadcast,
    /// `TCP_NODELAY`.
    NoDelay,
    /// `IP_TTL`.
    Ttl,
    /// `IPV6_UNICAST_HOPS`.
    UnicastHops,
    /// `IPV6_V6ONLY`.
    V6Only,
    /// `SO_RCVBUF`.
    RecvBufferSize,
    /// `SO_SNDBUF`.
    SendBufferSize,
}

/// One call of a sequence.
///
/// A call that needs a stream or a datagram socket and finds a fresh socket of the right type
/// in its slot turns it into one first (`into_stream`, `into_datagram`), as a program does
/// after `connect`; a call that does not apply to what the slot holds (`accept` on a stream,
/// anything on an empty slot) is not made, on either stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// `slot = socket(domain, type)` (closing what the slot held).
    Socket {
        /// Where the socket goes.
        slot: Slot,
        /// Its domain.
        domain: Domain,
        /// Its type.
        ty: Type,
    },
    /// `(a, b) = socketpair(AF_UNIX, type)`.
    Pair {
        /// Where the first socket goes.
        a: Slot,
        /// Where the second goes.
        b: Slot,
        /// Their type.
        ty: Type,
    },
    /// `bind(slot, addr)`.
    Bind {
        /// The socket.
        slot: Slot,
        /// Where to bind it.
        addr: Addr,
    },
    /// `listen(slot, backlog)`.
    Listen {
        /// The socket.
        slot: Slot,
        /// The backlog.
        backlog: u8,
    },
    /// `connect(slot, addr)`.
    Connect {
        /// The socket.
        slot: Slot,
        /// Where to.
        addr: Addr,
    },
    /// `into = accept(slot)`.
    Accept {
        /// The listener.
        slot: Slot,
        /// Where the connection goes (closing what the slot held).
        into: Slot,
    },
    /// `send(slot, len bytes, flags)`.
    Send {
        /// The socket.
        slot: Slot,
        /// How many bytes.
        len: u8,
        /// Send flags.
        flags: MsgFlags,
    },
    /// `write(slot, len bytes)` (`embedded_io::Write`).
    Write {
        /// The stream.
        slot: Slot,
        /// How many bytes.
        len: u8,
    },
    /// `recv(slot, buffer of len, flags)`.
    Recv {
        /// The socket.
        slot: Slot,
        /// The buffer's size.
        len: u8,
        /// Receive flags.
        flags: MsgFlags,
    },
    /// `read(slot, buffer of len)` (`embedded_io::Read`).
    Read {
        /// The stream.
        slot: Slot,
        /// The buffer's size.
        len: u8,
    },
    /// `sendto(slot, len bytes, addr)`.
    SendTo {
        /// The datagram socket.
        slot: Slot,
        /// How many bytes.
        len: u8,
        /// Where to.
        addr: Addr,
    },
    /// `recvfrom(slot, buffer of len)`.
    RecvFrom {
        /// The datagram socket.
        slot: Slot,
        /// The buffer's size.
        len: u8,
    },
    /// `sendmsg(slot, two buffers, to, flags)`.
    SendMsg {
        /// The socket.
        slot: Slot,
        /// The two buffers' sizes.
        lens: [u8; 2],
        /// The destination, if any.
        to: Option<Addr>,
        /// Send flags.
        flags: MsgFlags,
    },
    /// `recvmsg(slot, two buffers, flags)`.
    RecvMsg {
        /// The socket.
        slot: Slot,
        /// The two buffers' sizes.
        lens: [u8; 2],
        /// Receive flags.
        flags: MsgFlags,
    },
    /// `shutdown(slot, how)`.
    Shutdown {
        /// The stream.
        slot: Slot,
        /// Which directions.
        how: Shutdown,
    },
    /// `close(slot)`: the socket is dropped.
    Close {
        /// The socket.
        slot: Slot,
    },
    /// `fcntl(slot, F_SETFL, O_NONBLOCK)` on or off.
    Nonblocking {
        /// The socket.
        slot: Slot,
        /// Non-blocking or blocking.
        on: bool,
    },
    /// `setsockopt(slot, ...)`.
    Set {
        /// The socket.
        slot: Slot,
        /// The option and its value.
        opt: SetOpt,
    },
    /// `getsockopt(slot, ...)`.
    Get {
        /// The socket.
        slot: Slot,
        /// The option.
        opt: GetOpt,
    },
    /// `poll` of the sockets of the slots in `mask` (bit `i`: slot `i`), without waiting.
    Poll {
        /// Which slots.
        mask: u8,
        /// What to ask each for.
        interest: Interest,
    },
    /// `getsockname(slot)`.
    LocalAddr {
        /// The socket.
        slot: Slot,
    },
    /// `getpeername(slot)`.
    PeerAddr {
        /// The socket.
        slot: Slot,
    },
}

impl Call {
    /// The name of the call, for grouping divergences.
    pub fn name(&self) -> &'static str {
        match self {
            Call::Socket { .. } => "socket",
            Call::Pair { .. } => "socketpair",
            Call::Bind { .. } => "bind",
            Call::Listen { .. } => "listen",
            Call::Connect { .. } => "connect",
            Call::Accept { .. } => "accept",
            Call::Send { .. } => "send",
            Call::Write { .. } => "write",
            Call::Recv { .. } => "recv",
            Call::Read { .. } => "read",
            Call::SendTo { .. } => "sendto",
            Call::RecvFrom { .. } => "recvfrom",
            Call::SendMsg { .. } => "sendmsg",
            Call::RecvMsg { .. } => "recvmsg",
            Call::Shutdown { .. } => "shutdown",
            Call::Close { .. } => "close",
            Call::Nonblocking { .. } => "set_nonblocking",
            Call::Set { .. } => "setsockopt",
            Call::Get { .. } => "getsockopt",
            Call::Poll { .. } => "poll",
            Call::LocalAddr { .. } => "getsockname",
            Call::PeerAddr { .. } => "getpeername",
        }
    }

    /// The slot the call acts on (the first, for `socketpair`; none for `poll`).
    pub fn slot(&self) -> Option<Slot> {
        Some(match *self {
            Call::Socket { slot, .. }
            | Call::Bind { slot, .. }
            | Call::Listen { slot, .. }
            | Call::Connect { slot, .. }
            | Call::Accept { slot, .. }
            | Call::Send { slot, .. }
            | Call::Write { slot, .. }
            | Call::Recv { slot, .. }
            | Call::Read { slot, .. }
            | Call::SendTo { slot, .. }
            | Call::RecvFrom { slot, .. }
            | Call::SendMsg { slot, .. }
            | Call::RecvMsg { slot, .. }
            | Call::Shutdown { slot, .. }
            | Call::Close { slot }
            | Call::Nonblocking { slot, .. }
            | Call::Set { slot, .. }
            | Call::Get { slot, .. }
            | Call::LocalAddr { slot }
            | Call::PeerAddr { slot } => slot,
            Call::Pair { a, .. } => a,
            Call::Poll { .. } => return None,
        })
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Port::Zero => f.write_str("0"),
            Port::Fresh(k) => write!(f, "port#{k}"),
            Port::Of(s) => write!(f, "port(s{s})"),
        }
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Loopback { v6: false, port } => write!(f, "127.0.0.1:{port}"),
            Addr::Loopback { v6: true, port } => write!(f, "[::1]:{port}"),
            Addr::Mapped(port) => write!(f, "[::ffff:127.0.0.1]:{port}"),
            Addr::Any { v6: false } => f.write_str("0.0.0.0:0"),
            Addr::Any { v6: true } => f.write_str("[::]:0"),
            Addr::Foreign { v6: false } => f.write_str("192.0.2.1:0"),
            Addr::Foreign { v6: true } => f.write_str("[2001:db8::1]:0"),
            Addr::Path(k) => write!(f, "unix:path#{k}"),
            Addr::LongPath(k) => write!(f, "unix:longpath#{k}"),
            Addr::MissingDir => f.write_str("unix:missing-dir/sock"),
            Addr::Abstract(k) => write!(f, "unix:@name#{k}"),
            Addr::Unnamed => f.write_str("unix:(unnamed)"),
            Addr::Of(s) => write!(f, "addr(s{s})"),
        }
    }
}

/// `MsgFlags` as C would write them (`0` when empty).
pub(crate) struct Flags(pub MsgFlags);

impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("0")
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

fn interest_name(i: Interest) -> &'static str {
    match (
        i.contains(Interest::READABLE),
        i.contains(Interest::WRITABLE),
    ) {
        (true, true) => "POLLIN|POLLOUT",
        (true, false) => "POLLIN",
        (false, true) => "POLLOUT",
        (false, false) => "0",
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Call::Socket { slot, domain, ty } => write!(f, "s{slot} = socket({domain}, {ty})"),
            Call::Pair { a, b, ty } => write!(f, "(s{a}, s{b}) = socketpair(AF_UNIX, {ty})"),
            Call::Bind { slot, addr } => write!(f, "bind(s{slot}, {addr})"),
            Call::Listen { slot, backlog } => write!(f, "listen(s{slot}, {backlog})"),
            Call::Connect { slot, addr } => write!(f, "connect(s{slot}, {addr})"),
            Call::Accept { slot, into } => write!(f, "s{into} = accept(s{slot})"),
            Call::Send { slot, len, flags } => {
                write!(f, "send(s{slot}, {len} bytes, {})", Flags(flags))
            }
            Call::Write { slot, len } => write!(f, "write(s{slot}, {len} bytes)"),
            Call::Recv { slot, len, flags } => {
                write!(f, "recv(s{slot}, [{len}], {})", Flags(flags))
            }
            Call::Read { slot, len } => write!(f, "read(s{slot}, [{len}])"),
            Call::SendTo { slot, len, addr } => {
                write!(f, "sendto(s{slot}, {len} bytes, {addr})")
            }
            Call::RecvFrom { slot, len } => write!(f, "recvfrom(s{slot}, [{len}])"),
            Call::SendMsg {
                slot,
                lens,
                to,
                flags,
            } => {
                write!(f, "sendmsg(s{slot}, [{} + {} bytes], ", lens[0], lens[1])?;
                match to {
                    Some(to) => write!(f, "to {to}, ")?,
                    None => f.write_str("no address, ")?,
                }
                write!(f, "{})", Flags(flags))
            }
            Call::RecvMsg { slot, lens, flags } => write!(
                f,
                "recvmsg(s{slot}, [{}] + [{}], {})",
                lens[0],
                lens[1],
                Flags(flags)
            ),
            Call::Shutdown { slot, how } => {
                let how = match how {
                    Shutdown::Read => "SHUT_RD",
                    Shutdown::Write => "SHUT_WR",
                    Shutdown::Both => "SHUT_RDWR",
                };
                write!(f, "shutdown(s{slot}, {how})")
            }
            Call::Close { slot } => write!(f, "close(s{slot})"),
            Call::Nonblocking { slot, on } => write!(f, "set_nonblocking(s{slot}, {on})"),
            Call::Set { slot, opt } => write!(f, "setsockopt(s{slot}, {opt:?})"),
            Call::Get { slot, opt } => write!(f, "getsockopt(s{slot}, {opt:?})"),
            Call::Poll { mask, interest } => {
                f.write_str("poll([")?;
                let mut first = true;
                for s in 0..POOL as u8 {
                    if mask & (1 << s) != 0 {
                        if !first {
                            f.write_str(", ")?;
                        }
                        first = false;
                        write!(f, "s{s}")?;
                    }
                }
                write!(f, "], {}, 0)", interest_name(interest))
            }
            Call::LocalAddr { slot } => write!(f, "getsockname(s{slot})"),
            Call::PeerAddr { slot } => write!(f, "getpeername(s{slot})"),
        }
    }
}
