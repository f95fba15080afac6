//! No descriptor leaks, on the happy paths repeated many times and on every path where a call
//! opened a socket and then failed. Each round compares the count of /proc/self/fd entries with
//! the count before it, so a leak names the round and the step; `fd_check` holds the binary's
//! lock, so no other test opens or closes descriptors meanwhile.

use crate::common;

use anysock::embedded_io::{Read, Write};
use anysock::posix::{self, Posix};
use anysock::{
    Datagram as _, Domain, Endpoint, ErrorKind, Socket as _, SocketAddr, Stack as _, Type,
};

use common::{assert_kind, closed_port, connected, fd_check, fd_count, Place, TempDir};

const ROUNDS: usize = 50;

/// Runs `round` [`ROUNDS`] times and asserts each left the descriptor count as it found it.
fn rounds(what: &str, mut round: impl FnMut()) {
    for i in 0..ROUNDS {
        let before = fd_count();
        round();
        assert_eq!(fd_count(), before, "{what}: round {i} leaked");
    }
}

#[test]
fn connections_come_and_go_without_a_trace() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for (place, ty) in Place::CONNECTIONS {
        rounds(&format!("{place:?} {ty:?} connection"), || {
            let (mut a, mut b) = connected(place, ty, &dir);
            a.write_all(b"x").unwrap();
            assert_eq!(b.read(&mut [0u8; 1]).unwrap(), 1);
        });
    }
    for place in Place::ALL {
        rounds(&format!("{place:?} datagram"), || {
            let mut a = Posix.bind(&place.addr(&dir)).unwrap();
            let b = Posix.bind(&place.addr(&dir)).unwrap();
            a.send_to(b"x", &b.local_addr().unwrap()).unwrap();
        });
    }
}

#[test]
fn connections_left_in_the_accept_queue_close_with_the_listener() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in Place::ALL {
        rounds(&format!("{place:?} unaccepted"), || {
            let listener = common::listener(Type::Stream, &place.addr(&dir));
            let to = listener.local_addr().unwrap();
            let _clients: Vec<_> = (0..3).map(|_| common::client(Type::Stream, &to)).collect();
        });
    }
}

#[test]
fn shortcuts_that_fail_close_the_socket_they_opened() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let taken_udp = Posix.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    let taken_tcp = Posix.listen(&"[::1]:0".parse().unwrap(), 1).unwrap();
    let taken_path = Posix.listen(&dir.sock("taken.sock"), 1).unwrap();
    let missing_dir = dir.sock("no/such/dir.sock");
    let refused = closed_port(Domain::Inet);
    rounds("failed shortcuts", || {
        assert_kind(Posix.connect(&refused), ErrorKind::ConnectionRefused);
        assert_kind(Posix.connect(&missing_dir), ErrorKind::NotFound);
        assert_kind(
            Posix.bind(&taken_udp.local_addr().unwrap()),
            ErrorKind::AddrInUse,
        );
        assert_kind(
            Posix.listen(&taken_tcp.local_addr().unwrap(), 1),
            ErrorKind::AddrInUse,
        );
        assert_kind(
            Posix.listen(&taken_path.local_addr().unwrap(), 1),
            ErrorKind::AddrInUse,
        );
        assert_kind(Posix.listen(&missing_dir, 1), ErrorKind::NotFound);
    });
}

#[test]
fn consuming_calls_that_fail_close_the_socket() {
    let _fds = fd_check();
    let v6: SocketAddr = "[::1]:9".parse().unwrap();
    rounds("failed conversions", || {
        let dgram = Posix.socket(Domain::Inet, Type::Datagram).unwrap();
        assert_kind(dgram.into_stream(), ErrorKind::InvalidInput);
        let stream = Posix.socket(Domain::Unix, Type::Stream).unwrap();
        assert_kind(stream.into_datagram(), ErrorKind::InvalidInput);
        let dgram = Posix.socket(Domain::Unix, Type::Datagram).unwrap();
        assert_kind(dgram.listen(1), ErrorKind::Unsupported);
        let mut wrong = Posix.socket(Domain::Inet, Type::Stream).unwrap();
        assert_kind(wrong.connect(&v6), ErrorKind::InvalidInput);
    });
}

#[test]
fn pairs_clones_and_conversions_own_exactly_one_descriptor_each() {
    let _fds = fd_check();
    rounds("socketpair", || {
        for ty in [Type::Stream, Type::Datagram, Type::SeqPacket] {
            let (a, b) = Posix.socketpair(ty).unwrap();
            drop((a, b));
        }
    });
    rounds("try_clone", || {
        let (a, _b) = Posix.socketpair(Type::Stream).unwrap();
        let a = a.into_stream().unwrap();
        let before = fd_count();
        let clones: Vec<posix::Stream> = (0..3).map(|_| a.try_clone().unwrap()).collect();
        assert_eq!(
            fd_count(),
            before + clones.len(),
            "one descriptor per clone"
        );
    });
    rounds("std conversions", || {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        drop(posix::Datagram::from(udp));
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        drop((posix::Stream::from(a), posix::Stream::from(b)));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        drop(posix::Listener::from(listener));
    });
    rounds("raw descriptors", || {
        let sock = Posix.socket(Domain::Inet6, Type::Datagram).unwrap();
        let raw = sock.into_raw_fd();
        // SAFETY: `raw` was just released by `into_raw_fd` and nothing else owns it.
        let back = unsafe { posix::Datagram::from_raw_fd(raw) };
        drop(back);
    });
}
