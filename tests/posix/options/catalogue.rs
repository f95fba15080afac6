//! The option catalogue on the POSIX backend: every option beyond the first sixteen (those are
//! the conformance suite's option groups) set to a value other than its default and read back,
//! read-only ones checked against what they must say, group memberships joined and left, the
//! bad inputs each refused with its exact kind, and multicast delivered inside a network
//! namespace of the test's own.

use crate::netns;
use crate::{common, system};

use anysock::Endpoint as _;
use std::env;
use std::fs;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4};
use std::time::Duration;

use anysock::opt::*;
use anysock::posix::{self, Posix};
use anysock::{Datagram as _, Domain, ErrorKind, Listener as _, SockOpt, Socket as _};
use anysock::{SocketAddr, Stack as _, Type};

use common::{abstract_addr, assert_kind, bounded, fd_check, round_trip, socket};
use netns::NetNs;

fn is_root() -> bool {
    // SAFETY: `geteuid` reads the process's credentials and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The index of `lo` (`if_nametoindex`).
fn loopback_index() -> u32 {
    // SAFETY: the argument is a NUL-terminated string that outlives the call.
    let index = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    assert_ne!(index, 0, "no loopback interface");
    index
}

fn name(text: &str) -> IfName {
    IfName::new(text).expect("a valid interface name")
}

fn algorithm(text: &str) -> CongestionName {
    CongestionName::new(text).expect("a valid algorithm name")
}

#[test]
fn read_only_options_name_the_socket_and_the_peer() {
    let _fds = fd_check();
    for (domain, ty, protocol) in [
        (Domain::Inet, Type::Stream, libc::IPPROTO_TCP),
        (Domain::Inet, Type::Datagram, libc::IPPROTO_UDP),
        (Domain::Inet6, Type::Stream, libc::IPPROTO_TCP),
        (Domain::Inet6, Type::Datagram, libc::IPPROTO_UDP),
        (Domain::Unix, Type::Stream, 0),
        (Domain::Unix, Type::SeqPacket, 0),
    ] {
        let s = socket(domain, ty);
        assert_eq!(s.get(SocketDomain).unwrap(), domain, "{domain} {ty}");
        assert_eq!(
            s.get(SocketProtocol).unwrap(),
            protocol as u32,
            "{domain} {ty}"
        );
    }

    // SO_PEERCRED of a socketpair is this very process.
    // SAFETY: these calls read the process's ids and cannot fail.
    let me = unsafe {
        Credentials {
            pid: libc::getpid() as u32,
            uid: libc::getuid(),
            gid: libc::getgid(),
        }
    };
    let (a, b) = Posix.socketpair(Type::Stream).unwrap();
    assert_eq!(a.get(PeerCredentials).unwrap(), me);
    assert_eq!(b.get(PeerCredentials).unwrap(), me);

    // ... and of a connection, both ends, seen from either side.
    let addr = abstract_addr("peercred");
    let mut listener = Posix.listen(&addr, 1).unwrap();
    let client = Posix.connect(&addr).unwrap();
    let (server, _) = listener.accept().unwrap();
    assert_eq!(client.get(PeerCredentials).unwrap(), me);
    assert_eq!(server.get(PeerCredentials).unwrap(), me);
}

#[test]
fn socket_level_options_round_trip() {
    let _fds = fd_check();
    for (domain, ty) in [
        (Domain::Inet, Type::Datagram),
        (Domain::Inet6, Type::Stream),
        (Domain::Unix, Type::Datagram),
    ] {
        let mut s = socket(domain, ty);
        round_trip(&mut s, Timestamp, &[true, false]);
        round_trip(&mut s, TimestampNs, &[true, false]);
        round_trip(&mut s, OobInline, &[true, false]);
        round_trip(&mut s, Priority, &[3, 6, 0]);
        round_trip(&mut s, RecvLowat, &[100, 1]);
        // Linux keeps at least one byte as the low-water mark.
        s.set(RecvLowat, 0).unwrap();
        assert_eq!(s.get(RecvLowat).unwrap(), 1, "{domain} {ty}");
    }

    // Credentials travel over Unix sockets only. Linux 6.16 and later also refuse to store
    // the flag on other sockets, where older kernels kept it and never used it.
    for ty in [Type::Stream, Type::Datagram, Type::SeqPacket] {
        let mut s = socket(Domain::Unix, ty);
        assert!(!s.get(PassCredentials).unwrap(), "off by default");
        round_trip(&mut s, PassCredentials, &[true, false]);
    }
    let mut udp = socket(Domain::Inet, Type::Datagram);
    match udp.set(PassCredentials, true) {
        Ok(()) => assert!(udp.get(PassCredentials).unwrap()),
        Err(e) => assert_eq!(e.kind(), ErrorKind::Unsupported),
    }

    // The two timestamp options are one setting in Linux: asking for nanoseconds takes the
    // microsecond form away, and the other way round.
    let mut s = socket(Domain::Inet, Type::Datagram);
    s.set(Timestamp, true).unwrap();
    s.set(TimestampNs, true).unwrap();
    assert_eq!(
        (s.get(Timestamp).unwrap(), s.get(TimestampNs).unwrap()),
        (false, true)
    );
    s.set(Timestamp, true).unwrap();
    assert_eq!(
        (s.get(Timestamp).unwrap(), s.get(TimestampNs).unwrap()),
        (true, false)
    );
}

#[test]
fn mark_needs_cap_net_admin() {
    let _fds = fd_check();
    let mut s = socket(Domain::Inet, Type::Datagram);
    assert_eq!(s.get(Mark).unwrap(), 0, "no mark by default");
    if is_root() {
        // All 32 bits, including the one that would make a C `int` negative.
        round_trip(&mut s, Mark, &[0x1234_5678, u32::MAX, 0]);
    } else {
        assert_kind(s.set(Mark, 7), ErrorKind::PermissionDenied);
    }
}

#[test]
fn bind_to_device_takes_a_name_and_none_unbinds() {
    let _fds = fd_check();
    for (domain, ty) in [
        (Domain::Inet, Type::Datagram),
        (Domain::Inet6, Type::Stream),
    ] {
        let mut s = socket(domain, ty);
        assert_eq!(s.get(BindToDevice).unwrap(), None, "unbound by default");
        round_trip(&mut s, BindToDevice, &[Some(name("lo"))]);
        // Since Linux 5.7 anyone may bind an unbound socket; changing or removing the binding
        // still needs CAP_NET_RAW.
        if is_root() {
            round_trip(&mut s, BindToDevice, &[None]);
        } else {
            assert_kind(s.set(BindToDevice, None), ErrorKind::PermissionDenied);
        }
    }
    // A socket bound to `lo` still talks over loopback.
    let mut rx = socket(Domain::Inet, Type::Datagram);
    rx.set(BindToDevice, Some(name("lo"))).unwrap();
    rx.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    let mut rx = rx.into_datagram().unwrap();
    bounded(&mut rx);
    let mut tx = Posix.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    tx.send_to(b"via lo", &rx.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 16];
    let (got, _) = rx.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..got.len], b"via lo");
}

