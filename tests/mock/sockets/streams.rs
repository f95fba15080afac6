//! Stories of connections on the mock network: connect, accept, bounded buffers, half-close,
//! resets and the listen queue, each as Linux tells it.

use crate::mock_common;

use anysock::Endpoint as _;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::mock::{Net, SYN_TIMEOUT};
use anysock::opt::{Linger, RecvTimeout, SendTimeout, SocketError};
use anysock::{
    Domain, Error, ErrorKind, IoVec, IoVecMut, Listener as _, MsgFlags, MsgIo as _, RecvMsg,
    SendMsg, Shutdown, SockOpt, Socket as _, SocketAddr, Stack as _, Stream as _, Type, UnixAddr,
    Wait,
};

use mock_common::{addr, host, two_hosts};

#[test]
fn a_client_talks_to_a_server_on_another_host() {
    let net: Net = Net::new();
    let (client, server) = two_hosts(&net);
    let mut listener = server.listen(&addr("0.0.0.0:80"), 4).unwrap();
    let mut conn = client.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut accepted, peer) = listener.accept().unwrap();
    assert_eq!(peer, addr("10.0.0.1:49152"), "deterministic ephemeral port");
    assert_eq!(conn.local_addr().unwrap(), peer);
    assert_eq!(conn.peer_addr().unwrap(), addr("10.0.0.2:80"));
    assert_eq!(accepted.local_addr().unwrap(), addr("10.0.0.2:80"));

    conn.write_all(b"ping").unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(accepted.recv(&mut buf, MsgFlags::PEEK).unwrap(), 4);
    assert_eq!(accepted.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"ping");

    // Nothing more is coming and nobody else can run: the blocking read gives up at once.
    assert_eq!(
        accepted.read(&mut buf).unwrap_err(),
        Error::deadlock(Wait::Data)
    );
    // With a timeout it waits it out on the virtual clock first.
    accepted
        .set(RecvTimeout, Some(Duration::from_secs(3)))
        .unwrap();
    assert_eq!(
        accepted.read(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    assert_eq!(net.now(), Duration::from_secs(3));
}

#[test]
fn writes_take_what_fits_then_wait_for_room() {
    let net: Net<8, 64, 4> = Net::new();
    let (a, b) = (
        net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
            .unwrap(),
        net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())
            .unwrap(),
    );
    let mut l = b.listen(&addr("10.0.0.2:7"), 1).unwrap();
    let mut c = a.connect(&addr("10.0.0.2:7")).unwrap();
    let (mut s, _) = l.accept().unwrap();
    assert_eq!(c.write(&[7u8; 100]).unwrap(), 64, "a partial write");
    assert_eq!(c.write(b"x").unwrap_err(), Error::deadlock(Wait::Room));
    c.set(SendTimeout, Some(Duration::from_millis(250)))
        .unwrap();
    assert_eq!(c.write(b"x").unwrap_err().kind(), ErrorKind::WouldBlock);
    assert_eq!(net.now(), Duration::from_millis(250));
    let mut buf = [0u8; 10];
    assert_eq!(s.read(&mut buf).unwrap(), 10);
    assert_eq!(c.write(&[1u8; 100]).unwrap(), 10, "room for what was read");
}

#[test]
fn shutdown_write_ends_the_peers_stream_after_the_data() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let mut l = h.listen(&addr("127.0.0.1:9"), 1).unwrap();
    let mut c = h.connect(&addr("127.0.0.1:9")).unwrap();
    let (mut s, _) = l.accept().unwrap();
    c.write_all(b"abc").unwrap();
    c.shutdown(Shutdown::Write).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(s.read(&mut buf).unwrap(), 3);
    assert_eq!(s.read(&mut buf).unwrap(), 0);
    assert_eq!(c.write(b"z").unwrap_err().kind(), ErrorKind::BrokenPipe);
    // The other direction still works.
    s.write_all(b"q").unwrap();
    assert_eq!(c.read(&mut buf).unwrap(), 1);
}

