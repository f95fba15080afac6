//! Batches (`sendmmsg`/`recvmmsg`): every message with its own address, buffers, control data
//! and flags; partial batches reported as counts; the default one-message-at-a-time methods of
//! `MsgIo` keeping the same contract; and the bad-input table of batches and control data.

use crate::common;
use crate::data::pattern;

use anysock::cmsg::{Ancillary, Cmsg};
use anysock::opt::{self, SendBufferSize};
use anysock::posix::cmsg::{self, ControlReader, ControlWriter};
use anysock::posix::{self, Posix};
use anysock::{
    Datagram as _, Endpoint, ErrorKind, IoVec, IoVecMut, MsgFlags, MsgIo, RecvBatch, RecvMeta,
    RecvMsg, SendBatch, SendMsg, SockOpt, Socket as _, SocketAddr, Stack as _, Type,
};

use common::{assert_kind, bounded, fd_check};

fn udp() -> posix::Datagram {
    let mut s = Posix.bind(&"127.0.0.1:0".parse().unwrap()).expect("bind");
    bounded(&mut s);
    s
}

/// Receives up to `B` datagrams of up to 64 bytes; returns them with their reports.
fn recv_batch<S: MsgIo, const B: usize>(s: &mut S) -> anysock::Result<Vec<(Vec<u8>, RecvMeta)>> {
    let mut bufs = [[0u8; 64]; B];
    let mut batch = RecvBatch::<B, 1>::new();
    for buf in bufs.iter_mut() {
        let mut iov = IoVecMut::new();
        iov.push(buf).unwrap();
        batch.push(RecvMsg::new(iov)).unwrap();
    }
    let n = s.recv_mmsg(&mut batch)?;
    let meta = batch.meta()[..n].to_vec();
    Ok(bufs
        .iter()
        .zip(meta)
        .map(|(b, m)| (b[..m.len].to_vec(), m))
        .collect())
}

#[test]
fn a_batch_sends_each_message_to_its_own_address() {
    let _fds = fd_check();
    let (mut rx1, mut rx2, mut tx) = (udp(), udp(), udp());
    let (to1, to2) = (rx1.local_addr().unwrap(), rx2.local_addr().unwrap());
    let data: Vec<Vec<u8>> = (0..32).map(|i| pattern(i, 1 + i)).collect();
    let mut batch = SendBatch::<32, 2>::new();
    for (i, d) in data.iter().enumerate() {
        let to = if i % 2 == 0 { &to1 } else { &to2 };
        let (head, tail) = d.split_at(d.len() / 2);
        batch
            .push(SendMsg::new(IoVec::from_slices(&[head, tail]).unwrap()).to(to))
            .unwrap();
    }
    assert_eq!(tx.send_mmsg(&mut batch), Ok(32));
    assert_eq!(batch.sent(), data.iter().map(Vec::len).collect::<Vec<_>>());

    let from = tx.local_addr().unwrap();
    for (rx, parity) in [(&mut rx1, 0), (&mut rx2, 1)] {
        let mut got = Vec::new();
        while got.len() < 16 {
            got.extend(recv_batch::<_, 16>(rx).unwrap());
        }
        for (k, (bytes, meta)) in got.iter().enumerate() {
            assert_eq!(bytes, &data[2 * k + parity]);
            assert_eq!(meta.addr, Some(from));
            assert_eq!(meta.flags, MsgFlags::NONE);
        }
    }
}

#[test]
fn a_receive_batch_takes_what_is_queued_without_waiting_for_more() {
    let _fds = fd_check();
    let (mut rx, mut tx) = (udp(), udp());
    let to = rx.local_addr().unwrap();
    for i in 0..3u8 {
        tx.send_to(&[i; 5], &to).unwrap();
    }
    // A blocking socket: waits for the first, returns with three of eight.
    let got = recv_batch::<_, 8>(&mut rx).unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].0, [2u8; 5]);
    // Nothing queued on a non-blocking socket: the first message fails, so the call does.
    rx.set_nonblocking(true).unwrap();
    assert_kind(recv_batch::<_, 8>(&mut rx), ErrorKind::WouldBlock);
}