#[test]
fn tcp_options_round_trip() {
    let _fds = fd_check();
    for domain in [Domain::Inet, Domain::Inet6] {
        let mut s = socket(domain, Type::Stream);
        round_trip(
            &mut s,
            KeepIdle,
            &[Duration::from_secs(60), Duration::from_secs(1)],
        );
        round_trip(&mut s, KeepInterval, &[Duration::from_secs(5)]);
        round_trip(&mut s, KeepCount, &[3, 127]);
        // Whole seconds: a fraction rounds up, never down to the refused zero.
        s.set(KeepIdle, Duration::from_millis(1500)).unwrap();
        assert_eq!(s.get(KeepIdle).unwrap(), Duration::from_secs(2));
        s.set(KeepInterval, Duration::from_millis(1)).unwrap();
        assert_eq!(s.get(KeepInterval).unwrap(), Duration::from_secs(1));

        assert_eq!(s.get(UserTimeout).unwrap(), None, "the system default");
        round_trip(
            &mut s,
            UserTimeout,
            &[Some(Duration::from_millis(2500)), None],
        );
        s.set(UserTimeout, Some(Duration::from_micros(1))).unwrap();
        assert_eq!(s.get(UserTimeout).unwrap(), Some(Duration::from_millis(1)));

        round_trip(&mut s, Cork, &[true, false]);
        round_trip(&mut s, QuickAck, &[false, true]);
        // Before `connect`, the segment size asked for is what reads back.
        round_trip(&mut s, MaxSegment, &[1000, 536]);
        round_trip(&mut s, FastOpen, &[5, 0]);
    }

    // TCP Fast Open's queue is a property of the listener; it stays after `listen`.
    let mut s = socket(Domain::Inet, Type::Stream);
    s.set(FastOpen, 16).unwrap();
    s.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    let mut listener = s.listen(4).unwrap();
    assert_eq!(listener.get(FastOpen).unwrap(), 16);
    round_trip(&mut listener, FastOpen, &[32]);

    // On a connection, TCP_MAXSEG reads the segment size in use: loopback's MTU of 65536
    // allows far more than the 536-byte default of an unconnected socket.
    let addr = listener.local_addr().unwrap();
    let client = Posix.connect(&addr).unwrap();
    let mss = client.get(MaxSegment).unwrap();
    assert!((536..=65_535).contains(&mss), "{mss}");
}

