//! The connection calls on every connection-oriented domain/type pair Linux has: TCP over IPv4
//! and IPv6, Unix streams and Unix seqpackets at a path and at an abstract name. Blocking and
//! non-blocking `socket`, `bind`, `listen`, `accept`, `connect`, `read`/`write`, `send`/`recv`
//! with flags, `shutdown`, and the addresses each end reports.

use crate::common;
use crate::data::pattern;

use anysock::Endpoint as _;
use std::thread;
use std::time::{Duration, Instant};

use anysock::embedded_io::{Read, Write};
use anysock::opt::{AcceptConn, RecvTimeout, SocketError, SocketType};
use anysock::posix::Posix;
use anysock::{
    Domain, ErrorKind, Interest, Listener as _, MsgFlags, PollFd, Pollable, Shutdown, SockOpt,
    Socket as _, SocketAddr, Stack as _, Stream as _, Type,
};

use common::{
    assert_kind, bounded, connected, fd_check, is_cloexec, is_nonblocking, Place, TempDir, PATIENCE,
};

/// Every connection-oriented pair: TCP where there is IP, stream and seqpacket where Unix.
const PAIRS: [(Place, Type); 6] = [
    (Place::V4, Type::Stream),
    (Place::V6, Type::Stream),
    (Place::UnixPath, Type::Stream),
    (Place::UnixAbstract, Type::Stream),
    (Place::UnixPath, Type::SeqPacket),
    (Place::UnixAbstract, Type::SeqPacket),
];

/// What a client learns about its own address after `connect`: a port on the same loopback
/// address for IP, nothing (unnamed) for Unix.
fn assert_client_addr(place: Place, client: &SocketAddr, server: &SocketAddr) {
    match place {
        Place::V4 | Place::V6 => {
            assert_eq!(client.domain(), server.domain());
            let (c, s) = (client.as_inet().unwrap(), server.as_inet().unwrap());
            assert_eq!(c.ip(), s.ip());
            assert_ne!(c.port(), 0);
            assert_ne!(c.port(), s.port());
        }
        Place::UnixPath | Place::UnixAbstract => {
            assert!(client.as_unix().is_some_and(|u| u.is_unnamed()), "{client}")
        }
    }
}

/// socket -> bind -> listen -> connect -> accept -> write/read both ways, checking each step's
/// addresses and read-only options on the way.
fn full_story(place: Place, ty: Type) {
    let _fds = fd_check();
    let dir = TempDir::new();
    let wanted = place.addr(&dir);

    let mut sock = Posix.socket(place.domain(), ty).expect("socket");
    assert_eq!((sock.domain(), sock.socket_type()), (place.domain(), ty));
    assert_eq!(sock.get(SocketType).unwrap(), ty);
    assert!(is_cloexec(sock.handle()), "socket() is close-on-exec");
    assert!(!sock.get(AcceptConn).unwrap(), "not listening yet");
    sock.bind(&wanted).expect("bind");
    let bound = sock.local_addr().expect("getsockname after bind");
    match place {
        Place::V4 | Place::V6 => assert_eq!(
            bound.as_inet().unwrap().ip(),
            wanted.as_inet().unwrap().ip()
        ),
        _ => assert_eq!(bound, wanted, "a Unix socket is where it was bound"),
    }
    assert_ne!(bound.port(), Some(0), "port 0 picks a free port");

    let mut listener = sock.listen(8).expect("listen");
    bounded(&mut listener);
    assert_eq!(listener.local_addr().unwrap(), bound);
    assert!(listener.get(AcceptConn).unwrap(), "listening now");

    let mut client = Posix.socket(place.domain(), ty).expect("client socket");
    bounded(&mut client);
    client.connect(&bound).expect("blocking connect");
    let mut client = client.into_stream().expect("into_stream");
    let (mut server, peer) = listener.accept().expect("blocking accept");
    bounded(&mut server);
    assert!(is_cloexec(server.handle()), "accept() is close-on-exec");
    assert!(!is_nonblocking(server.handle()));

    let client_addr = client.local_addr().expect("client getsockname");
    assert_client_addr(place, &client_addr, &bound);
    assert_eq!(peer, client_addr, "accept reports the client's address");
    assert_eq!(
        server.peer_addr().unwrap(),
        client_addr,
        "getpeername on the server end"
    );
    assert_eq!(
        client.peer_addr().unwrap(),
        bound,
        "getpeername on the client end"
    );
    assert_eq!(
        server.local_addr().unwrap(),
        bound,
        "the accepted end shares the address"
    );

    let request = pattern(1, 1000);
    client.write_all(&request).expect("client writes");
    let mut got = vec![0u8; request.len()];
    server.read_exact(&mut got).expect("server reads");
    assert_eq!(got, request);
    let reply = pattern(2, 3000);
    server.write_all(&reply).expect("server writes");
    let mut got = vec![0u8; reply.len()];
    client.read_exact(&mut got).expect("client reads");
    assert_eq!(got, reply);
}

