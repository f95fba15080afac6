//! Ancillary data on the mock network: sockets passed between "processes" over Unix sockets
//! and used there, the reference counts that keep a passed socket open exactly as long as a
//! handle or a message holds it, control buffers too small, packet info and credentials with
//! their simulated values, the checks made before anything is sent, and the control decoder
//! fed garbage.

use crate::data::{fill, Rng};
use crate::mock_common;

use anysock::cmsg::{Ancillary, Cmsg, Credentials, PktInfo};
use anysock::embedded_io::{Read, Write};
use anysock::mock::cmsg::{self, ControlReader, ControlWriter};
use anysock::mock::{self, Handle, Host, Net};
use anysock::opt::{PassCredentials, PktInfo as PktInfoOpt, RecvPktInfo};
use anysock::{
    Datagram as _, Domain, Endpoint, Error, ErrorKind, IoVec, IoVecMut, Listener as _, MsgFlags,
    MsgIo, Pollable, RecvMeta, RecvMsg, SendMsg, SockOpt, Socket as _, Stack as _, Type, Wait,
};

use mock_common::{addr, host};

type Dgram<'n> = mock::Datagram<'n>;
type Stream<'n> = mock::Stream<'n>;

fn dgram_pair<'n>(h: &Host<'n>) -> (Dgram<'n>, Dgram<'n>) {
    let (a, b) = h.socketpair(Type::Datagram).unwrap();
    (a.into_datagram().unwrap(), b.into_datagram().unwrap())
}

fn stream_pair<'n>(h: &Host<'n>) -> (Stream<'n>, Stream<'n>) {
    let (a, b) = h.socketpair(Type::Stream).unwrap();
    (a.into_stream().unwrap(), b.into_stream().unwrap())
}

/// Sends `data` with `msgs` as control data.
fn send_with<S: Ancillary<Handle = Handle>>(
    s: &mut S,
    data: &[u8],
    msgs: &[Cmsg<'_, &[Handle]>],
) -> anysock::Result<usize> {
    let mut space = [0u8; 256];
    let len = S::encode_control(&mut space, msgs)?;
    let iov = IoVec::<1>::from_slices(&[data]).unwrap();
    s.send_msg(&SendMsg::new(iov).control(&space[..len]))
}

/// What one receive brought: its report and the sockets passed, as owned values.
fn recv_passed<'n, S>(
    s: &mut S,
    buf: &mut [u8],
    room: usize,
) -> (
    RecvMeta,
    Vec<mock::cmsg::PassedSocket<'n>>,
    Vec<Credentials>,
    Vec<PktInfo>,
)
where
    S: Ancillary<Handle = Handle>,
    for<'c> S: Ancillary<ReceivedFds<'c> = mock::cmsg::ReceivedSockets<'c, 'n>>,
{
    let mut control = vec![0u8; room];
    let mut iov = IoVecMut::<1>::new();
    iov.push(buf).unwrap();
    let (meta, received) = s
        .recv_msg_control(&mut RecvMsg::new(iov), &mut control)
        .expect("recv_msg_control");
    let (mut passed, mut creds, mut info) = (Vec::new(), Vec::new(), Vec::new());
    for item in received {
        match item.expect("a well-formed message") {
            Cmsg::Rights(fds) => passed.extend(fds),
            Cmsg::Credentials(c) => creds.push(c),
            Cmsg::PktInfo(p) => info.push(p),
            other => panic!("unexpected {other:?}"),
        }
    }
    (meta, passed, creds, info)
}

#[test]
fn a_listener_passed_to_another_process_accepts_there() {
    let net: Net = Net::new();
    let h = host(&net);
    let (mut parent, mut child) = dgram_pair(&h);
    let listener = h.listen(&addr("10.0.0.1:80"), 4).unwrap();
    send_with(&mut parent, b"L", &[Cmsg::Rights(&[listener.handle()])]).unwrap();
    drop(listener);
    assert_eq!(
        net.open_sockets(),
        3,
        "the listener is in flight, still open"
    );

    let (_, mut passed, _, _) = recv_passed(&mut child, &mut [0u8; 1], 64);
    let mut listener = passed.pop().unwrap().into_listener().unwrap();
    let mut client = h.connect(&addr("10.0.0.1:80")).unwrap();
    let (mut conn, _) = listener.accept().unwrap();
    client.write_all(b"ping").unwrap();
    let mut buf = [0u8; 4];
    conn.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ping");
}

