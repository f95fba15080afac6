//! `SockOpt<O>` on each socket type, for the options the kernel honours there: every option on
//! a fresh [`Socket`], and on a [`Listener`], [`Stream`] or [`Datagram`] the options core marks
//! as applying to it ([`ListenerOption`], [`StreamOption`], [`DatagramOption`]), so the rest
//! are a compile error.
//!
//! Below that, the table that gives every option of `anysock_core::opt` its level, name and C
//! encoding ([`Codec`]), in three parts: `portable` for the options every supported system has
//! with the same encoding, `linux` for the rest, as Linux defines them, and `other`, which on
//! every other system makes those same options answer `Unsupported` without a syscall. So
//! every option exists on every system; an option's encoding for another system is written
//! when it can be tested there. The table is the one place above `sys` where the system is
//! chosen: its rows name the system's constants and C types. `sys::sockopt` only passes
//! bytes.
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

use libc::c_int;

use anysock_core::opt::{DatagramOption, ListenerOption, SockOption, StreamOption};
use anysock_core::{Error, ErrorKind, Result, SockOpt};

use crate::socket::Wrapper;
use crate::sys::{self, pod::Pod, Fd};
use crate::{Datagram, Listener, Socket, Stream};

// Outside Linux the Linux-only encoders have no row to serve.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
mod encode;
mod portable;

cfg_if::cfg_if! {
    if #[cfg(target_os = "linux")] {
        mod linux;
    } else {
        mod other;
    }
}

/// How a typed option travels through `setsockopt`/`getsockopt`.
pub(crate) trait Codec: SockOption {
    /// `(level, name)` on this system, or `None` where the system lacks the option.
    const KEY: Option<(c_int, c_int)>;
    /// The C type the kernel reads and writes.
    type Raw: Pod;
    /// The C value for `value` (normalised already: `SockOption::normalize`), or why there is
    /// none ([`ErrorKind::InvalidInput`] for what the C type cannot hold,
    /// [`ErrorKind::Unsupported`] for a read-only option).
    fn encode(value: Self::Value) -> Result<Self::Raw>;
    /// The value the kernel's answer stands for ([`ErrorKind::Unsupported`] for a write-only
    /// option).
    fn decode(raw: Self::Raw) -> Result<Self::Value>;
}

fn key<O: Codec>() -> Result<(c_int, c_int)> {
    O::KEY.ok_or(Error::new(ErrorKind::Unsupported))
}

/// Sets a typed option (its value normalised already).
#[inline]
pub(crate) fn set<O: Codec>(fd: &Fd, value: O::Value) -> Result<()> {
    let (level, name) = key::<O>()?;
    sys::sockopt::set(fd, level, name, &O::encode(value)?)
}

/// Reads a typed option.
#[inline]
pub(crate) fn get<O: Codec>(fd: &Fd) -> Result<O::Value> {
    let (level, name) = key::<O>()?;
    O::decode(sys::sockopt::get::<O::Raw>(fd, level, name)?)
}

/// One row per option: marker, level, name, C type, encoder, decoder.
macro_rules! codecs {
    ($($opt:ty => $level:expr, $name:expr, $raw:ty, $encode:expr, $decode:expr;)*) => {$(
        impl $crate::sockopt::Codec for $opt {
            const KEY: Option<(libc::c_int, libc::c_int)> = Some(($level, $name));
            type Raw = $raw;
            fn encode(value: Self::Value) -> anysock_core::Result<$raw> {
                $encode(value)
            }
            fn decode(raw: $raw) -> anysock_core::Result<Self::Value> {
                $decode(raw)
            }
        }
    )*};
}
use codecs;

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
