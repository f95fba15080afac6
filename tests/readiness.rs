//! The scalable readiness API (`ScalableReadiness`, `Selector`) on the POSIX backend (epoll):
//! readable on data, on end of stream and on a pending connection; writable when buffer space
//! frees; errors and hang-ups reported whatever the interest; edge-triggered sockets reported
//! once per change; deregistered sockets silent; 10,000 registered sockets.

mod common;

use anysock::Endpoint as _;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::posix::{Posix, Selector};
use anysock::selector::{Event, ScalableReadiness, Selector as _, Token, Trigger};
use anysock::{
    Datagram as _, ErrorKind, Interest, Listener as _, Pollable, Socket as _, Stack as _, Type,
};

use common::{connected, fd_check, Place, TempDir, PATIENCE};

/// How long a wait that must find nothing is given.
const QUIET: Duration = Duration::from_millis(50);

/// Waits (at most [`PATIENCE`], or `timeout`) and returns the events found.
fn wait(selector: &mut Selector, timeout: Duration) -> Vec<Event> {
    let mut events = [Event::EMPTY; 64];
    let n = selector.wait(&mut events, Some(timeout)).expect("wait");
    events[..n].to_vec()
}

fn tokens(events: &[Event]) -> Vec<u64> {
    let mut t: Vec<u64> = events.iter().map(|e| e.token().0).collect();
    t.sort_unstable();
    t
}

#[test]
fn readable_on_data_with_the_registered_token() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut selector = Posix.selector().unwrap();
    let (mut a, b) = connected(Place::V4, Type::Stream, &dir);
    let (_c, d) = connected(Place::UnixPath, Type::Stream, &dir);
    let mut u1 = Posix.bind(&Place::V6.addr(&dir)).unwrap();
    let u2 = Posix.bind(&Place::V6.addr(&dir)).unwrap();
    for (handle, token) in [(b.handle(), 1), (d.handle(), 2), (u2.handle(), 3)] {
        selector
            .register(handle, Token(token), Interest::READABLE, Trigger::Level)
            .unwrap();
    }
    assert!(wait(&mut selector, QUIET).is_empty(), "nothing sent yet");
    a.write_all(b"tcp").unwrap();
    u1.send_to(b"udp", &u2.local_addr().unwrap()).unwrap();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let events = wait(&mut selector, PATIENCE);
        assert!(!events.is_empty(), "data arrives within {PATIENCE:?}");
        assert!(events.iter().all(|e| e.ready().is_readable()));
        seen = tokens(&events);
    }
    assert_eq!(
        seen,
        [1, 3],
        "the stream and the datagram socket, not the idle stream"
    );
}

#[test]
fn readable_on_end_of_stream_and_hang_up_reported() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in Place::ALL {
        let (a, mut b) = connected(place, Type::Stream, &dir);
        let mut selector = Posix.selector().unwrap();
        selector
            .register(b.handle(), Token(9), Interest::READABLE, Trigger::Level)
            .unwrap();
        drop(a);
        let events = wait(&mut selector, PATIENCE);
        assert_eq!(tokens(&events), [9], "{place:?}");
        assert!(events[0].ready().is_readable(), "{place:?}");
        assert_eq!(
            b.read(&mut [0u8; 8]).unwrap(),
            0,
            "{place:?}: end of stream"
        );
    }
    // Closed in both directions: a hang-up, reported even with no interest at all.
    let (a, b) = connected(Place::UnixPath, Type::Stream, &dir);
    let mut selector = Posix.selector().unwrap();
    selector
        .register(b.handle(), Token(4), Interest::NONE, Trigger::Level)
        .unwrap();
    assert!(wait(&mut selector, QUIET).is_empty());
    drop(a);
    let events = wait(&mut selector, PATIENCE);
    assert_eq!(tokens(&events), [4]);
    assert!(events[0].ready().is_hangup(), "{events:?}");
}