#[test]
fn a_stream_passed_over_a_unix_stream_keeps_its_connection_and_queued_bytes() {
    let net: Net = Net::new();
    let h = host(&net);
    let (mut a, mut b) = stream_pair(&h);
    let (mut left, mut right) = stream_pair(&h);
    right.write_all(b"queued").unwrap();
    a.write_all(b"ab").unwrap();
    send_with(&mut a, b"cd", &[Cmsg::Rights(&[left.handle()])]).unwrap();
    a.write_all(b"ef").unwrap();

    // The read that reaches the bytes sent with the socket takes it, and ends with them.
    let mut buf = [0u8; 16];
    let (meta, mut passed, _, _) = recv_passed(&mut b, &mut buf, 64);
    assert_eq!(&buf[..meta.len], b"abcd");
    assert_eq!(passed.len(), 1);
    assert_eq!(b.read(&mut buf).unwrap(), 2, "the rest comes next");

    // The sender's handle still works: it is the same socket.
    left.write_all(b"from the sender").unwrap();
    let mut got = [0u8; 15];
    right.read_exact(&mut got).unwrap();
    drop(left);
    let mut moved = passed.pop().unwrap().into_stream().unwrap();
    let mut q = [0u8; 6];
    moved.read_exact(&mut q).unwrap();
    assert_eq!(&q, b"queued", "the bytes queued before the move are there");
    moved.write_all(b"!").unwrap();
    right.read_exact(&mut q[..1]).unwrap();
    drop(moved);
    assert_eq!(right.read(&mut q).unwrap(), 0, "the last handle closed it");
}

#[test]
fn a_passed_socket_closes_with_its_last_handle() {
    let net: Net = Net::new();
    let h = host(&net);
    let (mut a, mut b) = dgram_pair(&h);
    let (left, mut right) = stream_pair(&h);
    send_with(
        &mut a,
        b"x",
        &[Cmsg::Rights(&[left.handle(), left.handle()])],
    )
    .unwrap();
    let (_, passed, _, _) = recv_passed(&mut b, &mut [0u8; 1], 64);
    assert_eq!(passed.len(), 2, "one socket passed twice is two handles");
    drop(left);
    let mut buf = [0u8; 1];
    assert_eq!(
        right.read(&mut buf).unwrap_err(),
        Error::deadlock(Wait::Data),
        "still open: nothing to read, and nobody else to write"
    );
    drop(passed);
    assert_eq!(right.read(&mut buf).unwrap(), 0);
    assert_eq!(net.open_sockets(), 3);
}

#[test]
fn unclaimed_and_cut_sockets_are_closed() {
    let net: Net = Net::new();
    let h = host(&net);
    let (mut a, mut b) = dgram_pair(&h);
    let pairs: Vec<_> = (0..3).map(|_| stream_pair(&h)).collect();
    let base = net.open_sockets();
    let handles: Vec<Handle> = pairs.iter().map(|(l, _)| l.handle()).collect();
    let (lefts, mut rights): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
    for _ in 0..3 {
        send_with(&mut a, b"x", &[Cmsg::Rights(&handles)]).unwrap();
    }
    drop(lefts);
    assert_eq!(net.open_sockets(), base, "in flight, all three stay open");

    // Never iterated: dropped with the decoder.
    let mut control = [0u8; cmsg::space_for_rights(3)];
    let mut data = [0u8; 1];
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut data).unwrap();
    let (meta, received) = b
        .recv_msg_control(&mut RecvMsg::new(iov), &mut control)
        .unwrap();
    assert_eq!(meta.control_len, cmsg::space_for_rights(3));
    drop(received);
    assert_eq!(net.open_sockets(), base, "two more messages hold them");

    // Room for one: it is delivered, two are closed, the cut reported.
    let (meta, passed, _, _) = recv_passed(&mut b, &mut [0u8; 1], cmsg::space_for_rights(1));
    assert!(meta.flags.contains(MsgFlags::CTRUNC));
    assert_eq!(passed.len(), 1);
    drop(passed);

    // A raw recv_msg keeps nothing: the handles read as closed.
    let mut control = [0u8; 64];
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut data).unwrap();
    let mut msg = RecvMsg::new(iov).control(&mut control);
    let meta = b.recv_msg(&mut msg).unwrap();
    let items: Vec<_> = ControlReader::new(&control[..meta.control_len]).collect();
    match &items[..] {
        [Ok(Cmsg::Rights(raw))] => assert!(raw.clone().all(|h| h.is_none()) && raw.len() == 3),
        other => panic!("{other:?}"),
    }
    assert_eq!(net.open_sockets(), base - 3);
    for r in &mut rights {
        assert_eq!(r.read(&mut [0u8; 1]).unwrap(), 0);
    }
}