#[test]
fn shutdown_read_gives_the_queue_then_end_of_stream() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let mut l = h.listen(&addr("127.0.0.1:9"), 1).unwrap();
    let mut c = h.connect(&addr("127.0.0.1:9")).unwrap();
    let (mut s, _) = l.accept().unwrap();
    s.write_all(b"abc").unwrap();
    c.shutdown(Shutdown::Read).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(c.read(&mut buf).unwrap(), 3);
    assert_eq!(c.read(&mut buf).unwrap(), 0);
    // Linux's TCP keeps accepting data after SHUT_RD.
    assert_eq!(s.write(b"more").unwrap(), 4);
    assert_eq!(c.read(&mut buf).unwrap(), 4);
}

#[test]
fn closing_with_unread_data_resets_the_peer() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let mut l = h.listen(&addr("127.0.0.1:9"), 1).unwrap();
    let mut c = h.connect(&addr("127.0.0.1:9")).unwrap();
    let (mut s, _) = l.accept().unwrap();
    s.write_all(b"toc").unwrap();
    c.write_all(b"tos").unwrap();
    drop(c); // "toc" was never read
    let mut buf = [0u8; 8];
    assert_eq!(s.read(&mut buf).unwrap(), 3, "queued data first");
    assert_eq!(
        s.read(&mut buf).unwrap_err().kind(),
        ErrorKind::ConnectionReset
    );
    assert_eq!(s.read(&mut buf).unwrap(), 0);
    assert_eq!(s.write(b"y").unwrap_err().kind(), ErrorKind::BrokenPipe);
    assert_eq!(s.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
}

#[test]
fn linger_zero_resets_and_the_first_write_reports_it() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let mut l = h.listen(&addr("127.0.0.1:9"), 1).unwrap();
    let mut c = h.connect(&addr("127.0.0.1:9")).unwrap();
    let (mut s, _) = l.accept().unwrap();
    c.set(Linger, Some(Duration::ZERO)).unwrap();
    drop(c);
    assert_eq!(
        s.write(b"y").unwrap_err().kind(),
        ErrorKind::ConnectionReset
    );
    assert_eq!(s.read(&mut [0u8; 4]).unwrap(), 0);
    assert_eq!(s.write(b"y").unwrap_err().kind(), ErrorKind::BrokenPipe);
}

#[test]
fn tcp_takes_one_write_after_the_peer_closed_unix_none() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let mut l = h.listen(&addr("127.0.0.1:9"), 1).unwrap();
    let c = h.connect(&addr("127.0.0.1:9")).unwrap();
    let (mut s, _) = l.accept().unwrap();
    drop(c);
    assert_eq!(s.write(b"y").unwrap(), 1);
    assert_eq!(s.write(b"y").unwrap_err().kind(), ErrorKind::BrokenPipe);
    assert_eq!(s.read(&mut [0u8; 4]).unwrap(), 0);

    let path = SocketAddr::Unix(UnixAddr::pathname("/run/x.sock").unwrap());
    let mut l = h.listen(&path, 1).unwrap();
    let c = h.connect(&path).unwrap();
    let (mut s, peer) = l.accept().unwrap();
    assert!(peer.as_unix().unwrap().is_unnamed());
    drop(c);
    assert_eq!(s.write(b"y").unwrap_err().kind(), ErrorKind::BrokenPipe);
    assert_eq!(s.read(&mut [0u8; 4]).unwrap(), 0);
}