#[test]
fn tcp_v4_full_story() {
    full_story(Place::V4, Type::Stream);
}

#[test]
fn tcp_v6_full_story() {
    full_story(Place::V6, Type::Stream);
}

#[test]
fn unix_stream_at_a_path_full_story() {
    full_story(Place::UnixPath, Type::Stream);
}

#[test]
fn unix_stream_at_an_abstract_name_full_story() {
    full_story(Place::UnixAbstract, Type::Stream);
}

#[test]
fn unix_seqpacket_at_a_path_full_story() {
    full_story(Place::UnixPath, Type::SeqPacket);
}

#[test]
fn unix_seqpacket_at_an_abstract_name_full_story() {
    full_story(Place::UnixAbstract, Type::SeqPacket);
}

#[test]
fn seqpacket_exists_only_in_the_unix_domain() {
    let _fds = fd_check();
    for domain in [Domain::Inet, Domain::Inet6] {
        // With the SCTP module loaded, Linux hands out SCTP for (inet, seqpacket, 0); without it
        // the type is not supported. Either is Linux's answer; anything else is not.
        if let Err(e) = Posix.socket(domain, Type::SeqPacket) {
            assert_eq!(e.kind(), ErrorKind::Unsupported, "{domain}: {e:?}");
        }
    }
}

#[test]
fn seqpacket_keeps_message_boundaries_over_a_listener() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (mut client, mut server) = connected(Place::UnixPath, Type::SeqPacket, &dir);
    for msg in [&b"a"[..], b"bb", b"ccc"] {
        assert_eq!(
            client.write(msg).unwrap(),
            msg.len(),
            "one write is one message"
        );
    }
    let mut buf = [0u8; 64];
    for msg in [&b"a"[..], b"bb", b"ccc"] {
        let n = server.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], msg, "each read takes exactly one message");
    }
}

#[test]
fn recv_flags_peek_dontwait_waitall() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in Place::ALL {
        let (mut client, mut server) = connected(place, Type::Stream, &dir);
        let mut buf = [0u8; 64];

        // DONTWAIT makes this one call non-blocking on a blocking socket.
        let e = server.recv(&mut buf, MsgFlags::DONTWAIT);
        assert_kind(e, ErrorKind::WouldBlock);
        assert!(
            !is_nonblocking(server.handle()),
            "{place:?}: the socket stays blocking"
        );

        // PEEK shows the bytes and leaves them queued for the next read.
        assert_eq!(client.send(b"hello world", MsgFlags::NONE).unwrap(), 11);
        let n = server.recv(&mut buf[..5], MsgFlags::PEEK).unwrap();
        assert_eq!(&buf[..n], b"hello", "{place:?}: peeked");
        let n = server.recv(&mut buf[..11], MsgFlags::WAITALL).unwrap();
        assert_eq!(
            &buf[..n],
            b"hello world",
            "{place:?}: peeked bytes are still there"
        );

        // WAITALL waits for the whole buffer although the bytes come in three writes.
        let writer = thread::spawn(move || {
            for part in [&b"0123456789"[..], b"abcdefghij", b"ABCDEFGHIJ"] {
                client.send(part, MsgFlags::DONTWAIT).expect("send");
                thread::sleep(Duration::from_millis(10));
            }
            client
        });
        let n = server.recv(&mut buf[..30], MsgFlags::WAITALL).unwrap();
        assert_eq!(
            &buf[..n],
            b"0123456789abcdefghijABCDEFGHIJ",
            "{place:?}: WAITALL"
        );
        writer.join().expect("writer thread");
    }
}

#[test]
fn shutdown_write_gives_the_peer_end_of_stream_and_keeps_the_other_direction() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for (place, ty) in PAIRS {
        let (mut client, mut server) = connected(place, ty, &dir);
        client.write_all(b"last words").unwrap();
        client.shutdown(Shutdown::Write).expect("shutdown(Write)");
        let mut buf = [0u8; 32];
        let n = server.read(&mut buf).unwrap();
        assert_eq!(
            &buf[..n],
            b"last words",
            "{place:?} {ty:?}: data before the end"
        );
        assert_eq!(
            server.read(&mut buf).unwrap(),
            0,
            "{place:?} {ty:?}: end of stream"
        );

        // Half closed: the server can still answer, and the client still reads.
        server.write_all(b"reply").unwrap();
        let n = client.read(&mut buf).unwrap();
        assert_eq!(
            &buf[..n],
            b"reply",
            "{place:?} {ty:?}: the other direction works"
        );
        assert_kind(client.write(b"more"), ErrorKind::BrokenPipe);
    }
}