#[test]
fn a_socket_only_its_own_queue_holds_is_collected() {
    let net: Net = Net::new();
    let h = host(&net);
    {
        let (mut a, b) = dgram_pair(&h);
        // b travels to itself: once both owners are gone, nothing can ever receive it.
        send_with(&mut a, b"loop", &[Cmsg::Rights(&[b.handle()])]).unwrap();
        let (mut c, d) = dgram_pair(&h);
        let both = [c.handle(), d.handle()];
        send_with(&mut c, b"x", &[Cmsg::Rights(&both)]).unwrap();
    }
    assert_eq!(net.open_sockets(), 0, "cycles through queues are collected");
}

#[test]
fn a_crash_releases_what_its_queues_held() {
    let net: Net = Net::new();
    let h = host(&net);
    let (mut a, b) = dgram_pair(&h);
    let (left, _right) = stream_pair(&h);
    send_with(&mut a, b"x", &[Cmsg::Rights(&[left.handle()])]).unwrap();
    net.crash(h);
    assert_eq!(net.open_sockets(), 0);
    drop((a, b, left));
    assert_eq!(net.open_sockets(), 0);
}

#[test]
fn what_cannot_be_sent_fails_before_anything_is_sent() {
    let net: Net = Net::new();
    let h = host(&net);
    let other = net
        .host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())
        .unwrap();
    let (mut a, mut b) = dgram_pair(&h);
    let s = h.socket(Domain::Inet, Type::Stream).unwrap();
    let kind = |r: anysock::Result<usize>| r.unwrap_err().kind();

    let nine = [s.handle(); cmsg::MAX_RIGHTS + 1];
    let mut space = [0u8; 512];
    assert_eq!(
        Dgram::encode_control(&mut space, &[Cmsg::Rights(&nine)])
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput,
        "more sockets than a message carries"
    );
    // Two messages adding up to too many are refused by the send.
    let mut w = ControlWriter::new(&mut space);
    w.push(&Cmsg::Rights(&nine[..5])).unwrap();
    w.push(&Cmsg::Rights(&nine[..5])).unwrap();
    let iov = IoVec::<1>::from_slices(&[b"x"]).unwrap();
    let sent = a.send_msg(&SendMsg::new(iov).control(w.as_bytes()));
    assert_eq!(kind(sent), ErrorKind::InvalidInput);
    assert_eq!(
        Dgram::encode_control(&mut [0u8; 10], &[Cmsg::Rights(&nine[..1])])
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput,
        "a control buffer too small"
    );
    let ts = Cmsg::Timestamp(anysock::cmsg::Timestamp { secs: 0, nanos: 0 });
    assert_eq!(Dgram::control_space(&ts), 0);
    assert_eq!(
        Dgram::encode_control(&mut space, &[ts]).unwrap_err().kind(),
        ErrorKind::Unsupported
    );

    let stale = {
        let gone = h.socket(Domain::Unix, Type::Stream).unwrap();
        gone.handle()
    };
    assert_eq!(
        kind(send_with(&mut a, b"x", &[Cmsg::Rights(&[stale])])),
        ErrorKind::BadDescriptor
    );
    let theirs = other.socket(Domain::Inet, Type::Stream).unwrap();
    let far = [theirs.handle()];
    assert_eq!(
        kind(send_with(&mut a, b"x", &[Cmsg::Rights(&far)])),
        ErrorKind::BadDescriptor
    );
    let raw = Cmsg::Raw {
        level: 1,
        ty: 99,
        data: b"?",
    };
    assert_eq!(
        kind(send_with(&mut a, b"x", &[raw])),
        ErrorKind::InvalidInput
    );
    let mut junk = [0xffu8; 13];
    junk[..4].copy_from_slice(&13u32.to_le_bytes());
    let iov = IoVec::<1>::from_slices(&[b"x"]).unwrap();
    assert_eq!(
        kind(a.send_msg(&SendMsg::new(iov).control(&junk[..5]))),
        ErrorKind::InvalidInput
    );

    // Rights and credentials on Internet sockets (Linux ignores them there).
    let mut udp = h.bind(&addr("127.0.0.1:0")).unwrap();
    let to = udp.local_addr().unwrap();
    let mut space = [0u8; 64];
    let len = Dgram::encode_control(&mut space, &[Cmsg::Rights(&[s.handle()])]).unwrap();
    let iov = IoVec::<1>::from_slices(&[b"x"]).unwrap();
    let msg = SendMsg::new(iov).to(&to).control(&space[..len]);
    assert_eq!(kind(udp.send_msg(&msg)), ErrorKind::InvalidInput);
    let me = h.credentials();
    assert_eq!(
        kind(send_with(&mut udp, b"x", &[Cmsg::Credentials(me)])),
        ErrorKind::InvalidInput
    );
    let mut listener = h.listen(&addr("10.0.0.1:80"), 1).unwrap();
    let mut tcp = h.connect(&addr("10.0.0.1:80")).unwrap();
    let _conn = listener.accept().unwrap();
    assert_eq!(
        kind(send_with(&mut tcp, b"x", &[Cmsg::Rights(&[s.handle()])])),
        ErrorKind::InvalidInput
    );

    // A process may name only itself; a Unix stream cannot pass sockets with no byte.
    let forged = Credentials { pid: 1, ..me };
    assert_eq!(
        kind(send_with(&mut a, b"x", &[Cmsg::Credentials(forged)])),
        ErrorKind::PermissionDenied
    );
    let (mut sa, _sb) = stream_pair(&h);
    assert_eq!(
        kind(send_with(&mut sa, b"", &[Cmsg::Rights(&[s.handle()])])),
        ErrorKind::InvalidInput
    );

    assert_eq!(
        b.recv(&mut [0u8; 4]).unwrap_err(),
        Error::deadlock(Wait::Data),
        "nothing was sent"
    );
    assert_eq!(
        udp.recv(&mut [0u8; 4]).unwrap_err(),
        Error::deadlock(Wait::Data)
    );
}