#[test]
fn readable_on_a_pending_connection() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in Place::ALL {
        let mut listener = common::listener(Type::Stream, &place.addr(&dir));
        let mut selector = Posix.selector().unwrap();
        selector
            .register(
                listener.handle(),
                Token(0),
                Interest::READABLE,
                Trigger::Level,
            )
            .unwrap();
        assert!(
            wait(&mut selector, QUIET).is_empty(),
            "{place:?}: nobody yet"
        );
        let _client = common::client(Type::Stream, &listener.local_addr().unwrap());
        let events = wait(&mut selector, PATIENCE);
        assert_eq!(tokens(&events), [0], "{place:?}");
        assert!(events[0].ready().is_readable());
        listener.accept().expect("the connection is there");
    }
}

/// Fills `s` (non-blocking) until the kernel takes no more.
fn fill<S: Write<Error = anysock::Error>>(s: &mut S) {
    let chunk = [7u8; 65536];
    loop {
        match s.write(&chunk) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) => panic!("write: {e}"),
        }
    }
}

/// Reads everything `s` (non-blocking) has now.
fn drain<S: Read<Error = anysock::Error>>(s: &mut S) -> usize {
    let mut buf = [0u8; 65536];
    let mut total = 0;
    loop {
        match s.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return total,
            Err(e) => panic!("read: {e}"),
        }
    }
}

#[test]
fn writable_when_buffer_space_frees() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in [Place::V4, Place::UnixPath] {
        let (mut a, mut b) = connected(place, Type::Stream, &dir);
        a.set_nonblocking(true).unwrap();
        b.set_nonblocking(true).unwrap();
        let mut selector = Posix.selector().unwrap();
        selector
            .register(a.handle(), Token(5), Interest::WRITABLE, Trigger::Level)
            .unwrap();
        assert_eq!(
            tokens(&wait(&mut selector, PATIENCE)),
            [5],
            "{place:?}: room at first"
        );
        fill(&mut a);
        assert!(wait(&mut selector, QUIET).is_empty(), "{place:?}: full");
        // The reader takes everything; the writer's buffer empties as it goes.
        let mut events = Vec::new();
        for _ in 0..100 {
            drain(&mut b);
            events = wait(&mut selector, Duration::from_millis(20));
            if !events.is_empty() {
                break;
            }
        }
        assert_eq!(tokens(&events), [5], "{place:?}: writable again");
        assert!(events[0].ready().is_writable());
    }
}

#[test]
fn errors_are_reported_whatever_the_interest() {
    let _fds = fd_check();
    // A non-blocking connect to a port nobody listens on fails with an error to collect.
    let port = {
        let l = Posix.listen(&"127.0.0.1:0".parse().unwrap(), 1).unwrap();
        l.local_addr().unwrap()
    };
    let mut s = Posix.socket(anysock::Domain::Inet, Type::Stream).unwrap();
    s.set_nonblocking(true).unwrap();
    let _ = s.connect(&port); // in progress, or refused at once
    let mut selector = Posix.selector().unwrap();
    selector
        .register(s.handle(), Token(3), Interest::NONE, Trigger::Level)
        .unwrap();
    let events = wait(&mut selector, PATIENCE);
    assert_eq!(tokens(&events), [3]);
    assert!(
        events[0].ready().is_error() || events[0].ready().is_hangup(),
        "{events:?}"
    );
}

#[test]
fn edge_triggered_reports_once_per_change() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (mut a, mut b) = connected(Place::UnixAbstract, Type::Stream, &dir);
    b.set_nonblocking(true).unwrap();
    let mut selector = Posix.selector().unwrap();
    selector
        .register(b.handle(), Token(1), Interest::READABLE, Trigger::Edge)
        .unwrap();
    a.write_all(b"one").unwrap();
    assert_eq!(
        tokens(&wait(&mut selector, PATIENCE)),
        [1],
        "the change is reported"
    );
    assert!(
        wait(&mut selector, QUIET).is_empty(),
        "once, though the data is unread"
    );
    a.write_all(b"two").unwrap();
    assert_eq!(
        tokens(&wait(&mut selector, PATIENCE)),
        [1],
        "new data is a new change"
    );
    assert_eq!(drain(&mut b), 6);
    assert!(wait(&mut selector, QUIET).is_empty());

    // Level-triggered, by contrast, reports unread data on every wait; `modify` switches.
    a.write_all(b"three").unwrap();
    selector
        .modify(b.handle(), Token(2), Interest::READABLE, Trigger::Level)
        .unwrap();
    for _ in 0..3 {
        assert_eq!(tokens(&wait(&mut selector, PATIENCE)), [2]);
    }
}

