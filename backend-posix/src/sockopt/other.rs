//! Outside Linux, the options beyond the portable set answer
//! [`anysock_core::ErrorKind::Unsupported`] without a syscall: their levels, names and
//! encodings differ from system to system (`IP_MULTICAST_TTL` is a byte on the BSDs, macOS
//! calls `TCP_KEEPIDLE` `TCP_KEEPALIVE`, `SO_PEERCRED` has no pid there), and each is written
//! when it can be tested on its system.

use libc::c_int;

use super::encode::unsupported;
use anysock_core::opt::*;

macro_rules! absent {
    ($($opt:ty),* $(,)?) => {$(
        impl super::Codec for $opt {
            const KEY: Option<(c_int, c_int)> = None;
            type Raw = c_int;
            fn encode(value: Self::Value) -> anysock_core::Result<c_int> {
                unsupported(value)
            }
            fn decode(raw: c_int) -> anysock_core::Result<Self::Value> {
                unsupported(raw)
            }
        }
    )*};
}

absent! {
    SocketDomain, SocketProtocol, PeerCredentials, PassCredentials, BindToDevice, Mark,
    Priority, Timestamp, TimestampNs, RecvLowat, OobInline,
    KeepIdle, KeepInterval, KeepCount, UserTimeout, Cork, QuickAck, MaxSegment, Congestion,
    FastOpen,
    Tos, MulticastTtl, MulticastLoopV4, MulticastInterfaceV4, JoinMulticastV4, LeaveMulticastV4,
    PktInfo, RecvTos, RecvTtl, Freebind,
    MulticastHops, MulticastLoopV6, MulticastInterfaceV6, JoinMulticastV6, LeaveMulticastV6,
    RecvPktInfo, TrafficClass, RecvTrafficClass, RecvHopLimit,
}