#[test]
fn messages_carrying_sockets_in_flight_are_bounded() {
    let net: Net = Net::new();
    let h = host(&net);
    let pairs: Vec<_> = (0..3).map(|_| dgram_pair(&h)).collect();
    let (mut pairs, s) = (pairs, h.socket(Domain::Unix, Type::Stream).unwrap());
    let mut sent = 0;
    let err = 'fill: loop {
        for (a, _) in &mut pairs {
            match send_with(a, b"x", &[Cmsg::Rights(&[s.handle()])]) {
                Ok(_) => sent += 1,
                Err(e) => break 'fill e,
            }
        }
    };
    assert_eq!(sent, cmsg::MAX_IN_FLIGHT);
    assert_eq!(err.kind(), ErrorKind::TooManyOpenFiles);
    // Receiving makes room again.
    let (_, passed, _, _) = recv_passed(&mut pairs[0].1, &mut [0u8; 1], 64);
    drop(passed);
    send_with(&mut pairs[0].0, b"x", &[Cmsg::Rights(&[s.handle()])]).unwrap();
}

#[test]
fn credentials_are_the_hosts_simulated_process() {
    let net: Net = Net::new();
    let h = host(&net);
    let second = net
        .host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())
        .unwrap();
    assert_eq!(
        h.credentials(),
        Credentials {
            pid: 1000,
            uid: 1000,
            gid: 1000
        }
    );
    assert_eq!(second.credentials().pid, 1001);
    let (mut a, mut b) = dgram_pair(&second);
    b.set(PassCredentials, true).unwrap();
    assert!(b.get(PassCredentials).unwrap());
    a.send(b"hi").unwrap();
    let (_, _, creds, _) = recv_passed(&mut b, &mut [0u8; 2], 64);
    assert_eq!(creds, [second.credentials()]);

    // On a stream, every read that takes bytes carries them; none fit: CTRUNC.
    let (mut x, mut y) = stream_pair(&h);
    y.set(PassCredentials, true).unwrap();
    x.write_all(b"abc").unwrap();
    let (meta, _, creds, _) = recv_passed(&mut y, &mut [0u8; 1], 64);
    assert_eq!((meta.len, creds), (1, vec![h.credentials()]));
    let (meta, _, creds, _) = recv_passed(&mut y, &mut [0u8; 1], cmsg::HEADER);
    assert!(meta.flags.contains(MsgFlags::CTRUNC) && creds.is_empty());

    let mut udp = h.bind(&addr("127.0.0.1:0")).unwrap();
    assert_eq!(
        udp.set(PassCredentials, true).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
}