/// The algorithms listed in `/proc/sys/net/ipv4/tcp_<which>_congestion_control`.
fn algorithms(which: &str) -> Vec<String> {
    fs::read_to_string(format!("/proc/sys/net/ipv4/tcp_{which}_congestion_control"))
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

#[test]
fn congestion_control_is_chosen_by_name() {
    let _fds = fd_check();
    let available = algorithms("available");
    let mut s = socket(Domain::Inet, Type::Stream);
    let default = s.get(Congestion).unwrap();
    assert!(
        available.is_empty() || available.iter().any(|a| default == a.as_str()),
        "default {default} among {available:?}"
    );
    // Reno is built into every Linux kernel, and always allowed.
    round_trip(&mut s, Congestion, &[algorithm("reno")]);
    // Root may choose any algorithm the kernel has; others only the allowed ones, a list
    // that need not hold the default.
    let choosable = if is_root() {
        available
    } else {
        algorithms("allowed")
    };
    for other in &choosable {
        round_trip(&mut s, Congestion, &[algorithm(other)]);
    }
    assert_kind(
        s.set(Congestion, algorithm("no-such-algo")),
        ErrorKind::NotFound,
    );
    // A refused name leaves the algorithm as it was.
    let last = choosable.last().map_or("reno", String::as_str);
    assert_eq!(s.get(Congestion).unwrap(), last);
}

#[test]
fn ipv4_options_round_trip() {
    let _fds = fd_check();
    let mut s = socket(Domain::Inet, Type::Datagram);
    round_trip(&mut s, Tos, &[0xb8, 0x03, 0xff, 0]);
    round_trip(&mut s, MulticastTtl, &[0, 7, 255, 1]);
    round_trip(&mut s, MulticastLoopV4, &[false, true]);
    round_trip(
        &mut s,
        MulticastInterfaceV4,
        &[Ipv4Addr::LOCALHOST, Ipv4Addr::UNSPECIFIED],
    );
    round_trip(&mut s, PktInfo, &[true, false]);
    round_trip(&mut s, RecvTos, &[true, false]);
    round_trip(&mut s, RecvTtl, &[true, false]);
    round_trip(&mut s, Freebind, &[true, false]);

    // On TCP, Linux keeps the two ECN bits of the TOS byte for itself.
    let mut tcp = socket(Domain::Inet, Type::Stream);
    tcp.set(Tos, 0xbb).unwrap();
    assert_eq!(tcp.get(Tos).unwrap(), 0xb8);

    // IP_FREEBIND lets a socket bind an address no interface has (TEST-NET-1); nothing is sent.
    let nowhere: SocketAddr = "192.0.2.1:0".parse().unwrap();
    let mut plain = socket(Domain::Inet, Type::Datagram);
    assert_kind(plain.bind(&nowhere), ErrorKind::AddrNotAvailable);
    let mut free = socket(Domain::Inet, Type::Datagram);
    free.set(Freebind, true).unwrap();
    free.bind(&nowhere).unwrap();
}

#[test]
fn ipv6_options_round_trip() {
    let _fds = fd_check();
    let lo = loopback_index();
    let mut s = socket(Domain::Inet6, Type::Datagram);
    round_trip(&mut s, MulticastHops, &[0, 9, 255, 1]);
    round_trip(&mut s, MulticastLoopV6, &[false, true]);
    round_trip(&mut s, MulticastInterfaceV6, &[lo, 0]);
    round_trip(&mut s, RecvPktInfo, &[true, false]);
    round_trip(&mut s, TrafficClass, &[0xb8, 0xff, 0]);
    round_trip(&mut s, RecvTrafficClass, &[true, false]);
    round_trip(&mut s, RecvHopLimit, &[true, false]);
}

#[test]
fn multicast_groups_are_joined_and_left_on_loopback() {
    let _fds = fd_check();
    let lo = loopback_index();
    let group = Ipv4Addr::new(239, 255, 0, 1);
    let mut s = socket(Domain::Inet, Type::Datagram);
    for interface in [
        InterfaceV4::Address(Ipv4Addr::LOCALHOST),
        InterfaceV4::Index(lo),
    ] {
        let m = MulticastGroupV4::new(group, interface);
        s.set(JoinMulticastV4, m).unwrap();
        assert_kind(s.set(JoinMulticastV4, m), ErrorKind::AddrInUse);
        s.set(LeaveMulticastV4, m).unwrap();
        assert_kind(s.set(LeaveMulticastV4, m), ErrorKind::AddrNotAvailable);
    }

    let group = "ff02::1:ff00:1".parse::<Ipv6Addr>().unwrap();
    let m = MulticastGroupV6::new(group, lo);
    let mut s = socket(Domain::Inet6, Type::Datagram);
    s.set(JoinMulticastV6, m).unwrap();
    assert_kind(s.set(JoinMulticastV6, m), ErrorKind::AddrInUse);
    s.set(LeaveMulticastV6, m).unwrap();
    assert_kind(s.set(LeaveMulticastV6, m), ErrorKind::AddrNotAvailable);
}

/// The bad-input table: each line names what is tried, makes the call, and gives the kind it
/// must fail with. Written as a macro so that each case stays on one line.
macro_rules! refused {
    ($($what:literal: $call:expr => $want:expr;)*) => {
        [$(($what, $call.map(drop), $want)),*]
    };
}

#[test]
fn bad_inputs_are_refused_with_the_right_kind() {
    let _fds = fd_check();
    use ErrorKind::{InvalidInput, NotConnected, NotFound, Other, Unsupported};
    let mut tcp = socket(Domain::Inet, Type::Stream);
    let mut udp = socket(Domain::Inet, Type::Datagram);
    let mut udp6 = socket(Domain::Inet6, Type::Datagram);
    let mut unix = socket(Domain::Unix, Type::Stream);
    let group = Ipv4Addr::new(239, 255, 0, 2);
    let joined = MulticastGroupV4::new(group, InterfaceV4::Any);
    let unicast = MulticastGroupV4::new(Ipv4Addr::LOCALHOST, InterfaceV4::Any);
    let huge_index = MulticastGroupV4::new(group, InterfaceV4::Index(u32::MAX));
    let no_such_index = MulticastGroupV4::new(group, InterfaceV4::Index(999_999));
    let group6 = MulticastGroupV6::new("ff02::2:1".parse().unwrap(), 0);
    let unicast6 = MulticastGroupV6::new(Ipv6Addr::LOCALHOST, 0);
    let zero = Duration::ZERO;
    let too_long = Duration::from_secs(40_000);

    let cases: [(&str, anysock::Result<()>, ErrorKind); 42] = refused! {
        // Names: empty, longer than the kernel keeps, with a NUL inside; never cut.
        "empty interface name": IfName::new("") => InvalidInput;
        "16-byte interface name": IfName::new("abcdefghijklmnop") => InvalidInput;
        "NUL in a name": IfName::new("lo\0x") => InvalidInput;
        "empty algorithm name": CongestionName::new("") => InvalidInput;
        "16-byte algorithm name": CongestionName::new("cubiccubiccubicc") => InvalidInput;
        "non-UTF-8 name": CongestionName::from_bytes(b"\xff") => InvalidInput;
        // Values out of range.
        "TTL 0": udp.set(Ttl, 0) => InvalidInput;
        "TTL 256": udp.set(Ttl, 256) => InvalidInput;
        "multicast TTL 256": udp.set(MulticastTtl, 256) => InvalidInput;
        "multicast hops 256": udp6.set(MulticastHops, 256) => InvalidInput;
        "unicast hops 256": udp6.set(UnicastHops, 256) => InvalidInput;
        "priority over i32": udp.set(Priority, u32::MAX) => InvalidInput;
        "low-water mark over i32": udp.set(RecvLowat, usize::MAX) => InvalidInput;
        "keep-alive idle of zero": tcp.set(KeepIdle, zero) => InvalidInput;
        "keep-alive interval of zero": tcp.set(KeepInterval, zero) => InvalidInput;
        "keep-alive idle over 32767 s": tcp.set(KeepIdle, too_long) => InvalidInput;
        "keep-alive count 0": tcp.set(KeepCount, 0) => InvalidInput;
        "keep-alive count 128": tcp.set(KeepCount, 128) => InvalidInput;
        "user timeout of zero": tcp.set(UserTimeout, Some(zero)) => InvalidInput;
        "user timeout over i32 ms": tcp.set(UserTimeout, Some(Duration::MAX)) => InvalidInput;
        "segment size under 88": tcp.set(MaxSegment, 10) => InvalidInput;
        "unknown algorithm": tcp.set(Congestion, algorithm("nope")) => NotFound;
        "join a unicast group": udp.set(JoinMulticastV4, unicast) => InvalidInput;
        "join on index over i32": udp.set(JoinMulticastV4, huge_index) => InvalidInput;
        "join a unicast v6 group": udp6.set(JoinMulticastV6, unicast6) => InvalidInput;
        // Interfaces that do not exist: ENODEV, reported as NotFound.
        "bind to a missing device": udp.set(BindToDevice, Some(name("anysock-none0"))) => NotFound;
        "join on a missing interface": udp.set(JoinMulticastV4, no_such_index) => NotFound;
        // Options on sockets they do not apply to.
        "TCP_NODELAY on UDP": udp.set(NoDelay, true) => Unsupported;
        "TCP_KEEPIDLE on UDP": udp.get(KeepIdle) => Unsupported;
        "TCP_CONGESTION on UDP": udp.set(Congestion, algorithm("reno")) => Unsupported;
        "TCP_FASTOPEN on UDP": udp.set(FastOpen, 1) => Unsupported;
        "TCP_CORK on Unix": unix.set(Cork, true) => Unsupported;
        "TCP_KEEPCNT on Unix": unix.get(KeepCount) => Unsupported;
        "IP_TOS on Unix": unix.set(Tos, 0x10) => Unsupported;
        "IP_ADD_MEMBERSHIP on Unix": unix.set(JoinMulticastV4, joined) => Unsupported;
        "IPV6_MULTICAST_HOPS on IPv4": udp.set(MulticastHops, 1) => Unsupported;
        "IPV6_TCLASS on IPv4": udp.get(TrafficClass) => Unsupported;
        "IPV6_ADD_MEMBERSHIP on IPv4": udp.set(JoinMulticastV6, group6) => Unsupported;
        "IPV6_RECVPKTINFO on IPv4": tcp.set(RecvPktInfo, true) => Unsupported;
        // Linux answers pid 0 and ids of -1 for a socket without a peer: no one's credentials.
        "SO_PEERCRED on UDP": udp.get(PeerCredentials) => NotConnected;
        "SO_PEERCRED unconnected": unix.get(PeerCredentials) => NotConnected;
        // A membership is a datagram thing: Linux answers EPROTO on TCP.
        "IP_ADD_MEMBERSHIP on TCP": tcp.set(JoinMulticastV4, joined) => Other;
    };
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(_, result, want)| !matches!(result, Err(e) if e.kind() == *want))
        .map(|(what, result, want)| format!("{what}: want {want:?}, got {result:?}"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // A refused value leaves the option as it was.
    tcp.set(KeepIdle, Duration::from_secs(30)).unwrap();
    assert_kind(tcp.set(KeepIdle, zero), InvalidInput);
    assert_eq!(tcp.get(KeepIdle).unwrap(), Duration::from_secs(30));
}

/// Set in the environment of the copy of this binary that runs inside the namespace.
const INSIDE: &str = "ANYSOCK_MULTICAST_NETNS";

#[test]
fn multicast_is_delivered_inside_a_namespace_of_its_own() {
    let _fds = fd_check();
    let Some(ns) = NetNs::create("mc") else {
        return;
    };
    ns.multicast_on_lo();
    let inside = system::test_path(module_path!(), "multicast_inside_the_namespace");
    ns.expect_test(&inside, INSIDE, "multicast: received");
}

/// The half of the story that runs inside the namespace (a no-op anywhere else): join a group
/// on `lo`, receive what is sent to it, leave, and receive nothing more.
#[test]
fn multicast_inside_the_namespace() {
    if env::var_os(INSIDE).is_none() {
        return;
    }
    let _fds = fd_check();
    // Only loopback exists here, so nothing sent can leave the namespace.
    let devices: Vec<_> = fs::read_dir("/sys/class/net")
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(devices, ["lo"], "a namespace with loopback only");
    let lo = loopback_index();

    let group = Ipv4Addr::new(239, 255, 0, 1);
    let membership = MulticastGroupV4::new(group, InterfaceV4::Index(lo));
    let mut rx = Posix.bind(&"0.0.0.0:0".parse().unwrap()).unwrap();
    rx.set(JoinMulticastV4, membership).unwrap();
    let port = rx.local_addr().unwrap().port().unwrap();
    let mut tx = Posix.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    tx.set(MulticastInterfaceV4, Ipv4Addr::LOCALHOST).unwrap();
    // Zero hops: the copy looped back to this host is all there is.
    tx.set(MulticastTtl, 0).unwrap();
    let to = SocketAddr::V4(SocketAddrV4::new(group, port));
    deliver(&mut rx, &mut tx, &to);
    rx.set(LeaveMulticastV4, membership).unwrap();
    nothing_after_leaving(&mut rx, &mut tx, &to);
}

/// A datagram sent to the group `to` reaches the member `rx`, from `tx`.
fn deliver(rx: &mut posix::Datagram, tx: &mut posix::Datagram, to: &SocketAddr) {
    bounded(rx);
    tx.send_to(b"to the group", to).unwrap();
    let mut buf = [0u8; 32];
    let (got, from) = rx.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..got.len], b"to the group");
    assert_eq!(from, tx.local_addr().unwrap());
    println!("multicast: received {} bytes for {to} from {from}", got.len);
}

/// Once `rx` has left the group, what is sent to it no longer arrives.
fn nothing_after_leaving(rx: &mut posix::Datagram, tx: &mut posix::Datagram, to: &SocketAddr) {
    tx.send_to(b"after leaving", to).unwrap();
    rx.set(RecvTimeout, Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 32];
    loop {
        match rx.recv_from(&mut buf) {
            Ok((got, _)) => assert_ne!(&buf[..got.len], b"after leaving", "{to}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::WouldBlock, "{to}");
                break;
            }
        }
    }
}
