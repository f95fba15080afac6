//! The errors of datagram sends and receives, and their order: what a send checks before it
//! sends (its flags, the address, a pending refusal), what it does even when it fails (bind
//! an unbound UDP socket), and which socket hears of a refused datagram.

use crate::opt::SocketError;
use crate::Endpoint as _;
use crate::{
    Datagram, ErrorKind, Interest, IoVec, IoVecMut, MsgFlags, MsgIo, RecvMsg, SendMsg, SockOpt,
    Socket, SocketAddr, Stack, Type,
};

use super::{udp_pair, wait, Harness, Outcome, UnixHarness};

pub(super) fn oob_on_udp_is_refused_to_send_and_ignored_to_receive<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    let iov = must!(IoVec::<1>::from_slices(&[b"urgent?"]), "iovec");
    fails!(
        a.send_msg(&SendMsg::new(iov).to(&to).flags(MsgFlags::OOB)),
        ErrorKind::Unsupported,
        "UDP has no out-of-band data to send (EOPNOTSUPP)"
    );
    must!(a.send_to(b"plain", &to), "send_to");
    wait(h, &b, Interest::READABLE)?;
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    let mut msg = RecvMsg::new(iov).flags(MsgFlags::OOB);
    let got = must!(b.recv_msg(&mut msg), "recv_msg(OOB)");
    ensure!(
        got.len == 5,
        "a UDP receive with MSG_OOB is an ordinary receive"
    );
    Ok(())
}

pub(super) fn oob_on_unix_datagrams_is_unsupported<H: UnixHarness>(h: &mut H) -> Outcome {
    let (a, b) = super::supported(
        h.stack().socketpair(Type::Datagram),
        "no socketpair",
        "socketpair",
    )?;
    let (mut a, mut b) = (
        must!(a.into_datagram(), "into_datagram"),
        must!(b.into_datagram(), "into_datagram"),
    );
    let iov = must!(IoVec::<1>::from_slices(&[b"urgent?"]), "iovec");
    fails!(
        a.send_msg(&SendMsg::new(iov).flags(MsgFlags::OOB)),
        ErrorKind::Unsupported,
        "a Unix datagram has no out-of-band data to send"
    );
    must!(a.send(b"plain"), "send");
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    fails!(
        b.recv_msg(&mut RecvMsg::new(iov).flags(MsgFlags::OOB)),
        ErrorKind::Unsupported,
        "nor any to receive"
    );
    Ok(())
}

pub(super) fn udp_send_to_port_zero_is_invalid_input<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    fails!(
        a.send_to(b"x", &h.ipv4()),
        ErrorKind::InvalidInput,
        "nobody listens on port 0: send_to it is EINVAL"
    );
    let iov = must!(IoVec::<1>::from_slices(&[b"x"]), "iovec");
    let zero = h.ipv4();
    fails!(
        a.send_msg(&SendMsg::new(iov).to(&zero)),
        ErrorKind::InvalidInput,
        "nor send_msg to it"
    );
    Ok(())
}

pub(super) fn a_failed_udp_send_still_binds_the_socket<H: Harness>(h: &mut H) -> Outcome {
    let s = must!(
        h.stack().socket(crate::Domain::Inet, Type::Datagram),
        "socket"
    );
    let mut s = must!(s.into_datagram(), "into_datagram");
    fails!(
        s.send(b"x"),
        ErrorKind::NotConnected,
        "send without an address on an unconnected socket"
    );
    let local = must!(s.local_addr(), "local_addr");
    ensure!(
        local.port().is_some_and(|p| p != 0),
        "the send bound an ephemeral port first, as inet_sendmsg does"
    );
    fails!(
        h.stack().bind(&local),
        ErrorKind::AddrInUse,
        "and the port is taken"
    );
    Ok(())
}

pub(super) fn a_refusal_reaches_only_a_socket_connected_to_that_port<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (closed_a, closed_b) = {
        let (a, b) = udp_pair(h)?;
        (
            must!(a.local_addr(), "local_addr"),
            must!(b.local_addr(), "local_addr"),
        )
    };
    let mut s = must!(h.stack().bind(&h.ipv4()), "bind");
    must!(s.connect(&closed_a), "connect to a closed port");
    // To another closed port than the peer: the refusal is not the connected socket's.
    must!(s.send_to(b"x", &closed_b), "send_to another closed port");
    ensure!(
        must!(s.get(SocketError), "SO_ERROR").is_none(),
        "a refusal from another address is not this socket's"
    );
    must!(s.send(b"x"), "send to the peer");
    // The refusal arrives a moment later on a kernel.
    wait(h, &s, Interest::NONE)?;
    ensure!(
        must!(s.get(SocketError), "SO_ERROR").map(|e| e.kind())
            == Some(ErrorKind::ConnectionRefused),
        "the peer's refusal is"
    );
    Ok(())
}

pub(super) fn udp6_ignores_oob_toward_ipv6_and_refuses_it_toward_ipv4<H: Harness>(
    h: &mut H,
) -> Outcome {
    let v6 = super::need(h.ipv6(), "no IPv6 loopback")?;
    let mut a = must!(h.stack().bind(&v6), "bind");
    let b = must!(h.stack().bind(&v6), "bind");
    let to = must!(b.local_addr(), "local_addr");
    let iov = must!(IoVec::<1>::from_slices(&[b"x"]), "iovec");
    ensure!(
        must!(
            a.send_msg(&SendMsg::new(iov).to(&to).flags(MsgFlags::OOB)),
            "send_msg(OOB) to IPv6"
        ) == 1,
        "udpv6 never looks at MSG_OOB: the datagram goes"
    );
    let mut c = must!(
        h.stack()
            .bind(&SocketAddr::unspecified(crate::Domain::Inet6)),
        "bind [::]:0"
    );
    let v4 = must!(h.stack().bind(&h.ipv4()), "bind");
    let port = must!(v4.local_addr(), "local_addr").port().unwrap_or(0);
    let mapped = SocketAddr::from((core::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped(), port));
    fails!(
        c.send_msg(&SendMsg::new(iov).to(&mapped).flags(MsgFlags::OOB)),
        ErrorKind::Unsupported,
        "toward IPv4 it is udp_sendmsg's, which refuses it"
    );
    Ok(())
}

pub(super) fn a_udp_socket_connected_to_port_zero_hears_every_port_of_that_address<H: Harness>(
    h: &mut H,
) -> Outcome {
    let mut s = must!(h.stack().bind(&h.ipv4()), "bind");
    must!(s.connect(&h.ipv4()), "connect to 127.0.0.1:0");
    fails!(
        s.peer_addr(),
        ErrorKind::NotConnected,
        "a peer on port 0 has no name (getpeername: ENOTCONN)"
    );
    let mut other = must!(h.stack().bind(&h.ipv4()), "bind");
    let to = must!(s.local_addr(), "local_addr");
    must!(other.send_to(b"any port", &to), "send_to");
    wait(h, &s, Interest::READABLE)?;
    let mut buf = [0u8; 16];
    let (got, from) = must!(s.recv_from(&mut buf), "recv_from");
    ensure!(
        got.len == 8 && from == must!(other.local_addr(), "local_addr"),
        "a datagram from any port of the address gets in"
    );
    Ok(())
}
