//! Typed ancillary data ([`Ancillary`]): sockets passed over Unix sockets and used on the
//! receiving side, control buffers too small for them, packet info, credentials, and the
//! data path (iovecs, peek, truncation) with control buffers present.

use crate::cmsg::{Ancillary, Cmsg, Credentials, PktInfo};
use crate::opt::{PassCredentials, PktInfo as PktInfoOpt, RecvPktInfo};
use crate::{
    Datagram, Domain, Endpoint, ErrorKind, Interest, IoVec, IoVecMut, Listener, MsgFlags, MsgIo,
    Pollable, RecvMeta, RecvMsg, SendMsg, SockOpt, Socket, SocketAddr, Stack, Type,
};

use super::{
    recv_exact, recv_some, send_all, stream_socketpair, tcp_pair, udp_pair, wait, AncillaryHarness,
    DatagramOf, Outcome, PassedOf, Stop,
};

/// Room for any control data a case sends or expects.
const CONTROL: usize = 256;

/// What one `recv_msg_control` brought.
struct Got {
    meta: RecvMeta,
    rights: usize,
    creds: Option<Credentials>,
    creds_seen: usize,
    pktinfo: Option<PktInfo>,
    pktinfo_seen: usize,
    other: usize,
}

/// A connected Unix datagram `socketpair`.
fn unix_datagram_pair<H: AncillaryHarness>(h: &H) -> Result<(DatagramOf<H>, DatagramOf<H>), Stop> {
    let (a, b) = must!(h.stack().socketpair(Type::Datagram), "socketpair");
    Ok((
        must!(a.into_datagram(), "into_datagram"),
        must!(b.into_datagram(), "into_datagram"),
    ))
}