#[test]
fn connecting_to_nobody() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let e = h.connect(&addr("127.0.0.1:1")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionRefused);

    let mut s = h.socket(Domain::Inet, Type::Stream).unwrap();
    s.set_nonblocking(true).unwrap();
    assert_eq!(
        s.connect(&addr("127.0.0.1:1")).unwrap_err().kind(),
        ErrorKind::InProgress
    );
    assert_eq!(
        s.get(SocketError).unwrap().map(|e| e.kind()),
        Some(ErrorKind::ConnectionRefused)
    );
    assert_eq!(s.get(SocketError).unwrap(), None, "read and cleared");

    let missing = SocketAddr::Unix(UnixAddr::pathname("/nope").unwrap());
    assert_eq!(h.connect(&missing).unwrap_err().kind(), ErrorKind::NotFound);
    // The path outlives its socket: connecting then is refused, binding it is in use.
    let path = SocketAddr::Unix(UnixAddr::pathname("/run/gone.sock").unwrap());
    drop(h.listen(&path, 1).unwrap());
    assert_eq!(
        h.connect(&path).unwrap_err().kind(),
        ErrorKind::ConnectionRefused
    );
    let mut again = h.socket(Domain::Unix, Type::Stream).unwrap();
    assert_eq!(again.bind(&path).unwrap_err().kind(), ErrorKind::AddrInUse);
    h.unlink(path.as_unix().unwrap()).unwrap();
    again.bind(&path).unwrap();
}

#[test]
fn a_nonblocking_connect_is_in_progress_then_writable() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let _l = h.listen(&addr("127.0.0.1:9"), 1).unwrap();
    let mut s = h.socket(Domain::Inet, Type::Stream).unwrap();
    s.set_nonblocking(true).unwrap();
    assert_eq!(
        s.connect(&addr("127.0.0.1:9")).unwrap_err().kind(),
        ErrorKind::InProgress
    );
    let mut fds = [anysock::PollFd::new(
        anysock::Pollable::handle(&s),
        anysock::Interest::WRITABLE,
    )];
    assert_eq!(h.poll(&mut fds, Some(Duration::ZERO)).unwrap(), 1);
    assert!(fds[0].ready().is_writable() && !fds[0].ready().is_error());
    assert_eq!(s.get(SocketError).unwrap(), None);
    s.connect(&addr("127.0.0.1:9")).unwrap(); // reports success once
    assert_eq!(
        s.connect(&addr("127.0.0.1:9")).unwrap_err().kind(),
        ErrorKind::AlreadyConnected
    );
}

#[test]
fn backlog_plus_one_wait_then_syns_are_dropped() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let mut l = h.listen(&addr("127.0.0.1:9"), 1).unwrap();
    let _c1 = h.connect(&addr("127.0.0.1:9")).unwrap();
    let _c2 = h.connect(&addr("127.0.0.1:9")).unwrap();
    // The third SYN is dropped: a blocking connect retries until SYN_TIMEOUT.
    let e = h.connect(&addr("127.0.0.1:9")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TimedOut);
    assert_eq!(net.now(), SYN_TIMEOUT);

    // Non-blocking: in progress, and let in once an accept makes room (FIFO).
    let mut late = h.socket(Domain::Inet, Type::Stream).unwrap();
    late.set_nonblocking(true).unwrap();
    assert_eq!(
        late.connect(&addr("127.0.0.1:9")).unwrap_err().kind(),
        ErrorKind::InProgress
    );
    let (_a1, p1) = l.accept().unwrap();
    assert_eq!(p1.port(), Some(49152), "the first connection first");
    late.connect(&addr("127.0.0.1:9")).unwrap();
}

#[test]
fn a_connect_to_a_full_unix_queue_waits_for_an_accept_nobody_makes() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let path = SocketAddr::Unix(UnixAddr::abstract_name("q").unwrap());
    let _l = h.listen(&path, 0).unwrap();
    let _c1 = h.connect(&path).unwrap();
    assert_eq!(
        h.connect(&path).unwrap_err(),
        Error::deadlock(Wait::Connect)
    );
    let mut c2 = h.socket(Domain::Unix, Type::Stream).unwrap();
    c2.set_nonblocking(true).unwrap();
    assert_eq!(c2.connect(&path).unwrap_err().kind(), ErrorKind::WouldBlock);
}

