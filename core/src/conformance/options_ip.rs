//! The options of the IP layers (`IP_TTL`, `IPV6_UNICAST_HOPS`, `IPV6_V6ONLY`) and of TCP
//! (`TCP_NODELAY`): their ranges, and the sockets they do not apply to.

use crate::opt::*;
use crate::Endpoint as _;
use crate::{Domain, ErrorKind, SockOpt, Socket, Stack, Type};

use super::options::flips;
use super::{need, udp_pair, unix_socket, IpOptionsHarness, Outcome};

pub(super) fn ttl_round_trips<H: IpOptionsHarness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set(Ttl, 17), "set Ttl 17");
    ensure!(must!(s.get(Ttl), "get Ttl") == 17, "Ttl 17 reads back 17");
    let (mut u, _b) = udp_pair(h)?;
    must!(u.set(Ttl, 255), "set Ttl 255");
    ensure!(
        must!(u.get(Ttl), "get Ttl") == 255,
        "Ttl 255 reads back 255"
    );
    Ok(())
}

pub(super) fn ttl_out_of_range_is_invalid_input<H: IpOptionsHarness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Datagram), "socket");
    fails!(
        s.set(Ttl, 0),
        ErrorKind::InvalidInput,
        "Ttl 0 must be InvalidInput"
    );
    fails!(
        s.set(Ttl, 256),
        ErrorKind::InvalidInput,
        "Ttl 256 must be InvalidInput"
    );
    Ok(())
}

pub(super) fn ipv6_options_round_trip<H: IpOptionsHarness>(h: &mut H) -> Outcome {
    need(h.ipv6(), "no IPv6 loopback")?;
    let mut s = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    must!(s.set(UnicastHops, 17), "set UnicastHops 17");
    ensure!(
        must!(s.get(UnicastHops), "get UnicastHops") == 17,
        "UnicastHops 17 reads back 17"
    );
    flips(&mut s, V6Only)?;
    let mut t = must!(h.stack().socket(Domain::Inet6, Type::Stream), "socket");
    flips(&mut t, V6Only)?;
    Ok(())
}

pub(super) fn nodelay_on_a_unix_socket_is_unsupported<H: IpOptionsHarness>(h: &mut H) -> Outcome {
    let mut s = unix_socket(h, Type::Stream)?;
    fails!(
        s.set(NoDelay, true),
        ErrorKind::Unsupported,
        "setting NoDelay on a Unix socket must be Unsupported"
    );
    fails!(
        s.get(NoDelay),
        ErrorKind::Unsupported,
        "reading NoDelay on a Unix socket must be Unsupported"
    );
    Ok(())
}

pub(super) fn ip_options_on_a_unix_socket_are_unsupported<H: IpOptionsHarness>(
    h: &mut H,
) -> Outcome {
    let mut s = unix_socket(h, Type::Datagram)?;
    fails!(
        s.set(Ttl, 17),
        ErrorKind::Unsupported,
        "Ttl on a Unix socket must be Unsupported"
    );
    fails!(
        s.get(Ttl),
        ErrorKind::Unsupported,
        "Ttl on a Unix socket must be Unsupported"
    );
    Ok(())
}

pub(super) fn nodelay_on_udp_is_unsupported<H: IpOptionsHarness>(h: &mut H) -> Outcome {
    // A TCP option on a UDP socket: ENOPROTOOPT on Linux. On a datagram socket it does not
    // compile; a fresh socket, which could still have been TCP, asks the kernel.
    let mut udp = must!(h.stack().socket(Domain::Inet, Type::Datagram), "socket");
    fails!(
        udp.set(NoDelay, true),
        ErrorKind::Unsupported,
        "NoDelay on UDP must be Unsupported"
    );
    Ok(())
}

pub(super) fn unicast_hops_out_of_range_is_invalid_input<H: IpOptionsHarness>(
    h: &mut H,
) -> Outcome {
    need(h.ipv6(), "no IPv6 loopback")?;
    let mut s = must!(h.stack().socket(Domain::Inet6, Type::Stream), "socket");
    fails!(
        s.set(UnicastHops, 256),
        ErrorKind::InvalidInput,
        "UnicastHops 256 must be InvalidInput"
    );
    must!(s.set(UnicastHops, 255), "set UnicastHops 255");
    ensure!(
        must!(s.get(UnicastHops), "get UnicastHops") == 255,
        "the refused value left the option as it was"
    );
    Ok(())
}

pub(super) fn v6only_may_change_after_a_refused_connect<H: IpOptionsHarness>(h: &mut H) -> Outcome {
    let v6 = need(h.ipv6(), "no IPv6 loopback")?;
    let closed = {
        let mut s = must!(h.stack().socket(Domain::Inet6, Type::Stream), "socket");
        must!(s.bind(&v6), "bind");
        must!(s.local_addr(), "local_addr")
    };
    let mut s = must!(h.stack().socket(Domain::Inet6, Type::Stream), "socket");
    fails!(s.connect(&closed), ErrorKind::ConnectionRefused, "connect");
    must!(
        s.set(V6Only, true),
        "the port it took is given back, so the socket counts as unbound"
    );
    Ok(())
}

pub(super) fn binding_an_ipv6_address_makes_the_socket_ipv6_only<H: IpOptionsHarness>(
    h: &mut H,
) -> Outcome {
    let v6 = need(h.ipv6(), "no IPv6 loopback")?;
    let mut s = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    ensure!(!must!(s.get(V6Only), "get V6Only"), "dual stack by default");
    must!(s.bind(&v6), "bind [::1]:0");
    ensure!(
        must!(s.get(V6Only), "get V6Only"),
        "bound to an IPv6 address, it speaks IPv6 only (inet6_bind sets IPV6_V6ONLY)"
    );
    let mut w = must!(h.stack().socket(Domain::Inet6, Type::Datagram), "socket");
    must!(
        w.bind(&crate::SocketAddr::unspecified(Domain::Inet6)),
        "bind [::]:0"
    );
    ensure!(
        !must!(w.get(V6Only), "get V6Only"),
        "bound to the wildcard, it stays dual stack"
    );
    Ok(())
}