/// Sends the buffers of `data` as one message with `msgs` encoded as its control data.
fn send_with<H: AncillaryHarness>(
    s: &mut DatagramOf<H>,
    data: &[&[u8]],
    msgs: &[Cmsg<'_, &[<H::Stack as Stack>::Handle]>],
) -> Result<usize, Stop> {
    let mut control = [0u8; CONTROL];
    let len = must!(
        DatagramOf::<H>::encode_control(&mut control, msgs),
        "encode_control"
    );
    let iov = must!(IoVec::<4>::from_slices(data), "iovec");
    Ok(must!(
        s.send_msg(&SendMsg::new(iov).control(&control[..len])),
        "send_msg with control data"
    ))
}

/// Waits for a message, receives it with `recv_msg_control` into `iov` and `control`, and
/// hands the sockets of each rights message to `on_rights`.
fn receive<H: AncillaryHarness, const N: usize>(
    h: &H,
    s: &mut DatagramOf<H>,
    iov: IoVecMut<'_, N>,
    flags: MsgFlags,
    control: &mut [u8],
    mut on_rights: impl FnMut(&mut PassedOf<'_, H>) -> Outcome,
) -> Result<Got, Stop> {
    wait(h, s, Interest::READABLE)?;
    let mut msg = RecvMsg::new(iov).flags(flags);
    let (meta, received) = must!(s.recv_msg_control(&mut msg, control), "recv_msg_control");
    let mut got = Got {
        meta,
        rights: 0,
        creds: None,
        creds_seen: 0,
        pktinfo: None,
        pktinfo_seen: 0,
        other: 0,
    };
    for item in received {
        match must!(item, "a well-formed control message") {
            Cmsg::Rights(mut fds) => {
                got.rights += 1;
                on_rights(&mut fds)?;
            }
            Cmsg::Credentials(c) => {
                got.creds = Some(c);
                got.creds_seen += 1;
            }
            Cmsg::PktInfo(p) => {
                got.pktinfo = Some(p);
                got.pktinfo_seen += 1;
            }
            _ => got.other += 1,
        }
    }
    Ok(got)
}

/// Receives one message of up to 16 bytes; takes no passed socket.
fn receive_plain<H: AncillaryHarness>(
    h: &H,
    s: &mut DatagramOf<H>,
    buf: &mut [u8; 16],
) -> Result<Got, Stop> {
    let mut control = [0u8; CONTROL];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(buf), "push");
    receive(h, s, iov, MsgFlags::NONE, &mut control, |_| Ok(()))
}

/// Takes every passed socket as a stream, drops it, and counts it in `n`.
fn count_streams<H: AncillaryHarness>(
    n: &mut usize,
) -> impl FnMut(&mut PassedOf<'_, H>) -> Outcome + '_ {
    move |fds| {
        while let Some(s) = H::passed_stream(fds) {
            must!(s, "the passed socket is a stream");
            *n += 1;
        }
        Ok(())
    }
}

pub(super) fn rights_pass_a_stream_that_works_on_the_receiving_side<H: AncillaryHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = unix_datagram_pair(h)?;
    let (left, mut right) = stream_socketpair(h, Type::Stream)?;
    let sent = send_with::<H>(&mut a, &[b"F"], &[Cmsg::Rights(&[left.handle()])])?;
    ensure!(sent == 1, "the byte that carries the socket is sent");
    // From here on only the receiver's handle keeps the socket open.
    drop(left);

    let (mut data, mut control) = ([0u8; 4], [0u8; CONTROL]);
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut data), "push");
    let mut passed = None;
    let mut count = 0;
    let got = receive(h, &mut b, iov, MsgFlags::NONE, &mut control, |fds| {
        while let Some(s) = H::passed_stream(fds) {
            passed = Some(must!(s, "the passed socket is a stream"));
            count += 1;
        }
        Ok(())
    })?;
    ensure!(
        got.meta.len == 1 && data[0] == b'F',
        "the data comes with the socket"
    );
    ensure!(
        !got.meta.flags.contains(MsgFlags::CTRUNC),
        "a control buffer with room reports no CTRUNC"
    );
    ensure!(
        got.rights == 1 && count == 1,
        "one rights message with one socket"
    );
    let Some(mut passed) = passed else {
        ensure!(false, "the passed socket arrives");
        return Ok(());
    };
    send_all(h, &mut passed, b"across")?;
    let mut buf = [0u8; 6];
    recv_exact(h, &mut right, &mut buf)?;
    ensure!(&buf == b"across", "the passed stream writes to its peer");
    send_all(h, &mut right, b"back")?;
    let mut buf = [0u8; 4];
    recv_exact(h, &mut passed, &mut buf)?;
    ensure!(&buf == b"back", "the passed stream reads from its peer");
    drop(passed);
    let mut buf = [0u8; 4];
    ensure!(
        recv_some(h, &mut right, &mut buf)? == 0,
        "the peer reads end of stream once the last handle is closed"
    );
    Ok(())
}

pub(super) fn rights_pass_a_listener_that_accepts_on_the_receiving_side<H: AncillaryHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = unix_datagram_pair(h)?;
    let listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    let addr = must!(listener.local_addr(), "local_addr");
    send_with::<H>(&mut a, &[b"L"], &[Cmsg::Rights(&[listener.handle()])])?;
    drop(listener);

    let mut buf = [0u8; 16];
    let mut control = [0u8; CONTROL];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    let mut passed = None;
    receive(h, &mut b, iov, MsgFlags::NONE, &mut control, |fds| {
        if let Some(l) = H::passed_listener(fds) {
            passed = Some(must!(l, "the passed socket is a listener"));
        }
        Ok(())
    })?;
    let Some(mut passed) = passed else {
        ensure!(false, "the passed listener arrives");
        return Ok(());
    };
    let mut client = must!(h.stack().connect(&addr), "connect to the passed listener");
    wait(h, &passed, Interest::READABLE)?;
    let (mut server, _) = must!(passed.accept(), "accept on the passed listener");
    send_all(h, &mut client, b"ping")?;
    let mut got = [0u8; 4];
    recv_exact(h, &mut server, &mut got)?;
    ensure!(
        &got == b"ping",
        "the accepted connection carries the client's bytes"
    );
    Ok(())
}

