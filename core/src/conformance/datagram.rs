//! Datagram sockets: one send is one message, boundaries kept, truncation reported, connected and
//! unconnected forms, UDP and Unix.

use crate::Endpoint as _;
use crate::{Datagram, ErrorKind, Interest, Socket, SocketAddr, Stack, Type, UnixAddr};

use super::{
    fill_pattern, need, recv_datagram, udp_pair, unix_socket, wait, DatagramOf, Harness, Outcome,
    UnixHarness,
};

/// A Unix datagram socket bound to `addr`.
fn unix_bound<H: Harness>(h: &H, addr: &SocketAddr) -> Result<DatagramOf<H>, super::Stop> {
    Ok(must!(h.stack().bind(addr), "bind a Unix datagram socket"))
}

/// A Unix datagram socket bound to nothing.
fn unix_unbound<H: Harness>(h: &H) -> Result<DatagramOf<H>, super::Stop> {
    let s = unix_socket(h, Type::Datagram)?;
    Ok(must!(s.into_datagram(), "into_datagram"))
}

pub(super) fn udp_round_trip_reports_the_sender<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    let n = must!(a.send_to(b"ping", &to), "send_to");
    ensure!(n == 4, "send_to sends the whole datagram");
    let mut buf = [0u8; 16];
    let (got, from) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(got.len == 4 && !got.truncated, "the whole datagram arrives");
    ensure!(
        &buf[..4] == b"ping",
        "the datagram's bytes arrive unchanged"
    );
    ensure!(
        from == must!(a.local_addr(), "local_addr"),
        "recv_from reports the sender's bound address"
    );
    // And back, to the address recv_from reported.
    must!(b.send_to(b"pong", &from), "reply to the reported sender");
    let (got, _) = recv_datagram(h, &mut a, &mut buf)?;
    ensure!(
        got.len == 4 && &buf[..4] == b"pong",
        "a reply to the reported address arrives"
    );
    Ok(())
}

pub(super) fn udp_keeps_message_boundaries<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    let mut data = [0u8; 300];
    fill_pattern(&mut data, 0);
    for size in [1, 300, 17] {
        must!(a.send_to(&data[..size], &to), "send_to");
    }
    // One receive per datagram, in order on loopback, however large the buffer.
    let mut buf = [0u8; 1024];
    for size in [1, 300, 17] {
        let (got, _) = recv_datagram(h, &mut b, &mut buf)?;
        ensure!(
            got.len == size && !got.truncated,
            "each receive returns exactly one datagram"
        );
        ensure!(buf[..size] == data[..size], "a datagram's bytes are intact");
    }
    must!(b.set_nonblocking(true), "set_nonblocking");
    fails!(
        b.recv_from(&mut buf),
        ErrorKind::WouldBlock,
        "three datagrams are three receives, no more"
    );
    Ok(())
}

pub(super) fn udp_truncation_is_reported<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    let mut data = [0u8; 10];
    fill_pattern(&mut data, 0);
    must!(a.send_to(&data, &to), "send_to");
    must!(a.send_to(b"next", &to), "send_to");
    let mut buf = [0u8; 4];
    let (got, _) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(
        got.truncated,
        "a datagram longer than the buffer is reported truncated"
    );
    ensure!(got.len == 4, "a truncated receive fills the whole buffer");
    ensure!(
        buf == data[..4],
        "a truncated receive keeps the datagram's prefix"
    );
    // The rest of the cut datagram is discarded: the next receive is the next datagram.
    let (got, _) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(
        got.len == 4 && !got.truncated && &buf == b"next",
        "the rest of a truncated datagram is discarded"
    );
    Ok(())
}

pub(super) fn udp_empty_datagram_arrives_with_len_zero<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    let n = must!(a.send_to(&[], &to), "send_to an empty datagram");
    ensure!(n == 0, "an empty datagram sends 0 bytes");
    // An empty datagram makes the socket readable like any other.
    let mut buf = [0u8; 8];
    let (got, from) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(
        got.len == 0 && !got.truncated,
        "an empty datagram arrives with len 0"
    );
    ensure!(
        from == must!(a.local_addr(), "local_addr"),
        "an empty datagram still reports its sender"
    );
    Ok(())
}