#[test]
fn closing_a_listener_resets_its_queue() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let l = h.listen(&addr("127.0.0.1:9"), 4).unwrap();
    let mut c = h.connect(&addr("127.0.0.1:9")).unwrap();
    c.write_all(b"hi").unwrap();
    drop(l);
    let mut buf = [0u8; 4];
    assert_eq!(
        c.read(&mut buf).unwrap_err().kind(),
        ErrorKind::ConnectionReset
    );
    assert_eq!(c.read(&mut buf).unwrap(), 0);
    assert_eq!(c.write(b"x").unwrap_err().kind(), ErrorKind::BrokenPipe);
    assert_eq!(net.open_sockets(), 1, "the queued connection is gone");
}

#[test]
fn a_dual_stack_listener_takes_ipv4() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let mut l = b.listen(&addr("[::]:80"), 4).unwrap();
    let _c = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (s, peer) = l.accept().unwrap();
    assert_eq!(peer, addr("[::ffff:10.0.0.1]:49152"));
    assert_eq!(s.local_addr().unwrap(), addr("[::ffff:10.0.0.2]:80"));

    let mut only = b.socket(Domain::Inet6, Type::Stream).unwrap();
    only.set(anysock::opt::V6Only, true).unwrap();
    only.bind(&addr("[::]:81")).unwrap();
    let _l6 = only.listen(4).unwrap();
    assert_eq!(
        a.connect(&addr("10.0.0.2:81")).unwrap_err().kind(),
        ErrorKind::ConnectionRefused
    );
    assert!(a.connect(&addr("[fd00::2]:81")).is_ok());
}

#[test]
fn socketpairs_are_connected_and_unnamed() {
    let net: Net = Net::new();
    let (h, _) = two_hosts(&net);
    let (a, b) = h.socketpair(Type::Stream).unwrap();
    let (mut a, mut b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
    a.write_all(b"hola").unwrap();
    let mut buf = [0u8; 4];
    b.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hola");
    assert!(a.peer_addr().unwrap().as_unix().unwrap().is_unnamed());
}

#[test]
fn running_out_of_sockets() {
    let net: Net<2> = Net::new();
    let h = host(&net);
    let _a = h.socket(Domain::Inet, Type::Stream).unwrap();
    let _b = h.socket(Domain::Inet, Type::Stream).unwrap();
    let e = h.socket(Domain::Inet, Type::Stream).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooManyOpenFiles);
}