#[test]
fn truncation_and_control_data_are_reported_per_message() {
    let _fds = fd_check();
    let (mut rx, mut tx) = (udp(), udp());
    rx.set(opt::RecvTtl, true).unwrap();
    let to = rx.local_addr().unwrap();
    let mut ttl_space = [[0u8; cmsg::space(4)]; 2];
    let [a, b] = &mut ttl_space;
    let mut wa = ControlWriter::new(a);
    wa.push(&Cmsg::Ttl(3)).unwrap();
    let mut wb = ControlWriter::new(b);
    wb.push(&Cmsg::Ttl(4)).unwrap();
    let long = [7u8; 100];
    let mut batch = SendBatch::<2, 1>::new();
    batch
        .push(
            SendMsg::new(IoVec::from_slices(&[&long]).unwrap())
                .to(&to)
                .control(wa.as_bytes()),
        )
        .unwrap();
    batch
        .push(
            SendMsg::new(IoVec::from_slices(&[b"ok"]).unwrap())
                .to(&to)
                .control(wb.as_bytes()),
        )
        .unwrap();
    assert_eq!(tx.send_mmsg(&mut batch), Ok(2));

    let mut bufs = [[0u8; 64]; 2];
    let mut controls = [[0u8; 64]; 2];
    let mut recv = RecvBatch::<2, 1>::new();
    for (buf, control) in bufs.iter_mut().zip(controls.iter_mut()) {
        let mut iov = IoVecMut::new();
        iov.push(buf).unwrap();
        recv.push(RecvMsg::new(iov).control(control)).unwrap();
    }
    assert_eq!(rx.recv_mmsg(&mut recv), Ok(2));
    let meta = recv.meta().to_vec();
    assert_eq!((meta[0].len, meta[0].flags), (64, MsgFlags::TRUNC));
    assert_eq!((meta[1].len, meta[1].flags), (2, MsgFlags::NONE));
    for (i, ttl) in [3u8, 4].into_iter().enumerate() {
        let items: Vec<_> = ControlReader::new(&controls[i][..meta[i].control_len]).collect();
        assert!(
            matches!(items[..], [Ok(Cmsg::Ttl(t))] if t == ttl),
            "{items:?}"
        );
    }
}

#[test]
fn a_full_send_buffer_makes_a_partial_batch_not_an_error() {
    let _fds = fd_check();
    let (a, b) = Posix.socketpair(Type::Datagram).unwrap();
    let (mut a, _b) = (a.into_datagram().unwrap(), b.into_datagram().unwrap());
    a.set(SendBufferSize, 4096).unwrap();
    a.set_nonblocking(true).unwrap();
    let data = [1u8; 512];
    let mut batch = SendBatch::<64, 1>::new();
    for _ in 0..64 {
        batch
            .push(SendMsg::new(IoVec::from_slices(&[&data]).unwrap()))
            .unwrap();
    }
    let n = a.send_mmsg(&mut batch).expect("the first messages fit");
    assert!(0 < n && n < 64, "{n} of 64 sent");
    assert!(batch.sent()[..n].iter().all(|&len| len == 512));
    // Now nothing fits: the first message fails, so the call does.
    assert_kind(a.send_mmsg(&mut batch), ErrorKind::WouldBlock);
}

