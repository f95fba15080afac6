//! `SockOpt<O>` on each socket type, for the options the kernel honours there: every option on
//! a fresh [`Socket`], and on a [`Listener`], [`Stream`] or [`Datagram`] the options core marks
//! as applying to it ([`ListenerOption`], [`StreamOption`], [`DatagramOption`]), so the rest
//! are a compile error. The level, name and encoding of each option are in the `sys` layer's
//! table, which has every option of `anysock_core::opt`.
//!
//! What the type cannot tell, the domain, the kernel answers at run time: `TCP_NODELAY` on a
//! Unix stream, or an IPv6 option on an IPv4 socket, fails with
//! [`anysock_core::ErrorKind::Unsupported`]; so does an option the operating system lacks
//! (most Linux-only options elsewhere), without a syscall.
//!
//! ```compile_fail,E0277
//! use anysock_core::{opt::NoDelay, Datagram, SockOpt, Stack};
//! fn nagle_off<D: Datagram + SockOpt<NoDelay>>(d: &mut D) {
//!     let _ = d.set(NoDelay, true);
//! }
//! // TCP_NODELAY on a datagram socket: no such impl.
//! nagle_off(&mut anysock_posix::Posix.bind(&"127.0.0.1:0".parse().unwrap()).unwrap());
//! ```
//!
//! ```compile_fail,E0277
//! use anysock_core::{opt::Broadcast, SockOpt, Stack};
//! let (a, _b) = anysock_posix::Posix.socketpair(anysock_core::Type::Stream).unwrap();
//! let mut stream = anysock_core::Socket::into_stream(a).unwrap();
//! // SO_BROADCAST is for datagrams.
//! let _ = stream.set(Broadcast, true);
//! ```
//!
//! ```compile_fail,E0277
//! use anysock_core::{opt::NoDelay, SockOpt, Stack};
//! let listener = anysock_posix::Posix.listen(&"127.0.0.1:0".parse().unwrap(), 1).unwrap();
//! // TCP_NODELAY belongs to the accepted streams, not to the listener.
//! let _ = listener.get(NoDelay);
//! ```
//!
//! Read-only and write-only options are implemented both ways here; the `Settable` and
//! `Gettable` bounds of [`SockOpt`] keep the missing direction from being called.

use anysock_core::opt::{DatagramOption, ListenerOption, SockOption, StreamOption};
use anysock_core::{Result, SockOpt};

use crate::socket::Wrapper;
use crate::sys::sockopt::{get, set, Codec};
use crate::{Datagram, Listener, Socket, Stream};

/// `impl<O: Codec + $kind> SockOpt<O> for $ty` for each pair.
macro_rules! sockopts {
    ($($ty:ty: $($kind:path)?;)*) => {$(
        impl<O: Codec $(+ $kind)?> SockOpt<O> for $ty {
            #[inline]
            fn set(&mut self, _: O, value: <O as SockOption>::Value) -> Result<()> {
                set::<O>(&self.socket().fd, O::normalize(value)?)
            }
            #[inline]
            fn get(&self, _: O) -> Result<<O as SockOption>::Value> {
                get::<O>(&self.socket().fd)
            }
        }
    )*};
}

sockopts! {
    Socket: ;
    Listener: ListenerOption;
    Stream: StreamOption;
    Datagram: DatagramOption;
}
