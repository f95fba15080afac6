//! `SockOpt<O>` for the options the mock has (see `MockOpt`'s impls: `ReuseAddr`,
//! `ReusePort`, `KeepAlive`, `Linger`, the buffer sizes and timeouts, `Broadcast`,
//! `SocketError`, `SocketType`, `AcceptConn`, `NoDelay`, `Ttl`, `UnicastHops`, `V6Only`,
//! `PassCredentials`, `PktInfo`, `RecvPktInfo`), each on the kinds of socket core says it
//! applies to (every option on a fresh `Socket`): stored in the socket, with Linux's
//! defaults, ranges and errors.
//!
//! An option the mock does not have is a compile error, not a run-time surprise:
//!
//! ```compile_fail,E0277
//! use anysock_core::{opt::Mark, Domain, SockOpt, Stack, Type};
//! let net: anysock_mock::Net = anysock_mock::Net::new();
//! let host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap()).unwrap();
//! let mut s = host.socket(Domain::Inet, Type::Stream).unwrap();
//! let _ = s.set(Mark, 7); // SO_MARK is not simulated
//! ```
//!
//! Nor is an option on a kind of socket it does not apply to:
//!
//! ```compile_fail,E0277
//! use anysock_core::{opt::NoDelay, SockOpt, Stack};
//! let net: anysock_mock::Net = anysock_mock::Net::new();
//! let host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap()).unwrap();
//! let mut udp = host.bind(&"10.0.0.1:53".parse().unwrap()).unwrap();
//! let _ = udp.set(NoDelay, true); // TCP_NODELAY on a datagram socket
//! ```
//!
//! ```compile_fail,E0277
//! use anysock_core::{opt::Linger, SockOpt, Stack};
//! let net: anysock_mock::Net = anysock_mock::Net::new();
//! let host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap()).unwrap();
//! let listener = host.listen(&"10.0.0.1:80".parse().unwrap(), 1).unwrap();
//! let _ = listener.get(Linger); // SO_LINGER belongs to the accepted streams
//! ```

use core::time::Duration;

use anysock_core::opt::*;
use anysock_core::{Domain, Error, ErrorKind, Result, SockOpt};

use crate::kernel::table::sock::{Sock, MIN_RCVBUF_REPORTED, MIN_SNDBUF_REPORTED};
use crate::net::sharing::Sharing;
use crate::socket::datagram::Datagram;
use crate::socket::fresh::Socket;
use crate::socket::listener::Listener;
use crate::socket::stream::Stream;
use crate::trace::Tracer;

fn invalid() -> Error {
    Error::new(ErrorKind::InvalidInput)
}

fn unsupported() -> Error {
    Error::new(ErrorKind::Unsupported)
}

/// How the mock reads and writes one option.
pub(crate) trait MockOpt: SockOption {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<Self::Value>;
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: Self::Value) -> Result<()>;
}

/// A stored flag, settable on any socket.
macro_rules! flag {
    ($opt:ty, $field:ident) => {
        impl MockOpt for $opt {
            fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<bool> {
                Ok(s.opts.$field)
            }
            fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: bool) -> Result<()> {
                s.opts.$field = v;
                Ok(())
            }
        }
    };
}

flag!(ReuseAddr, reuse_addr);
flag!(KeepAlive, keepalive);
flag!(Broadcast, broadcast);

/// Internet sockets only: Linux refuses to turn `SO_REUSEPORT` on for a Unix socket
/// (`EOPNOTSUPP`), and lets it be turned off.
impl MockOpt for ReusePort {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<bool> {
        Ok(s.opts.reuse_port)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: bool) -> Result<()> {
        if v && s.is_unix() {
            return Err(unsupported());
        }
        s.opts.reuse_port = v;
        Ok(())
    }
}

/// Linux's default `net.core.rmem_max` and `wmem_max`: the most a buffer size is set to.
const SIZE_MAX: usize = 4_194_304;

/// Linux keeps and reports `2 * min(value, max)`, never less than its floor. The simulated
/// buffer is half of that, at most `B` (see `Sock::rx_limit`). (A value beyond a C `int` was
/// refused by core's rule before.)
fn buffer_size(v: usize, floor: usize) -> usize {
    v.min(SIZE_MAX).saturating_mul(2).max(floor)
}

impl MockOpt for RecvBufferSize {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<usize> {
        Ok(s.opts.rcvbuf)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: usize) -> Result<()> {
        s.set_rcvbuf(buffer_size(v, MIN_RCVBUF_REPORTED));
        Ok(())
    }
}

impl MockOpt for SendBufferSize {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<usize> {
        Ok(s.opts.sndbuf)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: usize) -> Result<()> {
        s.set_sndbuf(buffer_size(v, MIN_SNDBUF_REPORTED));
        Ok(())
    }
}

/// Whole seconds, rounded up by core's rule (`normalize::linger`), as `struct linger` holds
/// them.
impl MockOpt for Linger {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<Option<Duration>> {
        Ok(s.opts.linger)
    }
    fn write<const B: usize, const Q: usize>(
        s: &mut Sock<B, Q>,
        v: Option<Duration>,
    ) -> Result<()> {
        s.opts.linger = v;
        Ok(())
    }
}

impl MockOpt for RecvTimeout {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<Option<Duration>> {
        Ok(s.opts.recv_timeout)
    }
    fn write<const B: usize, const Q: usize>(
        s: &mut Sock<B, Q>,
        v: Option<Duration>,
    ) -> Result<()> {
        s.opts.recv_timeout = v;
        Ok(())
    }
}

