//! [`Host`]: one machine of the simulated network, and how addresses find their host.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use anysock_core::opt::ReuseAddr;
use anysock_core::{
    Domain, Error, ErrorKind, Instant, PollFd, Result, SockOpt, Socket as _, SocketAddr, Stack,
    Type, UnixAddr,
};

use crate::guard::gave_up;
use crate::net::{Net, State};
use crate::plan::HostId;
use crate::trace::Tracer;
use crate::{Datagram, Handle, Listener, Socket, Stream};
use crate::{Local, Sharing};

/// The most hosts one [`Net`] holds.
pub const MAX_HOSTS: usize = 8;

/// The first ephemeral port. Linux picks ports at random from
/// `net.ipv4.ip_local_port_range` (32768–60999 by default); the mock counts upward from the
/// IANA dynamic range's start, per host, so runs repeat exactly.
pub const FIRST_EPHEMERAL_PORT: u16 = 49152;

#[derive(Clone, Copy, Debug)]
pub(crate) struct HostInfo {
    pub(crate) ipv4: Ipv4Addr,
    pub(crate) ipv6: Ipv6Addr,
    pub(crate) next_port: u16,
    pub(crate) next_autobind: u32,
}

/// A host of a [`Net`]: its addresses, its sockets and its Unix path namespace. It is the
/// [`Stack`] to hand to code under test; it is `Copy`, so hand it out freely.
pub struct Host<
    'n,
    const S: usize = 32,
    const B: usize = 4096,
    const Q: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
> {
    net: &'n Net<S, B, Q, T, K>,
    id: usize,
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing> Clone
    for Host<'_, S, B, Q, T, K>
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing> Copy
    for Host<'_, S, B, Q, T, K>
{
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing> fmt::Debug
    for Host<'_, S, B, Q, T, K>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host").field("id", &self.id).finish()
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing>
    Host<'n, S, B, Q, T, K>
{
    pub(crate) fn new(net: &'n Net<S, B, Q, T, K>, id: usize) -> Self {
        Host { net, id }
    }

    /// The host's name in fault plans and scripts ([`crate::FaultPlan`], [`crate::Script`]).
    pub fn id(&self) -> HostId {
        HostId(self.id)
    }

    /// The network the host is on.
    pub fn net(&self) -> &'n Net<S, B, Q, T, K> {
        self.net
    }

    /// The host's IPv4 address (given to [`Net::host`]).
    pub fn ipv4(&self) -> Ipv4Addr {
        self.info().map_or(Ipv4Addr::UNSPECIFIED, |h| h.ipv4)
    }

    /// The host's IPv6 address (given to [`Net::host`]).
    pub fn ipv6(&self) -> Ipv6Addr {
        self.info().map_or(Ipv6Addr::UNSPECIFIED, |h| h.ipv6)
    }

    /// The credentials of the host's simulated process, as a Unix socket's receiver sees
    /// them with `PassCredentials` ([`anysock_core::cmsg::Cmsg::Credentials`]): pid
    /// `1000 + n` for the `n`-th host made (from 0), user and group 1000. A sender may name
    /// only these; others are [`ErrorKind::PermissionDenied`].
    pub fn credentials(&self) -> anysock_core::cmsg::Credentials {
        crate::ancillary::host_credentials(self.id)
    }

    /// `unlink(path)`: removes a Unix socket's file from the host's namespace. A pathname
    /// socket's file outlives the socket, as on Linux, so a server that binds the same path
    /// again must remove it first.
    ///
    /// Errors: [`ErrorKind::NotFound`] when no such path exists; [`ErrorKind::InvalidInput`]
    /// for an address that is not a pathname.
    pub fn unlink(&self, path: &UnixAddr) -> Result<()> {
        if path.as_pathname().is_none() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        self.net.state_mut().paths.unlink(self.id, path)
    }

    fn info(&self) -> Option<HostInfo> {
        self.net.state().hosts.get(self.id).copied().flatten()
    }

    fn wrap(&self, handle: Handle) -> Socket<'n, S, B, Q, T, K> {
        Socket::from_parts(self.net, handle)
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing> Stack
    for Host<'n, S, B, Q, T, K>
{
    type Handle = Handle;
    type Socket = Socket<'n, S, B, Q, T, K>;
    type Listener = Listener<'n, S, B, Q, T, K>;
    type Stream = Stream<'n, S, B, Q, T, K>;
    type Datagram = Datagram<'n, S, B, Q, T, K>;

    /// `socket(domain, type, 0)`.
    ///
    /// Errors: [`ErrorKind::Unsupported`] for `SOCK_SEQPACKET` in the Internet domains (as
    /// Linux: SCTP is not simulated); [`ErrorKind::TooManyOpenFiles`] when all `SOCKETS`
    /// slots are in use.
    fn socket(&self, domain: Domain, ty: Type) -> Result<Self::Socket> {
        if ty == Type::SeqPacket && domain != Domain::Unix {
            return Err(Error::new(ErrorKind::Unsupported));
        }
        let h = self.net.state_mut().alloc(self.id, domain, ty)?;
        Ok(self.wrap(h))
    }

    /// `socketpair(AF_UNIX, type, 0)`: two connected Unix sockets with unnamed addresses.
    fn socketpair(&self, ty: Type) -> Result<(Self::Socket, Self::Socket)> {
        let a = self.socket(Domain::Unix, ty)?;
        let b = self.socket(Domain::Unix, ty)?;
        self.net.state_mut().pair(a.handle, b.handle);
        Ok((a, b))
    }

    /// As [`Stack::listen`], with `SO_REUSEADDR` on Internet sockets first, as the POSIX
    /// backend (and `std::net::TcpListener::bind`) does.
    fn listen(&self, addr: &SocketAddr, backlog: u32) -> Result<Self::Listener> {
        let mut s = self.socket(addr.domain(), Type::Stream)?;
        if addr.domain() != Domain::Unix {
            s.set(ReuseAddr, true)?;
        }
        s.bind(addr)?;
        s.listen(backlog)
    }

    /// The network's virtual clock ([`crate::Net::now`]), shared by every host.
    fn now(&self) -> Result<Instant> {
        Ok(Instant::from_since_start(self.net.now()))
    }

    fn poll(&self, fds: &mut [PollFd<Handle>], timeout: Option<Duration>) -> Result<usize> {
        // A shared network waits for other threads; a poll with a timeout that runs out
        // returns 0 (even when the network's bound ends it first), one without fails.
        self.net.blocking(
            |st| st.poll(fds, timeout),
            |last, why| match timeout {
                Some(_) => last,
                None => gave_up(last, why),
            },
        )
    }
}

/// Whether `ip` is the loopback address of its family (all of `127.0.0.0/8` for IPv4, as on
/// Linux).
pub(crate) fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}

/// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as the IPv4 address it stands for; any
/// other address unchanged. The mock routes by the real family.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => ip,
        },
        v4 => v4,
    }
}

