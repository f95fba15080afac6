//! Stories of datagrams on the mock network: boundaries, truncation, full queues, refusals,
//! connected and unconnected forms, UDP and Unix.

use crate::mock_common;

use std::time::Duration;

use anysock::mock::Net;
use anysock::opt::{Broadcast, RecvTimeout};
use anysock::{
    Datagram as _, Domain, Endpoint, Error, ErrorKind, IoVec, IoVecMut, MsgFlags, MsgIo, RecvMsg,
    SendMsg, SockOpt, Socket as _, SocketAddr, Stack as _, Type, UnixAddr, Wait,
};

use mock_common::{addr, host, two_hosts};

#[test]
fn boundaries_are_kept_and_truncation_reported() {
    let net: Net = Net::new();
    let h = host(&net);
    let mut a = h.bind(&addr("127.0.0.1:0")).unwrap();
    let mut b = h.bind(&addr("127.0.0.1:5000")).unwrap();
    a.send_to(b"one", &addr("127.0.0.1:5000")).unwrap();
    a.send_to(b"", &addr("127.0.0.1:5000")).unwrap();
    a.send_to(b"three", &addr("127.0.0.1:5000")).unwrap();
    let mut buf = [0u8; 16];
    let (got, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..got.len], got.truncated), (&b"one"[..], false));
    assert_eq!(from, a.local_addr().unwrap());
    assert_eq!(
        b.recv(&mut buf).unwrap().len,
        0,
        "an empty datagram is one too"
    );
    let mut small = [0u8; 2];
    let got = b.recv(&mut small).unwrap();
    assert_eq!((got.len, got.truncated), (2, true));
    assert_eq!(
        b.recv(&mut buf).unwrap_err(),
        Error::deadlock(Wait::Data),
        "the rest is gone"
    );
}

#[test]
fn recv_msg_scatters_and_reports_trunc() {
    let net: Net = Net::new();
    let h = host(&net);
    let mut a = h.bind(&addr("127.0.0.1:0")).unwrap();
    let mut b = h.bind(&addr("127.0.0.1:0")).unwrap();
    let to = b.local_addr().unwrap();
    let iov = IoVec::<2>::from_slices(&[b"head", b"body!"]).unwrap();
    assert_eq!(a.send_msg(&SendMsg::new(iov).to(&to)).unwrap(), 9);
    let (mut x, mut y) = ([0u8; 4], [0u8; 3]);
    let mut iov = IoVecMut::<2>::new();
    iov.push(&mut x).unwrap();
    iov.push(&mut y).unwrap();
    let mut msg = RecvMsg::new(iov).flags(MsgFlags::PEEK);
    let meta = b.recv_msg(&mut msg).unwrap();
    assert_eq!(
        (meta.len, meta.flags, meta.control_len),
        (7, MsgFlags::TRUNC, 0)
    );
    assert_eq!(meta.addr, Some(a.local_addr().unwrap()));
    assert_eq!((&x, &y), (b"head", b"bod"));
    let mut buf = [0u8; 16];
    assert_eq!(b.recv(&mut buf).unwrap().len, 9, "peek left it queued");
}

