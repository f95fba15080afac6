//! [`Builder`]: a network sized at run time (feature `alloc`).

use core::fmt;
use core::marker::PhantomData;

use anysock_core::{Error, ErrorKind, Result};

use crate::base::rng::Rng;
use crate::kernel::state::Capacity;
use crate::kernel::table::hosts::MAX_HOSTS;
use crate::kernel::table::paths::MAX_PATHS;
use crate::net::sharing::{Local, Sharing};
use crate::net::Net;
use crate::trace::Tracer;

/// The most sockets, hosts or socket files a network can be built with: its tables number
/// their entries with 32 bits.
const MOST: usize = u32::MAX as usize - 2;

/// How big a network is, chosen at run time (feature `alloc`); made by [`Net::builder`].
///
/// Every table is allocated by [`Builder::build`], once: the socket table (each socket's
/// receive queue of `BUF` bytes and datagram queue of `QUEUE` records included), the hosts,
/// the socket files, and the indexes over them. After that no call allocates (a
/// [`Selector`](crate::Selector) grows as sockets are registered with it, and the fault
/// injector keeps a row per host that grows past 16 other hosts named in plans, partitions
/// or datagrams), and what one call costs does not depend on the sizes chosen here.
///
/// ```
/// use anysock_mock::Net;
/// use anysock_core::ErrorKind;
///
/// let net: Net = Net::builder().hosts(1_000).sockets(20_000).build()?;
/// for i in 0..1_000u32 {
///     let [_, _, a, b] = (0x0a00_0000 + i + 1).to_be_bytes();
///     net.host([10, 0, a, b].into(), core::net::Ipv6Addr::from(0xfd00_u128 << 112 | u128::from(i + 1)))?;
/// }
/// let one_more = net.host([10, 9, 9, 9].into(), "fd00::9:9:9".parse().unwrap());
/// assert_eq!(one_more.unwrap_err().kind(), ErrorKind::OutOfMemory);
/// # Ok::<(), anysock_core::Error>(())
/// ```
pub struct Builder<
    const S: usize = 32,
    const B: usize = 4096,
    const Q: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
    const H: usize = MAX_HOSTS,
> {
    sockets: usize,
    hosts: usize,
    paths: Option<usize>,
    seed: u64,
    tracer: T,
    tracing: bool,
    sharing: PhantomData<K>,
}

impl<const S: usize, const B: usize, const Q: usize, K: Sharing, const H: usize>
    Net<S, B, Q, (), K, H>
{
    /// A network sized at run time (feature `alloc`): `S` sockets and `H` hosts unless the
    /// builder says otherwise. See [`Builder`].
    pub fn builder() -> Builder<S, B, Q, (), K, H> {
        Builder {
            sockets: S,
            hosts: H,
            paths: None,
            seed: 0,
            tracer: (),
            tracing: false,
            sharing: PhantomData,
        }
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Builder<S, B, Q, T, K, H>
{
    /// Room for `n` hosts: [`Net::host`] fails with [`ErrorKind::OutOfMemory`] beyond.
    pub fn hosts(mut self, n: usize) -> Self {
        self.hosts = n;
        self
    }

    /// Room for `n` sockets open at once, on all hosts together (a connection waiting to be
    /// accepted counts as one): `socket` fails with [`ErrorKind::TooManyOpenFiles`] beyond.
    pub fn sockets(mut self, n: usize) -> Self {
        self.sockets = n;
        self
    }

    /// Room for `n` Unix socket files on all hosts together (by default one per host, and
    /// at least [`MAX_PATHS`]): binding one more fails with [`ErrorKind::OutOfMemory`].
    pub fn paths(mut self, n: usize) -> Self {
        self.paths = Some(n);
        self
    }

    /// Seeds the fault generator (see [`Net::set_seed`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Hands every event to `tracer` (see [`Net::with_tracer`]).
    pub fn tracer<U: Tracer>(self, tracer: U) -> Builder<S, B, Q, U, K, H> {
        Builder {
            sockets: self.sockets,
            hosts: self.hosts,
            paths: self.paths,
            seed: self.seed,
            tracer,
            tracing: true,
            sharing: PhantomData,
        }
    }

    /// Makes the network, allocating all of it.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for more than 2³² − 3 sockets, hosts or files;
    /// [`ErrorKind::OutOfMemory`] when the memory cannot be had.
    pub fn build(self) -> Result<Net<S, B, Q, T, K, H>> {
        let paths = self.paths.unwrap_or(self.hosts.max(MAX_PATHS));
        if self.sockets > MOST || self.hosts > MOST || paths > MOST {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let cap = Capacity {
            sockets: self.sockets,
            hosts: self.hosts,
            paths,
        };
        let net = Net::try_build(self.tracer, self.tracing, cap)
            .map_err(|_| Error::new(ErrorKind::OutOfMemory))?;
        net.state_mut().faults.rng = Rng::new(self.seed);
        Ok(net)
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    fmt::Debug for Builder<S, B, Q, T, K, H>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("sockets", &self.sockets)
            .field("hosts", &self.hosts)
            .field("paths", &self.paths)
            .field("seed", &self.seed)
            .finish()
    }
}
