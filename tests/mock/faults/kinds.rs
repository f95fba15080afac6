//! Faults on the mock network, one kind at a time: what each does to the traffic it hits, on
//! the virtual clock, from a seed or at an exact point.

use crate::mock_common;

use anysock::Endpoint as _;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::mock::trace::ConnId;
use anysock::mock::{FaultPlan, Net, Script, SYN_TIMEOUT};
use anysock::opt::{RecvTimeout, SocketError};
use anysock::{
    Datagram as _, Error, ErrorKind, Interest, Listener as _, PollFd, Pollable, SockOpt,
    Socket as _, Stack as _, Type, Wait,
};

use mock_common::{addr, two_hosts};

const MS: Duration = Duration::from_millis(1);

/// Receives every datagram that is readable now, without waiting.
fn drain(sock: &mut anysock::mock::Datagram<'_>) -> Vec<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    sock.set_nonblocking(true).unwrap();
    while let Ok(r) = sock.recv(&mut buf) {
        got.push(buf[..r.len].to_vec());
    }
    got
}

#[test]
fn with_all_datagrams_lost_nothing_arrives() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    net.set_faults(FaultPlan::new().loss(1_000_000));
    let mut server = b.bind(&addr("10.0.0.2:9")).unwrap();
    let mut client = a.bind(&addr("0.0.0.0:0")).unwrap();
    for _ in 0..10 {
        assert_eq!(client.send_to(b"x", &addr("10.0.0.2:9")).unwrap(), 1);
    }
    assert!(drain(&mut server).is_empty());
    // A host's traffic with itself is not touched by the network's plan.
    let mut local = b.bind(&addr("0.0.0.0:0")).unwrap();
    local.send_to(b"self", &addr("10.0.0.2:9")).unwrap();
    assert_eq!(drain(&mut server), [b"self".to_vec()]);
}

