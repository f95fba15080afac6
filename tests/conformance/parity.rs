//! The same stories on the kernel (POSIX backend, loopback) and on the mock: each records what
//! every call returned, and both transcripts must be equal. This pins the mock to Linux.
//!
//! The kernel stories hold `fd_check`, the lock of the conformance binary, whose POSIX cases
//! count descriptors.

use anysock::Endpoint as _;
use std::fmt::Debug;
use std::time::Duration;

use crate::common::fd_check;
use anysock::embedded_io::{Read, Write};
use anysock::mock::Net;
use anysock::opt::{Linger, SocketError};
use anysock::posix::Posix;
use anysock::{
    Datagram as _, Domain, Listener as _, Result, Shutdown, SockOpt, Socket as _, SocketAddr,
    Stack, Stream as _, Type,
};

/// One line per call: its result with the error kind only (the mock has no errno).
#[derive(Default)]
struct Transcript(Vec<String>);

impl Transcript {
    fn note<T: Debug>(&mut self, what: &str, r: Result<T>) {
        let line = match r {
            Ok(v) => format!("{what}: Ok({v:?})"),
            Err(e) => format!("{what}: Err({:?})", e.kind()),
        };
        self.0.push(line);
    }
}

/// Lets the kernel deliver what loopback has in flight (nothing to do on the mock).
fn settle_kernel() {
    std::thread::sleep(Duration::from_millis(30));
}

fn stream_stories<S: Stack>(stack: &S, settle: fn()) -> Transcript {
    let mut t = Transcript::default();
    let lo: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let mut l = stack.listen(&lo, 1).unwrap();
    l.set_nonblocking(true).unwrap();
    let at = l.local_addr().unwrap();
    let mut buf = [0u8; 16];

    // Reset by closing with unread data.
    let mut c = stack.connect(&at).unwrap();
    c.set_nonblocking(true).unwrap();
    let (mut s, _) = l.accept().unwrap();
    s.set_nonblocking(true).unwrap();
    t.note("s write", s.write(b"toc"));
    t.note("c write", c.write(b"tos"));
    settle();
    drop(c);
    settle();
    t.note("s read", s.read(&mut buf));
    t.note("s read", s.read(&mut buf));
    t.note("s read", s.read(&mut buf));
    t.note("s write", s.write(b"x"));
    t.note("s peer", s.peer_addr().map(|_| ()));

    // Linger zero, then write first.
    let mut c = stack.connect(&at).unwrap();
    let (mut s, _) = l.accept().unwrap();
    s.set_nonblocking(true).unwrap();
    c.set(Linger, Some(Duration::ZERO)).unwrap();
    drop(c);
    settle();
    t.note("s write", s.write(b"x"));
    t.note("s read", s.read(&mut buf));
    t.note("s write", s.write(b"x"));

    // The peer closed cleanly: one write goes, then EPIPE.
    let c = stack.connect(&at).unwrap();
    let (mut s, _) = l.accept().unwrap();
    s.set_nonblocking(true).unwrap();
    drop(c);
    settle();
    t.note("s read", s.read(&mut buf));
    t.note("s write", s.write(b"x"));
    settle();
    t.note("s write", s.write(b"x"));
    t.note("s read", s.read(&mut buf));
    t.note("s shutdown", s.shutdown(Shutdown::Write));

    // Half-close both ways.
    let mut c = stack.connect(&at).unwrap();
    c.set_nonblocking(true).unwrap();
    let (mut s, _) = l.accept().unwrap();
    s.set_nonblocking(true).unwrap();
    t.note("s write", s.write(b"abc"));
    settle();
    t.note("c shut rd", c.shutdown(Shutdown::Read));
    t.note("c read", c.read(&mut buf));
    t.note("c read", c.read(&mut buf));
    t.note("s write", s.write(b"more"));
    settle();
    t.note("c read", c.read(&mut buf));
    t.note("c shut wr", c.shutdown(Shutdown::Write));
    settle();
    t.note("s read", s.read(&mut buf));
    t.note("c write", c.write(b"z"));

    // Backlog 1: two connections wait, the third is in progress.
    drop(l);
    let mut l = stack.listen(&lo, 1).unwrap();
    let at = l.local_addr().unwrap();
    let mut pending = Vec::new();
    for _ in 0..3 {
        let mut s = stack.socket(Domain::Inet, Type::Stream).unwrap();
        s.set_nonblocking(true).unwrap();
        t.note("nb connect", s.connect(&at));
        settle();
        t.note("so_error", s.get(SocketError).map(|e| e.map(|e| e.kind())));
        pending.push(s);
    }
    l.set_nonblocking(true).unwrap();
    t.note("accept", l.accept().map(|_| ()));
    t.note("accept", l.accept().map(|_| ()));

    // Nobody there.
    let mut s = stack.socket(Domain::Inet, Type::Stream).unwrap();
    s.set_nonblocking(true).unwrap();
    drop(l);
    t.note("nb connect refused", s.connect(&at));
    settle();
    t.note("so_error", s.get(SocketError).map(|e| e.map(|e| e.kind())));
    t.note("blocking connect refused", stack.connect(&at).map(|_| ()));

    // Unconnected streams.
    let mut u = stack
        .socket(Domain::Inet, Type::Stream)
        .unwrap()
        .into_stream()
        .unwrap();
    t.note("unconnected read", u.read(&mut buf));
    t.note("unconnected write", u.write(b"x"));
    t.note("unconnected shutdown", u.shutdown(Shutdown::Both));
    t
}

fn datagram_stories<S: Stack>(stack: &S, settle: fn()) -> Transcript {
    let mut t = Transcript::default();
    let lo: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let mut u = stack.bind(&lo).unwrap();
    u.set_nonblocking(true).unwrap();
    let mut closed = stack.bind(&lo).unwrap();
    let nobody = closed.local_addr().unwrap();
    drop(closed);
    let mut buf = [0u8; 4];
    t.note("sendto nobody", u.send_to(b"x", &nobody));
    settle();
    t.note("recv", u.recv(&mut buf));
    t.note("connect", u.connect(&nobody));
    t.note("send", u.send(b"x"));
    settle();
    t.note("send", u.send(b"x"));
    t.note("send", u.send(b"x"));
    settle();
    t.note("recv", u.recv(&mut buf));
    t.note("recv", u.recv(&mut buf));
    t.note("wrong family", u.send_to(b"x", &"[::1]:9".parse().unwrap()));

    closed = stack.bind(&lo).unwrap();
    let to = closed.local_addr().unwrap();
    let mut v = stack.bind(&lo).unwrap();
    t.note("send", v.send_to(b"truncated", &to));
    t.note("send", v.send_to(b"", &to));
    settle();
    t.note("recv", closed.recv(&mut buf));
    t.note("recv", closed.recv(&mut buf));
    let s = stack.socket(Domain::Inet, Type::Datagram).unwrap();
    t.note("listen", s.listen(1).map(|_| ()));
    t
}

fn mock_net() -> Net {
    Net::new()
}

#[test]
fn streams_behave_alike() {
    let _fds = fd_check();
    let kernel = stream_stories(&Posix, settle_kernel);
    let net = mock_net();
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    let mock = stream_stories(&host, || {});
    assert_eq!(kernel.0, mock.0);
}

#[test]
fn datagrams_behave_alike() {
    let _fds = fd_check();
    let kernel = datagram_stories(&Posix, settle_kernel);
    let net = mock_net();
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    let mock = datagram_stories(&host, || {});
    assert_eq!(kernel.0, mock.0);
}
