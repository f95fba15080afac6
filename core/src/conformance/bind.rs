//! `socket` and `bind`: addresses in every domain, and the errors of a bad one.

use crate::Endpoint as _;
use crate::{Domain, ErrorKind, Socket, SocketAddr, Stack, Type, UnixAddr};

use super::{need, unix_socket, Harness, Outcome, Quirk, UnixHarness};

pub(super) fn socket_remembers_domain_and_type<H: Harness>(h: &mut H) -> Outcome {
    for (domain, ty) in [(Domain::Inet, Type::Stream), (Domain::Inet, Type::Datagram)] {
        let s = must!(h.stack().socket(domain, ty), "socket");
        ensure!(s.domain() == domain, "domain() is not the domain asked for");
        ensure!(
            s.socket_type() == ty,
            "socket_type() is not the type asked for"
        );
    }
    Ok(())
}

pub(super) fn unix_sockets_remember_domain_and_type<H: UnixHarness>(h: &mut H) -> Outcome {
    for ty in [Type::Stream, Type::Datagram, Type::SeqPacket] {
        let s = unix_socket(h, ty)?;
        ensure!(s.domain() == Domain::Unix, "domain() is not Unix");
        ensure!(
            s.socket_type() == ty,
            "socket_type() is not the type asked for"
        );
    }
    Ok(())
}

pub(super) fn bind_port_zero_picks_a_port<H: Harness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.bind(&h.ipv4()), "bind port 0");
    let local = must!(s.local_addr(), "local_addr");
    ensure!(
        local.port().is_some_and(|p| p != 0),
        "port 0 was not replaced by a real port"
    );
    ensure!(
        local.with_port(0) == h.ipv4(),
        "the bound IP is not the one asked for"
    );
    Ok(())
}

pub(super) fn bind_ipv6_port_zero_picks_a_port<H: Harness>(h: &mut H) -> Outcome {
    let addr = need(h.ipv6(), "no IPv6 loopback")?;
    let mut s = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    must!(s.bind(&addr), "bind [::1]:0");
    let local = must!(s.local_addr(), "local_addr");
    ensure!(
        local.domain() == Domain::Inet6,
        "an IPv6 socket reported a non-IPv6 address"
    );
    ensure!(
        local.port().is_some_and(|p| p != 0),
        "port 0 was not replaced by a real port"
    );
    Ok(())
}

pub(super) fn bind_a_taken_tcp_port_is_addr_in_use<H: Harness>(h: &mut H) -> Outcome {
    let listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    let taken = must!(listener.local_addr(), "local_addr");
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    fails!(
        s.bind(&taken),
        ErrorKind::AddrInUse,
        "bind to a listening port must be AddrInUse"
    );
    Ok(())
}

pub(super) fn bind_a_taken_udp_port_is_addr_in_use<H: Harness>(h: &mut H) -> Outcome {
    let first = must!(h.stack().bind(&h.ipv4()), "bind");
    let taken = must!(first.local_addr(), "local_addr");
    fails!(
        h.stack().bind(&taken),
        ErrorKind::AddrInUse,
        "a second UDP bind must be AddrInUse"
    );
    Ok(())
}

pub(super) fn bind_another_family_is_invalid_input<H: Harness>(h: &mut H) -> Outcome {
    let v6: SocketAddr = must!("[::1]:0".parse(), "parse");
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Datagram), "socket");
    fails!(
        s.bind(&v6),
        ErrorKind::InvalidInput,
        "an IPv6 address on an IPv4 socket"
    );
    Ok(())
}

pub(super) fn bind_across_unix_and_inet_is_invalid_input<H: UnixHarness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Datagram), "socket");
    let unix = SocketAddr::Unix(h.unix_path());
    fails!(
        s.bind(&unix),
        ErrorKind::InvalidInput,
        "a Unix address on an IPv4 socket"
    );
    let mut u = unix_socket(h, Type::Stream)?;
    fails!(
        u.bind(&h.ipv4()),
        ErrorKind::InvalidInput,
        "an IPv4 address on a Unix socket"
    );
    Ok(())
}

pub(super) fn bind_a_foreign_address_is_not_available<H: Harness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    fails!(
        s.bind(&h.foreign_ipv4()),
        ErrorKind::AddrNotAvailable,
        "binding an address the host does not have must be AddrNotAvailable"
    );
    Ok(())
}

pub(super) fn bind_a_unix_path_twice_is_addr_in_use<H: UnixHarness>(h: &mut H) -> Outcome {
    let path = SocketAddr::Unix(h.unix_path());
    let mut a = must!(h.stack().socket(Domain::Unix, Type::Datagram), "socket");
    must!(a.bind(&path), "bind a fresh path");
    ensure!(
        must!(a.local_addr(), "local_addr") == path,
        "local_addr is not the bound path"
    );
    let mut b = must!(h.stack().socket(Domain::Unix, Type::Datagram), "socket");
    fails!(
        b.bind(&path),
        ErrorKind::AddrInUse,
        "binding a path that exists must be AddrInUse"
    );
    Ok(())
}

pub(super) fn bind_an_abstract_name_reports_it_back<H: UnixHarness>(h: &mut H) -> Outcome {
    let name = need(h.unix_abstract(), "no abstract Unix names")?;
    let addr = SocketAddr::Unix(name);
    let mut s = must!(h.stack().socket(Domain::Unix, Type::Stream), "socket");
    must!(s.bind(&addr), "bind an abstract name");
    ensure!(
        must!(s.local_addr(), "local_addr") == addr,
        "local_addr is not the abstract name"
    );
    let mut t = must!(h.stack().socket(Domain::Unix, Type::Stream), "socket");
    fails!(
        t.bind(&addr),
        ErrorKind::AddrInUse,
        "an abstract name is taken while bound"
    );
    drop(s);
    must!(
        t.bind(&addr),
        "an abstract name is free again once its socket is closed"
    );
    Ok(())
}

pub(super) fn unbound_unix_socket_is_unnamed<H: UnixHarness>(h: &mut H) -> Outcome {
    let s = must!(h.stack().socket(Domain::Unix, Type::Stream), "socket");
    let local = must!(s.local_addr(), "local_addr");
    ensure!(
        local == SocketAddr::Unix(UnixAddr::unnamed()),
        "an unbound Unix socket is unnamed"
    );
    Ok(())
}

pub(super) fn ephemeral_ports_are_distinct_and_unprivileged<H: Harness>(h: &mut H) -> Outcome {
    let a = must!(h.stack().bind(&h.ipv4()), "bind port 0");
    let b = must!(h.stack().bind(&h.ipv4()), "bind port 0 again");
    let pa = must!(a.local_addr(), "local_addr").port().unwrap_or(0);
    let pb = must!(b.local_addr(), "local_addr").port().unwrap_or(0);
    ensure!(
        pa >= 1024 && pb >= 1024,
        "ephemeral ports are above the privileged range"
    );
    ensure!(pa != pb, "two sockets bound at once get different ports");
    if h.quirk(Quirk::SequentialPorts) {
        // The documented difference: one after the other, where Linux picks at random.
        ensure!(
            pb == pa.wrapping_add(1),
            "sequential ports come one after the other"
        );
    }
    Ok(())
}
