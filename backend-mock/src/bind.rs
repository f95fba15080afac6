//! `bind`: giving a socket its local address.

use anysock_core::{Error, ErrorKind, Result, SocketAddr, UnixAddrKind};

use crate::host::canonical;
use crate::net::State;
use crate::Handle;

impl<const S: usize, const B: usize, const Q: usize> State<S, B, Q> {
    /// `bind(fd, addr)`, with Linux's errors: `EINVAL` for an address of another family or a
    /// socket already bound, `EADDRNOTAVAIL` for an address the host does not have,
    /// `EADDRINUSE` per the port rules (see `check_port`) or for an existing Unix path or
    /// abstract name. Port 0 takes the next ephemeral port; the unnamed Unix address takes an
    /// autobind name.
    pub(crate) fn bind(&mut self, h: Handle, addr: &SocketAddr) -> Result<()> {
        let s = self.sock(h)?;
        if addr.domain() != s.domain || s.bound().is_some() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let (host, v6only) = (s.host, s.opts.v6only);
        let local = match addr {
            SocketAddr::Unix(u) => match u.kind() {
                UnixAddrKind::Unnamed => SocketAddr::Unix(self.autobind_name(host)?),
                UnixAddrKind::Pathname(_) => {
                    self.paths.create(host, u, h)?;
                    *addr
                }
                UnixAddrKind::Abstract(_) => {
                    if self.abstract_owner(host, u).is_some() {
                        return Err(Error::new(ErrorKind::AddrInUse));
                    }
                    *addr
                }
            },
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
                if inet.port() == 0 {
                    let port = self.ephemeral_port(h, ErrorKind::AddrInUse)?;
                    addr.with_port(port)
                } else {
                    self.check_port(h, addr)?;
                    *addr
                }
            }
        };
        let s = self.sock_mut(h)?;
        s.local = Some(local);
        s.holds_port = true;
        if let Some(inet) = addr.as_inet() {
            s.locks.addr = !inet.ip().is_unspecified();
            s.locks.port = inet.port() != 0;
        }
        Ok(())
    }
}
