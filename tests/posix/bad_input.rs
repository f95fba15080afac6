//! Bad input and unhappy paths: each gives the exact error kind (and, where the kernel found
//! it, the exact `errno`), and nothing panics. The table names each row in its failure message;
//! the stories after it cover the unhappy paths that are not errors (`Ok(0)`).

use crate::common;

use anysock::Endpoint as _;
use std::os::fd::{AsFd, OwnedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use anysock::embedded_io::{Read, Write};
use anysock::opt::{RecvTimeout, SendTimeout};
use anysock::posix::{self, Posix};
use anysock::{
    Datagram as _, Domain, ErrorKind, IoVec, IoVecMut, Listener as _, MsgFlags, SockOpt,
    Socket as _, SocketAddr, Stack as _, Stream as _, Type, UnixAddr,
};

use common::{bounded, closed_port, connected, fd_check, socket, Place, TempDir};

/// One bad input: what is done, and the error it must give.
struct Row {
    name: String,
    kind: ErrorKind,
    /// The `errno` the kernel reports, for errors that come from it; `None` for errors anysock
    /// finds itself before any system call (those must carry no `errno`).
    errno: Option<i32>,
    run: Box<Attempt>,
}

/// The bad call, with whatever setup it needs, given a scratch directory.
type Attempt = dyn Fn(&TempDir) -> anysock::Result<()>;

fn row<T>(
    name: impl Into<String>,
    kind: ErrorKind,
    errno: Option<i32>,
    run: impl Fn(&TempDir) -> anysock::Result<T> + 'static,
) -> Row {
    Row {
        name: name.into(),
        kind,
        errno,
        run: Box::new(move |dir| run(dir).map(drop)),
    }
}

const V4: &str = "127.0.0.1:0";
const V6: &str = "[::1]:0";

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("a valid address")
}

/// A stream socket that never connected, seen as a `Stream` through a descriptor conversion,
/// the way a caller holding a raw descriptor would get one.
fn unconnected_stream(domain: Domain) -> posix::Stream {
    let sock = socket(domain, Type::Stream);
    posix::Stream::from(sock.as_fd().try_clone_to_owned().expect("dup"))
}

fn udp() -> posix::Datagram {
    Posix.bind(&addr(V4)).expect("bind")
}

