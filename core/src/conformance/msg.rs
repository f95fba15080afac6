//! `send_msg` and `recv_msg`: gather and scatter over iovecs, addresses, flags in and out.

use crate::embedded_io::Write;
use crate::Endpoint as _;
use crate::{
    Datagram, ErrorKind, Interest, IoVec, IoVecMut, MsgFlags, MsgIo, RecvMsg, SendMsg, Shutdown,
    Socket, SocketAddr, Stack, Stream, Type,
};

use super::{
    fill_pattern, stream_socketpair, tcp_pair, udp_pair, wait, DatagramOf, Harness, Outcome, Stop,
    StreamOf, UnixHarness,
};

/// Waits for a datagram, then `recv_msg` into `iov` with `flags`.
fn recv_msg_datagram<H: Harness, const N: usize>(
    h: &H,
    s: &mut DatagramOf<H>,
    iov: IoVecMut<'_, N>,
    flags: MsgFlags,
) -> Result<crate::RecvMeta, Stop> {
    wait(h, s, Interest::READABLE)?;
    let mut msg = RecvMsg::new(iov).flags(flags);
    Ok(must!(s.recv_msg(&mut msg), "recv_msg"))
}

/// Sends every byte of `iov` on a stream, waiting for room and resending what a partial
/// `send_msg` left.
fn send_msg_all<H: Harness, const N: usize>(
    h: &H,
    s: &mut StreamOf<H>,
    mut iov: IoVec<'_, N>,
) -> Result<(), Stop> {
    while iov.total_len() > 0 {
        wait(h, s, Interest::WRITABLE)?;
        let n = must!(s.send_msg(&SendMsg::new(iov)), "send_msg on a stream");
        ensure!(n > 0, "send_msg took no byte of a non-empty message");
        iov.advance(n);
    }
    Ok(())
}

pub(super) fn send_msg_gathers_iovecs_into_one_datagram<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    must!(a.connect(&must!(b.local_addr(), "local_addr")), "connect");
    let iov = must!(IoVec::<3>::from_slices(&[b"ab", b"cde", b"f"]), "iovec");
    let n = must!(a.send_msg(&SendMsg::new(iov)), "send_msg of three iovecs");
    ensure!(n == 6, "send_msg sends the bytes of every iovec");
    must!(a.send(b"next"), "send");
    // The three buffers are one datagram: one receive gets all of them, the next gets the next.
    let mut buf = [0u8; 16];
    wait(h, &b, Interest::READABLE)?;
    let got = must!(b.recv(&mut buf), "recv");
    ensure!(
        got.len == 6 && &buf[..6] == b"abcdef",
        "the iovecs are gathered, in order, into one datagram"
    );
    wait(h, &b, Interest::READABLE)?;
    let got = must!(b.recv(&mut buf), "recv");
    ensure!(
        got.len == 4 && &buf[..4] == b"next",
        "the next datagram is separate"
    );
    Ok(())
}

pub(super) fn send_msg_with_an_address_reaches_it<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    let iov = must!(IoVec::<2>::from_slices(&[b"to ", b"you"]), "iovec");
    let n = must!(
        a.send_msg(&SendMsg::new(iov).to(&to)),
        "send_msg to an address"
    );
    ensure!(n == 6, "send_msg sends every byte");
    let mut buf = [0u8; 16];
    wait(h, &b, Interest::READABLE)?;
    let (got, from) = must!(b.recv_from(&mut buf), "recv_from");
    ensure!(
        got.len == 6 && &buf[..6] == b"to you",
        "send_msg with an address reaches that address"
    );
    ensure!(
        from == must!(a.local_addr(), "local_addr"),
        "the datagram comes from the sender"
    );
    Ok(())
}

pub(super) fn recv_msg_scatters_a_datagram_over_iovecs<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let mut data = [0u8; 10];
    fill_pattern(&mut data, 0);
    must!(
        a.send_to(&data, &must!(b.local_addr(), "local_addr")),
        "send_to"
    );
    // 3 + 4 + 8 bytes of room for 10: the last buffer is filled only in part.
    let (mut x, mut y, mut z) = ([0xEEu8; 3], [0xEEu8; 4], [0xEEu8; 8]);
    let mut iov = IoVecMut::<3>::new();
    must!(iov.push(&mut x), "push");
    must!(iov.push(&mut y), "push");
    must!(iov.push(&mut z), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::NONE)?;
    ensure!(meta.len == 10, "recv_msg reports every byte received");
    ensure!(
        !meta.flags.contains(MsgFlags::TRUNC),
        "a datagram that fits is not truncated"
    );
    ensure!(x == data[..3], "the first buffer holds the first bytes");
    ensure!(y == data[3..7], "the second buffer holds the next bytes");
    ensure!(z[..3] == data[7..], "the third buffer holds the rest");
    ensure!(z[3..] == [0xEE; 5], "bytes past the datagram are untouched");
    ensure!(
        meta.addr == Some(must!(a.local_addr(), "local_addr")),
        "recv_msg reports the sender"
    );
    Ok(())
}