#[test]
fn packet_info_names_the_destination_and_a_simulated_interface() {
    let net: Net = Net::new();
    let h = host(&net);
    let other = net
        .host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())
        .unwrap();
    let mut rx = h.bind(&addr("[::]:7")).unwrap();
    rx.set(RecvPktInfo, true).unwrap();
    rx.set(PktInfoOpt, true).unwrap();
    let mut tx = other.bind(&addr("0.0.0.0:0")).unwrap();
    tx.send_to(b"v4", &addr("10.0.0.1:7")).unwrap();
    let (_, _, _, info) = recv_passed(&mut rx, &mut [0u8; 2], 128);
    let v4 = core::net::Ipv4Addr::new(10, 0, 0, 1);
    assert_eq!(
        info,
        [
            PktInfo {
                addr: v4.to_ipv6_mapped().into(),
                ifindex: cmsg::HOST_IFINDEX
            },
            PktInfo {
                addr: v4.into(),
                ifindex: cmsg::HOST_IFINDEX
            },
        ],
        "an IPv6 socket gets both forms of an IPv4 datagram's destination"
    );
    let mut tx6 = h.bind(&addr("[::1]:0")).unwrap();
    tx6.send_to(b"v6", &addr("[::1]:7")).unwrap();
    let (_, _, _, info) = recv_passed(&mut rx, &mut [0u8; 2], 128);
    let lo = PktInfo {
        addr: "::1".parse().unwrap(),
        ifindex: cmsg::LOOPBACK_IFINDEX,
    };
    assert_eq!(info, [lo]);

    let (u, _) = dgram_pair(&h);
    assert_eq!(
        u.get(PktInfoOpt).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
    let v4only = h.bind(&addr("0.0.0.0:0")).unwrap();
    assert_eq!(
        v4only.get(RecvPktInfo).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
    let info = Cmsg::PktInfo(lo);
    assert_eq!(
        send_with(&mut tx6, b"src", &[info]).unwrap_err().kind(),
        ErrorKind::Unsupported,
        "choosing the source per datagram is not simulated"
    );
}

#[test]
fn a_stream_peek_hands_out_another_handle_and_keeps_the_socket_queued() {
    let net: Net = Net::new();
    let h = host(&net);
    let (mut a, mut b) = stream_pair(&h);
    let (left, _right) = stream_pair(&h);
    send_with(&mut a, b"P", &[Cmsg::Rights(&[left.handle()])]).unwrap();
    drop(left);
    let mut control = [0u8; 64];
    let mut buf = [0u8; 4];
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut buf).unwrap();
    let mut msg = RecvMsg::new(iov).flags(MsgFlags::PEEK);
    let (meta, received) = b.recv_msg_control(&mut msg, &mut control).unwrap();
    assert_eq!(meta.len, 1);
    assert_eq!(received.count(), 1);
    let (meta, passed, _, _) = recv_passed(&mut b, &mut [0u8; 4], 64);
    assert_eq!((meta.len, passed.len()), (1, 1));
}