#[test]
fn a_delayed_datagram_is_readable_only_when_the_clock_reaches_it() {
    let net: Net = Net::with_seed(7);
    let (a, b) = two_hosts(&net);
    net.set_faults(FaultPlan::new().latency(10 * MS..20 * MS));
    let mut server = b.bind(&addr("10.0.0.2:9")).unwrap();
    let mut client = a.bind(&addr("0.0.0.0:0")).unwrap();
    client.send_to(b"late", &addr("10.0.0.2:9")).unwrap();
    let mut buf = [0u8; 8];
    server.set_nonblocking(true).unwrap();
    assert_eq!(
        server.recv(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock,
        "not there yet"
    );
    assert_eq!(net.now(), Duration::ZERO);
    server.set_nonblocking(false).unwrap();

    // poll waits for the arrival, not a moment longer.
    let mut fds = [PollFd::new(server.handle(), Interest::READABLE)];
    assert_eq!(b.poll(&mut fds, Some(Duration::from_secs(1))).unwrap(), 1);
    let arrival = net.now();
    assert!((10 * MS..20 * MS).contains(&arrival), "{arrival:?}");
    assert_eq!(server.recv(&mut buf).unwrap().len, 4);

    // A blocking recv without a timeout waits for a datagram on its way (it will come).
    client.send_to(b"wait", &addr("10.0.0.2:9")).unwrap();
    assert_eq!(server.recv(&mut buf).unwrap().len, 4);
    let arrival = net.now();

    // With a timeout, it waits for a datagram on its way when it comes within the timeout...
    client.send_to(b"again", &addr("10.0.0.2:9")).unwrap();
    server.set(RecvTimeout, Some(MS)).unwrap();
    assert_eq!(
        server.recv(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    assert_eq!(net.now(), arrival + MS, "only the timeout passed");
    server
        .set(RecvTimeout, Some(Duration::from_secs(1)))
        .unwrap();
    assert_eq!(server.recv(&mut buf).unwrap().len, 5);
    let waited = net.now() - arrival;
    assert!((10 * MS..20 * MS).contains(&waited), "{waited:?}");
}

#[test]
fn delayed_stream_bytes_keep_their_order_and_the_end_comes_after_them() {
    let net: Net = Net::with_seed(3);
    let (a, b) = two_hosts(&net);
    net.set_faults(FaultPlan::new().latency(5 * MS..50 * MS));
    let mut listener = b.listen(&addr("10.0.0.2:80"), 1).unwrap();
    let mut conn = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    for chunk in [b"one ".as_slice(), b"two ", b"three"] {
        conn.write_all(chunk).unwrap();
    }
    drop(conn);
    server.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 32];
    assert_eq!(
        server.read(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock,
        "neither the bytes nor the FIN are there yet"
    );
    let mut got = Vec::new();
    loop {
        let mut fds = [PollFd::new(server.handle(), Interest::READABLE)];
        assert_eq!(b.poll(&mut fds, None).unwrap(), 1);
        match server.read(&mut buf).unwrap() {
            0 => break,
            n => got.extend_from_slice(&buf[..n]),
        }
    }
    assert_eq!(got, b"one two three");
    assert!(net.now() >= 5 * MS && net.now() < 50 * MS);
}

#[test]
fn duplicated_datagrams_arrive_twice_and_reordered_ones_overtake() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let mut server = b.bind(&addr("10.0.0.2:9")).unwrap();
    let mut client = a.bind(&addr("0.0.0.0:0")).unwrap();
    net.set_faults_between(a, b, FaultPlan::new().duplicate(1_000_000));
    client.send_to(b"1", &addr("10.0.0.2:9")).unwrap();
    assert_eq!(drain(&mut server), [b"1".to_vec(), b"1".to_vec()]);

    net.set_faults_between(a, b, FaultPlan::new().reorder(1_000_000));
    for d in [b"1", b"2", b"3"] {
        client.send_to(d, &addr("10.0.0.2:9")).unwrap();
    }
    // Each one goes ahead of the last one from the same sender still queued.
    assert_eq!(
        drain(&mut server),
        [b"2".to_vec(), b"3".to_vec(), b"1".to_vec()]
    );
}

#[test]
fn short_reads_and_writes_never_lose_a_byte() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    net.set_faults(FaultPlan::new().max_chunk(7));
    let mut listener = b.listen(&addr("10.0.0.2:80"), 1).unwrap();
    let mut conn = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    let message: Vec<u8> = (0..100u8).collect();
    assert_eq!(conn.write(&message).unwrap(), 7, "one chunk per call");
    conn.write_all(&message[7..]).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while got.len() < message.len() {
        let n = server.read(&mut buf).unwrap();
        assert!(n <= 7, "read {n}");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, message);
}

#[test]
fn a_reset_after_n_bytes_gives_the_peer_exactly_n_bytes() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    net.set_faults(FaultPlan::new().reset_after(10));
    let mut listener = b.listen(&addr("10.0.0.2:80"), 1).unwrap();
    let mut conn = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    assert_eq!(conn.write(b"0123456789abcdef").unwrap(), 10);
    assert_eq!(
        conn.write(b"more").unwrap_err().kind(),
        ErrorKind::ConnectionReset
    );
    assert_eq!(
        conn.write(b"more").unwrap_err().kind(),
        ErrorKind::BrokenPipe
    );
    let mut buf = [0u8; 32];
    assert_eq!(server.read(&mut buf).unwrap(), 10);
    assert_eq!(&buf[..10], b"0123456789");
    assert_eq!(
        server.read(&mut buf).unwrap_err().kind(),
        ErrorKind::ConnectionReset
    );
    assert_eq!(server.read(&mut buf).unwrap(), 0);
}

