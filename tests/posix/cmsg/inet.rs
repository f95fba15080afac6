//! Typed ancillary data on real sockets, Linux loopback: the destination address and interface
//! of a received datagram and the source chosen on send (`IP_PKTINFO`, `IPV6_PKTINFO`),
//! receive timestamps, TOS / traffic class, TTL / hop limit, the sender's credentials on a Unix
//! socket, and UDP segmentation offload on both sides (`UDP_SEGMENT`, `UDP_GRO`).
#![cfg(target_os = "linux")]

use crate::common;

use anysock::Endpoint as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anysock::cmsg::{Ancillary, Cmsg, Credentials, PktInfo};
use anysock::opt;
use anysock::posix::{self, cmsg, Posix};
use anysock::{
    Datagram as _, IoVec, IoVecMut, MsgIo, RecvMeta, RecvMsg, SendMsg, SockOpt, Socket as _,
    SocketAddr, Stack as _, Type,
};

use common::{bounded, fd_check};

/// A bound UDP socket with timeouts.
fn udp(addr: &str) -> posix::Datagram {
    let mut s = Posix.bind(&addr.parse().unwrap()).expect("bind");
    bounded(&mut s);
    s
}

/// Sends `data` to `to` with `control` messages.
fn send_with(s: &mut posix::Datagram, data: &[u8], to: &SocketAddr, control: &[Cmsg<'_, &[i32]>]) {
    let mut space = [0u8; 256];
    let len = posix::Datagram::encode_control(&mut space, control).expect("encode");
    let iov = IoVec::<1>::from_slices(&[data]).unwrap();
    let sent = s
        .send_msg(&SendMsg::new(iov).to(to).control(&space[..len]))
        .expect("send_msg");
    assert_eq!(sent, data.len());
}

/// An owned copy of a received typed message (descriptors not expected here).
#[derive(Debug, PartialEq)]
enum Got {
    Msg(Cmsg<'static, ()>),
    Raw(i32, i32, Vec<u8>),
}

/// Receives one datagram into `buf`, with every message that came along.
fn recv_with(s: &mut posix::Datagram, buf: &mut [u8]) -> (RecvMeta, Vec<Got>) {
    let mut control = [0u8; 512];
    let mut iov = IoVecMut::<1>::new();
    iov.push(buf).unwrap();
    let (meta, received) = s
        .recv_msg_control(&mut RecvMsg::new(iov), &mut control)
        .expect("recv_msg_control");
    let got = received
        .map(|item| match item.expect("a well-formed message") {
            Cmsg::Raw { level, ty, data } => Got::Raw(level, ty, data.to_vec()),
            Cmsg::Rights(_) => panic!("no descriptors on UDP"),
            Cmsg::Credentials(c) => Got::Msg(Cmsg::Credentials(c)),
            Cmsg::PktInfo(p) => Got::Msg(Cmsg::PktInfo(p)),
            Cmsg::Timestamp(t) => Got::Msg(Cmsg::Timestamp(t)),
            Cmsg::TimestampNs(t) => Got::Msg(Cmsg::TimestampNs(t)),
            Cmsg::Tos(v) => Got::Msg(Cmsg::Tos(v)),
            Cmsg::TrafficClass(v) => Got::Msg(Cmsg::TrafficClass(v)),
            Cmsg::Ttl(v) => Got::Msg(Cmsg::Ttl(v)),
            Cmsg::HopLimit(v) => Got::Msg(Cmsg::HopLimit(v)),
            Cmsg::UdpSegment(v) => Got::Msg(Cmsg::UdpSegment(v)),
            Cmsg::UdpGro(v) => Got::Msg(Cmsg::UdpGro(v)),
            _ => panic!("a message this test does not know"),
        })
        .collect();
    (meta, got)
}

/// The interface index of loopback.
fn lo_index() -> u32 {
    std::fs::read_to_string("/sys/class/net/lo/ifindex")
        .expect("lo's index")
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn pktinfo_tells_the_destination_of_a_datagram_on_a_wildcard_socket() {
    let _fds = fd_check();
    let mut rx = udp("0.0.0.0:0");
    rx.set(opt::PktInfo, true).unwrap();
    let port = rx.local_addr().unwrap().port().unwrap();
    let mut tx = udp("127.0.0.1:0");
    let to: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    send_with(&mut tx, b"v4", &to, &[]);
    let mut buf = [0u8; 8];
    let (meta, got) = recv_with(&mut rx, &mut buf);
    assert_eq!(meta.len, 2);
    let want = PktInfo {
        addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
        ifindex: lo_index(),
    };
    assert_eq!(got, [Got::Msg(Cmsg::PktInfo(want))]);
}

#[test]
fn ipv6_pktinfo_tells_the_destination_too() {
    let _fds = fd_check();
    let mut rx = udp("[::]:0");
    rx.set(opt::RecvPktInfo, true).unwrap();
    let port = rx.local_addr().unwrap().port().unwrap();
    let mut tx = udp("[::1]:0");
    send_with(
        &mut tx,
        b"v6",
        &format!("[::1]:{port}").parse().unwrap(),
        &[],
    );
    let mut buf = [0u8; 8];
    let (_, got) = recv_with(&mut rx, &mut buf);
    let want = PktInfo {
        addr: IpAddr::V6(Ipv6Addr::LOCALHOST),
        ifindex: lo_index(),
    };
    assert_eq!(got, [Got::Msg(Cmsg::PktInfo(want))]);
}

#[test]
fn pktinfo_on_send_chooses_the_source_address() {
    let _fds = fd_check();
    let mut rx = udp("127.0.0.1:0");
    let to = rx.local_addr().unwrap();
    let mut tx = udp("0.0.0.0:0");
    let source = Ipv4Addr::new(127, 0, 0, 2);
    let info = PktInfo {
        addr: IpAddr::V4(source),
        ifindex: 0,
    };
    send_with(&mut tx, b"from .2", &to, &[Cmsg::PktInfo(info)]);
    let mut buf = [0u8; 16];
    let (got, from) = rx.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..got.len], b"from .2");
    assert_eq!(
        from,
        format!("127.0.0.2:{}", tx.local_addr().unwrap().port().unwrap())
            .parse()
            .unwrap()
    );
}

#[test]
fn timestamps_come_in_micro_and_nanoseconds() {
    let _fds = fd_check();
    let mut rx = udp("127.0.0.1:0");
    rx.set(opt::Timestamp, true).unwrap();
    let to = rx.local_addr().unwrap();
    let mut tx = udp("127.0.0.1:0");
    let now = || SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let near = |t: anysock::cmsg::Timestamp, before: Duration, after: Duration| {
        let t = t.since_epoch().expect("after the epoch");
        // The kernel's clock and ours may differ by a tick.
        let slack = Duration::from_millis(20);
        assert!(
            t + slack >= before && t <= after + slack,
            "{t:?} not in {before:?}..{after:?}"
        );
    };

    let before = now();
    send_with(&mut tx, b"t", &to, &[]);
    let mut buf = [0u8; 4];
    let (_, got) = recv_with(&mut rx, &mut buf);
    let after = now();
    match &got[..] {
        [Got::Msg(Cmsg::Timestamp(t))] => {
            assert_eq!(t.nanos % 1000, 0, "microseconds");
            near(*t, before, after);
        }
        other => panic!("{other:?}"),
    }

    rx.set(opt::Timestamp, false).unwrap();
    rx.set(opt::TimestampNs, true).unwrap();
    let before = now();
    send_with(&mut tx, b"t", &to, &[]);
    let (_, got) = recv_with(&mut rx, &mut buf);
    let after = now();
    match &got[..] {
        [Got::Msg(Cmsg::TimestampNs(t))] => near(*t, before, after),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tos_and_ttl_are_received_and_set_per_datagram() {
    let _fds = fd_check();
    let mut rx = udp("127.0.0.1:0");
    rx.set(opt::RecvTos, true).unwrap();
    rx.set(opt::RecvTtl, true).unwrap();
    let to = rx.local_addr().unwrap();
    let mut tx = udp("127.0.0.1:0");
    let mut buf = [0u8; 4];

    send_with(&mut tx, b"d", &to, &[]);
    let (_, got) = recv_with(&mut rx, &mut buf);
    assert!(got.contains(&Got::Msg(Cmsg::Tos(0))), "{got:?}");
    assert!(got.contains(&Got::Msg(Cmsg::Ttl(64))), "{got:?}");

    send_with(&mut tx, b"d", &to, &[Cmsg::Tos(0x28), Cmsg::Ttl(7)]);
    let (_, got) = recv_with(&mut rx, &mut buf);
    assert!(got.contains(&Got::Msg(Cmsg::Tos(0x28))), "{got:?}");
    assert!(got.contains(&Got::Msg(Cmsg::Ttl(7))), "{got:?}");
}

#[test]
fn traffic_class_and_hop_limit_are_received_and_set_per_datagram() {
    let _fds = fd_check();
    let mut rx = udp("[::1]:0");
    rx.set(opt::RecvTrafficClass, true).unwrap();
    rx.set(opt::RecvHopLimit, true).unwrap();
    let to = rx.local_addr().unwrap();
    let mut tx = udp("[::1]:0");
    let mut buf = [0u8; 4];

    send_with(
        &mut tx,
        b"d",
        &to,
        &[Cmsg::TrafficClass(0x20), Cmsg::HopLimit(5)],
    );
    let (_, got) = recv_with(&mut rx, &mut buf);
    assert!(got.contains(&Got::Msg(Cmsg::TrafficClass(0x20))), "{got:?}");
    assert!(got.contains(&Got::Msg(Cmsg::HopLimit(5))), "{got:?}");
}

#[test]
fn unix_messages_carry_the_senders_credentials() {
    let _fds = fd_check();
    let (a, b) = Posix.socketpair(Type::Datagram).unwrap();
    let (mut a, mut b) = (a.into_datagram().unwrap(), b.into_datagram().unwrap());
    b.set(opt::PassCredentials, true).unwrap();
    let me = std::fs::metadata("/proc/self").unwrap();
    let ours = Credentials {
        pid: std::process::id() as i32,
        uid: me.uid(),
        gid: me.gid(),
    };

    // Sent without asking: the kernel attaches them.
    a.send(b"who").unwrap();
    let mut buf = [0u8; 4];
    let (_, got) = recv_with(&mut b, &mut buf);
    assert_eq!(got, [Got::Msg(Cmsg::Credentials(ours))]);

    // Sent explicitly: the kernel checks and passes them on.
    let mut space = [0u8; cmsg::space_of(&Cmsg::Credentials(Credentials {
        pid: 0,
        uid: 0,
        gid: 0,
    }))];
    let len = posix::Datagram::encode_control(&mut space, &[Cmsg::Credentials(ours)]).unwrap();
    let iov = IoVec::<1>::from_slices(&[b"me"]).unwrap();
    a.send_msg(&SendMsg::new(iov).control(&space[..len]))
        .unwrap();
    let (_, got) = recv_with(&mut b, &mut buf);
    assert_eq!(got, [Got::Msg(Cmsg::Credentials(ours))]);

    // Someone else's pid is refused by the kernel, before anything is sent.
    let forged = Credentials { pid: 1, ..ours };
    if ours.uid != 0 {
        let len =
            posix::Datagram::encode_control(&mut space, &[Cmsg::Credentials(forged)]).unwrap();
        let iov = IoVec::<1>::from_slices(&[b"no"]).unwrap();
        assert!(a
            .send_msg(&SendMsg::new(iov).control(&space[..len]))
            .is_err());
    }
}

#[test]
fn udp_segmentation_sends_one_buffer_as_many_datagrams() {
    let _fds = fd_check();
    let mut rx = udp("127.0.0.1:0");
    let to = rx.local_addr().unwrap();
    let mut tx = udp("127.0.0.1:0");
    let data: Vec<u8> = (0..2500u32).map(|i| i as u8).collect();
    let mut space = [0u8; 64];
    let len = posix::Datagram::encode_control(&mut space, &[Cmsg::UdpSegment(1000)]).unwrap();
    let iov = IoVec::<1>::from_slices(&[&data]).unwrap();
    match tx.send_msg(&SendMsg::new(iov).to(&to).control(&space[..len])) {
        Ok(n) => assert_eq!(n, data.len()),
        Err(e) => {
            eprintln!("UDP_SEGMENT unavailable on this kernel ({e}); skipped");
            return;
        }
    }
    let mut buf = [0u8; 4000];
    let mut at = 0;
    for want in [1000, 1000, 500] {
        let got = rx.recv(&mut buf).unwrap();
        assert_eq!(got.len, want);
        assert_eq!(&buf[..want], &data[at..at + want]);
        at += want;
    }
}

#[test]
fn udp_gro_receives_segments_as_one_buffer_with_their_size() {
    let _fds = fd_check();
    let mut rx = udp("127.0.0.1:0");
    let one = 1i32.to_ne_bytes();
    if rx
        .set_raw_option(libc::SOL_UDP, libc::UDP_GRO, &one)
        .is_err()
    {
        eprintln!("UDP_GRO unavailable on this kernel; skipped");
        return;
    }
    let to = rx.local_addr().unwrap();
    let mut tx = udp("127.0.0.1:0");
    let data: Vec<u8> = (0..3000u32).map(|i| (i * 7) as u8).collect();
    let mut space = [0u8; 64];
    let len = posix::Datagram::encode_control(&mut space, &[Cmsg::UdpSegment(1000)]).unwrap();
    let iov = IoVec::<1>::from_slices(&[&data]).unwrap();
    if tx
        .send_msg(&SendMsg::new(iov).to(&to).control(&space[..len]))
        .is_err()
    {
        eprintln!("UDP_SEGMENT unavailable on this kernel; skipped");
        return;
    }
    let mut buf = [0u8; 4000];
    let (meta, got) = recv_with(&mut rx, &mut buf);
    if got.is_empty() {
        // Loopback handed the segments over one by one: the kernel did no GRO here.
        assert_eq!(meta.len, 1000);
        eprintln!("no GRO on this loopback; segments arrived one by one");
        return;
    }
    assert_eq!(got, [Got::Msg(Cmsg::UdpGro(1000))]);
    assert_eq!(meta.len, 3000);
    assert_eq!(&buf[..3000], &data[..]);
}
