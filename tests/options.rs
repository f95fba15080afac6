//! Typed `setsockopt`/`getsockopt` round trips for every option anysock names, on the sockets
//! each applies to, plus the raw `(level, name, bytes)` escape hatch.

mod common;

use std::fmt::Debug;
use std::time::Duration;

use anysock::opt::{
    AcceptConn, Broadcast, Gettable, KeepAlive, Linger, NoDelay, RecvBufferSize, RecvTimeout,
    ReuseAddr, ReusePort, SendBufferSize, SendTimeout, Settable, SockOption, SocketError,
    SocketType, Ttl, UnicastHops, V6Only,
};
use anysock::posix::{self, Posix};
use anysock::{Domain, ErrorKind, SockOpt, Stack as _, Type};

use common::{assert_kind, fd_check, round_trip, socket};

#[test]
fn boolean_socket_level_options_round_trip() {
    let _fds = fd_check();
    for (domain, ty) in [
        (Domain::Inet, Type::Stream),
        (Domain::Inet6, Type::Datagram),
    ] {
        let mut s = socket(domain, ty);
        assert!(!s.get(ReuseAddr).unwrap(), "off by default");
        round_trip(&mut s, ReuseAddr, &[true, false]);
        round_trip(&mut s, ReusePort, &[true, false]);
        round_trip(&mut s, KeepAlive, &[true, false]);
        round_trip(&mut s, Broadcast, &[true, false]);
    }
}

#[test]
fn linger_round_trips_in_whole_seconds() {
    let _fds = fd_check();
    let mut s = socket(Domain::Inet, Type::Stream);
    assert_eq!(s.get(Linger).unwrap(), None, "off by default");
    round_trip(
        &mut s,
        Linger,
        &[Some(Duration::from_secs(5)), Some(Duration::ZERO), None],
    );
    // The kernel keeps whole seconds; the option rounds a fraction up rather than to zero,
    // which would turn a graceful close into a reset.
    s.set(Linger, Some(Duration::from_millis(1500))).unwrap();
    assert_eq!(s.get(Linger).unwrap(), Some(Duration::from_secs(2)));
    s.set(Linger, Some(Duration::from_millis(1))).unwrap();
    assert_eq!(s.get(Linger).unwrap(), Some(Duration::from_secs(1)));
}

#[test]
fn buffer_sizes_come_back_doubled_as_linux_does() {
    let _fds = fd_check();
    for (domain, ty) in [
        (Domain::Inet, Type::Stream),
        (Domain::Inet6, Type::Datagram),
        (Domain::Unix, Type::Stream),
        (Domain::Unix, Type::SeqPacket),
    ] {
        let mut s = socket(domain, ty);
        // Small enough to be under any `net.core.[rw]mem_max`, big enough to be over the
        // minimum the kernel enforces; Linux stores twice the value for its bookkeeping.
        s.set(RecvBufferSize, 16384).unwrap();
        assert_eq!(s.get(RecvBufferSize).unwrap(), 32768, "{domain} {ty}");
        s.set(SendBufferSize, 24576).unwrap();
        assert_eq!(s.get(SendBufferSize).unwrap(), 49152, "{domain} {ty}");
    }
}

/// `SO_RCVTIMEO` and `SO_SNDTIMEO` share their encoding and their rules.
fn timeout_story<O>(opt: O)
where
    posix::Socket: SockOpt<O>,
    O: SockOption<Value = Option<Duration>> + Settable + Gettable + Debug,
{
    let mut s = socket(Domain::Unix, Type::Stream);
    assert_eq!(s.get(opt).unwrap(), None, "{opt:?}: no timeout by default");
    // Whole seconds come back exactly whatever the kernel's tick (HZ) is.
    let whole = [
        Some(Duration::from_secs(3)),
        None,
        Some(Duration::from_secs(1)),
    ];
    round_trip(&mut s, opt, &whole);

    // The kernel reads zero as "wait for ever": refused, and the last value stays.
    assert_kind(s.set(opt, Some(Duration::ZERO)), ErrorKind::InvalidInput);
    assert_eq!(s.get(opt).unwrap(), Some(Duration::from_secs(1)), "{opt:?}");

    // A microsecond is less than a tick: it rounds up to one tick, not down to "for ever".
    s.set(opt, Some(Duration::from_micros(1))).unwrap();
    let got = s.get(opt).unwrap().expect("still a timeout");
    assert!(
        got > Duration::ZERO && got <= Duration::from_millis(10),
        "{opt:?}: {got:?}"
    );

    // A fraction of a second comes back within one tick (10 ms at the coarsest HZ, 100).
    s.set(opt, Some(Duration::from_millis(1234))).unwrap();
    let got = s.get(opt).unwrap().expect("still a timeout");
    let off = got.abs_diff(Duration::from_millis(1234));
    assert!(off <= Duration::from_millis(10), "{opt:?}: {got:?}");
}

