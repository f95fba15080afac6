//! `sendmsg`/`recvmsg` with several iovecs on both sides: data gathered from and scattered into
//! the buffers in order, the sender's address, `MSG_TRUNC` for a datagram bigger than the
//! buffers, flags, and partial stream sends resumed with `IoVec::advance`.

use crate::common;
use crate::data::pattern;

use anysock::Endpoint as _;
use std::thread;

use anysock::opt::SendBufferSize;
use anysock::posix::Posix;
use anysock::{
    Datagram as _, ErrorKind, Interest, IoVec, IoVecMut, MsgFlags, MsgIo, PollFd, Pollable,
    RecvMeta, RecvMsg, SendMsg, SockOpt, Socket as _, SocketAddr, Stack as _, Stream as _, Type,
};

use common::{assert_kind, bounded, connected, fd_check, Place, TempDir, PATIENCE};

/// `sendmsg` of `parts` gathered in one call, to `to` when given.
fn send_gathered<S: MsgIo>(s: &mut S, parts: &[&[u8]], to: Option<&SocketAddr>) -> usize {
    let mut iov = IoVec::<8>::new();
    for part in parts {
        iov.push(part).expect("at most 8 parts");
    }
    let mut msg = SendMsg::new(iov);
    msg.addr = to;
    s.send_msg(&msg).expect("send_msg")
}

/// `recvmsg` scattered into buffers of `sizes`; returns what was reported and the buffers.
fn recv_scattered<S: MsgIo>(
    s: &mut S,
    sizes: &[usize],
    flags: MsgFlags,
) -> anysock::Result<(RecvMeta, Vec<Vec<u8>>)> {
    let mut bufs: Vec<Vec<u8>> = sizes.iter().map(|&n| vec![0xEE; n]).collect();
    let mut iov = IoVecMut::<8>::new();
    for buf in bufs.iter_mut() {
        iov.push(buf).expect("at most 8 buffers");
    }
    let meta = s.recv_msg(&mut RecvMsg::new(iov).flags(flags))?;
    Ok((meta, bufs))
}

/// The 107 bytes the stories send, as four parts (one empty), and how they land in buffers of
/// 5, 0, 2 and 100 bytes: the split falls in the middle of a part on purpose.
fn parts(body: &[u8]) -> [&[u8]; 4] {
    [b"head", b"", b"er:", body]
}

fn assert_scattered(bufs: &[Vec<u8>], body: &[u8], what: &str) {
    assert_eq!(bufs[0], b"heade", "{what}: first buffer");
    assert!(bufs[1].is_empty(), "{what}: empty buffer");
    assert_eq!(bufs[2], b"r:", "{what}: third buffer");
    assert_eq!(bufs[3], body, "{what}: fourth buffer");
}

#[test]
fn streams_gather_and_scatter_in_order() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let body = pattern(9, 100);
    for (place, ty) in Place::CONNECTIONS {
        let what = format!("{place:?} {ty:?}");
        let (mut client, mut server) = connected(place, ty, &dir);
        assert_eq!(
            send_gathered(&mut client, &parts(&body), None),
            107,
            "{what}"
        );
        // WAITALL: on a byte stream the bytes could come in pieces; the buffers hold exactly 107.
        let (meta, bufs) = recv_scattered(&mut server, &[5, 0, 2, 100], MsgFlags::WAITALL).unwrap();
        assert_eq!(meta.len, 107, "{what}");
        assert!(!meta.flags.contains(MsgFlags::TRUNC), "{what}");
        assert_scattered(&bufs, &body, &what);

        client.shutdown(anysock::Shutdown::Write).unwrap();
        let (meta, _) = recv_scattered(&mut server, &[4, 4], MsgFlags::NONE).unwrap();
        assert_eq!(meta.len, 0, "{what}: end of stream");
    }
}

#[test]
fn datagrams_gather_and_scatter_with_the_senders_address() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let body = pattern(4, 100);
    for place in Place::ALL {
        let what = format!("{place:?}");
        let mut a = Posix.bind(&place.addr(&dir)).unwrap();
        let mut b = Posix.bind(&place.addr(&dir)).unwrap();
        bounded(&mut b);
        let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());

        assert_eq!(send_gathered(&mut a, &parts(&body), Some(&b_addr)), 107);
        let (meta, bufs) = recv_scattered(&mut b, &[5, 0, 2, 100], MsgFlags::NONE).unwrap();
        assert_eq!((meta.len, meta.addr), (107, Some(a_addr)), "{what}");
        assert!(meta.flags.is_empty(), "{what}: {:?}", meta.flags);
        assert_scattered(&bufs, &body, &what);

        // Connected: no address in the message; zero iovecs send an empty datagram.
        a.connect(&b_addr).unwrap();
        assert_eq!(send_gathered(&mut a, &parts(&body), None), 107);
        assert_eq!(send_gathered(&mut a, &[], None), 0);
        let (meta, bufs) = recv_scattered(&mut b, &[5, 0, 2, 100], MsgFlags::NONE).unwrap();
        assert_eq!(meta.len, 107, "{what}");
        assert_scattered(&bufs, &body, &what);
        let (meta, _) = recv_scattered(&mut b, &[5, 0, 2, 100], MsgFlags::NONE).unwrap();
        assert_eq!(
            (meta.len, meta.addr),
            (0, Some(a_addr)),
            "{what}: empty datagram"
        );
    }
}

