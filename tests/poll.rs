//! `poll` over several sockets at once: readable on data, on end of stream and on a pending
//! connection; writable; nothing ready until the timeout, which returns 0.

mod common;

use anysock::Endpoint as _;
use std::time::{Duration, Instant};

use anysock::embedded_io::{Read, Write};
use anysock::posix::Posix;
use anysock::{Datagram as _, Interest, Listener as _, PollFd, Pollable, Stack as _, Type};

use common::{connected, fd_check, Place, TempDir, PATIENCE};

type Fd = PollFd<i32>;

/// Polls `fds` for at most `timeout` and returns how many entries have something to report,
/// after checking that this count matches the entries' readiness.
fn poll(fds: &mut [Fd], timeout: Duration) -> usize {
    let n = Posix.poll(fds, Some(timeout)).expect("poll");
    let reported = fds.iter().filter(|f| !f.ready().is_empty()).count();
    assert_eq!(n, reported, "poll's count matches the entries: {fds:?}");
    n
}

/// Polls until at least `want` entries report something, at most [`PATIENCE`] in all: over
/// loopback a byte or a connection may land a moment after the call that sent it returned.
fn poll_until(fds: &mut [Fd], want: usize) -> usize {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let n = poll(fds, left);
        if n >= want || left.is_zero() {
            return n;
        }
    }
}

#[test]
fn nothing_ready_means_zero_after_the_timeout() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (a, b) = connected(Place::UnixPath, Type::Stream, &dir);
    let listener = common::listener(Type::Stream, &Place::V4.addr(&dir));
    let mut fds = [
        PollFd::new(a.handle(), Interest::READABLE),
        PollFd::new(b.handle(), Interest::READABLE),
        PollFd::new(listener.handle(), Interest::READABLE),
    ];
    let start = Instant::now();
    assert_eq!(poll(&mut fds, Duration::from_millis(50)), 0);
    assert!(
        start.elapsed() >= Duration::from_millis(40),
        "it waited for the timeout"
    );
    assert!(fds.iter().all(|f| f.ready().is_empty()));

    // A zero timeout only looks.
    let start = Instant::now();
    assert_eq!(poll(&mut fds, Duration::ZERO), 0);
    assert!(start.elapsed() < Duration::from_millis(500));
}

#[test]
fn readable_on_data_only_where_data_is() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (mut a1, b1) = connected(Place::V4, Type::Stream, &dir);
    let (_a2, b2) = connected(Place::UnixAbstract, Type::SeqPacket, &dir);
    let mut d1 = Posix.bind(&Place::V6.addr(&dir)).unwrap();
    let d2 = Posix.bind(&Place::V6.addr(&dir)).unwrap();
    let mut fds = [
        PollFd::new(b1.handle(), Interest::READABLE),
        PollFd::new(b2.handle(), Interest::READABLE),
        PollFd::new(d2.handle(), Interest::READABLE),
    ];

    a1.write_all(b"tcp data").unwrap();
    d1.send_to(b"udp data", &d2.local_addr().unwrap()).unwrap();
    assert_eq!(
        poll_until(&mut fds, 2),
        2,
        "the stream and the datagram socket"
    );
    assert!(fds[0].ready().is_readable());
    assert!(
        fds[1].ready().is_empty(),
        "nothing was sent on the seqpacket"
    );
    assert!(fds[2].ready().is_readable());
}

#[test]
fn readable_on_end_of_stream() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in Place::ALL {
        let (a, mut b) = connected(place, Type::Stream, &dir);
        let mut fds = [PollFd::new(b.handle(), Interest::READABLE)];
        assert_eq!(poll(&mut fds, Duration::ZERO), 0, "{place:?}: nothing yet");
        drop(a);
        assert_eq!(poll_until(&mut fds, 1), 1, "{place:?}");
        assert!(
            fds[0].ready().is_readable(),
            "{place:?}: end of stream is readable"
        );
        assert_eq!(
            b.read(&mut [0u8; 8]).unwrap(),
            0,
            "{place:?}: and reads as 0"
        );
    }
}

#[test]
fn readable_on_a_pending_connection() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut listeners: Vec<_> = Place::ALL
        .iter()
        .map(|p| common::listener(Type::Stream, &p.addr(&dir)))
        .collect();
    let mut fds: Vec<Fd> = listeners
        .iter()
        .map(|l| PollFd::new(l.handle(), Interest::READABLE))
        .collect();
    assert_eq!(poll(&mut fds, Duration::ZERO), 0, "nobody connected yet");

    // Connect to the second and fourth only: exactly those become readable.
    let addr1 = listeners[1].local_addr().unwrap();
    let addr3 = listeners[3].local_addr().unwrap();
    let _c1 = common::client(Type::Stream, &addr1);
    let _c3 = common::client(Type::Stream, &addr3);
    assert_eq!(poll_until(&mut fds, 2), 2);
    let ready: Vec<bool> = fds.iter().map(|f| f.ready().is_readable()).collect();
    assert_eq!(ready, [false, true, false, true]);
    for i in [1, 3] {
        listeners[i]
            .accept()
            .expect("the readable listener accepts at once");
    }
}

#[test]
fn writable_when_there_is_room_and_not_when_full() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (mut a, _b) = connected(Place::UnixPath, Type::Stream, &dir);
    let mut fds = [PollFd::new(a.handle(), Interest::BOTH)];
    assert_eq!(poll_until(&mut fds, 1), 1);
    let ready = fds[0].ready();
    assert!(ready.is_writable() && !ready.is_readable(), "{ready:?}");

    // Fill the connection; then it is neither readable nor writable.
    a.set_nonblocking(true).unwrap();
    let chunk = [0u8; 4096];
    for _ in 0..100_000 {
        if a.write(&chunk).is_err() {
            break;
        }
    }
    assert_eq!(poll(&mut fds, Duration::from_millis(20)), 0, "full");
}

#[test]
fn interest_none_still_reports_hangup() {
    let _fds = fd_check();
    let (a, b) = Posix.socketpair(Type::Stream).unwrap();
    let mut fds = [PollFd::new(b.handle(), Interest::NONE)];
    assert_eq!(poll(&mut fds, Duration::ZERO), 0);
    drop(a);
    assert_eq!(poll_until(&mut fds, 1), 1);
    assert!(fds[0].ready().is_hangup(), "{:?}", fds[0].ready());
}