pub(super) fn udp_datagram_over_the_ipv4_limit_is_message_too_long<H: Harness>(
    h: &mut H,
) -> Outcome {
    // 65535 (IPv4 total length) - 20 (IP header) - 8 (UDP header) = 65507 bytes at most.
    let big = [0u8; 65508];
    let (mut a, b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    fails!(
        a.send_to(&big, &to),
        ErrorKind::MessageTooLong,
        "a UDP datagram over 65507 bytes must be MessageTooLong (EMSGSIZE)"
    );
    Ok(())
}

pub(super) fn connected_udp_sends_and_receives<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let a_addr = must!(a.local_addr(), "local_addr");
    let b_addr = must!(b.local_addr(), "local_addr");
    must!(a.connect(&b_addr), "connect a to b");
    must!(b.connect(&a_addr), "connect b to a");
    must!(a.send(b"hello"), "send on a connected socket");
    let mut buf = [0u8; 16];
    wait(h, &b, Interest::READABLE)?;
    let got = must!(b.recv(&mut buf), "recv on a connected socket");
    ensure!(
        got.len == 5 && !got.truncated && &buf[..5] == b"hello",
        "send on a connected socket reaches the peer"
    );
    must!(b.send(b"back"), "send back");
    wait(h, &a, Interest::READABLE)?;
    let got = must!(a.recv(&mut buf), "recv");
    ensure!(got.len == 4 && &buf[..4] == b"back", "the reply arrives");
    Ok(())
}

pub(super) fn connected_udp_reports_its_peer<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, b) = udp_pair(h)?;
    let b_addr = must!(b.local_addr(), "local_addr");
    must!(a.connect(&b_addr), "connect");
    ensure!(
        must!(a.peer_addr(), "peer_addr") == b_addr,
        "peer_addr is the address connected to"
    );
    // Connecting an unbound UDP socket binds it to an ephemeral port.
    let local = must!(a.local_addr(), "local_addr");
    ensure!(
        local.port().is_some_and(|p| p != 0),
        "a connected UDP socket has a port"
    );
    Ok(())
}

pub(super) fn connected_udp_ignores_datagrams_from_others<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut peer) = udp_pair(h)?;
    let mut other = must!(h.stack().bind(&h.ipv4()), "bind a third socket");
    let a_addr = must!(a.local_addr(), "local_addr");
    let peer_addr = must!(peer.local_addr(), "local_addr");
    must!(a.connect(&peer_addr), "connect");
    must!(a.set_nonblocking(true), "set_nonblocking");

    must!(other.send_to(b"other", &a_addr), "send_to from a stranger");
    let mut buf = [0u8; 16];
    fails!(
        a.recv(&mut buf),
        ErrorKind::WouldBlock,
        "a connected UDP socket must not receive a stranger's datagram"
    );
    must!(peer.send_to(b"peer", &a_addr), "send_to from the peer");
    wait(h, &a, Interest::READABLE)?;
    let (got, from) = must!(a.recv_from(&mut buf), "recv_from");
    ensure!(
        got.len == 4 && &buf[..4] == b"peer" && from == peer_addr,
        "the peer's datagram is the one received"
    );
    fails!(
        a.recv(&mut buf),
        ErrorKind::WouldBlock,
        "the stranger's datagram never arrives"
    );
    Ok(())
}

pub(super) fn connecting_udp_keeps_datagrams_already_queued<H: Harness>(h: &mut H) -> Outcome {
    // Linux filters by peer when a datagram arrives, not when it is read: what was queued
    // before `connect` stays queued, whoever sent it.
    let (mut a, mut stranger) = udp_pair(h)?;
    let peer = must!(h.stack().bind(&h.ipv4()), "bind a third socket");
    let a_addr = must!(a.local_addr(), "local_addr");
    must!(stranger.send_to(b"early", &a_addr), "send_to");
    wait(h, &a, Interest::READABLE)?;
    must!(
        a.connect(&must!(peer.local_addr(), "local_addr")),
        "connect"
    );
    let mut buf = [0u8; 16];
    wait(h, &a, Interest::READABLE)?;
    let (got, from) = must!(a.recv_from(&mut buf), "recv_from");
    ensure!(
        got.len == 5 && &buf[..5] == b"early",
        "a datagram queued before connect is still received"
    );
    ensure!(
        from == must!(stranger.local_addr(), "local_addr"),
        "it reports its real sender"
    );
    Ok(())
}