#[test]
fn a_datagram_bigger_than_the_buffers_is_cut_and_reported_as_trunc() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let data = pattern(1, 100);
    let check = |meta: RecvMeta, bufs: Vec<Vec<u8>>, what: &str| {
        assert_eq!(meta.len, 30, "{what}: bytes that fit");
        assert!(
            meta.flags.contains(MsgFlags::TRUNC),
            "{what}: {:?}",
            meta.flags
        );
        assert_eq!(bufs[0], data[..10], "{what}");
        assert_eq!(bufs[1], data[10..30], "{what}");
    };
    for place in Place::ALL {
        let mut a = Posix.bind(&place.addr(&dir)).unwrap();
        let mut b = Posix.bind(&place.addr(&dir)).unwrap();
        bounded(&mut b);
        a.send_to(&data, &b.local_addr().unwrap()).unwrap();
        a.send_to(b"after", &b.local_addr().unwrap()).unwrap();
        let (meta, bufs) = recv_scattered(&mut b, &[10, 20], MsgFlags::NONE).unwrap();
        check(meta, bufs, &format!("{place:?}"));
        let (meta, bufs) = recv_scattered(&mut b, &[10, 20], MsgFlags::NONE).unwrap();
        assert_eq!(
            (meta.len, &bufs[0][..5]),
            (5, &b"after"[..]),
            "the rest was dropped"
        );
        assert!(meta.flags.is_empty());
    }
    // A seqpacket message is cut the same way.
    let (x, y) = Posix.socketpair(Type::SeqPacket).unwrap();
    let (mut x, mut y) = (x.into_stream().unwrap(), y.into_stream().unwrap());
    bounded(&mut y);
    x.send(&data, MsgFlags::NONE).unwrap();
    let (meta, bufs) = recv_scattered(&mut y, &[10, 20], MsgFlags::NONE).unwrap();
    check(meta, bufs, "seqpacket");
}

#[test]
fn recv_msg_flags_peek_and_dontwait() {
    let _fds = fd_check();
    let (a, b) = Posix.socketpair(Type::Datagram).unwrap();
    let (mut a, mut b) = (a.into_datagram().unwrap(), b.into_datagram().unwrap());
    bounded(&mut b);
    let e = recv_scattered(&mut b, &[8], MsgFlags::DONTWAIT);
    assert_kind(e, ErrorKind::WouldBlock);

    a.send(b"peekaboo").unwrap();
    let (meta, bufs) = recv_scattered(&mut b, &[4, 4], MsgFlags::PEEK).unwrap();
    assert_eq!((meta.len, bufs.concat()), (8, b"peekaboo".to_vec()));
    let (meta, bufs) = recv_scattered(&mut b, &[3, 5], MsgFlags::NONE).unwrap();
    assert_eq!(
        (meta.len, bufs.concat()),
        (8, b"peekaboo".to_vec()),
        "still queued"
    );
    assert_kind(
        recv_scattered(&mut b, &[8], MsgFlags::DONTWAIT),
        ErrorKind::WouldBlock,
    );
}

#[test]
fn partial_stream_sends_resume_with_advance_and_every_byte_arrives() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (mut client, mut server) = connected(Place::V4, Type::Stream, &dir);
    // A small send buffer and a non-blocking socket make partial sends certain.
    client.set(SendBufferSize, 4096).unwrap();
    client.set_nonblocking(true).unwrap();
    let parts: Vec<Vec<u8>> = (0..3).map(|i| pattern(i * 50, 300_000)).collect();
    let total: usize = parts.iter().map(Vec::len).sum();

    let reader = thread::spawn(move || common::read_to_end(&mut server));
    let mut iov = IoVec::<3>::new();
    for part in &parts {
        iov.push(part).unwrap();
    }
    let (mut sent, mut partial) = (0, 0);
    while !iov.is_empty() {
        match client.send_msg(&SendMsg::new(iov)) {
            Ok(n) => {
                partial += usize::from(n < iov.total_len());
                sent += n;
                iov.advance(n);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                let mut fds = [PollFd::new(client.handle(), Interest::WRITABLE)];
                assert_eq!(Posix.poll(&mut fds, Some(PATIENCE)).unwrap(), 1, "stuck");
            }
            Err(e) => panic!("send_msg: {e:?}"),
        }
    }
    client.shutdown(anysock::Shutdown::Write).unwrap();
    let received = reader.join().expect("reader thread");
    assert_eq!((sent, received.len()), (total, total));
    assert!(partial > 0, "the test meant to exercise partial sends");
    assert!(received == parts.concat(), "every byte arrived, in order");
}
