//! [`Host`]: one machine of the simulated network, the [`Stack`] its code runs on.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use anysock_core::{
    Domain, Error, ErrorKind, Family, Instant, PollFd, Resolve, Result, Stack, Type, UnixAddr,
};

use crate::base::handle::Handle;
use crate::kernel::table::hosts::HostInfo;
use crate::kernel::table::wait::gave_up;
use crate::net::sharing::{Local, Sharing};
use crate::net::Net;
use crate::socket::datagram::Datagram;
use crate::socket::fresh::Socket;
use crate::socket::listener::Listener;
use crate::socket::stream::Stream;
use crate::trace::plan::HostId;
use crate::trace::Tracer;

/// A host of a [`Net`]: its addresses, its sockets and its Unix path namespace. It is the
/// [`Stack`] to hand to code under test; it is `Copy`, so hand it out freely.
pub struct Host<
    'n,
    const S: usize = 32,
    const B: usize = 4096,
    const Q: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
    const H: usize = { crate::kernel::table::hosts::MAX_HOSTS },
> {
    net: &'n Net<S, B, Q, T, K, H>,
    id: usize,
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Clone
    for Host<'_, S, B, Q, T, K, H>
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Copy
    for Host<'_, S, B, Q, T, K, H>
{
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    fmt::Debug for Host<'_, S, B, Q, T, K, H>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host").field("id", &self.id).finish()
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Host<'n, S, B, Q, T, K, H>
{
    pub(crate) fn new(net: &'n Net<S, B, Q, T, K, H>, id: usize) -> Self {
        Host { net, id }
    }

    /// The host's name in fault plans and scripts ([`crate::FaultPlan`], [`crate::Script`]).
    pub fn id(&self) -> HostId {
        HostId(self.id)
    }

    /// The network the host is on.
    pub fn net(&self) -> &'n Net<S, B, Q, T, K, H> {
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
        crate::kernel::ancillary::host_credentials(self.id)
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
        self.net.state().hosts.get(self.id).copied()
    }

    fn wrap(&self, handle: Handle) -> Socket<'n, S, B, Q, T, K, H> {
        Socket::from_parts(self.net, handle)
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Stack for Host<'n, S, B, Q, T, K, H>
{
    type Handle = Handle;
    type Socket = Socket<'n, S, B, Q, T, K, H>;
    type Listener = Listener<'n, S, B, Q, T, K, H>;
    type Stream = Stream<'n, S, B, Q, T, K, H>;
    type Datagram = Datagram<'n, S, B, Q, T, K, H>;

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

/// Names from the network's table ([`Net::name`]), as a name server would answer them; every
/// host sees the same names.
impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize> Resolve
    for Host<'_, S, B, Q, T, K, H>
{
    /// `getaddrinfo(host)`: an address literal answers itself; `localhost` is `127.0.0.1` and
    /// `::1`; a declared name its host's IPv4 address, then its IPv6 one (each kept if of
    /// `family`). Never waits.
    ///
    /// Errors: [`ErrorKind::HostNotFound`] for a name nobody declared, or with no address of
    /// `family`; [`ErrorKind::InvalidInput`] for an empty `out`, an empty name, a NUL byte, or
    /// more than 253 bytes.
    fn resolve(&self, host: &str, family: Family, out: &mut [IpAddr]) -> Result<usize> {
        self.net.state().resolve(host, family, out)
    }

    /// `getnameinfo(addr, NI_NAMEREQD)`: `localhost` for a loopback address, else the first
    /// name declared for the host owning `addr`.
    ///
    /// Errors: [`ErrorKind::HostNotFound`] when it has none; [`ErrorKind::InvalidInput`] when
    /// the name does not fit in `name`.
    fn reverse(&self, addr: IpAddr, name: &mut [u8]) -> Result<usize> {
        self.net.state().reverse(addr, name)
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Net<S, B, Q, T, K, H>
{
    /// Adds a host owning `ipv4` and `ipv6` (besides `127.0.0.0/8` and `::1`, which reach only
    /// the host itself), with an empty Unix path namespace of its own.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for a loopback, unspecified, multicast or broadcast
    /// address; [`ErrorKind::AddrInUse`] when another host has the address;
    /// [`ErrorKind::OutOfMemory`] when the network already has its
    /// [`MAX_HOSTS`](crate::MAX_HOSTS) hosts.
    pub fn host(&self, ipv4: Ipv4Addr, ipv6: Ipv6Addr) -> Result<Host<'_, S, B, Q, T, K, H>> {
        let id = self.state_mut().add_host(ipv4, ipv6)?;
        Ok(Host::new(self, id))
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    From<Host<'_, S, B, Q, T, K, H>> for HostId
{
    fn from(host: Host<'_, S, B, Q, T, K, H>) -> Self {
        host.id()
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    From<&Host<'_, S, B, Q, T, K, H>> for HostId
{
    fn from(host: &Host<'_, S, B, Q, T, K, H>) -> Self {
        host.id()
    }
}