impl MockOpt for SendTimeout {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<Option<Duration>> {
        Ok(s.opts.send_timeout)
    }
    fn write<const B: usize, const Q: usize>(
        s: &mut Sock<B, Q>,
        v: Option<Duration>,
    ) -> Result<()> {
        s.opts.send_timeout = v;
        Ok(())
    }
}

/// Read-and-clear.
impl MockOpt for SocketError {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<Option<Error>> {
        Ok(s.take_error().map(Error::new))
    }
    fn write<const B: usize, const Q: usize>(_: &mut Sock<B, Q>, _: Option<Error>) -> Result<()> {
        Err(unsupported())
    }
}

impl MockOpt for SocketType {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<anysock_core::Type> {
        Ok(s.ty)
    }
    fn write<const B: usize, const Q: usize>(
        _: &mut Sock<B, Q>,
        _: anysock_core::Type,
    ) -> Result<()> {
        Err(unsupported())
    }
}

impl MockOpt for AcceptConn {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<bool> {
        Ok(s.is_listening())
    }
    fn write<const B: usize, const Q: usize>(_: &mut Sock<B, Q>, _: bool) -> Result<()> {
        Err(unsupported())
    }
}

/// TCP only: `EOPNOTSUPP` on UDP and Unix sockets, as Linux.
impl MockOpt for NoDelay {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<bool> {
        if !s.is_tcp() {
            return Err(unsupported());
        }
        Ok(s.opts.nodelay)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: bool) -> Result<()> {
        if !s.is_tcp() {
            return Err(unsupported());
        }
        s.opts.nodelay = v;
        Ok(())
    }
}

/// IPv4 and IPv6 sockets (Linux takes `IP_TTL` on both); 1..=255.
impl MockOpt for Ttl {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<u32> {
        if s.is_unix() {
            return Err(unsupported());
        }
        Ok(s.opts.ttl)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: u32) -> Result<()> {
        if s.is_unix() {
            return Err(unsupported());
        }
        if !(1..=255).contains(&v) {
            return Err(invalid());
        }
        s.opts.ttl = v;
        Ok(())
    }
}

/// IPv6 sockets only; 0..=255 (Linux takes 0 here, unlike `IP_TTL`).
impl MockOpt for UnicastHops {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<u32> {
        if s.domain != Domain::Inet6 {
            return Err(unsupported());
        }
        Ok(s.opts.hops)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: u32) -> Result<()> {
        if s.domain != Domain::Inet6 {
            return Err(unsupported());
        }
        if v > 255 {
            return Err(invalid());
        }
        s.opts.hops = v;
        Ok(())
    }
}

/// IPv6 sockets only; `EINVAL` while the socket holds a port, as Linux.
impl MockOpt for V6Only {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<bool> {
        if s.domain != Domain::Inet6 {
            return Err(unsupported());
        }
        Ok(s.opts.v6only)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: bool) -> Result<()> {
        if s.domain != Domain::Inet6 {
            return Err(unsupported());
        }
        if s.bound().is_some() {
            return Err(invalid());
        }
        s.opts.v6only = v;
        Ok(())
    }
}

/// Unix sockets only: Linux (6.x) refuses `SO_PASSCRED` elsewhere with `EOPNOTSUPP`.
impl MockOpt for PassCredentials {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<bool> {
        if !s.is_unix() {
            return Err(unsupported());
        }
        Ok(s.pass_cred)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: bool) -> Result<()> {
        if !s.is_unix() {
            return Err(unsupported());
        }
        s.pass_cred = v;
        Ok(())
    }
}

/// IPv4 and IPv6 sockets (an IPv6 one gets it for the IPv4 datagrams it receives);
/// `EOPNOTSUPP` on Unix ones, as Linux.
impl MockOpt for PktInfo {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<bool> {
        if s.is_unix() {
            return Err(unsupported());
        }
        Ok(s.opts.pktinfo)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: bool) -> Result<()> {
        if s.is_unix() {
            return Err(unsupported());
        }
        s.opts.pktinfo = v;
        Ok(())
    }
}

/// IPv6 sockets only (Linux: `ENOPROTOOPT` elsewhere).
impl MockOpt for RecvPktInfo {
    fn read<const B: usize, const Q: usize>(s: &mut Sock<B, Q>) -> Result<bool> {
        if s.domain != Domain::Inet6 {
            return Err(unsupported());
        }
        Ok(s.opts.recv_pktinfo)
    }
    fn write<const B: usize, const Q: usize>(s: &mut Sock<B, Q>, v: bool) -> Result<()> {
        if s.domain != Domain::Inet6 {
            return Err(unsupported());
        }
        s.opts.recv_pktinfo = v;
        Ok(())
    }
}

/// `impl<O: MockOpt + $kind> SockOpt<O> for $ty` for each socket type: the options the mock
/// has, on the kinds of socket core says they apply to.
macro_rules! sockopts {
    ($($ty:ident: $($kind:path)?;)*) => {$(
        impl<O, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> SockOpt<O>
            for $ty<'_, S, B, Q, T, K, H>
        where
            O: MockOpt $(+ $kind)?,
        {
            fn set(&mut self, _: O, value: O::Value) -> Result<()> {
                let value = O::normalize(value)?;
                let mut st = self.net.state_mut();
                O::write(st.sock_mut(self.handle)?, value)
            }
            fn get(&self, _: O) -> Result<O::Value> {
                let mut st = self.net.state_mut();
                O::read(st.sock_mut(self.handle)?)
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