pub(super) fn connected_udp_may_still_send_to_another_address<H: Harness>(h: &mut H) -> Outcome {
    // Linux lets sendto name a destination on a connected UDP socket (no EISCONN); the datagram
    // goes there, not to the connected peer.
    let (mut a, peer) = udp_pair(h)?;
    let mut third = must!(h.stack().bind(&h.ipv4()), "bind a third socket");
    must!(
        a.connect(&must!(peer.local_addr(), "local_addr")),
        "connect"
    );
    let third_addr = must!(third.local_addr(), "local_addr");
    must!(a.send_to(b"aside", &third_addr), "send_to another address");
    let mut buf = [0u8; 16];
    let (got, from) = recv_datagram(h, &mut third, &mut buf)?;
    ensure!(
        got.len == 5 && &buf[..5] == b"aside",
        "send_to on a connected UDP socket reaches the address given"
    );
    ensure!(
        from == must!(a.local_addr(), "local_addr"),
        "and reports the connected socket as sender"
    );
    Ok(())
}

pub(super) fn send_on_unconnected_udp_is_not_connected<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    // Linux says EDESTADDRREQ, which anysock reports as NotConnected.
    fails!(
        a.send(b"nowhere"),
        ErrorKind::NotConnected,
        "send without a peer must be NotConnected"
    );
    Ok(())
}

pub(super) fn peer_addr_of_unconnected_datagram_is_not_connected<H: Harness>(h: &mut H) -> Outcome {
    let (a, _b) = udp_pair(h)?;
    fails!(
        a.peer_addr(),
        ErrorKind::NotConnected,
        "peer_addr of an unconnected UDP socket must be NotConnected"
    );
    Ok(())
}

pub(super) fn peer_addr_of_unconnected_unix_datagram_is_not_connected<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let u = unix_unbound(h)?;
    fails!(
        u.peer_addr(),
        ErrorKind::NotConnected,
        "peer_addr of an unconnected Unix datagram socket must be NotConnected"
    );
    Ok(())
}

/// An IPv4 address whose UDP port was just in use and is closed now.
fn closed_udp_port<H: Harness>(h: &H) -> Result<SocketAddr, super::Stop> {
    let s = must!(h.stack().bind(&h.ipv4()), "bind");
    Ok(must!(s.local_addr(), "local_addr"))
}

pub(super) fn connected_udp_to_a_closed_port_is_refused<H: Harness>(h: &mut H) -> Outcome {
    let closed = closed_udp_port(h)?;
    let mut a = must!(h.stack().bind(&h.ipv4()), "bind");
    must!(
        a.connect(&closed),
        "connect to a closed port succeeds: UDP sends nothing"
    );
    must!(a.send(b"anyone?"), "the first send succeeds");
    // The ICMP port unreachable comes back asynchronously and is kept as the socket's pending
    // error, which poll reports (POLLERR) whatever was asked.
    let ready = wait(h, &a, Interest::READABLE)?;
    ensure!(ready.is_error(), "poll reports the pending error");
    let mut buf = [0u8; 8];
    fails!(
        a.recv(&mut buf),
        ErrorKind::ConnectionRefused,
        "the next call after the port was found closed must be ConnectionRefused"
    );
    // The error is reported once; a send after it goes out again.
    must!(a.send(b"again"), "send after the error was collected");
    Ok(())
}

pub(super) fn unconnected_udp_to_a_closed_port_reports_nothing<H: Harness>(h: &mut H) -> Outcome {
    // Without connect, Linux does not hand ICMP errors to the socket (unless IP_RECVERR): a
    // server must not fail because one client went away.
    let closed = closed_udp_port(h)?;
    let (mut a, mut b) = udp_pair(h)?;
    must!(a.send_to(b"lost", &closed), "send_to a closed port");
    must!(
        a.send_to(b"kept", &must!(b.local_addr(), "local_addr")),
        "send_to a live port"
    );
    let mut buf = [0u8; 8];
    recv_datagram(h, &mut b, &mut buf)?;
    must!(a.set_nonblocking(true), "set_nonblocking");
    fails!(
        a.recv_from(&mut buf),
        ErrorKind::WouldBlock,
        "an unconnected UDP socket must not report the closed port"
    );
    must!(
        a.send_to(b"more", &closed),
        "send_to the closed port again succeeds"
    );
    Ok(())
}