fn table() -> Vec<Row> {
    use ErrorKind::*;
    let long_path = format!("/{}", "a".repeat(107));
    let long_text = format!("unix:{long_path}");
    let mut rows = vec![
        row("Unix path of 108 bytes", InvalidInput, None, move |_| {
            UnixAddr::pathname(&long_path)
        }),
        row(
            "\"unix:/\" + 107 bytes parsed",
            InvalidInput,
            None,
            move |_| long_text.parse::<SocketAddr>(),
        ),
        row("Unix path with a NUL byte", InvalidInput, None, |_| {
            UnixAddr::pathname("/tmp/a\0b")
        }),
        row(
            "IPv6 address bound on an IPv4 socket",
            InvalidInput,
            None,
            |_| socket(Domain::Inet, Type::Stream).bind(&addr(V6)),
        ),
        row(
            "IPv4 address bound on an IPv6 socket",
            InvalidInput,
            None,
            |_| socket(Domain::Inet6, Type::Datagram).bind(&addr(V4)),
        ),
        row(
            "IPv6 address connected from an IPv4 socket",
            InvalidInput,
            None,
            |_| socket(Domain::Inet, Type::Stream).connect(&addr("[::1]:9")),
        ),
        row(
            "IPv6 address as a datagram's peer on IPv4",
            InvalidInput,
            None,
            |_| udp().connect(&addr("[::1]:9")),
        ),
        row(
            "IPv6 address in send_to on an IPv4 socket",
            InvalidInput,
            None,
            |_| udp().send_to(b"x", &addr("[::1]:9")),
        ),
        row(
            "Unix address in send_to on an IPv4 socket",
            InvalidInput,
            None,
            |dir| udp().send_to(b"x", &dir.sock("nobody.sock")),
        ),
        row(
            "listen on a datagram socket",
            Unsupported,
            Some(libc::EOPNOTSUPP),
            |_| {
                let mut s = socket(Domain::Inet, Type::Datagram);
                s.bind(&addr(V4)).expect("bind");
                s.listen(1)
            },
        ),
        // TCP answers a send before connect with EPIPE (as if the connection were closed).
        row(
            "write on an unconnected TCP stream",
            BrokenPipe,
            Some(libc::EPIPE),
            |_| unconnected_stream(Domain::Inet).write(b"x"),
        ),
        // A Unix stream has no peer to be closed: ENOTCONN.
        row(
            "write on an unconnected Unix stream",
            NotConnected,
            Some(libc::ENOTCONN),
            |_| unconnected_stream(Domain::Unix).write(b"x"),
        ),
        row(
            "shutdown of an unconnected TCP stream",
            NotConnected,
            Some(libc::ENOTCONN),
            |_| unconnected_stream(Domain::Inet).shutdown(anysock::Shutdown::Both),
        ),
        // UDP without a default peer has no destination: EDESTADDRREQ.
        row(
            "send on an unconnected UDP socket",
            NotConnected,
            Some(libc::EDESTADDRREQ),
            |_| udp().send(b"x"),
        ),
        row(
            "send on an unconnected Unix datagram",
            NotConnected,
            Some(libc::ENOTCONN),
            |_| {
                let s = socket(Domain::Unix, Type::Datagram);
                s.into_datagram().expect("into_datagram").send(b"x")
            },
        ),
        row(
            "peer_addr of an unconnected UDP socket",
            NotConnected,
            Some(libc::ENOTCONN),
            |_| udp().peer_addr(),
        ),
        row(
            "a UDP datagram over 65507 bytes",
            MessageTooLong,
            Some(libc::EMSGSIZE),
            |_| {
                let mut s = udp();
                let to = s.local_addr().expect("local address");
                s.send_to(&vec![0u8; 65508], &to)
            },
        ),
        row(
            "a Unix path nobody bound",
            NotFound,
            Some(libc::ENOENT),
            |dir| Posix.connect(&dir.sock("missing.sock")),
        ),
        row(
            "accept on a socket that never listened",
            InvalidInput,
            Some(libc::EINVAL),
            |_| {
                let sock = socket(Domain::Inet, Type::Stream);
                let fd: OwnedFd = sock.as_fd().try_clone_to_owned().expect("dup");
                posix::Listener::from(fd).accept()
            },
        ),
        row(
            "connect twice",
            AlreadyConnected,
            Some(libc::EISCONN),
            |_| {
                let listener = Posix.listen(&addr(V4), 1).expect("listen");
                let to = listener.local_addr().expect("local address");
                let mut s = socket(Domain::Inet, Type::Stream);
                s.connect(&to).expect("first connect");
                s.connect(&to)
            },
        ),
        row(
            "into_stream of a datagram socket",
            InvalidInput,
            None,
            |_| socket(Domain::Inet, Type::Datagram).into_stream(),
        ),
        row(
            "into_datagram of a stream socket",
            InvalidInput,
            None,
            |_| socket(Domain::Unix, Type::Stream).into_datagram(),
        ),
        row(
            "a file that is no socket",
            BadDescriptor,
            Some(libc::ENOTSOCK),
            |_| {
                let file = std::fs::File::open("/dev/null").expect("open /dev/null");
                posix::Stream::from(OwnedFd::from(file)).peer_addr()
            },
        ),
        row(
            "3 slices into IoVec<2>::from_slices",
            InvalidInput,
            None,
            |_| IoVec::<2>::from_slices(&[b"a", b"b", b"c"]),
        ),
        row("push onto a full IoVec", InvalidInput, None, |_| {
            let mut iov = IoVec::<1>::new();
            iov.push(b"a").expect("first push");
            iov.push(b"b")
        }),
        row("push onto a full IoVecMut", InvalidInput, None, |_| {
            let (mut a, mut b) = ([0u8; 1], [0u8; 1]);
            let mut iov = IoVecMut::<1>::new();
            iov.push(&mut a).expect("first push");
            iov.push(&mut b)
        }),
        row(
            "non-blocking accept, nothing pending",
            WouldBlock,
            Some(libc::EAGAIN),
            |_| {
                let mut l = Posix.listen(&addr(V6), 1).expect("listen");
                l.set_nonblocking(true).expect("O_NONBLOCK");
                l.accept()
            },
        ),
        row(
            "non-blocking stream read, no data",
            WouldBlock,
            Some(libc::EAGAIN),
            |dir| {
                let (mut a, _b) = connected(Place::UnixPath, Type::Stream, dir);
                a.set_nonblocking(true).expect("O_NONBLOCK");
                a.read(&mut [0u8; 4])
            },
        ),
        row(
            "recv with DONTWAIT, no data",
            WouldBlock,
            Some(libc::EAGAIN),
            |dir| {
                let (mut a, _b) = connected(Place::V4, Type::Stream, dir);
                a.recv(&mut [0u8; 4], MsgFlags::DONTWAIT)
            },
        ),
        row(
            "non-blocking recv_from, no datagram",
            WouldBlock,
            Some(libc::EAGAIN),
            |_| {
                let mut s = udp();
                s.set_nonblocking(true).expect("O_NONBLOCK");
                s.recv_from(&mut [0u8; 4])
            },
        ),
        row("RecvTimeout of zero", InvalidInput, None, |_| {
            socket(Domain::Inet, Type::Stream).set(RecvTimeout, Some(Duration::ZERO))
        }),
        row("SendTimeout of zero", InvalidInput, None, |_| {
            socket(Domain::Unix, Type::Datagram).set(SendTimeout, Some(Duration::ZERO))
        }),
        row(
            "bind a UDP port already bound",
            AddrInUse,
            Some(libc::EADDRINUSE),
            |_| {
                let first = udp();
                Posix.bind(&first.local_addr().expect("local address"))
            },
        ),
        row(
            "bind a TCP port someone listens on",
            AddrInUse,
            Some(libc::EADDRINUSE),
            |_| {
                let listener = Posix.listen(&addr(V4), 1).expect("listen");
                let mut s = socket(Domain::Inet, Type::Stream);
                s.bind(&listener.local_addr().expect("local address"))
            },
        ),
        row(
            "bind a Unix path that exists",
            AddrInUse,
            Some(libc::EADDRINUSE),
            |dir| {
                let _first = Posix.bind(&dir.sock("taken.sock")).expect("bind");
                Posix.bind(&dir.sock("taken.sock"))
            },
        ),
    ];
    for text in [
        "",
        "127.0.0.1",
        "127.0.0.1:65536",
        "[::1]",
        "::1:80",
        "localhost:80",
    ] {
        rows.push(row(
            format!("malformed address {text:?}"),
            InvalidInput,
            None,
            move |_| text.parse::<SocketAddr>(),
        ));
    }
    for text in ["300.0.0.1:1", "tcp://127.0.0.1:80", "unix:\\q", "unix:\\x4"] {
        rows.push(row(
            format!("malformed address {text:?}"),
            InvalidInput,
            None,
            move |_| text.parse::<SocketAddr>(),
        ));
    }
    for domain in [Domain::Inet, Domain::Inet6] {
        let name = format!("connect to a closed {domain} port");
        rows.push(row(
            name,
            ConnectionRefused,
            Some(libc::ECONNREFUSED),
            move |_| Posix.connect(&closed_port(domain)),
        ));
    }
    rows
}

