//! Address helpers: how the mock reads an address to route it and to show it.

use core::net::IpAddr;

use anysock_core::{Domain, SocketAddr};

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