#[test]
fn messages_with_different_flags_all_go() {
    let _fds = fd_check();
    let (mut rx, mut tx) = (udp(), udp());
    let to = rx.local_addr().unwrap();
    let bytes = [[0u8], [1], [2], [3]];
    let mut batch = SendBatch::<4, 1>::new();
    for (i, flags) in [
        MsgFlags::NONE,
        MsgFlags::DONTWAIT,
        MsgFlags::DONTWAIT,
        MsgFlags::NONE,
    ]
    .into_iter()
    .enumerate()
    {
        let msg = SendMsg::new(IoVec::from_slices(&[&bytes[i]]).unwrap()).to(&to);
        batch.push(msg.flags(flags)).unwrap();
    }
    assert_eq!(tx.send_mmsg(&mut batch), Ok(4));
    let mut got = Vec::new();
    while got.len() < 4 {
        got.extend(
            recv_batch::<_, 4>(&mut rx)
                .unwrap()
                .into_iter()
                .map(|(b, _)| b[0]),
        );
    }
    assert_eq!(got, [0, 1, 2, 3]);
}

#[test]
fn streams_send_and_receive_batches_too() {
    let _fds = fd_check();
    let (a, b) = Posix.socketpair(Type::Stream).unwrap();
    let (mut a, mut b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
    bounded(&mut b);
    let mut batch = SendBatch::<3, 1>::new();
    for part in [&b"one "[..], b"two ", b"three"] {
        batch
            .push(SendMsg::new(IoVec::from_slices(&[part]).unwrap()))
            .unwrap();
    }
    assert_eq!(a.send_mmsg(&mut batch), Ok(3));
    let got = recv_batch::<_, 4>(&mut b).unwrap();
    let all: Vec<u8> = got.into_iter().flat_map(|(bytes, _)| bytes).collect();
    assert_eq!(all, b"one two three");
}

/// A socket that implements only `send_msg`/`recv_msg`: the batch methods are `MsgIo`'s
/// defaults, which must keep the contract the POSIX ones do.
struct OneAtATime(posix::Datagram);

impl MsgIo for OneAtATime {
    fn send_msg<const N: usize>(&mut self, msg: &SendMsg<'_, N>) -> anysock::Result<usize> {
        self.0.send_msg(msg)
    }
    fn recv_msg<const N: usize>(&mut self, msg: &mut RecvMsg<'_, N>) -> anysock::Result<RecvMeta> {
        self.0.recv_msg(msg)
    }
}

#[test]
fn the_default_batch_methods_keep_the_same_contract() {
    let _fds = fd_check();
    let (mut rx, tx) = (OneAtATime(udp()), OneAtATime(udp()));
    let to = rx.0.local_addr().unwrap();
    let mut tx = tx;
    let mut batch = SendBatch::<3, 1>::new();
    for d in [&b"a"[..], b"bb", b"ccc"] {
        batch
            .push(SendMsg::new(IoVec::from_slices(&[d]).unwrap()).to(&to))
            .unwrap();
    }
    assert_eq!(tx.send_mmsg(&mut batch), Ok(3));
    assert_eq!(batch.sent(), [1, 2, 3]);
    let got = recv_batch::<_, 8>(&mut rx).unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].0, b"ccc");
    rx.0.set_nonblocking(true).unwrap();
    assert_kind(recv_batch::<_, 8>(&mut rx), ErrorKind::WouldBlock);
}