pub(super) fn send_to_another_family_is_invalid_input<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    let v6: SocketAddr = must!("[::1]:9".parse(), "parse");
    fails!(
        a.send_to(b"x", &v6),
        ErrorKind::InvalidInput,
        "send_to an IPv6 address from an IPv4 socket"
    );
    Ok(())
}

pub(super) fn send_to_across_unix_and_inet_is_invalid_input<H: UnixHarness>(h: &mut H) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    let unix = SocketAddr::Unix(h.unix_path());
    fails!(
        a.send_to(b"x", &unix),
        ErrorKind::InvalidInput,
        "send_to a Unix address from an IPv4 socket"
    );
    let mut u = unix_unbound(h)?;
    fails!(
        u.send_to(b"x", &h.ipv4().with_port(9)),
        ErrorKind::InvalidInput,
        "send_to an IPv4 address from a Unix socket"
    );
    Ok(())
}

pub(super) fn nonblocking_recv_from_with_nothing_queued_would_block<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    must!(a.set_nonblocking(true), "set_nonblocking");
    let mut buf = [0u8; 8];
    fails!(
        a.recv_from(&mut buf),
        ErrorKind::WouldBlock,
        "a non-blocking recv_from on an empty queue"
    );
    fails!(
        a.recv(&mut buf),
        ErrorKind::WouldBlock,
        "a non-blocking recv on an empty queue"
    );
    Ok(())
}

pub(super) fn unix_datagram_round_trip_reports_the_sender_path<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let a_addr = SocketAddr::Unix(h.unix_path());
    let b_addr = SocketAddr::Unix(h.unix_path());
    let mut a = unix_bound(h, &a_addr)?;
    let mut b = unix_bound(h, &b_addr)?;
    must!(a.send_to(b"over", &b_addr), "send_to a path");
    let mut buf = [0u8; 16];
    let (got, from) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(
        got.len == 4 && &buf[..4] == b"over",
        "a Unix datagram arrives whole"
    );
    ensure!(from == a_addr, "recv_from reports the sender's path");
    must!(b.send_to(b"back", &from), "reply to the reported path");
    let (got, from) = recv_datagram(h, &mut a, &mut buf)?;
    ensure!(
        got.len == 4 && &buf[..4] == b"back" && from == b_addr,
        "the reply arrives from the other path"
    );
    Ok(())
}

pub(super) fn unix_datagram_from_an_unbound_sender_is_unnamed<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let b_addr = SocketAddr::Unix(h.unix_path());
    let mut b = unix_bound(h, &b_addr)?;
    // Unlike UDP, sending does not give a Unix socket a name (Linux autobinds only with
    // SO_PASSCRED), so there is no address to reply to.
    let mut a = unix_unbound(h)?;
    must!(
        a.send_to(b"anon", &b_addr),
        "send_to from an unbound socket"
    );
    let mut buf = [0u8; 16];
    let (got, from) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(got.len == 4 && &buf[..4] == b"anon", "the datagram arrives");
    ensure!(
        from == SocketAddr::Unix(UnixAddr::unnamed()),
        "the sender of an unbound socket is unnamed"
    );
    ensure!(
        must!(a.local_addr(), "local_addr") == SocketAddr::Unix(UnixAddr::unnamed()),
        "sending leaves an unbound Unix socket unnamed"
    );
    Ok(())
}

pub(super) fn unix_datagram_to_a_missing_path_is_not_found<H: UnixHarness>(h: &mut H) -> Outcome {
    let missing = SocketAddr::Unix(h.unix_path());
    let mut a = unix_unbound(h)?;
    fails!(
        a.send_to(b"x", &missing),
        ErrorKind::NotFound,
        "send_to a path that does not exist must be NotFound (ENOENT)"
    );
    Ok(())
}

pub(super) fn unix_datagram_to_a_path_whose_socket_closed_is_refused<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    // Closing a socket leaves its path in the file system; nobody receives there any more.
    let path = SocketAddr::Unix(h.unix_path());
    drop(unix_bound(h, &path)?);
    let mut a = unix_unbound(h)?;
    fails!(
        a.send_to(b"x", &path),
        ErrorKind::ConnectionRefused,
        "send_to the path of a closed socket must be ConnectionRefused"
    );
    Ok(())
}