/// An address as it travels on the wire: IPv4-mapped IPv6 addresses as IPv4 (the packet is
/// IPv4), Unix addresses unchanged.
pub(crate) fn wire(addr: SocketAddr) -> SocketAddr {
    match addr.as_inet() {
        Some(a) => SocketAddr::from((canonical(a.ip()), a.port())),
        None => addr,
    }
}

/// An address as a socket of `domain` sees it: IPv4 peers of an IPv6 socket appear mapped.
pub(crate) fn present(ip: IpAddr, port: u16, domain: Domain) -> SocketAddr {
    match (ip, domain) {
        (IpAddr::V4(v4), Domain::Inet6) => SocketAddr::from((v4.to_ipv6_mapped(), port)),
        _ => SocketAddr::from((ip, port)),
    }
}

/// Whether an IPv6 socket `s` may talk to `dst` (canonical: IPv4-mapped as IPv4). An IPv6
/// socket speaks one family at a time, as Linux's: with `IPV6_V6ONLY`, or bound to an IPv6
/// address, an IPv4 destination is `ENETUNREACH`; once its own address is IPv4-mapped (bound
/// so, or taken by a connect to an IPv4 peer), an IPv6 destination is `EAFNOSUPPORT`.
pub(crate) fn check_family<const B: usize, const Q: usize>(
    s: &crate::sock::Sock<B, Q>,
    dst: IpAddr,
) -> Result<()> {
    if s.domain != Domain::Inet6 {
        return Ok(());
    }
    if s.opts.v6only && dst.is_ipv4() {
        return Err(Error::new(ErrorKind::NetworkUnreachable));
    }
    let Some(local) = s.local.and_then(|l| l.as_inet()) else {
        return Ok(());
    };
    match (canonical(local.ip()), dst) {
        (own, _) if own.is_unspecified() => Ok(()),
        (IpAddr::V4(_), IpAddr::V6(_)) => Err(Error::new(ErrorKind::Unsupported)),
        (IpAddr::V6(_), IpAddr::V4(_)) if s.locks.addr => {
            Err(Error::new(ErrorKind::NetworkUnreachable))
        }
        _ => Ok(()),
    }
}

