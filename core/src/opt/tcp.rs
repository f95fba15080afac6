//! Options of TCP sockets (`IPPROTO_TCP`). On any other socket they fail with
//! [`crate::ErrorKind::Unsupported`].

use core::time::Duration;

use super::values::CongestionName;

options! {
    /// `TCP_NODELAY`: send small segments at once instead of coalescing them (Nagle off).
    #[doc(alias = "TCP_NODELAY")]
    NoDelay: bool, Gettable, Settable, StreamOption;
    /// `TCP_KEEPIDLE`: how long a connection stays idle before the first keep-alive probe
    /// (with [`super::KeepAlive`] on). Whole seconds, a fraction rounded up; zero is refused
    /// with [`crate::ErrorKind::InvalidInput`], as is more than Linux's 32767 s. Linux.
    #[doc(alias = "TCP_KEEPIDLE")]
    KeepIdle: Duration, Gettable, Settable, StreamOption => interval;
    /// `TCP_KEEPINTVL`: the time between keep-alive probes. Whole seconds, a fraction rounded
    /// up; zero and more than 32767 s are refused. Linux.
    #[doc(alias = "TCP_KEEPINTVL")]
    KeepInterval: Duration, Gettable, Settable, StreamOption => interval;
    /// `TCP_KEEPCNT`: how many unanswered keep-alive probes end the connection (1 to 127 on
    /// Linux). Linux.
    #[doc(alias = "TCP_KEEPCNT")]
    KeepCount: u32, Gettable, Settable, StreamOption;
    /// `TCP_USER_TIMEOUT`: how long sent data may stay unacknowledged before the connection
    /// is dropped with [`crate::ErrorKind::TimedOut`]. Milliseconds, a fraction rounded up;
    /// `None` is the system's default; `Some(ZERO)` is refused, since the kernel reads 0 as
    /// "the default". Linux.
    #[doc(alias = "TCP_USER_TIMEOUT")]
    UserTimeout: Option<Duration>, Gettable, Settable, StreamOption => millis;
    /// `TCP_CORK`: hold back partial segments until the cork is removed (or 200 ms pass), so
    /// a header and a body written apart leave in one segment. Linux.
    #[doc(alias = "TCP_CORK")]
    Cork: bool, Gettable, Settable, StreamOption;
    /// `TCP_QUICKACK`: acknowledge at once instead of delaying. Not sticky: the kernel goes
    /// back to delayed acknowledgements on its own, so reading it tells the current mode.
    /// Linux.
    #[doc(alias = "TCP_QUICKACK")]
    QuickAck: bool, Gettable, Settable, StreamOption;
    /// `TCP_MAXSEG`: the maximum segment size in bytes. Set before `connect` or `listen` to
    /// lower what is announced (Linux takes 88 to 65535); read on a connection, the size in
    /// use.
    #[doc(alias = "TCP_MAXSEG")]
    MaxSegment: u32, Gettable, Settable, StreamOption;
    /// `TCP_CONGESTION`: the congestion-control algorithm by name (`"cubic"`, `"reno"`,
    /// `"bbr"`; `/proc/sys/net/ipv4/tcp_available_congestion_control` lists what the kernel
    /// has). An unknown name fails with [`crate::ErrorKind::NotFound`]. Linux.
    #[doc(alias = "TCP_CONGESTION")]
    Congestion: CongestionName, Gettable, Settable, StreamOption;
    /// `TCP_FASTOPEN`: on a listening socket, the length of the queue of connections that
    /// carry data in their SYN (TCP Fast Open) and are not yet accepted; 0 turns it off.
    /// Set before or after `listen`. Linux.
    #[doc(alias = "TCP_FASTOPEN")]
    FastOpen: u32, Gettable, Settable, ListenerOption;
}
