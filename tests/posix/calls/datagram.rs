//! The datagram calls on every datagram domain Linux has: UDP over IPv4 and IPv6, Unix
//! datagrams at a path and at an abstract name. `sendto`/`recvfrom`, `connect` + `send`/`recv`,
//! message boundaries, empty and truncated datagrams, blocking and non-blocking.

use crate::common;
use crate::data::pattern;

use anysock::opt::{AcceptConn, SocketType};
use anysock::posix::{self, Posix};
use anysock::{
    Datagram as _, Domain, Endpoint, ErrorKind, Pollable, SockOpt, Socket as _, Stack as _, Type,
};

use common::{assert_kind, bounded, fd_check, is_cloexec, Place, TempDir};

/// Two bounded datagram sockets at fresh addresses of `place`: one made step by step, one with
/// the `Stack::bind` shortcut.
fn two_sockets(place: Place, dir: &TempDir) -> (posix::Datagram, posix::Datagram) {
    let mut a = Posix
        .socket(place.domain(), Type::Datagram)
        .expect("socket");
    assert_eq!(a.get(SocketType).unwrap(), Type::Datagram);
    assert!(!a.get(AcceptConn).unwrap());
    assert!(is_cloexec(a.handle()), "socket() is close-on-exec");
    a.bind(&place.addr(dir)).expect("bind");
    let mut a = a.into_datagram().expect("into_datagram");
    bounded(&mut a);
    let mut b = Posix.bind(&place.addr(dir)).expect("Stack::bind");
    assert!(is_cloexec(b.handle()), "Stack::bind is close-on-exec");
    bounded(&mut b);
    (a, b)
}

/// sendto/recvfrom, boundaries, the empty datagram, truncation, connect + send/recv, and the
/// non-blocking receive.
fn datagram_story(place: Place) {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (mut a, mut b) = two_sockets(place, &dir);
    let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    assert_eq!(a_addr.domain(), place.domain());
    assert_ne!(a_addr.port(), Some(0), "port 0 picks a free port");
    assert_ne!(a_addr, b_addr);
    assert_kind(a.peer_addr(), ErrorKind::NotConnected);
    let mut buf = vec![0u8; 65536];

    // One datagram to an address; the receiver learns who sent it.
    let msg = pattern(3, 1200);
    assert_eq!(a.send_to(&msg, &b_addr).unwrap(), msg.len());
    let (got, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!((got.len, got.truncated, from), (msg.len(), false, a_addr));
    assert_eq!(buf[..got.len], msg[..]);

    // Boundaries hold, and an empty datagram is a datagram of its own.
    for len in [1, 0, 100, 60000] {
        a.send_to(&pattern(len, len), &b_addr).unwrap();
    }
    for len in [1, 0, 100, 60000] {
        let (got, _) = b.recv_from(&mut buf).unwrap();
        assert_eq!(got.len, len, "{place:?}: one datagram per receive");
        assert_eq!(buf[..len], pattern(len, len)[..], "{place:?}: {len} bytes");
    }

    // A datagram longer than the buffer is cut, reported, and the rest is gone.
    a.send_to(&pattern(0, 100), &b_addr).unwrap();
    a.send_to(b"next", &b_addr).unwrap();
    let (got, _) = b.recv_from(&mut buf[..10]).unwrap();
    assert_eq!(
        (got.len, got.truncated),
        (10, true),
        "{place:?}: truncation reported"
    );
    assert_eq!(buf[..10], pattern(0, 10)[..]);
    let (got, _) = b.recv_from(&mut buf).unwrap();
    assert_eq!(
        &buf[..got.len],
        b"next",
        "{place:?}: the next datagram is whole"
    );

    // Connected, each side sends to its peer without naming it.
    a.connect(&b_addr).expect("connect a to b");
    b.connect(&a_addr).expect("connect b to a");
    assert_eq!(a.peer_addr().unwrap(), b_addr);
    assert_eq!(b.peer_addr().unwrap(), a_addr);
    assert_eq!(a.send(b"ping").unwrap(), 4);
    let got = b.recv(&mut buf).unwrap();
    assert_eq!(&buf[..got.len], b"ping");
    b.send(b"pong").unwrap();
    let got = a.recv(&mut buf).unwrap();
    assert_eq!((&buf[..got.len], got.truncated), (&b"pong"[..], false));

    // Non-blocking with nothing queued.
    a.set_nonblocking(true).unwrap();
    assert_kind(a.recv(&mut buf), ErrorKind::WouldBlock);
    assert_kind(a.recv_from(&mut buf), ErrorKind::WouldBlock);
    b.send(b"now").unwrap();
    // A datagram on a Unix or loopback socket is queued before send returns.
    let got = a.recv(&mut buf).expect("a datagram is there");
    assert_eq!(&buf[..got.len], b"now");
}

#[test]
fn udp_v4_story() {
    datagram_story(Place::V4);
}

#[test]
fn udp_v6_story() {
    datagram_story(Place::V6);
}

#[test]
fn unix_datagram_at_a_path_story() {
    datagram_story(Place::UnixPath);
}

#[test]
fn unix_datagram_at_an_abstract_name_story() {
    datagram_story(Place::UnixAbstract);
}

#[test]
fn an_unbound_udp_sender_gets_a_port_when_it_sends() {
    let _fds = fd_check();
    let mut rx = Posix.bind(&"127.0.0.1:0".parse().unwrap()).expect("bind");
    bounded(&mut rx);
    let mut tx = Posix
        .socket(Domain::Inet, Type::Datagram)
        .unwrap()
        .into_datagram()
        .unwrap();
    tx.send_to(b"hi", &rx.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 8];
    let (got, from) = rx.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..got.len], b"hi");
    // sendto bound it to an ephemeral port on the wildcard address, as the kernel does.
    let own = tx.local_addr().unwrap();
    assert_eq!(
        own,
        "0.0.0.0:0"
            .parse::<anysock::SocketAddr>()
            .unwrap()
            .with_port(own.port().unwrap())
    );
    assert_eq!(from.port(), own.port());
    assert_ne!(from.port(), Some(0));
}

#[test]
fn an_unbound_unix_sender_is_unnamed() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut rx = Posix.bind(&dir.sock("rx.sock")).expect("bind");
    bounded(&mut rx);
    let mut tx = Posix
        .socket(Domain::Unix, Type::Datagram)
        .unwrap()
        .into_datagram()
        .unwrap();
    assert!(tx.local_addr().unwrap().as_unix().unwrap().is_unnamed());
    tx.send_to(b"anon", &rx.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 8];
    let (got, from) = rx.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..got.len], b"anon");
    assert!(from.as_unix().is_some_and(|u| u.is_unnamed()), "{from}");
}

#[test]
fn udp_connected_to_a_closed_port_learns_connection_refused() {
    let _fds = fd_check();
    for domain in [Domain::Inet, Domain::Inet6] {
        let closed = {
            let s = Posix
                .bind(&anysock::SocketAddr::loopback(domain).unwrap())
                .unwrap();
            s.local_addr().unwrap()
        };
        let mut sock = Posix
            .bind(&anysock::SocketAddr::loopback(domain).unwrap())
            .unwrap();
        bounded(&mut sock);
        sock.connect(&closed).unwrap();
        sock.send(b"anyone?").expect("the first send is sent");
        // The loopback ICMP "port unreachable" comes back as a pending error on the socket.
        let e = assert_kind(sock.recv(&mut [0u8; 16]), ErrorKind::ConnectionRefused);
        assert_eq!(e.raw_os_error(), Some(libc::ECONNREFUSED), "{domain}");
    }
}