#[test]
fn the_control_decoder_never_panics_on_garbage() {
    let mut rng = Rng::new(42);
    let mut buf = [0u8; 96];
    for round in 0..200_000 {
        let len = rng.below(97);
        fill(&mut rng, &mut buf[..len]);
        // Plausible headers now and then, so the payload checks run too.
        if round % 2 == 0 && len >= cmsg::HEADER {
            let rlen = rng.below(len + 1) as u32;
            buf[..4].copy_from_slice(&rlen.to_le_bytes());
            let (level, ty) = [(1, 1), (1, 2), (0, 8), (41, 50), (7, 7)][round % 5];
            buf[4..8].copy_from_slice(&i32::to_le_bytes(level));
            buf[8..12].copy_from_slice(&i32::to_le_bytes(ty));
        }
        let items = ControlReader::new(&buf[..len]).count();
        assert!(items <= len / cmsg::HEADER + 1);
    }
}

#[test]
fn garbage_control_data_on_send_is_refused_or_sent_never_a_panic() {
    let net: Net = Net::new();
    let h = host(&net);
    let (mut a, mut b) = dgram_pair(&h);
    let mut rng = Rng::new(7);
    let mut buf = [0u8; 64];
    for _ in 0..20_000 {
        let len = rng.below(65);
        fill(&mut rng, &mut buf[..len]);
        let iov = IoVec::<1>::from_slices(&[b"g"]).unwrap();
        if a.send_msg(&SendMsg::new(iov).control(&buf[..len])).is_ok() {
            let _ = recv_passed(&mut b, &mut [0u8; 1], 256);
        }
    }
    assert_eq!(net.open_sockets(), 2);
}

#[test]
fn typed_messages_round_trip_through_the_encoding() {
    let net: Net = Net::new();
    let s = host(&net).socket(Domain::Unix, Type::Stream).unwrap();
    let hs = [s.handle()];
    let msgs: [Cmsg<'_, &[Handle]>; 5] = [
        Cmsg::Rights(&hs),
        Cmsg::Credentials(Credentials {
            pid: -5,
            uid: u32::MAX,
            gid: 0,
        }),
        Cmsg::PktInfo(PktInfo {
            addr: "192.0.2.9".parse().unwrap(),
            ifindex: 77,
        }),
        Cmsg::PktInfo(PktInfo {
            addr: "2001:db8::9".parse().unwrap(),
            ifindex: u32::MAX,
        }),
        Cmsg::Raw {
            level: -1,
            ty: 1234,
            data: b"raw bytes",
        },
    ];
    let mut space = [0u8; 256];
    let len = Dgram::encode_control(&mut space, &msgs).unwrap();
    assert_eq!(len, msgs.iter().map(Dgram::control_space).sum::<usize>());
    let back: Vec<_> = ControlReader::new(&space[..len])
        .map(Result::unwrap)
        .collect();
    assert_eq!(back.len(), msgs.len());
    for (got, want) in back.into_iter().zip(&msgs) {
        match (got, want) {
            (Cmsg::Rights(raw), Cmsg::Rights(hs)) => {
                assert_eq!(raw.map(Option::unwrap).collect::<Vec<_>>(), hs.to_vec())
            }
            (Cmsg::Credentials(a), Cmsg::Credentials(b)) => assert_eq!(a, *b),
            (Cmsg::PktInfo(a), Cmsg::PktInfo(b)) => assert_eq!(a, *b),
            (
                Cmsg::Raw { level, ty, data },
                Cmsg::Raw {
                    level: l,
                    ty: t,
                    data: d,
                },
            ) => {
                assert_eq!((level, ty, data), (*l, *t, *d))
            }
            (got, want) => panic!("{got:?} for {want:?}"),
        }
    }
}