#[test]
fn every_bad_input_gives_its_exact_error_and_nothing_panics() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut failures = Vec::new();
    for row in table() {
        let outcome = catch_unwind(AssertUnwindSafe(|| (row.run)(&dir)));
        let problem = match outcome {
            Err(_) => "panicked".to_string(),
            Ok(Ok(())) => "succeeded".to_string(),
            Ok(Err(e)) if e.kind() != row.kind => format!("gave {e:?}"),
            Ok(Err(e)) if e.raw_os_error() != row.errno => {
                format!("gave errno {:?} ({e:?})", e.raw_os_error())
            }
            Ok(Err(_)) => continue,
        };
        failures.push(format!(
            "{}: expected {:?} (errno {:?}), but it {problem}",
            row.name, row.kind, row.errno
        ));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn reading_after_the_peer_closed_is_end_of_stream_every_time() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in Place::ALL {
        let (mut a, mut b) = connected(place, Type::Stream, &dir);
        a.write_all(b"bye").unwrap();
        drop(a);
        let mut buf = [0u8; 8];
        let n = b.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"bye", "{place:?}: data sent before the close");
        for _ in 0..3 {
            assert_eq!(
                b.read(&mut buf).unwrap(),
                0,
                "{place:?}: then end of stream"
            );
        }
    }
}

