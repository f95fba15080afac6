//! [`Host`]: a simulated host's async stack.

use core::fmt;
use core::net::IpAddr;

use anysock_core::{asynch, Domain, Family, Instant, Result, SocketAddr, Stack as _, Type};

use crate::asynch::datagram::Datagram;
use crate::asynch::io::Sleep;
use crate::asynch::listener::Listener;
use crate::asynch::socket::Socket;
use crate::asynch::stream::Stream;
use crate::net::sharing::{Local, Sharing};
use crate::net::Net;
use crate::trace::plan::HostId;
use crate::trace::Tracer;

/// A host of a [`Net`], async: the [`anysock_core::asynch::Stack`] to hand to async code under
/// test, made by [`crate::Host::asynch`]. Its sockets are the host's, with the same answers as
/// the blocking calls; waiting parks the future on the simulated socket, and time is the
/// network's virtual clock (see [`crate::asynch`]). It is `Copy`, so hand it out freely.
pub struct Host<
    'n,
    const S: usize = 32,
    const B: usize = 4096,
    const Q: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
    const H: usize = { crate::kernel::table::hosts::MAX_HOSTS },
> {
    host: crate::host::Host<'n, S, B, Q, T, K, H>,
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Host<'n, S, B, Q, T, K, H>
{
    /// The same host's blocking stack.
    pub fn blocking(&self) -> crate::host::Host<'n, S, B, Q, T, K, H> {
        self.host
    }

    /// The host's name in fault plans and scripts.
    pub fn id(&self) -> HostId {
        self.host.id()
    }

    /// The network the host is on.
    pub fn net(&self) -> &'n Net<S, B, Q, T, K, H> {
        self.host.net()
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    crate::host::Host<'n, S, B, Q, T, K, H>
{
    /// The same host as an async stack ([`anysock_core::asynch::Stack`]): its sockets wait by
    /// parking the future on the simulated socket instead of blocking (see [`crate::asynch`]).
    pub fn asynch(self) -> Host<'n, S, B, Q, T, K, H> {
        Host { host: self }
    }
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
        f.debug_struct("asynch::Host")
            .field("id", &self.host.id())
            .finish()
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    asynch::Stack for Host<'n, S, B, Q, T, K, H>
{
    type Socket = Socket<'n, S, B, Q, T, K, H>;
    type Listener = Listener<'n, S, B, Q, T, K, H>;
    type Stream = Stream<'n, S, B, Q, T, K, H>;
    type Datagram = Datagram<'n, S, B, Q, T, K, H>;

    /// `socket(domain, type, 0)`, as the blocking host's.
    fn socket(&self, domain: Domain, ty: Type) -> Result<Self::Socket> {
        Socket::new(self.host.socket(domain, ty)?)
    }

    /// `socketpair(AF_UNIX, type, 0)`, as the blocking host's.
    fn socketpair(&self, ty: Type) -> Result<(Self::Socket, Self::Socket)> {
        let (a, b) = self.host.socketpair(ty)?;
        Ok((Socket::new(a)?, Socket::new(b)?))
    }

    /// As the blocking host's `listen` (`SO_REUSEADDR` on Internet sockets first).
    fn listen(&self, addr: &SocketAddr, backlog: u32) -> Result<Self::Listener> {
        Listener::new(self.host.listen(addr, backlog)?)
    }

    fn bind(&self, addr: &SocketAddr) -> Result<Self::Datagram> {
        Datagram::new(self.host.bind(addr)?)
    }

    /// The network's virtual clock ([`Net::now`]).
    fn now(&self) -> Result<Instant> {
        self.host.now()
    }

    /// A timer on the virtual clock: done once [`Net::now`] reads `deadline`. The clock moves
    /// when [`Net::run`] finds nothing else to do, or by [`Net::advance`].
    ///
    /// Errors: [`anysock_core::ErrorKind::OutOfMemory`] when [`crate::MAX_TIMERS`] timers
    /// are running.
    async fn sleep_until(&self, deadline: Instant) -> Result<()> {
        Sleep::new(self.host.net(), deadline.since_start()).await
    }
}

/// The network's names ([`Net::name`]), as the blocking host resolves them: from the table, at
/// once.
impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    asynch::Resolve for Host<'_, S, B, Q, T, K, H>
{
    /// As the blocking host's [`anysock_core::Resolve::resolve`]; never waits.
    async fn resolve(&self, host: &str, family: Family, out: &mut [IpAddr]) -> Result<usize> {
        anysock_core::Resolve::resolve(&self.host, host, family, out)
    }

    /// As the blocking host's [`anysock_core::Resolve::reverse`]; never waits.
    async fn reverse(&self, addr: IpAddr, name: &mut [u8]) -> Result<usize> {
        anysock_core::Resolve::reverse(&self.host, addr, name)
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
