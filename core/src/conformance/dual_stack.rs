//! IPv6 sockets that also speak IPv4 (through IPv4-mapped addresses, `::ffff:a.b.c.d`): they
//! speak one family at a time, and the family of their own address decides which.

use crate::{Datagram, Domain, ErrorKind, Socket, SocketAddr, Stack, Type};

use super::{need, Harness, Outcome, SocketOf, Stop};

/// `127.0.0.1:port` as an IPv4-mapped IPv6 address.
fn mapped_loopback(port: u16) -> SocketAddr {
    SocketAddr::from((core::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped(), port))
}

/// A port on IPv4 loopback that nobody uses (bound and closed), and one on IPv6.
fn closed_ports<H: Harness>(h: &H) -> Result<(u16, SocketAddr), Stop> {
    let v6 = need(h.ipv6(), "no IPv6 loopback")?;
    let v4_port = {
        let s = must!(h.stack().bind(&h.ipv4()), "bind");
        must!(crate::Endpoint::local_addr(&s), "local_addr")
            .port()
            .unwrap_or(0)
    };
    let v6_addr = {
        let s = must!(h.stack().bind(&v6), "bind");
        must!(crate::Endpoint::local_addr(&s), "local_addr")
    };
    Ok((v4_port, v6_addr))
}

pub(super) fn an_ipv6_socket_bound_to_ipv6_cannot_reach_ipv4<H: Harness>(h: &mut H) -> Outcome {
    let (v4_port, _) = closed_ports(h)?;
    let v6 = need(h.ipv6(), "no IPv6 loopback")?;
    let mut tcp: SocketOf<H> = must!(h.stack().socket(Domain::Inet6, Type::Stream), "socket");
    must!(tcp.bind(&v6), "bind [::1]:0");
    fails!(
        tcp.connect(&mapped_loopback(v4_port)),
        ErrorKind::NetworkUnreachable,
        "TCP from an IPv6 address to an IPv4-mapped one"
    );
    let mut udp = must!(h.stack().bind(&v6), "bind [::1]:0");
    fails!(
        udp.send_to(b"x", &mapped_loopback(v4_port)),
        ErrorKind::NetworkUnreachable,
        "UDP from an IPv6 address to an IPv4-mapped one"
    );
    Ok(())
}

pub(super) fn an_ipv6_socket_bound_to_a_mapped_address_cannot_reach_ipv6<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (_, v6_closed) = closed_ports(h)?;
    let mut tcp: SocketOf<H> = must!(h.stack().socket(Domain::Inet6, Type::Stream), "socket");
    must!(tcp.bind(&mapped_loopback(0)), "bind [::ffff:127.0.0.1]:0");
    fails!(
        tcp.connect(&v6_closed),
        ErrorKind::Unsupported,
        "TCP from an IPv4-mapped address to an IPv6 one (EAFNOSUPPORT)"
    );
    let mut udp = must!(h.stack().bind(&mapped_loopback(0)), "bind");
    fails!(
        udp.send_to(b"x", &v6_closed),
        ErrorKind::Unsupported,
        "UDP from an IPv4-mapped address to an IPv6 one"
    );
    Ok(())
}

pub(super) fn a_udp6_socket_connected_to_ipv4_then_speaks_ipv4_only<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (v4_port, v6_closed) = closed_ports(h)?;
    let unbound = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    let mut s = must!(unbound.into_datagram(), "into_datagram");
    must!(
        s.connect(&mapped_loopback(v4_port)),
        "connect an unbound IPv6 socket to an IPv4-mapped address"
    );
    let own = must!(crate::Endpoint::local_addr(&s), "local_addr");
    ensure!(
        own.with_port(0) == mapped_loopback(0),
        "its own address became IPv4-mapped"
    );
    fails!(
        s.send_to(b"x", &v6_closed),
        ErrorKind::Unsupported,
        "so an IPv6 destination is EAFNOSUPPORT"
    );
    // The other way round: connected to IPv6 from unbound, it may still send to IPv4.
    let unbound = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    let mut t = must!(unbound.into_datagram(), "into_datagram");
    must!(t.connect(&v6_closed), "connect to an IPv6 address");
    must!(
        t.send_to(b"x", &mapped_loopback(v4_port)),
        "an address it did not bind does not tie it to IPv6"
    );
    Ok(())
}
