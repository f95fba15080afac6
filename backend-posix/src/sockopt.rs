//! `SockOpt<O>` for every typed option, on every socket type. The level, name and encoding of
//! each option are in the `sys` layer's table.

use anysock_core::opt::*;
use anysock_core::{Result, SockOpt};

use crate::socket::Wrapper;
use crate::sys::sockopt::{get, set};
use crate::{Datagram, Listener, Socket, Stream};

/// `impl SockOpt<Option> for Type` for each pair. An option that does not apply to a socket
/// (say, `TCP_NODELAY` on a Unix socket, or an IPv6 option on an IPv4 socket) fails at run
/// time with the kernel's answer, [`anysock_core::ErrorKind::Unsupported`]; so does an option
/// the operating system lacks (most Linux-only options elsewhere), without a syscall.
///
/// Read-only and write-only options are implemented both ways here; the `Settable` and
/// `Gettable` bounds of [`SockOpt`] keep the missing direction from being called.
macro_rules! sockopts {
    ([$($ty:ty),*], $opts:tt) => {$(sockopts!(@one $ty, $opts);)*};
    (@one $ty:ty, [$($opt:ty),* $(,)?]) => {$(
        impl SockOpt<$opt> for $ty {
            fn set(&mut self, _: $opt, value: <$opt as SockOption>::Value) -> Result<()> {
                set::<$opt>(&self.socket().fd, value)
            }
            fn get(&self, _: $opt) -> Result<<$opt as SockOption>::Value> {
                get::<$opt>(&self.socket().fd)
            }
        }
    )*};
}

sockopts!(
    [Socket, Listener, Stream, Datagram],
    [
        // SOL_SOCKET
        ReuseAddr,
        ReusePort,
        KeepAlive,
        Linger,
        RecvBufferSize,
        SendBufferSize,
        RecvTimeout,
        SendTimeout,
        Broadcast,
        SocketError,
        SocketType,
        AcceptConn,
        SocketDomain,
        SocketProtocol,
        PeerCredentials,
        PassCredentials,
        BindToDevice,
        Mark,
        Priority,
        Timestamp,
        TimestampNs,
        RecvLowat,
        OobInline,
        // IPPROTO_TCP
        NoDelay,
        KeepIdle,
        KeepInterval,
        KeepCount,
        UserTimeout,
        Cork,
        QuickAck,
        MaxSegment,
        Congestion,
        FastOpen,
        // IPPROTO_IP
        Ttl,
        Tos,
        MulticastTtl,
        MulticastLoopV4,
        MulticastInterfaceV4,
        JoinMulticastV4,
        LeaveMulticastV4,
        PktInfo,
        RecvTos,
        RecvTtl,
        Freebind,
        // IPPROTO_IPV6
        UnicastHops,
        V6Only,
        MulticastHops,
        MulticastLoopV6,
        MulticastInterfaceV6,
        JoinMulticastV6,
        LeaveMulticastV6,
        RecvPktInfo,
        TrafficClass,
        RecvTrafficClass,
        RecvHopLimit,
    ]
);