#[test]
fn scripts_hit_the_exact_datagram_and_connection() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    net.script(Script::lose(a, b, 3)).unwrap();
    net.script(Script::reset(ConnId(1), 4)).unwrap();
    assert_eq!(
        net.script(Script::lose(a, b, 0)).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );

    let mut server = b.bind(&addr("10.0.0.2:9")).unwrap();
    let mut client = a.bind(&addr("0.0.0.0:0")).unwrap();
    for d in [b"1", b"2", b"3", b"4", b"5"] {
        client.send_to(d, &addr("10.0.0.2:9")).unwrap();
    }
    let got: Vec<Vec<u8>> = drain(&mut server);
    assert_eq!(
        got,
        [b"1".to_vec(), b"2".to_vec(), b"4".to_vec(), b"5".to_vec()]
    );

    let mut listener = b.listen(&addr("10.0.0.2:80"), 2).unwrap();
    let mut first = a.connect(&addr("10.0.0.2:80")).unwrap(); // #0
    let mut second = a.connect(&addr("10.0.0.2:80")).unwrap(); // #1
    let (_s0, _) = listener.accept().unwrap();
    let (mut s1, _) = listener.accept().unwrap();
    assert_eq!(first.write(b"untouched").unwrap(), 9);
    assert_eq!(second.write(b"cut here").unwrap(), 4);
    let mut buf = [0u8; 16];
    assert_eq!(s1.read(&mut buf).unwrap(), 4);
    assert_eq!(
        s1.read(&mut buf).unwrap_err().kind(),
        ErrorKind::ConnectionReset
    );

    // A script for a connection that exists takes effect at once.
    net.script(Script::reset(ConnId(0), 12)).unwrap();
    assert_eq!(first.write(b"0123456789").unwrap(), 3);
}

#[test]
fn a_partition_loses_datagrams_holds_stream_bytes_and_heals() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let mut listener = b.listen(&addr("10.0.0.2:80"), 4).unwrap();
    let mut conn = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    let mut udp_server = b.bind(&addr("10.0.0.2:9")).unwrap();
    let mut udp_client = a.bind(&addr("0.0.0.0:0")).unwrap();

    net.partition(a, b);
    assert!(net.is_partitioned(b, a));
    udp_client.send_to(b"lost", &addr("10.0.0.2:9")).unwrap();
    conn.write_all(b"held").unwrap();
    server
        .set(RecvTimeout, Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(
        server.read(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    assert_eq!(net.now(), Duration::from_secs(5), "waited out its timeout");

    // A connection attempt across the cut retries its SYN...
    let mut late = a.socket(anysock::Domain::Inet, Type::Stream).unwrap();
    late.set_nonblocking(true).unwrap();
    assert_eq!(
        late.connect(&addr("10.0.0.2:80")).unwrap_err().kind(),
        ErrorKind::InProgress
    );
    assert_eq!(
        listener.accept().unwrap_err(),
        Error::deadlock(Wait::Connection)
    );

    net.heal(a, b);
    assert!(drain(&mut udp_server).is_empty(), "lost, not held");
    assert_eq!(server.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"held");
    // ...and gets through once the link is back.
    assert!(listener.accept().is_ok());
    assert_eq!(late.get(SocketError).unwrap(), None);

    // A blocking connect across a cut times out as Linux's does when its SYNs go unanswered.
    net.partition(a, b);
    let before = net.now();
    assert_eq!(
        a.connect(&addr("10.0.0.2:80")).unwrap_err().kind(),
        ErrorKind::TimedOut
    );
    assert_eq!(net.now() - before, SYN_TIMEOUT);
}

#[test]
fn a_crashed_host_resets_its_peers_and_can_start_again() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let mut listener = b.listen(&addr("10.0.0.2:80"), 4).unwrap();
    let mut conn = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    let _waiting = a.connect(&addr("10.0.0.2:80")).unwrap();
    server.write_all(b"last words").unwrap();

    net.crash(b);
    let mut buf = [0u8; 16];
    assert_eq!(
        conn.read(&mut buf).unwrap(),
        10,
        "what arrived stays readable"
    );
    assert_eq!(
        conn.read(&mut buf).unwrap_err().kind(),
        ErrorKind::ConnectionReset
    );
    assert_eq!(
        server.read(&mut buf).unwrap_err().kind(),
        ErrorKind::BadDescriptor,
        "the crashed host's sockets are gone"
    );
    assert_eq!(
        listener.accept().unwrap_err().kind(),
        ErrorKind::BadDescriptor
    );
    // The host comes back: its port is free again.
    let mut again = b.listen(&addr("10.0.0.2:80"), 4).unwrap();
    let _c = a.connect(&addr("10.0.0.2:80")).unwrap();
    assert!(again.accept().is_ok());
}