#[test]
fn shutdown_read_and_both() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for (place, ty) in PAIRS {
        let (mut client, mut server) = connected(place, ty, &dir);
        let mut buf = [0u8; 8];
        // After SHUT_RD a read returns end of stream at once instead of waiting.
        server.shutdown(Shutdown::Read).expect("shutdown(Read)");
        assert_eq!(
            server.read(&mut buf).unwrap(),
            0,
            "{place:?} {ty:?}: SHUT_RD"
        );

        client.shutdown(Shutdown::Both).expect("shutdown(Both)");
        assert_eq!(
            client.read(&mut buf).unwrap(),
            0,
            "{place:?} {ty:?}: own read ends"
        );
        assert_kind(client.write(b"x"), ErrorKind::BrokenPipe);
        drop(server);
    }
}

#[test]
fn the_backlog_bounds_the_queue_of_pending_unix_connections() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut s = Posix.socket(Domain::Unix, Type::Stream).unwrap();
    s.bind(&dir.sock("backlog.sock")).unwrap();
    let mut listener = s.listen(2).expect("listen(2)");
    let addr = listener.local_addr().unwrap();
    // A Unix connect is queued on the listener at once, and refused (EAGAIN, non-blocking)
    // once the queue is over the backlog; Linux lets it reach backlog + 1.
    let mut pending = Vec::new();
    let full = loop {
        assert!(
            pending.len() < 64,
            "64 connections queued on a backlog of 2"
        );
        let mut c = Posix.socket(Domain::Unix, Type::Stream).unwrap();
        c.set_nonblocking(true).unwrap();
        match c.connect(&addr) {
            Ok(()) => pending.push(c),
            Err(e) => break e,
        }
    };
    assert_eq!(full.kind(), ErrorKind::WouldBlock);
    assert_eq!(pending.len(), 3, "backlog + 1 connections wait");
    listener.set_nonblocking(true).unwrap();
    for _ in 0..pending.len() {
        listener
            .accept()
            .expect("each queued connection is accepted");
    }
    assert_kind(listener.accept(), ErrorKind::WouldBlock);
}

#[test]
fn non_blocking_accept_would_block_then_takes_a_pending_connection() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for (place, ty) in PAIRS {
        let mut listener = common::listener(ty, &place.addr(&dir));
        listener.set_nonblocking(true).unwrap();
        assert_kind(listener.accept(), ErrorKind::WouldBlock);

        let client = common::client(ty, &listener.local_addr().unwrap());
        let mut fds = [PollFd::new(listener.handle(), Interest::READABLE)];
        assert_eq!(Posix.poll(&mut fds, Some(PATIENCE)).unwrap(), 1);
        let (server, peer) = listener.accept().expect("accept a pending connection");
        assert_eq!(peer, client.local_addr().unwrap(), "{place:?} {ty:?}");
        // The accepted stream does not inherit O_NONBLOCK: accept4 gets no SOCK_NONBLOCK.
        assert!(!is_nonblocking(server.handle()), "{place:?} {ty:?}");
        assert!(is_cloexec(server.handle()));
        assert_kind(listener.accept(), ErrorKind::WouldBlock);
    }
}

#[test]
fn non_blocking_tcp_connect_reports_in_progress_then_success_via_socket_error() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in [Place::V4, Place::V6] {
        let mut listener = common::listener(Type::Stream, &place.addr(&dir));
        let addr = listener.local_addr().unwrap();
        let mut sock = Posix.socket(place.domain(), Type::Stream).unwrap();
        sock.set_nonblocking(true).unwrap();
        // TCP never finishes the handshake inside connect(): the kernel holds the socket lock.
        assert_kind(sock.connect(&addr), ErrorKind::InProgress);

        let mut fds = [PollFd::new(sock.handle(), Interest::WRITABLE)];
        assert_eq!(Posix.poll(&mut fds, Some(PATIENCE)).unwrap(), 1);
        assert!(fds[0].ready().is_writable(), "{place:?}: connect finished");
        assert_eq!(
            sock.get(SocketError).unwrap(),
            None,
            "{place:?}: and succeeded"
        );

        let mut client = sock.into_stream().unwrap();
        assert!(is_nonblocking(client.handle()), "O_NONBLOCK carries over");
        assert_kind(client.read(&mut [0u8; 4]), ErrorKind::WouldBlock);
        let (mut server, _) = listener.accept().unwrap();
        client.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"ping");
    }
}