pub(super) fn recv_msg_into_buffers_too_small_reports_trunc<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    must!(a.send_to(b"0123456", &to), "send_to");
    must!(a.send_to(b"ab", &to), "send_to");
    let (mut x, mut y) = ([0u8; 2], [0u8; 2]);
    let mut iov = IoVecMut::<2>::new();
    must!(iov.push(&mut x), "push");
    must!(iov.push(&mut y), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::NONE)?;
    ensure!(
        meta.flags.contains(MsgFlags::TRUNC),
        "a datagram longer than all the buffers sets TRUNC"
    );
    ensure!(
        meta.len == 4,
        "len counts the bytes written, not the datagram's length"
    );
    ensure!(
        &x == b"01" && &y == b"23",
        "the buffers hold the datagram's prefix"
    );
    // The cut part is gone.
    let (mut x, mut y) = ([0u8; 2], [0u8; 2]);
    let mut iov = IoVecMut::<2>::new();
    must!(iov.push(&mut x), "push");
    must!(iov.push(&mut y), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::NONE)?;
    ensure!(
        meta.len == 2 && !meta.flags.contains(MsgFlags::TRUNC) && &x == b"ab",
        "the next recv_msg gets the next datagram, untruncated"
    );
    Ok(())
}

pub(super) fn recv_msg_peek_leaves_the_datagram_queued<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    must!(
        a.send_to(b"peekaboo", &must!(b.local_addr(), "local_addr")),
        "send_to"
    );
    let mut first = [0u8; 4];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut first), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::PEEK)?;
    ensure!(
        meta.len == 4 && &first == b"peek",
        "a peek receives the datagram's bytes"
    );
    ensure!(
        meta.flags.contains(MsgFlags::TRUNC),
        "a peek into a short buffer reports TRUNC too"
    );
    // After a peek the whole datagram, not just the rest, is still there.
    let mut whole = [0u8; 16];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut whole), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::NONE)?;
    ensure!(
        meta.len == 8 && &whole[..8] == b"peekaboo",
        "the peeked datagram is received whole afterwards"
    );
    ensure!(
        meta.addr == Some(must!(a.local_addr(), "local_addr")),
        "and reports its sender"
    );
    must!(b.set_nonblocking(true), "set_nonblocking");
    fails!(
        b.recv(&mut whole),
        ErrorKind::WouldBlock,
        "a peek does not duplicate the datagram"
    );
    Ok(())
}

pub(super) fn recv_msg_dontwait_on_an_empty_socket_would_block<H: Harness>(h: &mut H) -> Outcome {
    // The socket itself stays blocking: DONTWAIT makes this one call non-blocking.
    let (_a, mut b) = udp_pair(h)?;
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    let mut msg = RecvMsg::new(iov).flags(MsgFlags::DONTWAIT);
    fails!(
        b.recv_msg(&mut msg),
        ErrorKind::WouldBlock,
        "recv_msg with DONTWAIT and nothing queued must be WouldBlock"
    );
    Ok(())
}

pub(super) fn recv_msg_without_ancillary_data_reports_no_control<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    must!(a.send_to(b"one", &to), "send_to");
    must!(a.send_to(b"two", &to), "send_to");
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::NONE)?;
    ensure!(meta.control_len == 0, "no control buffer, no control data");
    ensure!(
        !meta.flags.contains(MsgFlags::CTRUNC),
        "nothing was asked for, so nothing was cut"
    );
    // A control buffer with no option asking for ancillary data stays empty too.
    let mut buf = [0u8; 8];
    let mut control = [0u8; 64];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    wait(h, &b, Interest::READABLE)?;
    let mut msg = RecvMsg::new(iov).control(&mut control);
    let meta = must!(b.recv_msg(&mut msg), "recv_msg with a control buffer");
    ensure!(meta.len == 3, "the datagram arrives");
    ensure!(
        meta.control_len == 0,
        "no ancillary data without an option asking for it"
    );
    Ok(())
}