#[test]
fn deregistered_and_closed_sockets_report_nothing() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (mut a, b) = connected(Place::V4, Type::Stream, &dir);
    let (mut c, d) = connected(Place::V4, Type::Stream, &dir);
    let mut selector = Posix.selector().unwrap();
    selector
        .register(b.handle(), Token(1), Interest::READABLE, Trigger::Level)
        .unwrap();
    selector
        .register(d.handle(), Token(2), Interest::READABLE, Trigger::Level)
        .unwrap();
    a.write_all(b"x").unwrap();
    c.write_all(b"y").unwrap();
    std::thread::sleep(QUIET);
    selector.deregister(b.handle()).unwrap();
    drop(d);
    assert!(
        wait(&mut selector, QUIET).is_empty(),
        "pending events went with them"
    );

    // Mistakes are errors, not surprises.
    let err = selector.deregister(b.handle()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    selector
        .register(b.handle(), Token(1), Interest::READABLE, Trigger::Level)
        .unwrap();
    let err = selector
        .register(b.handle(), Token(1), Interest::READABLE, Trigger::Level)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = selector.wait(&mut [], Some(QUIET)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

/// Raises the soft descriptor limit to at least `want` (up to the hard limit).
fn raise_fd_limit(want: u64) -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a writable `rlimit`.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_cur < want {
        lim.rlim_cur = want.min(lim.rlim_max);
        // SAFETY: `lim` is a valid `rlimit`; a soft limit up to the hard one is allowed.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    }
    lim.rlim_cur
}

#[test]
fn ten_thousand_registered_sockets() {
    const SOCKETS: usize = 10_000;
    let limit = raise_fd_limit(SOCKETS as u64 + 256);
    if limit < SOCKETS as u64 + 256 {
        eprintln!("skipped: RLIMIT_NOFILE allows only {limit} descriptors");
        return;
    }
    let _fds = fd_check();
    let mut selector = Posix.selector().unwrap();
    let mut pairs = Vec::with_capacity(SOCKETS / 2);
    for i in 0..SOCKETS / 2 {
        let (a, b) = Posix.socketpair(Type::Stream).unwrap();
        let (a, b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
        for (s, token) in [(&a, 2 * i), (&b, 2 * i + 1)] {
            selector
                .register(
                    s.handle(),
                    Token(token as u64),
                    Interest::READABLE,
                    Trigger::Level,
                )
                .unwrap();
        }
        pairs.push((a, b));
    }
    assert!(wait(&mut selector, Duration::ZERO).is_empty(), "all idle");
    // A few of them, spread out, get a byte; exactly those are reported.
    let chosen = [0usize, 1, 2_500, 4_999];
    for &i in &chosen {
        pairs[i].0.write_all(b"!").unwrap();
    }
    let events = wait(&mut selector, PATIENCE);
    let want: Vec<u64> = chosen.iter().map(|&i| (2 * i + 1) as u64).collect();
    assert_eq!(tokens(&events), want);
    // A buffer smaller than the ready set: the rest come on the next wait.
    let mut one = [Event::EMPTY; 1];
    let mut seen = Vec::new();
    for _ in 0..chosen.len() {
        assert_eq!(selector.wait(&mut one, Some(PATIENCE)).unwrap(), 1);
        seen.push(one[0].token().0);
    }
    seen.sort_unstable();
    assert_eq!(seen, want, "each ready socket once, in turn");
    drop(pairs);
    drop(selector);
}