#[test]
fn a_full_udp_queue_drops_a_full_unix_queue_blocks() {
    let net: Net<32, 4096, 2> = Net::new();
    let h = host(&net);
    let mut r = h.bind(&addr("127.0.0.1:7")).unwrap();
    let mut s = h.bind(&addr("127.0.0.1:0")).unwrap();
    for _ in 0..5 {
        assert_eq!(s.send_to(b"x", &addr("127.0.0.1:7")).unwrap(), 1);
    }
    let mut n = 0;
    while r.recv(&mut [0u8; 4]).is_ok() {
        n += 1;
    }
    assert_eq!(n, 2, "the rest were dropped silently");

    let path = SocketAddr::Unix(UnixAddr::pathname("/d").unwrap());
    let _ur = h.bind(&path).unwrap();
    let mut us = h
        .socket(Domain::Unix, Type::Datagram)
        .unwrap()
        .into_datagram()
        .unwrap();
    us.send_to(b"1", &path).unwrap();
    us.send_to(b"2", &path).unwrap();
    assert_eq!(
        us.send_to(b"3", &path).unwrap_err(),
        Error::deadlock(Wait::Room),
        "a blocking send waits for a reader, and there is none"
    );
    us.set_nonblocking(true).unwrap();
    assert_eq!(
        us.send_to(b"3", &path).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
}

#[test]
fn udp_to_a_closed_port_refuses_a_connected_socket_once() {
    let net: Net = Net::new();
    let h = host(&net);
    let mut u = h.bind(&addr("127.0.0.1:0")).unwrap();
    assert_eq!(u.send_to(b"x", &addr("127.0.0.1:9")).unwrap(), 1);
    assert_eq!(
        u.recv(&mut [0u8; 4]).unwrap_err(),
        Error::deadlock(Wait::Data)
    );
    u.connect(&addr("127.0.0.1:9")).unwrap();
    assert_eq!(u.send(b"x").unwrap(), 1);
    assert_eq!(
        u.send(b"x").unwrap_err().kind(),
        ErrorKind::ConnectionRefused
    );
    assert_eq!(u.send(b"x").unwrap(), 1);
    assert_eq!(
        u.recv(&mut [0u8; 4]).unwrap_err().kind(),
        ErrorKind::ConnectionRefused
    );
}

#[test]
fn a_connected_udp_socket_hears_only_its_peer() {
    let net: Net = Net::new();
    let h = host(&net);
    let mut x = h.bind(&addr("127.0.0.1:0")).unwrap();
    let mut y = h.bind(&addr("127.0.0.1:0")).unwrap();
    let mut z = h.bind(&addr("127.0.0.1:0")).unwrap();
    x.connect(&y.local_addr().unwrap()).unwrap();
    z.send_to(b"fromz", &x.local_addr().unwrap()).unwrap();
    y.send_to(b"fromy", &x.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 8];
    let n = x.recv(&mut buf).unwrap().len;
    assert_eq!(&buf[..n], b"fromy");
    assert_eq!(x.peer_addr().unwrap(), y.local_addr().unwrap());
    assert_eq!(x.send(b"hi").unwrap(), 2);
    assert_eq!(y.recv(&mut buf).unwrap().len, 2);
}

#[test]
fn unix_datagram_errors() {
    let net: Net = Net::new();
    let h = host(&net);
    let mut d = h
        .socket(Domain::Unix, Type::Datagram)
        .unwrap()
        .into_datagram()
        .unwrap();
    let missing = SocketAddr::Unix(UnixAddr::pathname("/none").unwrap());
    assert_eq!(
        d.send_to(b"x", &missing).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(d.send(b"x").unwrap_err().kind(), ErrorKind::NotConnected);

    let path = SocketAddr::Unix(UnixAddr::pathname("/srv").unwrap());
    let mut srv = h.bind(&path).unwrap();
    d.connect(&path).unwrap();
    d.send(b"hi").unwrap();
    let mut buf = [0u8; 4];
    let (got, from) = srv.recv_from(&mut buf).unwrap();
    assert_eq!(got.len, 2);
    assert!(from.as_unix().unwrap().is_unnamed());
    drop(srv);
    assert_eq!(
        d.send(b"x").unwrap_err().kind(),
        ErrorKind::ConnectionRefused
    );
    assert_eq!(d.send(b"x").unwrap_err().kind(), ErrorKind::NotConnected);
    assert_eq!(
        d.send_to(b"x", &path).unwrap_err().kind(),
        ErrorKind::ConnectionRefused
    );
}

#[test]
fn too_long_and_broadcast() {
    let net: Net<32, 512, 8> = Net::new();
    let (h, other) = two_hosts(&net);
    let mut u = h.bind(&addr("0.0.0.0:0")).unwrap();
    let e = u.send_to(&[0u8; 513], &addr("127.0.0.1:9")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MessageTooLong);
    let bcast = addr("255.255.255.255:67");
    assert_eq!(
        u.send_to(b"x", &bcast).unwrap_err().kind(),
        ErrorKind::PermissionDenied
    );
    let mut server = other.bind(&addr("0.0.0.0:67")).unwrap();
    u.set(Broadcast, true).unwrap();
    u.send_to(b"discover", &bcast).unwrap();
    let (got, from) = server.recv_from(&mut [0u8; 16]).unwrap();
    assert_eq!(got.len, 8);
    assert_eq!(from, addr("10.0.0.1:49152"));
}

#[test]
fn wrong_family_and_unbound() {
    let net: Net = Net::new();
    let h = host(&net);
    let mut u = h
        .socket(Domain::Inet, Type::Datagram)
        .unwrap()
        .into_datagram()
        .unwrap();
    assert_eq!(u.local_addr().unwrap(), addr("0.0.0.0:0"));
    assert_eq!(
        u.send_to(b"x", &addr("[::1]:9")).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        u.recv(&mut [0u8; 1]).unwrap_err(),
        Error::deadlock(Wait::Data)
    );
    assert_eq!(u.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
    let s = h.socket(Domain::Inet, Type::Datagram).unwrap();
    assert_eq!(s.listen(1).unwrap_err().kind(), ErrorKind::Unsupported);
}

/// With one thread, a blocking receive on an empty queue, or a blocking Unix send to a full
/// one, would wait for ever: `Deadlock`, saying for what. Non-blocking, or after a timeout on
/// the virtual clock, the same calls say `WouldBlock`, as on Linux.
#[test]
fn a_blocking_call_nobody_can_complete_is_a_deadlock_that_says_what_it_waited_for() {
    let net: Net<8, 4096, 1> = Net::new();
    let h = host(&net);
    let mut udp = h.bind(&addr("127.0.0.1:0")).unwrap();
    let mut buf = [0u8; 8];
    let data = Error::deadlock(Wait::Data);
    assert_eq!(udp.recv(&mut buf).unwrap_err(), data);
    assert_eq!(udp.recv_from(&mut buf).unwrap_err(), data);
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut buf).unwrap();
    assert_eq!(udp.recv_msg(&mut RecvMsg::new(iov)).unwrap_err(), data);
    let dontwait = udp.recv_msg(&mut RecvMsg::new(IoVecMut::<1>::new()).flags(MsgFlags::DONTWAIT));
    assert_eq!(dontwait.unwrap_err().kind(), ErrorKind::WouldBlock);
    udp.set(RecvTimeout, Some(Duration::from_millis(30)))
        .unwrap();
    assert_eq!(
        udp.recv(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    assert_eq!(net.now(), Duration::from_millis(30));

    // A Unix datagram queue of one: the second send waits for a reader.
    let path = SocketAddr::Unix(UnixAddr::abstract_name("full").unwrap());
    let _reader = h.bind(&path).unwrap();
    let (a, _b) = h.socketpair(Type::Datagram).unwrap();
    let mut sender = a.into_datagram().unwrap();
    sender.connect(&path).unwrap();
    sender.send(b"1").unwrap();
    let room = Error::deadlock(Wait::Room);
    assert_eq!(sender.send(b"2").unwrap_err(), room);
    assert_eq!(sender.send_to(b"2", &path).unwrap_err(), room);
    let msg = SendMsg::new(IoVec::<1>::from_slices(&[b"2"]).unwrap());
    assert_eq!(sender.send_msg(&msg).unwrap_err(), room);
    sender.set_nonblocking(true).unwrap();
    assert_eq!(sender.send(b"2").unwrap_err().kind(), ErrorKind::WouldBlock);
}