#[test]
fn writing_after_the_peer_closed_fails_and_we_live() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for (place, ty) in Place::CONNECTIONS {
        let (mut a, b) = connected(place, ty, &dir);
        drop(b);
        // TCP may take the first writes (the peer answers them with a reset); bounded anyway.
        let err = (0..1000)
            .find_map(|_| {
                std::thread::sleep(Duration::from_millis(1));
                a.write(b"anyone there?").err()
            })
            .unwrap_or_else(|| panic!("{place:?} {ty:?}: 1000 writes to a closed peer"));
        assert!(
            matches!(
                err.kind(),
                ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
            ),
            "{place:?} {ty:?}: {err:?}"
        );
    }
}

/// Runs `call`, which must return `Ok(0)` at once: well before the receive timeout a blocked
/// call would end with.
#[track_caller]
fn at_once(what: &str, call: impl FnOnce() -> anysock::Result<usize>) {
    let start = Instant::now();
    let result = call();
    let took = start.elapsed();
    assert!(matches!(result, Ok(0)), "{what}: {result:?} after {took:?}");
    assert!(took < Duration::from_millis(500), "{what}: waited {took:?}");
}

#[test]
fn zero_length_buffers_return_at_once() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in Place::ALL {
        let (mut a, mut b) = connected(place, Type::Stream, &dir);
        // If an empty read blocked, it would end after this timeout instead of at once.
        b.set(RecvTimeout, Some(Duration::from_secs(1))).unwrap();
        at_once(&format!("{place:?} read(&mut [])"), || b.read(&mut []));
        at_once(&format!("{place:?} recv(&mut [])"), || {
            b.recv(&mut [], MsgFlags::NONE)
        });
        at_once(&format!("{place:?} write(&[])"), || a.write(&[]));
        at_once(&format!("{place:?} send(&[])"), || {
            a.send(&[], MsgFlags::NONE)
        });
        // The connection is none the worse: the next byte is the first byte.
        a.write_all(b"!").unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(b.read(&mut buf).unwrap(), 1);
        assert_eq!(buf[0], b'!');
    }
}

#[test]
fn an_empty_datagram_is_a_real_datagram() {
    let _fds = fd_check();
    let dir = TempDir::new();
    for place in Place::ALL {
        let mut a = Posix.bind(&place.addr(&dir)).unwrap();
        let mut b = Posix.bind(&place.addr(&dir)).unwrap();
        bounded(&mut b);
        let to = b.local_addr().unwrap();
        assert_eq!(a.send_to(&[], &to).unwrap(), 0);
        a.send_to(b"xyz", &to).unwrap();
        let (got, from) = b.recv_from(&mut [0u8; 8]).unwrap();
        assert_eq!(
            (got.len, got.truncated),
            (0, false),
            "{place:?}: the empty one"
        );
        assert_eq!(from, a.local_addr().unwrap());
        // An empty buffer still takes a whole datagram off the queue, reporting the cut.
        let got = b.recv(&mut []).unwrap();
        assert_eq!(
            (got.len, got.truncated),
            (0, true),
            "{place:?}: xyz into nothing"
        );
        b.set_nonblocking(true).unwrap();
        common::assert_kind(b.recv(&mut [0u8; 8]), ErrorKind::WouldBlock);
    }
}

#[test]
fn errors_convert_to_std_io_errors_keeping_kind_and_errno() {
    let _fds = fd_check();
    let err = Posix.connect(&closed_port(Domain::Inet)).unwrap_err();
    let io = std::io::Error::from(err);
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
    assert_eq!(io.raw_os_error(), Some(libc::ECONNREFUSED));
}
