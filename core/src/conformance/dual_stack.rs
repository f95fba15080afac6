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

pub(super) fn an_ipv6_socket_that_tried_ipv4_cannot_connect_over_ipv6<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (v4_port, _) = closed_ports(h)?;
    let v6 = need(h.ipv6(), "no IPv6 loopback")?;
    let listener = must!(h.stack().listen(&v6, 4), "listen on [::1]");
    let target = must!(crate::Endpoint::local_addr(&listener), "local_addr");
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet6, Type::Stream), "socket");
    must!(
        crate::Endpoint::set_nonblocking(&mut s, true),
        "set_nonblocking"
    );
    fails!(
        s.connect(&mapped_loopback(v4_port)),
        ErrorKind::InProgress,
        "a connect to an IPv4-mapped closed port"
    );
    super::wait(h, &s, crate::Interest::WRITABLE)?;
    fails!(
        s.connect(&mapped_loopback(v4_port)),
        ErrorKind::ConnectionRefused,
        "it was refused"
    );
    fails!(
        s.connect(&target),
        ErrorKind::InProgress,
        "a connect to an IPv6 listener starts"
    );
    let mut fds = [crate::PollFd::new(
        crate::Pollable::handle(&s),
        crate::Interest::WRITABLE,
    )];
    ensure!(
        must!(
            h.stack()
                .poll(&mut fds, Some(core::time::Duration::from_millis(20))),
            "poll"
        ) == 0,
        "and never finishes: the socket kept IPv4's operations, its IPv6 SYN goes nowhere"
    );
    fails!(
        s.connect(&target),
        ErrorKind::AlreadyInProgress,
        "it is still under way"
    );
    Ok(())
}

pub(super) fn a_udp6_socket_connected_to_a_mapped_port_zero_cannot_send<H: Harness>(
    h: &mut H,
) -> Outcome {
    need(h.ipv6(), "no IPv6 loopback")?;
    let s = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    let mut s = must!(s.into_datagram(), "into_datagram");
    must!(
        s.connect(&mapped_loopback(0)),
        "connect to [::ffff:127.0.0.1]:0"
    );
    fails!(
        s.send(b"x"),
        ErrorKind::InvalidInput,
        "udpv6 hands the IPv4 peer to udp_sendmsg as an address, and port 0 is EINVAL"
    );
    Ok(())
}

pub(super) fn a_udp6_socket_connected_over_ipv6_sends_to_ipv4_from_ipv4<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (_, v6_closed) = closed_ports(h)?;
    let mut rx = must!(
        h.stack().bind(&SocketAddr::unspecified(Domain::Inet6)),
        "bind [::]:0"
    );
    let port = must!(crate::Endpoint::local_addr(&rx), "local_addr")
        .port()
        .unwrap_or(0);
    let s = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    let mut s = must!(s.into_datagram(), "into_datagram");
    must!(s.connect(&v6_closed), "connect over IPv6");
    must!(s.send_to(b"v4", &mapped_loopback(port)), "send_to IPv4");
    super::wait(h, &rx, crate::Interest::READABLE)?;
    let mut buf = [0u8; 4];
    let (_, from) = must!(rx.recv_from(&mut buf), "recv_from");
    ensure!(
        from.with_port(0) == mapped_loopback(0),
        "the datagram left from IPv4 loopback, whatever the socket's IPv6 address"
    );
    Ok(())
}

pub(super) fn a_udp6_socket_keeps_the_address_its_first_connect_picked<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (v4_port, v6_closed) = closed_ports(h)?;
    let s = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    let mut s = must!(s.into_datagram(), "into_datagram");
    must!(s.connect(&v6_closed), "connect over IPv6");
    let picked = must!(crate::Endpoint::local_addr(&s), "local_addr");
    must!(
        s.connect(&mapped_loopback(v4_port)),
        "connect again, to an IPv4-mapped address"
    );
    ensure!(
        must!(crate::Endpoint::local_addr(&s), "local_addr") == picked,
        "the address the first connect picked stays"
    );
    Ok(())
}
