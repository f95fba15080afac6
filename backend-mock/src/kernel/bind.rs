//! `bind`: giving a socket its local address.

use anysock_core::{Error, ErrorKind, Result, SocketAddr, UnixAddrKind};

use crate::base::addr::canonical;
use crate::base::handle::Handle;
use crate::kernel::state::State;

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// `bind(fd, addr)`, with Linux's errors: `EINVAL` for an address of another family or a
    /// socket already bound, `EADDRNOTAVAIL` for an address the host does not have,
    /// `EADDRINUSE` per the port rules (see `check_port`) or for an existing Unix path or
    /// abstract name. Port 0 takes the next ephemeral port; the unnamed Unix address takes an
    /// autobind name.
    pub(crate) fn bind(&mut self, h: Handle, addr: &SocketAddr) -> Result<()> {
        let s = self.sock(h)?;
        addr.check_domain(s.domain)?;
        let (host, ty, v6only, bound) = (s.host, s.ty, s.opts.v6only, s.bound().is_some());
        // Linux checks the socket is still unbound at different points per family: first
        // for IPv6 and abstract names, after the address for IPv4, after the file for paths.
        let already = || Err(Error::new(ErrorKind::InvalidInput));
        let local = match addr {
            SocketAddr::Unix(u) => match u.kind() {
                // unix_autobind on a bound socket does nothing, and succeeds.
                UnixAddrKind::Unnamed if bound => return Ok(()),
                UnixAddrKind::Unnamed => SocketAddr::Unix(self.autobind_name(host, ty)?),
                UnixAddrKind::Pathname(_) => {
                    if self.paths.exists(host, u) {
                        return Err(Error::new(ErrorKind::AddrInUse));
                    }
                    if bound {
                        return already();
                    }
                    let entry = self.paths.create(host, u, h)?;
                    self.sock_mut(h)?.path = Some(entry);
                    *addr
                }
                UnixAddrKind::Abstract(_) if bound => return already(),
                UnixAddrKind::Abstract(_) => {
                    if self.abstract_owner(host, u, ty).is_some() {
                        return Err(Error::new(ErrorKind::AddrInUse));
                    }
                    *addr
                }
            },
            SocketAddr::V6(_) if bound => return already(),
            SocketAddr::V4(_) | SocketAddr::V6(_) => {
                let Some(inet) = addr.as_inet() else {
                    return Err(Error::new(ErrorKind::InvalidInput));
                };
                let ip = canonical(inet.ip());
                // A v4-mapped address on an IPv6-only socket is refused by Linux (`EINVAL`).
                if v6only && ip.is_ipv4() && addr.domain() != anysock_core::Domain::Inet {
                    return Err(Error::new(ErrorKind::InvalidInput));
                }
                if !self.is_local(host, ip) {
                    return Err(Error::new(ErrorKind::AddrNotAvailable));
                }
                if bound {
                    return already();
                }
                if inet.port() == 0 {
                    let port = self.ephemeral_port(h, ErrorKind::AddrInUse)?;
                    addr.with_port(port)
                } else {
                    self.check_port(h, addr)?;
                    *addr
                }
            }
        };
        self.set_holds_port(h, true);
        self.set_local(h, Some(local));
        let s = self.sock_mut(h)?;
        if let Some(inet) = addr.as_inet() {
            s.locks.addr = !inet.ip().is_unspecified();
            s.locks.port = inet.port() != 0;
            // inet6_bind: an IPv6 socket bound to an address that is neither the wildcard nor
            // IPv4-mapped speaks IPv6 only from then on.
            if let core::net::IpAddr::V6(v6) = inet.ip() {
                if !v6.is_unspecified() && v6.to_ipv4_mapped().is_none() {
                    s.opts.v6only = true;
                }
            }
        }
        Ok(())
    }
}
