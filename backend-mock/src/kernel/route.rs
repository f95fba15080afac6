//! How addresses find their host: adding hosts, which addresses a host may bind, where a
//! packet goes and which source address it leaves with.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use anysock_core::{Domain, Error, ErrorKind, Result};

use crate::base::addr::{canonical, is_loopback};
use crate::kernel::state::State;
use crate::kernel::table::hosts::HostInfo;
use crate::kernel::table::sock::Sock;

/// Whether an IPv6 socket `s` may talk to `dst` (canonical: IPv4-mapped as IPv4). An IPv6
/// socket speaks one family at a time, as Linux's: with `IPV6_V6ONLY` (which binding an IPv6
/// address sets), an IPv4 destination is `ENETUNREACH`; once its own address is IPv4-mapped
/// (bound so, or taken by a connect to an IPv4 peer), an IPv6 destination is `EAFNOSUPPORT`.
pub(crate) fn check_family<const B: usize, const Q: usize>(
    s: &Sock<B, Q>,
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
        _ => Ok(()),
    }
}

/// Where a datagram or `SYN` to `ip` (canonical) goes from socket `s`: the unspecified IPv6
/// address means loopback in the family the socket speaks (IPv4 once its own address is
/// IPv4-mapped), as Linux's `udpv6_sendmsg` reads it.
pub(crate) fn destination<const B: usize, const Q: usize>(s: &Sock<B, Q>, ip: IpAddr) -> IpAddr {
    let mapped = s
        .local
        .and_then(|l| l.as_inet())
        .is_some_and(|l| canonical(l.ip()).is_ipv4() && l.ip().is_ipv6());
    match ip {
        IpAddr::V6(v6) if v6.is_unspecified() && mapped => IpAddr::V4(Ipv4Addr::LOCALHOST),
        _ => ip,
    }
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// Adds a host: `EINVAL` for an address no host can have, `EADDRINUSE` for one another
    /// host has, `ENOMEM` when the network is full.
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
        if self.hosts.find(IpAddr::V4(ipv4)).is_some()
            || self.hosts.find(IpAddr::V6(ipv6)).is_some()
        {
            return Err(Error::new(ErrorKind::AddrInUse));
        }
        self.hosts.add(ipv4, ipv6)
    }

    pub(crate) fn host_info(&self, host: usize) -> Result<HostInfo> {
        self.hosts
            .get(host)
            .copied()
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
        self.hosts.find(ip)
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
