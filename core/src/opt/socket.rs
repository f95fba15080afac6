//! Options of the socket itself, whatever its protocol (`SOL_SOCKET`).

use core::time::Duration;

use super::values::{Credentials, IfName};
use crate::domain::{Domain, Type};
use crate::error::Error;

options! {
    /// `SO_REUSEADDR`: bind to an address still in `TIME_WAIT` (and, for UDP, share it).
    #[doc(alias = "SO_REUSEADDR")]
    ReuseAddr: bool, Gettable, Settable, ListenerOption, DatagramOption;
    /// `SO_REUSEPORT`: several sockets bind the same address and port, and the kernel spreads
    /// connections or datagrams over them.
    #[doc(alias = "SO_REUSEPORT")]
    ReusePort: bool, Gettable, Settable, ListenerOption, DatagramOption;
    /// `SO_KEEPALIVE`: probe an idle connection to find out whether the peer is gone.
    #[doc(alias = "SO_KEEPALIVE")]
    KeepAlive: bool, Gettable, Settable, StreamOption;
    /// `SO_LINGER`: `Some(t)` makes `close` wait up to `t` for unsent data; `Some(ZERO)` resets
    /// the connection on close; `None` is the default (close returns at once, data still sent).
    /// Resolution is whole seconds; a fraction is rounded up.
    #[doc(alias = "SO_LINGER")]
    Linger: Option<Duration>, Gettable, Settable, StreamOption => linger;
    /// `SO_RCVBUF`: the receive buffer size in bytes. Linux doubles the value set, for its own
    /// bookkeeping, and reports the doubled value.
    #[doc(alias = "SO_RCVBUF")]
    RecvBufferSize: usize, Gettable, Settable, ListenerOption, StreamOption, DatagramOption => size;
    /// `SO_SNDBUF`: the send buffer size in bytes (doubled by Linux, as for `SO_RCVBUF`).
    #[doc(alias = "SO_SNDBUF")]
    SendBufferSize: usize, Gettable, Settable, ListenerOption, StreamOption, DatagramOption => size;
    /// `SO_RCVTIMEO`: a blocking receive (or `accept`) gives up with
    /// [`crate::ErrorKind::WouldBlock`] after this long; `None` waits forever. `Some(ZERO)` is
    /// refused with [`crate::ErrorKind::InvalidInput`], since the kernel reads 0 as "forever".
    #[doc(alias = "SO_RCVTIMEO")]
    RecvTimeout: Option<Duration>, Gettable, Settable,
        ListenerOption, StreamOption, DatagramOption => timeout;
    /// `SO_SNDTIMEO`: as [`RecvTimeout`], for blocking sends (and `connect` on Linux).
    #[doc(alias = "SO_SNDTIMEO")]
    SendTimeout: Option<Duration>, Gettable, Settable,
        ListenerOption, StreamOption, DatagramOption => timeout;
    /// `SO_BROADCAST`: allow datagrams to broadcast addresses.
    #[doc(alias = "SO_BROADCAST")]
    Broadcast: bool, Gettable, Settable, DatagramOption;
    /// `SO_ERROR`: the pending error of the socket, cleared by reading it; how a non-blocking
    /// `connect` reports its outcome. Read-only.
    #[doc(alias = "SO_ERROR")]
    SocketError: Option<Error>, Gettable, ListenerOption, StreamOption, DatagramOption;
    /// `SO_TYPE`: the socket's type. Read-only.
    #[doc(alias = "SO_TYPE")]
    SocketType: Type, Gettable, ListenerOption, StreamOption, DatagramOption;
    /// `SO_ACCEPTCONN`: whether the socket is listening. Read-only.
    #[doc(alias = "SO_ACCEPTCONN")]
    AcceptConn: bool, Gettable, ListenerOption;
    /// `SO_DOMAIN`: the socket's domain (address family). Read-only; Linux.
    #[doc(alias = "SO_DOMAIN")]
    SocketDomain: Domain, Gettable, ListenerOption, StreamOption, DatagramOption;
    /// `SO_PROTOCOL`: the socket's protocol as its IANA number: 6 for TCP, 17 for UDP, 0 for
    /// a Unix socket. Read-only; Linux.
    #[doc(alias = "SO_PROTOCOL")]
    SocketProtocol: u32, Gettable, ListenerOption, StreamOption, DatagramOption;
    /// `SO_PEERCRED`: the process id, user id and group id of the peer of a connected Unix
    /// socket, as they were when it connected (or when the pair was created). A socket without
    /// a peer (not connected, or not a Unix socket) fails with
    /// [`crate::ErrorKind::NotConnected`]. Read-only; Linux.
    #[doc(alias = "SO_PEERCRED")]
    PeerCredentials: Credentials, Gettable, StreamOption, DatagramOption;
    /// `SO_PASSCRED`: ask for the sender's credentials (`SCM_CREDENTIALS`) with each message
    /// received on a Unix socket. Linux.
    #[doc(alias = "SO_PASSCRED")]
    PassCredentials: bool, Gettable, Settable, StreamOption, DatagramOption;
    /// `SO_BINDTODEVICE`: send and receive only through the named network interface (`"lo"`,
    /// `"eth0"`); `None` removes the binding. Setting it needs `CAP_NET_RAW` on older kernels.
    /// Linux.
    #[doc(alias = "SO_BINDTODEVICE")]
    BindToDevice: Option<IfName>, Gettable, Settable, ListenerOption, StreamOption, DatagramOption;
    /// `SO_MARK`: the 32-bit firewall mark put on outgoing packets, for policy routing and
    /// netfilter. Setting it needs `CAP_NET_ADMIN` ([`crate::ErrorKind::PermissionDenied`]
    /// otherwise). Linux.
    #[doc(alias = "SO_MARK")]
    Mark: u32, Gettable, Settable, ListenerOption, StreamOption, DatagramOption;
    /// `SO_PRIORITY`: the queueing priority of outgoing packets (0 to 6 for anyone; higher
    /// values need `CAP_NET_ADMIN`). Linux.
    #[doc(alias = "SO_PRIORITY")]
    Priority: u32, Gettable, Settable, StreamOption, DatagramOption;
    /// `SO_TIMESTAMP`: attach the arrival time of each received message, in microseconds
    /// (`SCM_TIMESTAMP`). On Linux, turning on [`TimestampNs`] turns this one off.
    #[doc(alias = "SO_TIMESTAMP")]
    Timestamp: bool, Gettable, Settable, StreamOption, DatagramOption;
    /// `SO_TIMESTAMPNS`: attach the arrival time of each received message, in nanoseconds
    /// (`SCM_TIMESTAMPNS`). Linux.
    #[doc(alias = "SO_TIMESTAMPNS")]
    TimestampNs: bool, Gettable, Settable, StreamOption, DatagramOption;
    /// `SO_RCVLOWAT`: the number of bytes a receive waits for before it returns (and before
    /// `poll` reports the socket readable). Linux stores 0 as 1.
    #[doc(alias = "SO_RCVLOWAT")]
    RecvLowat: usize, Gettable, Settable, StreamOption => size;
    /// `SO_OOBINLINE`: TCP urgent (out-of-band) data is read in line with the normal data,
    /// rather than with `MSG_OOB`.
    #[doc(alias = "SO_OOBINLINE")]
    OobInline: bool, Gettable, Settable, StreamOption;
}