/// Where a datagram or `SYN` to `ip` (canonical) goes from socket `s`: the unspecified IPv6
/// address means loopback in the family the socket speaks (IPv4 once its own address is
/// IPv4-mapped), as Linux's `udpv6_sendmsg` reads it.
pub(crate) fn destination<const B: usize, const Q: usize>(
    s: &crate::sock::Sock<B, Q>,
    ip: IpAddr,
) -> IpAddr {
    let mapped = s
        .local
        .and_then(|l| l.as_inet())
        .is_some_and(|l| canonical(l.ip()).is_ipv4() && l.ip().is_ipv6());
    match ip {
        IpAddr::V6(v6) if v6.is_unspecified() && mapped => IpAddr::V4(Ipv4Addr::LOCALHOST),
        _ => ip,
    }
}

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    pub(crate) fn add_host(&mut self, ipv4: Ipv4Addr, ipv6: Ipv6Addr) -> Result<usize> {
        let bad4 = ipv4.is_loopback()
            || ipv4.is_unspecified()
            || ipv4.is_multicast()
            || ipv4.is_broadcast();
        let bad6 = ipv6.is_loopback()
            || ipv6.is_unspecified()
            || ipv6.is_multicast()
            || ipv6.to_ipv4_mapped().is_some();
        if bad4 || bad6 {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        if self
            .hosts
            .iter()
            .flatten()
            .any(|h| h.ipv4 == ipv4 || h.ipv6 == ipv6)
        {
            return Err(Error::new(ErrorKind::AddrInUse));
        }
        let (id, slot) = self
            .hosts
            .iter_mut()
            .enumerate()
            .find(|(_, h)| h.is_none())
            .ok_or(Error::new(ErrorKind::OutOfMemory))?;
        *slot = Some(HostInfo {
            ipv4,
            ipv6,
            next_port: FIRST_EPHEMERAL_PORT,
            next_autobind: 0,
        });
        Ok(id)
    }

    pub(crate) fn host_info(&self, host: usize) -> Result<HostInfo> {
        self.hosts
            .get(host)
            .copied()
            .flatten()
            .ok_or(Error::new(ErrorKind::NetworkDown))
    }

    /// Whether `host` may bind `ip` (already canonical): the wildcard, loopback, or its own.
    pub(crate) fn is_local(&self, host: usize, ip: IpAddr) -> bool {
        if ip.is_unspecified() || is_loopback(ip) {
            return true;
        }
        self.host_info(host).is_ok_and(|h| match ip {
            IpAddr::V4(v4) => v4 == h.ipv4,
            IpAddr::V6(v6) => v6 == h.ipv6,
        })
    }

    /// The host a packet from `from` to `ip` (canonical) reaches: `from` itself for loopback
    /// and the unspecified address (Linux treats a connect to `0.0.0.0` as local), else the
    /// host owning the address.
    pub(crate) fn route(&self, from: usize, ip: IpAddr) -> Option<usize> {
        if ip.is_unspecified() || is_loopback(ip) {
            return Some(from);
        }
        self.hosts.iter().position(|h| {
            h.is_some_and(|h| match ip {
                IpAddr::V4(v4) => v4 == h.ipv4,
                IpAddr::V6(v6) => v6 == h.ipv6,
            })
        })
    }

    /// The source address `host` uses toward `dst` when the socket is not bound to a specific
    /// address: loopback for loopback, else the host's own address of the family.
    pub(crate) fn source_ip(&self, host: usize, dst: IpAddr) -> Result<IpAddr> {
        let info = self.host_info(host)?;
        Ok(match dst {
            IpAddr::V4(v4) if v4.is_loopback() || v4.is_unspecified() => {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            }
            IpAddr::V6(v6) if v6.is_loopback() || v6.is_unspecified() => {
                IpAddr::V6(Ipv6Addr::LOCALHOST)
            }
            IpAddr::V4(_) => IpAddr::V4(info.ipv4),
            IpAddr::V6(_) => IpAddr::V6(info.ipv6),
        })
    }
}
