//! What only the Unix domain has: `socketpair` of every type, unnamed addresses, socket files
//! in the filesystem, and abstract names that vanish with their socket.

use crate::common;
use crate::data::pattern;

use anysock::Endpoint as _;
use std::os::unix::fs::FileTypeExt;

use anysock::embedded_io::{Read, Write};
use anysock::opt::SocketType;
use anysock::posix::Posix;
use anysock::{
    Datagram as _, Domain, ErrorKind, Listener as _, Pollable, SockOpt, Socket as _, SocketAddr,
    Stack as _, Stream as _, Type,
};

use common::{abstract_addr, assert_kind, bounded, fd_check, is_cloexec, TempDir};

fn is_unnamed(addr: &SocketAddr) -> bool {
    addr.as_unix().is_some_and(|u| u.is_unnamed())
}

#[test]
fn socketpair_stream_is_a_connected_unnamed_byte_stream() {
    let _fds = fd_check();
    let (a, b) = Posix.socketpair(Type::Stream).expect("socketpair");
    for s in [&a, &b] {
        assert!(is_cloexec(s.handle()), "socketpair() is close-on-exec");
        assert_eq!((s.domain(), s.socket_type()), (Domain::Unix, Type::Stream));
        assert_eq!(s.get(SocketType).unwrap(), Type::Stream);
    }
    let (mut a, mut b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
    bounded(&mut a);
    bounded(&mut b);
    assert!(is_unnamed(&a.local_addr().unwrap()));
    assert!(is_unnamed(&a.peer_addr().unwrap()));
    assert!(is_unnamed(&b.peer_addr().unwrap()));

    // Bytes, not messages: two writes may be read as one.
    a.write_all(b"abc").unwrap();
    a.write_all(b"def").unwrap();
    let mut buf = [0u8; 6];
    b.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"abcdef");
    let data = pattern(7, 100_000);
    let writer = std::thread::spawn(move || {
        b.write_all(&data).expect("write 100 kB");
        b
    });
    let mut got = vec![0u8; 100_000];
    a.read_exact(&mut got).unwrap();
    assert!(got == pattern(7, 100_000), "every byte arrived");
    drop(writer.join().unwrap());
    assert_eq!(
        a.read(&mut buf).unwrap(),
        0,
        "end of stream once the peer is gone"
    );
}

#[test]
fn socketpair_datagram_keeps_boundaries_and_reports_truncation() {
    let _fds = fd_check();
    let (a, b) = Posix.socketpair(Type::Datagram).expect("socketpair");
    assert!(is_cloexec(a.handle()) && is_cloexec(b.handle()));
    assert_eq!(a.get(SocketType).unwrap(), Type::Datagram);
    let (mut a, mut b) = (a.into_datagram().unwrap(), b.into_datagram().unwrap());
    bounded(&mut b);
    assert!(is_unnamed(&a.local_addr().unwrap()));
    assert!(
        is_unnamed(&a.peer_addr().unwrap()),
        "connected to an unnamed peer"
    );

    for msg in [&b"one"[..], b"", b"three", &pattern(0, 50)[..]] {
        assert_eq!(a.send(msg).unwrap(), msg.len());
    }
    let mut buf = [0u8; 16];
    for msg in [&b"one"[..], b"", b"three"] {
        let got = b.recv(&mut buf).unwrap();
        assert_eq!((&buf[..got.len], got.truncated), (msg, false));
    }
    let got = b.recv(&mut buf).unwrap();
    assert_eq!((got.len, got.truncated), (16, true), "50 bytes into 16");
    assert_eq!(buf[..], pattern(0, 16)[..]);
}

#[test]
fn socketpair_seqpacket_keeps_boundaries_and_ends() {
    let _fds = fd_check();
    let (a, b) = Posix.socketpair(Type::SeqPacket).expect("socketpair");
    assert!(is_cloexec(a.handle()) && is_cloexec(b.handle()));
    assert_eq!(b.get(SocketType).unwrap(), Type::SeqPacket);
    let (mut a, mut b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
    bounded(&mut b);
    for msg in [&b"x"[..], b"yy", b"zzz"] {
        a.write_all(msg).unwrap();
    }
    let mut buf = [0u8; 64];
    for msg in [&b"x"[..], b"yy", b"zzz"] {
        let n = b.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], msg, "one read, one message");
    }
    drop(a);
    assert_eq!(
        b.read(&mut buf).unwrap(),
        0,
        "end of stream once the peer is gone"
    );
}

#[test]
fn a_pathname_socket_is_a_file_that_outlives_its_socket() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let addr = dir.sock("listener.sock");
    let path = dir.path().join("listener.sock");
    let listener = Posix.listen(&addr, 1).expect("listen");
    assert!(std::fs::metadata(&path).unwrap().file_type().is_socket());
    assert_eq!(listener.local_addr().unwrap(), addr);
    assert_eq!(addr.to_string().parse::<SocketAddr>().unwrap(), addr);
    drop(listener);
    // close() does not unlink: the file stays, nobody listens, and the name is still taken.
    assert!(path.exists());
    assert_kind(Posix.connect(&addr), ErrorKind::ConnectionRefused);
    assert_kind(Posix.listen(&addr, 1), ErrorKind::AddrInUse);
    std::fs::remove_file(&path).unwrap();
    drop(Posix.listen(&addr, 1).expect("free again after unlink"));
}

#[test]
fn an_abstract_name_lives_only_as_long_as_its_socket() {
    let _fds = fd_check();
    let addr = abstract_addr("lifetime");
    let mut listener = Posix.listen(&addr, 1).expect("listen");
    bounded(&mut listener);
    assert_eq!(listener.local_addr().unwrap(), addr);
    assert_eq!(addr.to_string().parse::<SocketAddr>().unwrap(), addr);
    assert_kind(Posix.listen(&addr, 1), ErrorKind::AddrInUse);

    let mut client = Posix.connect(&addr).expect("connect to the abstract name");
    let (mut server, peer) = listener.accept().unwrap();
    assert!(is_unnamed(&peer));
    assert_eq!(client.peer_addr().unwrap(), addr);
    client.write_all(b"abstract").unwrap();
    let mut buf = [0u8; 8];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"abstract");

    drop((listener, server, client));
    // No file to unlink: the name is free the moment the last socket holding it closes.
    drop(Posix.listen(&addr, 1).expect("the name is free again"));
}

#[test]
fn a_unix_client_can_bind_a_name_of_its_own() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut listener = Posix.listen(&dir.sock("server.sock"), 1).unwrap();
    bounded(&mut listener);
    let mut sock = Posix.socket(Domain::Unix, Type::Stream).unwrap();
    let own = abstract_addr("client");
    sock.bind(&own).unwrap();
    sock.connect(&listener.local_addr().unwrap()).unwrap();
    let client = sock.into_stream().unwrap();
    let (server, peer) = listener.accept().unwrap();
    assert_eq!(peer, own, "accept reports the client's bound name");
    assert_eq!(server.peer_addr().unwrap(), own);
    assert_eq!(client.local_addr().unwrap(), own);
}
