//! `SockOpt<O>` for every typed option, on every socket type. The level, name and encoding of
//! each option are in the `sys` layer's table.

use anysock_core::opt::*;
use anysock_core::{Result, SockOpt};

use crate::socket::Wrapper;
use crate::sys::sockopt::{get, set};
use crate::{Datagram, Listener, Socket, Stream};

/// `impl SockOpt<Option> for Type` for each pair. An option that does not apply to a socket
/// (say, `TCP_NODELAY` on a Unix socket) fails at run time with the kernel's answer,
/// [`anysock_core::ErrorKind::Unsupported`].
macro_rules! sockopts {
    ([$($ty:ty),*], $opts:tt) => {$(sockopts!(@one $ty, $opts);)*};
    (@one $ty:ty, [$($opt:ty),*]) => {$(
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
        NoDelay,
        Ttl,
        UnicastHops,
        V6Only
    ]
);