#[test]
fn non_blocking_tcp_connect_to_a_closed_port_reports_refusal_via_socket_error() {
    let _fds = fd_check();
    for domain in [Domain::Inet, Domain::Inet6] {
        let closed = common::closed_port(domain);
        let mut sock = Posix.socket(domain, Type::Stream).unwrap();
        sock.set_nonblocking(true).unwrap();
        assert_kind(sock.connect(&closed), ErrorKind::InProgress);
        let mut fds = [PollFd::new(sock.handle(), Interest::WRITABLE)];
        assert_eq!(Posix.poll(&mut fds, Some(PATIENCE)).unwrap(), 1);
        let err = sock.get(SocketError).unwrap().expect("a pending error");
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{domain}");
        assert_eq!(err.raw_os_error(), Some(libc::ECONNREFUSED));
        assert_eq!(
            sock.get(SocketError).unwrap(),
            None,
            "reading SO_ERROR clears it"
        );
    }
}

#[test]
fn non_blocking_unix_connect_completes_at_once() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for (place, ty) in PAIRS
        .into_iter()
        .filter(|(p, _)| p.domain() == Domain::Unix)
    {
        let mut listener = common::listener(ty, &place.addr(&dir));
        let mut sock = Posix.socket(Domain::Unix, ty).unwrap();
        sock.set_nonblocking(true).unwrap();
        // A Unix connect queues on the listener directly; only a full backlog would block.
        let addr = listener.local_addr().unwrap();
        sock.connect(&addr)
            .unwrap_or_else(|e| panic!("{place:?} {ty:?}: {e:?}"));
        let mut client = sock.into_stream().unwrap();
        let (mut server, _) = listener.accept().unwrap();
        client.write_all(b"hi").unwrap();
        let mut buf = [0u8; 2];
        server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hi");
    }
}

#[test]
fn non_blocking_writes_fill_the_buffers_then_every_byte_arrives() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for (place, ty) in PAIRS {
        let (mut client, mut server) = connected(place, ty, &dir);
        client.set_nonblocking(true).unwrap();
        assert_kind(client.read(&mut [0u8; 1]), ErrorKind::WouldBlock);

        // Write until the kernel's buffers are full; bounded so a bug cannot loop for ever.
        let chunk = pattern(0, 4096 - 4096 % 251);
        let mut written = 0usize;
        let full = loop {
            assert!(
                written < 64 << 20,
                "{place:?} {ty:?}: 64 MiB without WouldBlock"
            );
            match client.write(&chunk) {
                Ok(n) => written += n,
                Err(e) => break e,
            }
        };
        assert_eq!(full.kind(), ErrorKind::WouldBlock, "{place:?} {ty:?}");
        client.shutdown(Shutdown::Write).unwrap();

        // Every byte arrives, in order: the chunk length is a multiple of the pattern's period.
        let received = common::read_to_end(&mut server);
        assert_eq!(received.len(), written, "{place:?} {ty:?}");
        assert!(received == pattern(0, written), "{place:?} {ty:?}: content");
    }
}

#[test]
fn receive_timeout_ends_a_blocking_read_with_would_block() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (_client, mut server) = connected(Place::V4, Type::Stream, &dir);
    server
        .set(RecvTimeout, Some(Duration::from_millis(50)))
        .unwrap();
    let start = Instant::now();
    assert_kind(server.read(&mut [0u8; 8]), ErrorKind::WouldBlock);
    assert!(start.elapsed() >= Duration::from_millis(40), "it waited");
}

#[test]
fn try_clone_shares_the_connection_and_is_close_on_exec() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (mut client, mut server) = connected(Place::UnixPath, Type::Stream, &dir);
    let mut twin = client.try_clone().expect("try_clone");
    assert_ne!(twin.handle(), client.handle());
    assert!(is_cloexec(twin.handle()));
    client.write_all(b"one,").unwrap();
    twin.write_all(b"two").unwrap();
    drop(client);
    let mut buf = [0u8; 7];
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"one,two", "both handles write to one connection");
    server.write_all(b"back").unwrap();
    let mut buf = [0u8; 4];
    twin.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"back");
}

#[test]
fn std_streams_and_listeners_convert_into_ours() {
    let _fds = fd_check();
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = SocketAddr::from(std_listener.local_addr().unwrap());
    let mut ours = Posix.connect(&addr).expect("our client to a std listener");
    bounded(&mut ours);
    let (std_conn, _) = std_listener.accept().unwrap();
    let mut theirs = anysock::posix::Stream::from(std_conn);
    bounded(&mut theirs);
    ours.write_all(b"from ours").unwrap();
    let mut buf = [0u8; 9];
    theirs.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"from ours");

    let mut listener = anysock::posix::Listener::from(std_listener);
    bounded(&mut listener);
    let _std_client = std::net::TcpStream::connect(addr.as_inet().unwrap()).unwrap();
    let (_conn, peer) = listener
        .accept()
        .expect("accept on a converted std listener");
    assert_eq!(peer.domain(), Domain::Inet);

    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let (mut a, mut b) = (
        anysock::posix::Stream::from(a),
        anysock::posix::Stream::from(b),
    );
    bounded(&mut b);
    a.write_all(b"pair").unwrap();
    let mut buf = [0u8; 4];
    b.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"pair");
}
