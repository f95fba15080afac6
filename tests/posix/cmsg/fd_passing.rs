//! Descriptors passed over Unix sockets (`SCM_RIGHTS`): a listening socket handed to another
//! process that serves on it, a passed socket that works on the receiving side, and the
//! descriptor count staying flat whatever the receiver does — takes them, ignores them, lets
//! `MSG_CTRUNC` cut them, or receives them through the raw `recv_msg` or a batch.

use crate::{common, system};

use anysock::Endpoint as _;

use anysock::cmsg::{Ancillary, Cmsg};
use anysock::embedded_io::{Read, Write};
use anysock::posix::cmsg::{self, ControlReader, ControlWriter, ReceivedControl};
use anysock::posix::{self, Posix};
use anysock::{
    IoVec, IoVecMut, Listener as _, MsgFlags, MsgIo, Pollable, RecvBatch, RecvMsg, SendMsg,
    Socket as _, Stack as _, Type,
};

use common::{bounded, fd_check, fd_count};

/// Set in the child process; holds the abstract name to connect to.
const CHILD: &str = "ANYSOCK_FD_PASSING_CHILD";

/// A Unix datagram pair, both ends with timeouts.
fn datagram_pair() -> (posix::Datagram, posix::Datagram) {
    let (a, b) = Posix.socketpair(Type::Datagram).expect("socketpair");
    let (mut a, mut b) = (a.into_datagram().unwrap(), b.into_datagram().unwrap());
    bounded(&mut a);
    bounded(&mut b);
    (a, b)
}

/// Sends `fds` with one byte of data.
fn send_fds<S: MsgIo>(s: &mut S, fds: &[i32]) {
    let mut space = [0u8; cmsg::space_for_rights(8)];
    let mut w = ControlWriter::new(&mut space);
    w.push(&Cmsg::Rights(fds)).expect("encode the descriptors");
    let iov = IoVec::<1>::from_slices(&[b"F"]).unwrap();
    assert_eq!(s.send_msg(&SendMsg::new(iov).control(w.as_bytes())), Ok(1));
}

/// The child's part: connect to the parent, receive the listener, serve one echo.
fn child(name: &str) {
    let addr = format!("unix:@{name}").parse().expect("abstract address");
    let mut parent = Posix.connect(&addr).expect("connect to the parent");
    bounded(&mut parent);
    let (mut data, mut control) = ([0u8; 1], [0u8; cmsg::space_for_rights(1)]);
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut data).unwrap();
    let (meta, received) = parent
        .recv_msg_control(&mut RecvMsg::new(iov), &mut control)
        .expect("recv_msg_control");
    assert_eq!(meta.len, 1);
    let mut listener = None;
    for item in received {
        if let Cmsg::Rights(fds) = item.expect("a well-formed message") {
            for fd in fds {
                listener = Some(fd.into_listener().expect("a listening socket"));
            }
        }
    }
    let mut listener = listener.expect("the parent passed a listener");
    let (mut conn, _) = listener.accept().expect("accept on the passed listener");
    bounded(&mut conn);
    let mut buf = [0u8; 4];
    conn.read_exact(&mut buf).expect("read the ping");
    conn.write_all(&buf).expect("echo it");
    // Tells the parent the child is done with the listener.
    parent.write_all(b"done").expect("report");
}

#[test]
fn a_listening_socket_passed_to_a_child_process_accepts_there() {
    if let Ok(name) = std::env::var(CHILD) {
        return child(&name);
    }
    let _fds = fd_check();
    let name = format!("anysock-fd-passing-{}", std::process::id());
    let addr = format!("unix:@{name}").parse().unwrap();
    let mut control = Posix.listen(&addr, 1).expect("listen");
    let tcp = Posix
        .listen(&"127.0.0.1:0".parse().unwrap(), 4)
        .expect("listen on TCP");
    let tcp_addr = tcp.local_addr().unwrap();

    let mut child_proc = system::rerun(
        module_path!(),
        "a_listening_socket_passed_to_a_child_process_accepts_there",
    )
    .env(CHILD, &name)
    .spawn()
    .expect("spawn the child");
    let (mut to_child, _) = control.accept().expect("the child connects");
    bounded(&mut to_child);
    send_fds(&mut to_child, &[tcp.handle()]);
    // From here on only the child accepts: ours is closed, and the connection still works.
    drop(tcp);

    let mut client = Posix
        .connect(&tcp_addr)
        .expect("connect to the passed listener");
    bounded(&mut client);
    client.write_all(b"ping").unwrap();
    let mut echo = [0u8; 4];
    client.read_exact(&mut echo).expect("the child echoes");
    assert_eq!(&echo, b"ping");
    let mut done = [0u8; 4];
    to_child.read_exact(&mut done).expect("the child reports");
    assert_eq!(&done, b"done");
    let status = child_proc.wait().expect("wait for the child");
    assert!(status.success(), "the child failed: {status}");
}