/// Bad input is refused before any syscall: nothing is sent, and the reason is
/// `InvalidInput`.
#[test]
fn bad_input_table() {
    let _fds = fd_check();
    let (mut rx, mut tx) = (udp(), udp());
    let mut tx2 = tx.try_clone().unwrap();
    rx.set_nonblocking(true).unwrap();
    let to = rx.local_addr().unwrap();
    let v6: SocketAddr = "[::1]:9".parse().unwrap();
    let fds: Vec<i32> = (0..300).collect();
    let big = [0u8; 8192];
    let mut small = [0u8; cmsg::space_for_rights(1)];
    let one = IoVec::<1>::from_slices(&[b"x"]).unwrap();

    type Row<'a> = (&'a str, Box<dyn FnMut() -> anysock::Result<usize> + 'a>);
    let mut rows: Vec<Row> = vec![
        (
            "control buffer too small for three descriptors",
            Box::new(|| posix::Datagram::encode_control(&mut small, &[Cmsg::Rights(&[0, 1, 2])])),
        ),
        (
            "more descriptors than one message may carry",
            Box::new(|| {
                let mut buf = big;
                posix::Datagram::encode_control(
                    &mut buf,
                    &[Cmsg::Rights(&fds[..cmsg::MAX_FDS + 1])],
                )
            }),
        ),
        (
            "a negative descriptor",
            Box::new(|| {
                let mut buf = [0u8; 64];
                posix::Datagram::encode_control(&mut buf, &[Cmsg::Rights(&[-1])])
            }),
        ),
        (
            "a timestamp finer than SO_TIMESTAMP's microseconds",
            Box::new(|| {
                let mut buf = [0u8; 64];
                let t = anysock::cmsg::Timestamp { secs: 1, nanos: 1 };
                posix::Datagram::encode_control(&mut buf, &[Cmsg::Timestamp(t)])
            }),
        ),
        (
            "a send batch larger than its capacity",
            Box::new(|| {
                let mut batch = SendBatch::<1, 1>::new();
                batch.push(SendMsg::new(one))?;
                batch.push(SendMsg::new(one)).map(|()| 0)
            }),
        ),
        (
            "a receive batch larger than its capacity",
            Box::new(|| {
                let mut batch = RecvBatch::<0, 1>::new();
                batch.push(RecvMsg::new(IoVecMut::new())).map(|()| 0)
            }),
        ),
        (
            "a batch message to an address of another family",
            Box::new(|| {
                let mut batch = SendBatch::<2, 1>::new();
                batch.push(SendMsg::new(one).to(&to))?;
                batch.push(SendMsg::new(one).to(&v6))?;
                tx.send_mmsg(&mut batch)
            }),
        ),
        (
            "a receive flag in a send batch",
            Box::new(|| {
                let mut batch = SendBatch::<2, 1>::new();
                batch.push(SendMsg::new(one).to(&to))?;
                batch.push(SendMsg::new(one).to(&to).flags(MsgFlags::PEEK))?;
                tx2.send_mmsg(&mut batch)
            }),
        ),
    ];
    for (what, row) in rows.iter_mut() {
        assert_eq!(
            row().map_err(|e| e.kind()),
            Err(ErrorKind::InvalidInput),
            "{what}"
        );
    }
    drop(rows);

    // Receive side: messages that disagree on flags, a report flag as a request, and a control
    // buffer given twice to recv_msg_control.
    let (mut b1, mut b2) = ([0u8; 8], [0u8; 8]);
    let mut batch = RecvBatch::<2, 1>::new();
    let (mut i1, mut i2) = (IoVecMut::new(), IoVecMut::new());
    i1.push(&mut b1).unwrap();
    i2.push(&mut b2).unwrap();
    batch.push(RecvMsg::new(i1)).unwrap();
    batch.push(RecvMsg::new(i2).flags(MsgFlags::PEEK)).unwrap();
    assert_kind(rx.recv_mmsg(&mut batch), ErrorKind::InvalidInput);
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut b1).unwrap();
    let mut batch = RecvBatch::<1, 1>::new();
    batch
        .push(RecvMsg::new(iov).flags(MsgFlags::TRUNC))
        .unwrap();
    assert_kind(rx.recv_mmsg(&mut batch), ErrorKind::InvalidInput);
    let (mut c1, mut c2) = ([0u8; 32], [0u8; 32]);
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut b1).unwrap();
    let mut msg = RecvMsg::new(iov).control(&mut c1);
    assert_kind(
        rx.recv_msg_control(&mut msg, &mut c2).map(|(m, _)| m),
        ErrorKind::InvalidInput,
    );

    // And nothing reached the receiver.
    assert_kind(rx.recv_from(&mut b2), ErrorKind::WouldBlock);
}