pub(super) fn rights_cut_by_ctrunc_are_closed_and_the_cut_reported<H: AncillaryHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = unix_datagram_pair(h)?;
    let (l1, mut r1) = stream_socketpair(h, Type::Stream)?;
    let (l2, mut r2) = stream_socketpair(h, Type::Stream)?;
    let (l3, mut r3) = stream_socketpair(h, Type::Stream)?;
    let handles = [l1.handle(), l2.handle(), l3.handle()];
    send_with::<H>(&mut a, &[b"3"], &[Cmsg::Rights(&handles)])?;
    drop((l1, l2, l3));

    // Room for one socket (a kernel may fit another in the padding), not three.
    let room = DatagramOf::<H>::control_space(&Cmsg::Rights(&handles[..1]));
    ensure!(
        room > 0 && room <= CONTROL,
        "control_space sizes a rights message"
    );
    let (mut data, mut control) = ([0u8; 4], [0u8; CONTROL]);
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut data), "push");
    let mut delivered = 0;
    let got = receive(
        h,
        &mut b,
        iov,
        MsgFlags::NONE,
        &mut control[..room],
        |fds| {
            while let Some(s) = H::passed_stream(fds) {
                must!(s, "a passed socket that fit is a stream");
                delivered += 1;
            }
            Ok(())
        },
    )?;
    ensure!(got.meta.len == 1, "the data arrives whole");
    ensure!(
        got.meta.flags.contains(MsgFlags::CTRUNC),
        "a control buffer too small reports CTRUNC"
    );
    ensure!(
        (1..3).contains(&delivered),
        "the sockets that fit are delivered, the rest are not"
    );
    // Those delivered were dropped above, those cut were closed: every peer sees the end.
    let mut buf = [0u8; 4];
    for r in [&mut r1, &mut r2, &mut r3] {
        ensure!(
            recv_some(h, r, &mut buf)? == 0,
            "no passed socket stays open: each peer reads end of stream"
        );
    }
    Ok(())
}

pub(super) fn a_listener_cut_by_ctrunc_is_closed<H: AncillaryHarness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = unix_datagram_pair(h)?;
    let listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    let addr = must!(listener.local_addr(), "local_addr");
    let handle = [listener.handle()];
    send_with::<H>(&mut a, &[b"L"], &[Cmsg::Rights(&handle)])?;
    drop(listener);

    // Half the room one socket needs: not even the header of its message fits.
    let room = DatagramOf::<H>::control_space(&Cmsg::Rights(&handle)) / 2;
    let (mut data, mut control) = ([0u8; 4], [0u8; CONTROL]);
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut data), "push");
    let got = receive(h, &mut b, iov, MsgFlags::NONE, &mut control[..room], |_| {
        Ok(())
    })?;
    ensure!(
        got.meta.flags.contains(MsgFlags::CTRUNC) && got.rights == 0,
        "a control buffer with no room reports CTRUNC and delivers nothing"
    );
    fails!(
        h.stack().connect(&addr),
        ErrorKind::ConnectionRefused,
        "the cut listener is closed: its port refuses connections"
    );
    Ok(())
}

/// Sends one datagram from `from` to the wildcard-bound `rx` at `to`'s address and returns
/// the packet info it arrived with.
fn pktinfo_of<H: AncillaryHarness>(
    h: &H,
    rx: &mut DatagramOf<H>,
    from: &SocketAddr,
    to: &SocketAddr,
) -> Result<Got, Stop> {
    let port = must!(rx.local_addr(), "local_addr").port().unwrap_or(0);
    let mut tx = must!(h.stack().bind(from), "bind the sender");
    must!(tx.send_to(b"where", &to.with_port(port)), "send_to");
    let mut buf = [0u8; 16];
    let got = receive_plain(h, rx, &mut buf)?;
    ensure!(got.meta.len == 5, "the datagram arrives whole");
    Ok(got)
}

