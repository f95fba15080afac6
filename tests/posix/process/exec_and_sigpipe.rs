//! What sockets do to the process around them: every descriptor anysock opens is
//! close-on-exec, and writing to a vanished peer is an error, never a deadly `SIGPIPE`.

use crate::{common, system};

use anysock::Endpoint as _;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output};
use std::time::Duration;

use anysock::embedded_io::Write;
use anysock::posix::{self, Posix};
use anysock::{
    Domain, ErrorKind, IoVec, Listener as _, MsgFlags, MsgIo, SendMsg, Shutdown, Stack as _,
    Stream as _, Type,
};

use common::{connected, fd_check, is_cloexec, Place, TempDir};

/// Every way anysock hands out a descriptor.
#[test]
fn every_descriptor_is_close_on_exec() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut fds: Vec<(String, Box<dyn AsRawFd>)> = Vec::new();
    for domain in [Domain::Inet, Domain::Inet6, Domain::Unix] {
        for ty in [Type::Stream, Type::Datagram] {
            let s = Posix.socket(domain, ty).unwrap();
            fds.push((format!("socket({domain}, {ty})"), Box::new(s)));
        }
    }
    let s = Posix.socket(Domain::Unix, Type::SeqPacket).unwrap();
    fds.push(("socket(unix, seqpacket)".into(), Box::new(s)));
    for ty in [Type::Stream, Type::Datagram, Type::SeqPacket] {
        let (a, b) = Posix.socketpair(ty).unwrap();
        fds.push((format!("socketpair({ty}).0"), Box::new(a)));
        fds.push((format!("socketpair({ty}).1"), Box::new(b)));
    }
    let mut listener = Posix.listen(&Place::V4.addr(&dir), 4).unwrap();
    common::bounded(&mut listener);
    let client = Posix.connect(&listener.local_addr().unwrap()).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    let clone = accepted.try_clone().unwrap();
    let listener_clone = listener.try_clone().unwrap();
    let dgram = Posix.bind(&Place::UnixAbstract.addr(&dir)).unwrap();
    let dgram_clone = dgram.try_clone().unwrap();
    fds.push(("Stack::listen".into(), Box::new(listener)));
    fds.push(("Stack::connect".into(), Box::new(client)));
    fds.push(("accept".into(), Box::new(accepted)));
    fds.push(("Stream::try_clone".into(), Box::new(clone)));
    fds.push(("Listener::try_clone".into(), Box::new(listener_clone)));
    fds.push(("Stack::bind".into(), Box::new(dgram)));
    fds.push(("Datagram::try_clone".into(), Box::new(dgram_clone)));

    for (how, fd) in &fds {
        assert!(is_cloexec(fd.as_raw_fd()), "{how}: FD_CLOEXEC");
    }
    // And for real: a spawned program does not find any of them.
    for (how, fd) in &fds {
        assert!(
            !inherited(fd.as_raw_fd()),
            "{how}: inherited by a child process"
        );
    }
}

/// Whether a program spawned now holds our descriptor `fd`: the same socket inode behind the
/// same number in its descriptor table.
fn inherited(fd: RawFd) -> bool {
    let ours = std::fs::read_link(format!("/proc/self/fd/{fd}")).expect("our descriptor");
    let out = Command::new("readlink")
        .arg(format!("/proc/self/fd/{fd}"))
        .output()
        .expect("run readlink");
    String::from_utf8_lossy(&out.stdout).trim() == ours.to_string_lossy()
}

/// Set in the environment of a child that runs one of the SIGPIPE tests for real; the value
/// says which.
const CHILD: &str = "ANYSOCK_SIGPIPE_CHILD";
const SURVIVED: &str = "sigpipe child survived";

/// Runs the test `name` of this binary again, alone, in a child process with `CHILD=mode`.
fn run_child(name: &str, mode: &str) -> Output {
    system::rerun(module_path!(), name)
        .env(CHILD, mode)
        .output()
        .expect("run the child")
}

/// Restores the default disposition of SIGPIPE (terminate the process).
///
/// The Rust runtime ignores SIGPIPE in every program it starts, test binaries included, so a
/// send without `MSG_NOSIGNAL` would go unnoticed in the test process itself. The SIGPIPE tests
/// therefore run again as a child process that restores the default first: a `SIGPIPE` kills
/// only the child, and the parent sees how it ended.
fn default_sigpipe() {
    // SAFETY: only a child process that runs this one test on one thread calls this;
    // restoring the default disposition is the point of the test.
    let previous = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    assert_ne!(previous, libc::SIG_ERR);
}

#[test]
fn writing_to_a_closed_peer_never_raises_sigpipe() {
    if std::env::var_os(CHILD).is_some_and(|mode| mode == "writes") {
        default_sigpipe();
        sigpipe_child();
        return;
    }
    let _fds = fd_check();
    let out = run_child("writing_to_a_closed_peer_never_raises_sigpipe", "writes");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the child died ({}; SIGPIPE is signal {})\n{stdout}\n{stderr}",
        out.status,
        libc::SIGPIPE
    );
    assert!(
        stdout.contains(SURVIVED),
        "the child ran the writes\n{stdout}"
    );
}

/// The control experiment: the same child setup does die of a plain `write(2)` to a closed
/// peer, so the test above would see a `SIGPIPE` if anysock let one through.
#[test]
fn the_child_setup_does_catch_a_real_sigpipe() {
    if std::env::var_os(CHILD).is_some_and(|mode| mode == "control") {
        default_sigpipe();
        let (a, b) = Posix.socketpair(Type::Stream).unwrap();
        drop(b);
        // SAFETY: `a` is an open socket and the buffer is 1 readable byte.
        unsafe { libc::write(a.as_raw_fd(), b"x".as_ptr().cast(), 1) };
        println!("{SURVIVED}");
        return;
    }
    let _fds = fd_check();
    let out = run_child("the_child_setup_does_catch_a_real_sigpipe", "control");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{}", out.status);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SURVIVED));
}

/// One way of writing to a stream.
type WriteCall = fn(&mut posix::Stream) -> anysock::Result<usize>;

/// Every way of writing to a stream, to a closed peer and after our own `shutdown(Write)`.
fn sigpipe_child() {
    let _fds = fd_check();
    let dir = TempDir::new();
    let writes: [(&str, WriteCall); 3] = [
        ("write", |s| s.write(b"hello?")),
        ("send", |s| s.send(b"hello?", MsgFlags::NONE)),
        ("send_msg", |s| {
            let iov = IoVec::<1>::from_slices(&[b"hello?"])?;
            s.send_msg(&SendMsg::new(iov))
        }),
    ];
    for (place, ty) in Place::CONNECTIONS {
        for (call, write) in writes {
            let what = format!("{place:?} {ty:?} {call}");
            // The peer is gone: TCP takes a write or two before the peer's reset arrives.
            let (mut a, b) = connected(place, ty, &dir);
            drop(b);
            let err = (0..1000)
                .find_map(|_| {
                    std::thread::sleep(Duration::from_millis(1));
                    write(&mut a).err()
                })
                .unwrap_or_else(|| panic!("{what}: 1000 writes to a closed peer"));
            let kinds = [ErrorKind::BrokenPipe, ErrorKind::ConnectionReset];
            assert!(kinds.contains(&err.kind()), "{what}: {err:?}");

            // Our own side shut for writing: EPIPE at once.
            let (mut a, _b) = connected(place, ty, &dir);
            a.shutdown(Shutdown::Write).unwrap();
            let err = write(&mut a).expect_err("write after shutdown(Write)");
            assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{what} after shutdown");
        }
    }
    println!("{SURVIVED}");
}