pub(super) fn unix_datagram_to_a_socket_connected_elsewhere_is_refused<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    // A connected Unix datagram socket accepts datagrams from its peer only, and Linux tells
    // other senders at once (EPERM) instead of dropping silently as UDP does.
    let b_addr = SocketAddr::Unix(h.unix_path());
    let peer_addr = SocketAddr::Unix(h.unix_path());
    let mut b = unix_bound(h, &b_addr)?;
    let mut peer = unix_bound(h, &peer_addr)?;
    must!(b.connect(&peer_addr), "connect");
    let mut stranger = unix_unbound(h)?;
    fails!(
        stranger.send_to(b"x", &b_addr),
        ErrorKind::PermissionDenied,
        "sending to a Unix datagram socket connected to another must be PermissionDenied"
    );
    must!(peer.send_to(b"ok", &b_addr), "the peer may send");
    let mut buf = [0u8; 8];
    let (got, from) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(
        got.len == 2 && from == peer_addr,
        "the peer's datagram arrives"
    );
    Ok(())
}

pub(super) fn abstract_unix_datagram_round_trip<H: UnixHarness>(h: &mut H) -> Outcome {
    let a_name = need(h.unix_abstract(), "no abstract Unix names")?;
    let b_name = need(h.unix_abstract(), "no abstract Unix names")?;
    let (a_addr, b_addr) = (SocketAddr::Unix(a_name), SocketAddr::Unix(b_name));
    let mut a = unix_bound(h, &a_addr)?;
    let mut b = unix_bound(h, &b_addr)?;
    must!(a.send_to(b"abstract", &b_addr), "send_to an abstract name");
    let mut buf = [0u8; 16];
    let (got, from) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(
        got.len == 8 && &buf[..8] == b"abstract",
        "a datagram to an abstract name arrives"
    );
    ensure!(
        from == a_addr,
        "recv_from reports the sender's abstract name"
    );
    Ok(())
}

pub(super) fn datagram_socketpair_keeps_message_boundaries<H: UnixHarness>(h: &mut H) -> Outcome {
    let (a, b) = super::supported(
        h.stack().socketpair(Type::Datagram),
        "no socketpair",
        "socketpair",
    )?;
    let mut a = must!(a.into_datagram(), "into_datagram");
    let mut b = must!(b.into_datagram(), "into_datagram");
    let mut data = [0u8; 64];
    fill_pattern(&mut data, 7);
    for size in [5, 64, 0, 1] {
        let n = must!(a.send(&data[..size]), "send on a socketpair");
        ensure!(n == size, "send takes the whole datagram");
    }
    let mut buf = [0u8; 128];
    for size in [5, 64, 0, 1] {
        wait(h, &b, Interest::READABLE)?;
        let got = must!(b.recv(&mut buf), "recv");
        ensure!(
            got.len == size && !got.truncated,
            "one receive per datagram on a socketpair"
        );
        ensure!(buf[..size] == data[..size], "a datagram's bytes are intact");
    }
    // Both ends are connected to each other, with unnamed addresses.
    ensure!(
        must!(a.peer_addr(), "peer_addr") == SocketAddr::Unix(UnixAddr::unnamed()),
        "a socketpair's peer is unnamed"
    );
    Ok(())
}

pub(super) fn ipv6_udp_round_trip_reports_the_sender<H: Harness>(h: &mut H) -> Outcome {
    let addr = need(h.ipv6(), "no IPv6 loopback")?;
    let mut a = must!(h.stack().bind(&addr), "bind IPv6 UDP");
    let mut b = must!(h.stack().bind(&addr), "bind IPv6 UDP");
    let to = must!(b.local_addr(), "local_addr");
    let mut data = [0u8; 100];
    fill_pattern(&mut data, 3);
    must!(a.send_to(&data, &to), "send_to over IPv6");
    let mut buf = [0u8; 128];
    let (got, from) = recv_datagram(h, &mut b, &mut buf)?;
    ensure!(
        got.len == 100 && buf[..100] == data,
        "an IPv6 datagram arrives whole"
    );
    ensure!(
        from == must!(a.local_addr(), "local_addr"),
        "recv_from reports the IPv6 sender"
    );
    Ok(())
}