#[test]
fn a_passed_socket_works_on_the_receiving_side() {
    let _fds = fd_check();
    let (mut a, mut b) = datagram_pair();
    let (left, right) = Posix.socketpair(Type::Stream).unwrap();
    let mut right = right.into_stream().unwrap();
    send_fds(&mut a, &[left.as_raw_fd()]);
    drop(left);

    let (mut data, mut control) = ([0u8; 1], [0u8; cmsg::space_for_rights(1)]);
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut data).unwrap();
    let (_, received) = b
        .recv_msg_control(&mut RecvMsg::new(iov), &mut control)
        .unwrap();
    let mut passed = Vec::new();
    for item in received {
        if let Cmsg::Rights(fds) = item.unwrap() {
            passed.extend(fds);
        }
    }
    assert_eq!(passed.len(), 1);
    let mut left = passed.pop().unwrap().into_stream().expect("a stream");
    left.write_all(b"across").unwrap();
    let mut buf = [0u8; 6];
    right.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"across");
}

/// Three descriptors of one socket, to pass.
fn three() -> (posix::Socket, posix::Socket, posix::Socket) {
    let (s, _) = Posix.socketpair(Type::Stream).unwrap();
    (s.try_clone().unwrap(), s.try_clone().unwrap(), s)
}

#[test]
fn descriptors_cut_by_ctrunc_are_closed_and_the_cut_reported() {
    let _fds = fd_check();
    let (mut a, mut b) = datagram_pair();
    let (x, y, z) = three();
    send_fds(&mut a, &[x.as_raw_fd(), y.as_raw_fd(), z.as_raw_fd()]);
    drop((x, y, z));
    let before = fd_count();

    // Room for one descriptor (the kernel fits what the padding allows), not three.
    let (mut data, mut control) = ([0u8; 1], [0u8; cmsg::space_for_rights(1)]);
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut data).unwrap();
    let (meta, received) = b
        .recv_msg_control(&mut RecvMsg::new(iov), &mut control)
        .unwrap();
    assert!(meta.flags.contains(MsgFlags::CTRUNC), "{:?}", meta.flags);
    let installed = fd_count() - before;
    assert!((1..3).contains(&installed), "{installed} installed");
    drop(received);
    assert_eq!(fd_count(), before, "the descriptors that fit are closed");
}

/// Receives one message with `recv_msg_control` and hands its control data to `f`.
fn receive_then(b: &mut posix::Datagram, control: &mut [u8], f: impl FnOnce(ReceivedControl<'_>)) {
    let mut data = [0u8; 1];
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut data).unwrap();
    let (_, received) = b.recv_msg_control(&mut RecvMsg::new(iov), control).unwrap();
    f(received);
}

#[test]
fn descriptors_the_receiver_ignores_are_closed() {
    let _fds = fd_check();
    let (mut a, mut b) = datagram_pair();
    let (x, y, z) = three();
    let before = fd_count();
    for _ in 0..3 {
        send_fds(&mut a, &[x.as_raw_fd(), y.as_raw_fd(), z.as_raw_fd()]);
    }
    let mut control = [0u8; cmsg::space_for_rights(3)];
    // Never iterated.
    receive_then(&mut b, &mut control, |received| drop(received));
    assert_eq!(fd_count(), before);
    // The message is looked at, its descriptors not taken.
    receive_then(&mut b, &mut control, |received| {
        for item in received {
            assert!(matches!(item, Ok(Cmsg::Rights(ref fds)) if fds.len() == 3));
        }
    });
    assert_eq!(fd_count(), before);
    // One taken and dropped, two left in the message.
    receive_then(&mut b, &mut control, |received| {
        for item in received {
            if let Ok(Cmsg::Rights(mut fds)) = item {
                drop(fds.next());
            }
        }
    });
    assert_eq!(fd_count(), before);
}

#[test]
fn raw_recv_msg_and_batches_close_received_descriptors() {
    let _fds = fd_check();
    let (mut a, mut b) = datagram_pair();
    let (x, y, z) = three();
    let before = fd_count();
    send_fds(&mut a, &[x.as_raw_fd(), y.as_raw_fd()]);
    let (mut data, mut control) = ([0u8; 1], [0u8; cmsg::space_for_rights(2)]);
    let mut iov = IoVecMut::<1>::new();
    iov.push(&mut data).unwrap();
    let mut msg = RecvMsg::new(iov).control(&mut control);
    let meta = b.recv_msg(&mut msg).unwrap();
    assert_eq!(fd_count(), before);
    // The bytes still say a message came, with numbers that name nothing.
    let items: Vec<_> = ControlReader::new(&control[..meta.control_len]).collect();
    assert!(
        matches!(&items[..], [Ok(Cmsg::Rights(fds))] if fds.clone().all(|fd| fd == -1) && fds.len() == 2)
    );

    for _ in 0..2 {
        send_fds(&mut a, &[z.as_raw_fd()]);
    }
    let mut bufs = [[0u8; 1]; 2];
    let mut controls = [[0u8; cmsg::space_for_rights(1)]; 2];
    let mut batch = RecvBatch::<2, 1>::new();
    for (buf, control) in bufs.iter_mut().zip(controls.iter_mut()) {
        let mut iov = IoVecMut::new();
        iov.push(buf).unwrap();
        batch.push(RecvMsg::new(iov).control(control)).unwrap();
    }
    assert_eq!(b.recv_mmsg(&mut batch), Ok(2));
    assert_eq!(fd_count(), before);
    drop((x, y, z));
}