#[test]
fn seqpacket_keeps_records_and_reports_a_cut_one() {
    let net: Net<8, 64, 2> = Net::new();
    let h = host(&net);
    let (a, b) = h.socketpair(Type::SeqPacket).unwrap();
    let (mut a, mut b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
    assert_eq!(a.write(b"first record").unwrap(), 12);
    assert_eq!(a.write(b"2").unwrap(), 1);
    assert_eq!(
        a.write(b"3").unwrap_err(),
        Error::deadlock(Wait::Room),
        "queue of 2"
    );
    assert_eq!(
        a.write(&[0u8; 65]).unwrap_err().kind(),
        ErrorKind::MessageTooLong
    );
    let mut buf = [0u8; 5];
    assert_eq!(
        b.read(&mut buf).unwrap_err().kind(),
        ErrorKind::MessageTooLong
    );
    assert_eq!(&buf, b"first");
    assert_eq!(b.read(&mut buf).unwrap(), 1);
    assert_eq!(
        h.socket(Domain::Inet, Type::SeqPacket).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
}

/// One thread drives the network, so a blocking stream call that only the peer could end
/// would wait for ever: each fails at once with `Deadlock`, saying what it waited for, while
/// the same call non-blocking says `WouldBlock`, and with a timeout waits it out first.
#[test]
fn a_blocking_call_nobody_can_complete_is_a_deadlock_that_says_what_it_waited_for() {
    let net: Net<8, 64, 1> = Net::new();
    let h = host(&net);
    let mut listener = h.listen(&addr("127.0.0.1:80"), 0).unwrap();
    let mut client = h.connect(&addr("127.0.0.1:80")).unwrap();
    let (mut server, _) = listener.accept().unwrap();

    let accept = listener.accept().map(drop).unwrap_err();
    assert_eq!(accept, Error::deadlock(Wait::Connection));
    assert_eq!(
        accept.to_string(),
        "would wait for ever: waits for a connection to accept, and nothing else can run"
    );

    let mut buf = [0u8; 8];
    let data = Error::deadlock(Wait::Data);
    assert_eq!(server.read(&mut buf).unwrap_err(), data);
    assert_eq!(server.recv(&mut buf, MsgFlags::NONE).unwrap_err(), data);
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut buf).unwrap();
    assert_eq!(server.recv_msg(&mut RecvMsg::new(iov)).unwrap_err(), data);

    // The queue holds 64 bytes: the rest of a write waits for a reader.
    assert_eq!(client.write(&[1; 100]).unwrap(), 64);
    let room = Error::deadlock(Wait::Room);
    assert_eq!(client.write(b"x").unwrap_err(), room);
    assert_eq!(client.send(b"x", MsgFlags::NONE).unwrap_err(), room);
    let msg = SendMsg::new(IoVec::<1>::from_slices(&[b"x"]).unwrap());
    assert_eq!(client.send_msg(&msg).unwrap_err(), room);
    // DONTWAIT, and a non-blocking socket, say WouldBlock instead.
    let dontwait = client.send(b"x", MsgFlags::DONTWAIT).unwrap_err();
    assert_eq!(dontwait.kind(), ErrorKind::WouldBlock);
    client.set_nonblocking(true).unwrap();
    assert_eq!(
        client.write(b"x").unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    server.set_nonblocking(true).unwrap();
    assert_eq!(
        server
            .recv_msg(&mut RecvMsg::new(IoVecMut::<1>::new()))
            .unwrap()
            .len,
        0
    );

    // A Unix connect to a full listen queue waits for an accept.
    let path = SocketAddr::Unix(UnixAddr::abstract_name("full").unwrap());
    let _unix = h.listen(&path, 0).unwrap();
    let _first = h.connect(&path).unwrap();
    assert_eq!(
        h.connect(&path).map(drop).unwrap_err(),
        Error::deadlock(Wait::Connect)
    );
    assert_eq!(net.now(), Duration::ZERO, "no call moved the clock");
}

/// A call on a stream whose `connect` is still unanswered (its SYNs dropped by a full
/// backlog) needs nobody: the SYNs time out by themselves. Blocking, it waits for that on the
/// virtual clock and reports the connect's outcome, or gives up after its own timeout.
#[test]
fn a_blocking_call_on_a_connecting_stream_waits_for_the_connect_to_time_out() {
    let net: Net = Net::new();
    let h = host(&net);
    let _listener = h.listen(&addr("127.0.0.1:80"), 0).unwrap();
    let _queued = h.connect(&addr("127.0.0.1:80")).unwrap();
    let mut connecting = h.socket(Domain::Inet, Type::Stream).unwrap();
    connecting.set_nonblocking(true).unwrap();
    let refused = connecting.connect(&addr("127.0.0.1:80")).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InProgress, "the SYN is dropped");
    let mut stream = connecting.into_stream().unwrap();
    stream.set_nonblocking(false).unwrap();

    stream
        .set(SendTimeout, Some(Duration::from_secs(1)))
        .unwrap();
    assert_eq!(
        stream.write(b"x").unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    assert_eq!(
        net.now(),
        Duration::from_secs(1),
        "its own timeout came first"
    );

    let mut buf = [0u8; 4];
    assert_eq!(
        stream.read(&mut buf).unwrap_err().kind(),
        ErrorKind::TimedOut
    );
    assert_eq!(net.now(), SYN_TIMEOUT, "the SYNs went unanswered");
}