pub(super) fn pktinfo_reports_the_destination_on_a_wildcard_socket<H: AncillaryHarness>(
    h: &mut H,
) -> Outcome {
    let v4 = h.ipv4();
    let mut rx = must!(
        h.stack().bind(&SocketAddr::unspecified(Domain::Inet)),
        "bind 0.0.0.0:0"
    );
    let got = pktinfo_of(h, &mut rx, &v4, &v4)?;
    ensure!(got.pktinfo_seen == 0, "no packet info unless asked for");
    must!(rx.set(PktInfoOpt, true), "set PktInfo");
    let got = pktinfo_of(h, &mut rx, &v4, &v4)?;
    let want = v4.as_inet().map(|a| a.ip());
    ensure!(
        got.pktinfo_seen == 1 && got.pktinfo.map(|p| p.addr) == want,
        "packet info names the address the datagram was sent to"
    );
    ensure!(
        got.pktinfo.is_some_and(|p| p.ifindex != 0),
        "packet info names the interface it arrived on"
    );
    Ok(())
}

pub(super) fn ipv6_pktinfo_reports_the_destination_on_a_wildcard_socket<H: AncillaryHarness>(
    h: &mut H,
) -> Outcome {
    let v6 = super::need(h.ipv6(), "no IPv6 loopback")?;
    let mut rx = must!(
        h.stack().bind(&SocketAddr::unspecified(Domain::Inet6)),
        "bind [::]:0"
    );
    must!(rx.set(RecvPktInfo, true), "set RecvPktInfo");
    let got = pktinfo_of(h, &mut rx, &v6, &v6)?;
    let want = v6.as_inet().map(|a| a.ip());
    ensure!(
        got.pktinfo_seen == 1 && got.pktinfo.map(|p| p.addr) == want,
        "IPv6 packet info names the address the datagram was sent to"
    );
    Ok(())
}

pub(super) fn credentials_arrive_with_pass_credentials_on_a_unix_datagram_pair<
    H: AncillaryHarness,
>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = unix_datagram_pair(h)?;
    let mut buf = [0u8; 16];
    must!(a.send(b"anon"), "send");
    let got = receive_plain(h, &mut b, &mut buf)?;
    ensure!(got.creds_seen == 0, "no credentials unless asked for");

    must!(b.set(PassCredentials, true), "set PassCredentials");
    must!(a.send(b"one"), "send");
    let first = receive_plain(h, &mut b, &mut buf)?;
    must!(a.send(b"two"), "send");
    let second = receive_plain(h, &mut b, &mut buf)?;
    ensure!(
        first.creds_seen == 1 && second.creds_seen == 1,
        "each message carries the sender's credentials once"
    );
    ensure!(
        first.creds == second.creds,
        "one sender's credentials are the same on every message"
    );
    let Some(me) = first.creds else {
        return Ok(());
    };
    ensure!(me.pid > 0, "the sender has a process id");

    // Naming itself explicitly, the sender is believed, and the values arrive unchanged.
    send_with::<H>(&mut a, &[b"me"], &[Cmsg::Credentials(me)])?;
    let got = receive_plain(h, &mut b, &mut buf)?;
    ensure!(
        got.creds_seen == 1 && got.creds == Some(me),
        "credentials sent explicitly arrive as sent"
    );
    Ok(())
}

pub(super) fn recv_msg_control_without_ancillary_data_yields_nothing<H: AncillaryHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    must!(
        a.send_to(b"plain", &must!(b.local_addr(), "local_addr")),
        "send_to"
    );
    let mut buf = [0u8; 16];
    let got = receive_plain(h, &mut b, &mut buf)?;
    ensure!(
        got.meta.len == 5 && got.meta.control_len == 0,
        "a datagram without ancillary data has no control bytes"
    );
    ensure!(
        got.meta.flags.is_empty(),
        "and neither CTRUNC nor TRUNC is reported"
    );
    ensure!(
        got.rights + got.creds_seen + got.pktinfo_seen + got.other == 0,
        "the decoder yields nothing"
    );

    let (mut client, mut server) = tcp_pair(h)?;
    send_all(h, &mut client, b"bytes")?;
    wait(h, &server, Interest::READABLE)?;
    let (mut data, mut control) = ([0u8; 16], [0u8; CONTROL]);
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut data), "push");
    let (meta, received) = must!(
        server.recv_msg_control(&mut RecvMsg::new(iov), &mut control),
        "recv_msg_control on a stream"
    );
    ensure!(
        meta.len > 0 && meta.control_len == 0 && received.count() == 0,
        "stream bytes without ancillary data yield nothing"
    );
    Ok(())
}