pub(super) fn empty_iovecs_are_skipped_both_ways<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    let iov = must!(IoVec::<4>::from_slices(&[b"", b"ab", b"", b"c"]), "iovec");
    let n = must!(a.send_msg(&SendMsg::new(iov).to(&to)), "send_msg");
    ensure!(n == 3, "empty iovecs add no bytes");
    let (mut x, mut y, mut z) = ([0u8; 0], [0u8; 1], [0u8; 4]);
    let mut iov = IoVecMut::<3>::new();
    must!(iov.push(&mut x), "push");
    must!(iov.push(&mut y), "push");
    must!(iov.push(&mut z), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::NONE)?;
    ensure!(meta.len == 3, "every byte is received");
    ensure!(
        &y == b"a" && &z[..2] == b"bc",
        "an empty receive buffer is skipped, not a place the data stops"
    );
    Ok(())
}

pub(super) fn send_msg_of_no_bytes_sends_an_empty_datagram<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    let to = must!(b.local_addr(), "local_addr");
    let n = must!(
        a.send_msg(&SendMsg::new(IoVec::<1>::new()).to(&to)),
        "send_msg with no iovec"
    );
    ensure!(n == 0, "nothing to send sends 0 bytes");
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::NONE)?;
    ensure!(meta.len == 0, "an empty datagram arrives with len 0");
    ensure!(
        meta.addr == Some(must!(a.local_addr(), "local_addr")),
        "an empty datagram reports its sender"
    );
    Ok(())
}

/// A stream `send_msg` of no bytes that names an address is a real `sendmsg` (the POSIX
/// backend answers only a message of nothing at all without a syscall): TCP ignores the
/// address and answers as the connection's state says, sending nothing.
pub(super) fn an_empty_tcp_send_msg_with_an_address_answers_by_state<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (_listener, mut client, _server) = super::connected(h, &h.ipv4())?;
    let to = must!(client.peer_addr(), "peer_addr");
    let empty = || SendMsg::new(IoVec::<1>::new()).to(&to);
    let mut fresh = must!(
        must!(h.stack().socket(to.domain(), Type::Stream), "socket").into_stream(),
        "into_stream"
    );
    fails!(
        fresh.send_msg(&empty()),
        ErrorKind::BrokenPipe,
        "unconnected: EPIPE, as for bytes"
    );
    ensure!(
        must!(client.send_msg(&empty()), "connected") == 0,
        "connected: nothing sent"
    );
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    fails!(
        client.send_msg(&empty()),
        ErrorKind::BrokenPipe,
        "after shutdown(Write): EPIPE"
    );
    Ok(())
}

/// On seqpacket a `send_msg` of no bytes that names an address (which seqpacket ignores)
/// sends an empty record, which the peer receives as one.
pub(super) fn an_empty_seqpacket_send_msg_with_an_address_sends_an_empty_record<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::SeqPacket)?;
    let to = SocketAddr::Unix(h.unix_path());
    let n = must!(
        a.send_msg(&SendMsg::new(IoVec::<1>::new()).to(&to)),
        "send_msg of nothing, with an address"
    );
    ensure!(n == 0, "no bytes sent");
    must!(a.write(b"next"), "a record after it");
    let mut buf = [0u8; 8];
    wait(h, &b, Interest::READABLE)?;
    ensure!(
        must!(b.recv(&mut buf, MsgFlags::NONE), "recv") == 0,
        "the empty record comes first"
    );
    ensure!(
        must!(b.recv(&mut buf, MsgFlags::NONE), "recv") == 4,
        "then the next"
    );
    Ok(())
}

pub(super) fn send_msg_to_another_family_is_invalid_input<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    let v6: SocketAddr = must!("[::1]:9".parse(), "parse");
    let iov = must!(IoVec::<1>::from_slices(&[b"x"]), "iovec");
    fails!(
        a.send_msg(&SendMsg::new(iov).to(&v6)),
        ErrorKind::InvalidInput,
        "send_msg to an IPv6 address from an IPv4 socket"
    );
    Ok(())
}

pub(super) fn send_msg_to_a_unix_address_from_udp_is_invalid_input<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    let iov = must!(IoVec::<1>::from_slices(&[b"x"]), "iovec");
    let unix = SocketAddr::Unix(h.unix_path());
    fails!(
        a.send_msg(&SendMsg::new(iov).to(&unix)),
        ErrorKind::InvalidInput,
        "send_msg to a Unix address from an IPv4 socket"
    );
    Ok(())
}

pub(super) fn send_msg_without_an_address_on_unconnected_udp_is_not_connected<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut a, _b) = udp_pair(h)?;
    let iov = must!(IoVec::<1>::from_slices(&[b"x"]), "iovec");
    // EDESTADDRREQ on Linux.
    fails!(
        a.send_msg(&SendMsg::new(iov)),
        ErrorKind::NotConnected,
        "send_msg with no address and no peer must be NotConnected"
    );
    Ok(())
}

