//! Declaring the network's host names, for `getaddrinfo` on its hosts.

use anysock_core::Result;

use crate::net::sharing::Sharing;
use crate::net::Net;
use crate::trace::plan::HostId;
use crate::trace::Tracer;

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Net<S, B, Q, T, K, H>
{
    /// Declares that `name` is `host`, as a name server would: on every host of the network,
    /// resolving `name` ([`anysock_core::Resolve`], [`anysock_core::asynch::Resolve`], and so
    /// embedded-nal-async's `Dns`) gives the host's IPv4 address, then its IPv6 one, and the
    /// reverse lookup of either address gives the first name declared for it. Names compare
    /// as DNS compares them (letters in either case, a trailing dot or not); `localhost` is
    /// always there, for the loopback addresses. A name outlives a crash of its host.
    ///
    /// ```
    /// use anysock_core::{Family, Resolve};
    /// use anysock_mock::Net;
    ///
    /// let net: Net = Net::new();
    /// let broker = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
    /// let client = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
    /// net.name("broker.test", broker)?;
    /// let mut addrs = [core::net::IpAddr::from([0, 0, 0, 0]); 2];
    /// assert_eq!(client.resolve("Broker.Test.", Family::Any, &mut addrs)?, 2);
    /// assert_eq!(addrs[0], core::net::IpAddr::from([10, 0, 0, 1]));
    /// let missing = client.resolve("nobody.test", Family::Any, &mut addrs).unwrap_err();
    /// assert_eq!(missing.kind(), anysock_core::ErrorKind::HostNotFound);
    /// # Ok::<(), anysock_core::Error>(())
    /// ```
    ///
    /// Errors: [`ErrorKind::AddrInUse`] for a name declared already (or `localhost`);
    /// [`ErrorKind::OutOfMemory`] when [`crate::MAX_NAMES`] are declared;
    /// [`ErrorKind::InvalidInput`] for a name DNS cannot carry (empty, longer than 253 bytes,
    /// a label empty or longer than 63 bytes, a character other than a letter, a digit, `-` or
    /// `_`) or an address literal.
    ///
    /// [`ErrorKind::AddrInUse`]: anysock_core::ErrorKind::AddrInUse
    /// [`ErrorKind::OutOfMemory`]: anysock_core::ErrorKind::OutOfMemory
    /// [`ErrorKind::InvalidInput`]: anysock_core::ErrorKind::InvalidInput
    pub fn name(&self, name: &str, host: impl Into<HostId>) -> Result<()> {
        let host = host.into().0;
        self.state_mut().names.declare(name, host)
    }
}