#[test]
fn receive_timeout_round_trips_and_refuses_zero() {
    let _fds = fd_check();
    timeout_story(RecvTimeout);
}

#[test]
fn send_timeout_round_trips_and_refuses_zero() {
    let _fds = fd_check();
    timeout_story(SendTimeout);
}

#[test]
fn tcp_no_delay_on_both_ip_versions_and_nowhere_else() {
    let _fds = fd_check();
    for domain in [Domain::Inet, Domain::Inet6] {
        let mut s = socket(domain, Type::Stream);
        assert!(!s.get(NoDelay).unwrap(), "Nagle is on by default");
        round_trip(&mut s, NoDelay, &[true, false]);
    }
    // TCP_NODELAY is a TCP option: a Unix socket does not have it.
    let mut unix = socket(Domain::Unix, Type::Stream);
    assert_kind(unix.set(NoDelay, true), ErrorKind::Unsupported);
}

#[test]
fn hop_limits_and_v6_only() {
    let _fds = fd_check();
    for ty in [Type::Stream, Type::Datagram] {
        let mut v4 = socket(Domain::Inet, ty);
        round_trip(&mut v4, Ttl, &[1, 42, 255]);
        assert_kind(v4.set(Ttl, 256), ErrorKind::InvalidInput);
        assert_kind(v4.set(Ttl, 0), ErrorKind::InvalidInput);

        let mut v6 = socket(Domain::Inet6, ty);
        round_trip(&mut v6, UnicastHops, &[1, 42, 255]);
        assert_kind(v6.set(UnicastHops, 256), ErrorKind::InvalidInput);
        round_trip(&mut v6, V6Only, &[true, false]);
    }
}

#[test]
fn read_only_options_describe_the_socket() {
    let _fds = fd_check();
    for (domain, ty) in [
        (Domain::Inet, Type::Stream),
        (Domain::Inet, Type::Datagram),
        (Domain::Inet6, Type::Stream),
        (Domain::Inet6, Type::Datagram),
        (Domain::Unix, Type::Stream),
        (Domain::Unix, Type::Datagram),
        (Domain::Unix, Type::SeqPacket),
    ] {
        let s = socket(domain, ty);
        assert_eq!(s.get(SocketType).unwrap(), ty, "{domain}");
        assert_eq!(
            s.get(SocketError).unwrap(),
            None,
            "{domain} {ty}: a fresh socket"
        );
        assert!(!s.get(AcceptConn).unwrap(), "{domain} {ty}");
    }
    let addr = anysock::SocketAddr::loopback(Domain::Inet).unwrap();
    let listener = Posix.listen(&addr, 1).unwrap();
    assert!(listener.get(AcceptConn).unwrap());
    assert_eq!(listener.get(SocketType).unwrap(), Type::Stream);
    assert!(
        listener.get(ReuseAddr).unwrap(),
        "Stack::listen sets SO_REUSEADDR, as std does"
    );
}

#[test]
fn options_read_through_every_socket_type_we_hand_out() {
    let _fds = fd_check();
    let listener = Posix.listen(&"127.0.0.1:0".parse().unwrap(), 1).unwrap();
    let addr = anysock::Endpoint::local_addr(&listener).unwrap();
    let mut stream = Posix.connect(&addr).unwrap();
    round_trip(&mut stream, NoDelay, &[true]);
    assert_eq!(stream.get(SocketType).unwrap(), Type::Stream);
    let mut dgram = Posix.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    round_trip(&mut dgram, Broadcast, &[true]);
    assert_eq!(dgram.get(SocketType).unwrap(), Type::Datagram);
}

#[test]
fn raw_options_agree_with_typed_ones() {
    let _fds = fd_check();
    let mut s = socket(Domain::Inet, Type::Stream);
    let one = 1i32.to_ne_bytes();
    s.set_raw_option(libc::SOL_SOCKET, libc::SO_KEEPALIVE, &one)
        .expect("raw setsockopt");
    assert!(
        s.get(KeepAlive).unwrap(),
        "the typed view sees the raw write"
    );

    s.set(Ttl, 77).unwrap();
    let mut buf = [0u8; 4];
    let n = s
        .get_raw_option(libc::IPPROTO_IP, libc::IP_TTL, &mut buf)
        .expect("raw getsockopt");
    assert_eq!(
        (n, i32::from_ne_bytes(buf)),
        (4, 77),
        "the raw view sees the typed write"
    );

    let n = s
        .get_raw_option(libc::SOL_SOCKET, libc::SO_TYPE, &mut buf)
        .unwrap();
    assert_eq!((n, i32::from_ne_bytes(buf)), (4, libc::SOCK_STREAM));

    // An option the kernel does not know is ENOPROTOOPT: Unsupported.
    let e = s.get_raw_option(libc::SOL_SOCKET, 0x7fff, &mut buf);
    let e = assert_kind(e, ErrorKind::Unsupported);
    assert_eq!(e.raw_os_error(), Some(libc::ENOPROTOOPT));
}