pub(super) fn unix_datagram_recv_msg_reports_the_sender_path<H: UnixHarness>(h: &mut H) -> Outcome {
    let a_addr = SocketAddr::Unix(h.unix_path());
    let b_addr = SocketAddr::Unix(h.unix_path());
    let mut a = must!(h.stack().bind(&a_addr), "bind");
    let mut b = must!(h.stack().bind(&b_addr), "bind");
    let iov = must!(IoVec::<2>::from_slices(&[b"un", b"ix"]), "iovec");
    must!(
        a.send_msg(&SendMsg::new(iov).to(&b_addr)),
        "send_msg to a path"
    );
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    let meta = recv_msg_datagram(h, &mut b, iov, MsgFlags::NONE)?;
    ensure!(
        meta.len == 4 && &buf[..4] == b"unix",
        "a gathered Unix datagram arrives whole"
    );
    ensure!(
        meta.addr == Some(a_addr),
        "recv_msg reports the sender's path"
    );
    Ok(())
}

pub(super) fn msg_io_on_a_tcp_stream_moves_all_iovecs_in_order<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    let mut data = [0u8; 12];
    fill_pattern(&mut data, 40);
    let iov = must!(
        IoVec::<3>::from_slices(&[&data[..5], &data[5..6], &data[6..]]),
        "iovec"
    );
    send_msg_all(h, &mut client, iov)?;
    // A stream has no boundaries: receive until all 12 bytes are in, scattering each read over
    // what is left of 3 + 4 + 5 bytes of buffers.
    let mut store = [0u8; 12];
    let mut filled = 0;
    while filled < store.len() {
        wait(h, &server, Interest::READABLE)?;
        let mut iov = IoVecMut::<3>::new();
        let (x, rest) = store.split_at_mut(3);
        let (y, z) = rest.split_at_mut(4);
        let mut skip = filled;
        for part in [x, y, z] {
            if skip >= part.len() {
                skip -= part.len();
                continue;
            }
            must!(iov.push(&mut part[skip..]), "push");
            skip = 0;
        }
        let meta = must!(
            server.recv_msg(&mut RecvMsg::new(iov)),
            "recv_msg on a stream"
        );
        ensure!(meta.len > 0, "end of stream before every byte arrived");
        filled += meta.len;
    }
    ensure!(store == data, "the bytes of every iovec arrive in order");
    Ok(())
}

pub(super) fn recv_msg_on_a_stream_reports_no_sender<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    send_msg_all(
        h,
        &mut client,
        must!(IoVec::<1>::from_slices(&[b"hi"]), "iovec"),
    )?;
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    wait(h, &server, Interest::READABLE)?;
    let meta = must!(server.recv_msg(&mut RecvMsg::new(iov)), "recv_msg");
    ensure!(meta.len > 0, "recv_msg gets the bytes");
    ensure!(
        meta.addr.is_none(),
        "recv_msg on a connected TCP stream reports no address"
    );
    ensure!(
        !meta.flags.contains(MsgFlags::TRUNC),
        "a stream is never truncated"
    );
    Ok(())
}

pub(super) fn recv_msg_at_end_of_stream_is_zero<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    let mut buf = [0u8; 8];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    wait(h, &server, Interest::READABLE)?;
    let meta = must!(server.recv_msg(&mut RecvMsg::new(iov)), "recv_msg");
    ensure!(meta.len == 0, "recv_msg at end of stream returns len 0");
    Ok(())
}

pub(super) fn seqpacket_recv_msg_reports_trunc_and_keeps_records<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::SeqPacket)?;
    let first = must!(IoVec::<2>::from_slices(&[b"rec", b"ord1"]), "iovec");
    let n = must!(a.send_msg(&SendMsg::new(first)), "send_msg on seqpacket");
    ensure!(n == 7, "a record is sent whole");
    let second = must!(IoVec::<1>::from_slices(&[b"r2"]), "iovec");
    must!(a.send_msg(&SendMsg::new(second)), "send_msg on seqpacket");
    // Like a datagram, a record longer than the buffers is cut and its rest discarded.
    let mut small = [0u8; 3];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut small), "push");
    wait(h, &b, Interest::READABLE)?;
    let meta = must!(b.recv_msg(&mut RecvMsg::new(iov)), "recv_msg");
    ensure!(
        meta.len == 3 && &small == b"rec",
        "the buffer holds the record's prefix"
    );
    ensure!(
        meta.flags.contains(MsgFlags::TRUNC),
        "a cut seqpacket record sets TRUNC"
    );
    let mut buf = [0u8; 16];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    wait(h, &b, Interest::READABLE)?;
    let meta = must!(b.recv_msg(&mut RecvMsg::new(iov)), "recv_msg");
    ensure!(
        meta.len == 2 && &buf[..2] == b"r2",
        "the next receive is the next record; the cut rest is gone"
    );
    Ok(())
}
