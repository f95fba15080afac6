//! Name resolution on the simulated network: `getaddrinfo` and `getnameinfo` answered from the
//! names the test declared, as a name server would.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use anysock_core::{resolve, Error, ErrorKind, Family, Result};

use crate::base::addr::canonical;
use crate::kernel::state::State;

const LOCALHOST: &[u8] = b"localhost";

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// `getaddrinfo(host)`: an address literal answers itself; `localhost` is `127.0.0.1`
    /// and `::1`; a declared name is its host's IPv4 and IPv6 addresses, IPv4 first; each
    /// filtered by `family` and cut to `out`'s length.
    ///
    /// Errors as [`anysock_core::Resolve::resolve`]: [`ErrorKind::HostNotFound`] for a name
    /// nobody declared or one with no address of `family`, [`ErrorKind::InvalidInput`] for
    /// an empty `out` or a name no resolver would take.
    pub(crate) fn resolve(&self, host: &str, family: Family, out: &mut [IpAddr]) -> Result<usize> {
        if let Some(n) = resolve::literal(host, family, out)? {
            return Ok(n);
        }
        let bare = host.strip_suffix('.').unwrap_or(host);
        let found: [IpAddr; 2] = if bare.as_bytes().eq_ignore_ascii_case(LOCALHOST) {
            [Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()]
        } else {
            let id = self
                .names
                .lookup(host)
                .ok_or(Error::new(ErrorKind::HostNotFound))?;
            let info = self
                .host_info(id)
                .map_err(|_| Error::new(ErrorKind::HostNotFound))?;
            [info.ipv4.into(), info.ipv6.into()]
        };
        let mut n = 0;
        for (slot, ip) in out
            .iter_mut()
            .zip(found.into_iter().filter(|ip| family.includes(ip)))
        {
            *slot = ip;
            n += 1;
        }
        if n == 0 {
            return Err(Error::new(ErrorKind::HostNotFound));
        }
        Ok(n)
    }

    /// `getnameinfo(addr, NI_NAMEREQD)`: `localhost` for a loopback address, else the first
    /// name declared for the host that owns `addr`.
    ///
    /// Errors: [`ErrorKind::HostNotFound`] when no host owning it has a name;
    /// [`ErrorKind::InvalidInput`] when the name does not fit in `name`.
    pub(crate) fn reverse(&self, addr: IpAddr, name: &mut [u8]) -> Result<usize> {
        let ip = canonical(addr);
        let found = if ip.is_loopback() {
            LOCALHOST
        } else {
            self.hosts
                .find(ip)
                .and_then(|id| self.names.name_of(id))
                .ok_or(Error::new(ErrorKind::HostNotFound))?
        };
        name.get_mut(..found.len())
            .ok_or(Error::new(ErrorKind::InvalidInput))?
            .copy_from_slice(found);
        Ok(found.len())
    }
}