pub(super) fn rights_keep_iovecs_peek_and_truncation_intact<H: AncillaryHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = unix_datagram_pair(h)?;
    let (left, mut right) = stream_socketpair(h, Type::Stream)?;
    let sent = send_with::<H>(
        &mut a,
        &[b"ab", b"cde", b"f"],
        &[Cmsg::Rights(&[left.handle()])],
    )?;
    ensure!(sent == 6, "send_msg gathers every iovec");
    drop(left);

    // A peek into 4 bytes of room: cut, and the socket comes (as another handle).
    let (mut x, mut y) = ([0u8; 2], [0u8; 2]);
    let mut iov = IoVecMut::<2>::new();
    must!(iov.push(&mut x), "push");
    must!(iov.push(&mut y), "push");
    let (mut peeked, mut control) = (0, [0u8; CONTROL]);
    let got = receive(
        h,
        &mut b,
        iov,
        MsgFlags::PEEK,
        &mut control,
        count_streams::<H>(&mut peeked),
    )?;
    ensure!(
        got.meta.len == 4 && got.meta.flags.contains(MsgFlags::TRUNC),
        "a peek into buffers too small reports TRUNC"
    );
    ensure!(&x == b"ab" && &y == b"cd", "the peek scatters in order");
    ensure!(peeked == 1, "a peek also hands over the passed socket");

    // The message is still queued, whole, with its socket.
    let (mut x, mut y) = ([0u8; 3], [0u8; 8]);
    let mut iov = IoVecMut::<2>::new();
    must!(iov.push(&mut x), "push");
    must!(iov.push(&mut y), "push");
    let mut passed = None;
    let got = receive(h, &mut b, iov, MsgFlags::NONE, &mut control, |fds| {
        if let Some(s) = H::passed_stream(fds) {
            passed = Some(must!(s, "the passed socket is a stream"));
        }
        Ok(())
    })?;
    ensure!(
        got.meta.len == 6 && !got.meta.flags.contains(MsgFlags::TRUNC),
        "the message is whole after the peek"
    );
    ensure!(
        &x == b"abc" && &y[..3] == b"def",
        "the receive scatters in order"
    );
    let Some(mut passed) = passed else {
        ensure!(false, "the passed socket arrives after the peek too");
        return Ok(());
    };
    send_all(h, &mut passed, b"ok")?;
    let mut buf = [0u8; 2];
    recv_exact(h, &mut right, &mut buf)?;
    ensure!(&buf == b"ok", "the passed socket works");

    // A datagram longer than the buffer: cut, its socket delivered all the same.
    let sent = send_with::<H>(
        &mut a,
        &[b"0123456789"],
        &[Cmsg::Rights(&[passed.handle()])],
    )?;
    ensure!(sent == 10, "the long datagram is sent");
    let mut small = [0u8; 4];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut small), "push");
    let mut cut = 0;
    let got = receive(
        h,
        &mut b,
        iov,
        MsgFlags::NONE,
        &mut control,
        count_streams::<H>(&mut cut),
    )?;
    ensure!(
        got.meta.len == 4 && got.meta.flags.contains(MsgFlags::TRUNC) && &small == b"0123",
        "a datagram cut by its buffer reports TRUNC"
    );
    ensure!(
        cut == 1 && !got.meta.flags.contains(MsgFlags::CTRUNC),
        "the socket of a cut datagram still arrives"
    );
    Ok(())
}
