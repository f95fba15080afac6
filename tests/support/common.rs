//! What the tests on the kernel share: the per-binary lock with its descriptor-leak check,
//! places to bind (loopback, temporary directories, abstract names), connected pairs, a guard
//! around a Python peer process, and the report of a conformance suite.
//!
//! Each test binary compiles this module on its own (beside `system`, which it uses) and
//! uses only part of it.
#![allow(dead_code)]

use anysock::Endpoint as _;
use anysock_core::conformance::{Outcome, Stop, Summary};
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anysock::embedded_io::{Read, Write};
use anysock::opt::{Gettable, RecvTimeout, SendTimeout, Settable};
use anysock::posix::{self, Posix};
use anysock::{
    Domain, Error, ErrorKind, Listener as _, SockOpt, Socket as _, SocketAddr, Stack as _, Type,
    UnixAddr,
};

use super::system::wait_bounded;

/// How long one blocking step may take before the test calls it a hang. Every blocking socket a
/// test uses gets it as `SO_RCVTIMEO`/`SO_SNDTIMEO`, so a bug ends in an error, not a stuck run.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// How long a whole test may run before the binary is aborted: the last resort if a blocking
/// call ignores its timeout.
const WATCHDOG: Duration = Duration::from_secs(30);

/// The tests of one binary run on parallel threads but share one descriptor table, so counting
/// descriptors around a test means something only while no other test of the binary runs. Every
/// test holds this lock for its whole life (see [`fd_check`]); binaries run one after another.
/// A lock rather than one big `#[test]` keeps each story a test of its own, named in the output.
static SERIAL: Mutex<()> = Mutex::new(());

/// The open descriptors of this process. The listing holds one descriptor of its own while it
/// runs; it is there at every count, so comparisons are fair.
pub fn fd_count() -> usize {
    fs::read_dir("/proc/self/fd")
        .expect("list /proc/self/fd")
        .count()
}

/// The descriptors open in this process, each with what it names (`socket:[inode]`, a path),
/// leaving out the one the listing itself holds.
fn open_fds() -> BTreeMap<RawFd, PathBuf> {
    let listing = PathBuf::from(format!("/proc/{}/fd", std::process::id()));
    let mut fds = BTreeMap::new();
    for entry in fs::read_dir("/proc/self/fd").expect("list /proc/self/fd") {
        let Ok(entry) = entry else { continue };
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        // A descriptor closed since the listing began names nothing: left out too.
        let Ok(target) = fs::read_link(entry.path()) else {
            continue;
        };
        if target != listing {
            fds.insert(fd, target);
        }
    }
    fds
}

/// Held for a test's whole life: serialises it with the other tests of its binary, aborts the
/// binary if the test hangs, and when dropped asserts that every descriptor open then was open
/// when the test began (the same number naming the same thing).
///
/// What it checks is what the test opened and left open. A descriptor that closed meanwhile
/// is not the test's: a thread of an earlier test, or a test that counts nothing and so runs
/// beside this one, may close its own (a count, not a set, failed then). Declare it first in
/// the test, so it is dropped last.
pub struct FdCheck {
    before: BTreeMap<RawFd, PathBuf>,
    watchdog: Option<(mpsc::Sender<()>, thread::JoinHandle<()>)>,
    _serial: MutexGuard<'static, ()>,
}

/// Starts an [`FdCheck`]. A test that failed poisons the lock; the next test still runs.
pub fn fd_check() -> FdCheck {
    let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let (done, wait) = mpsc::channel::<()>();
    let watchdog = thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(WATCHDOG) {
            eprintln!("a test ran for more than {WATCHDOG:?}: aborting instead of hanging");
            std::process::abort();
        }
    });
    FdCheck {
        before: open_fds(),
        watchdog: Some((done, watchdog)),
        _serial: serial,
    }
}

impl FdCheck {
    /// The descriptors open now that were not open when the test began.
    fn opened(&self) -> Vec<(RawFd, PathBuf)> {
        open_fds()
            .into_iter()
            .filter(|(fd, target)| self.before.get(fd) != Some(target))
            .collect()
    }

    /// Waits, up to `limit`, for the descriptors the test opened to be closed: for those that a
    /// thread ending on its own closes as it exits (the C library's per-thread resolver state),
    /// after the test already has its answer. A real leak still fails when the check drops.
    pub fn settle(&self, limit: Duration) {
        let end = Instant::now() + limit;
        while !self.opened().is_empty() && Instant::now() < end {
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for FdCheck {
    fn drop(&mut self) {
        if let Some((done, watchdog)) = self.watchdog.take() {
            drop(done);
            let _ = watchdog.join();
        }
        // A failing test already reports its own panic; a second one here would abort.
        if !thread::panicking() {
            let opened = self.opened();
            assert!(opened.is_empty(), "the test leaked descriptors: {opened:?}");
        }
    }
}

pub use super::system::TempDir;

impl TempDir {
    /// The address of the socket file `name` in this directory.
    pub fn sock(&self, name: &str) -> SocketAddr {
        let path = self.path().join(name);
        let addr = UnixAddr::pathname(path.as_os_str().as_bytes()).expect("path fits sun_path");
        SocketAddr::Unix(addr)
    }
}

/// A Linux abstract name no other process or test uses: it carries the pid and a counter.
pub fn abstract_addr(tag: &str) -> SocketAddr {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = format!("anysock-test-{}-{n}-{tag}", std::process::id());
    SocketAddr::Unix(UnixAddr::abstract_name(&name).expect("short abstract name"))
}

/// Where a test binds: every kind of local address the kernel offers a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// 127.0.0.1, port 0.
    V4,
    /// ::1, port 0.
    V6,
    /// A socket file in a temporary directory.
    UnixPath,
    /// A Linux abstract name.
    UnixAbstract,
}

impl Place {
    pub const ALL: [Place; 4] = [Place::V4, Place::V6, Place::UnixPath, Place::UnixAbstract];

    /// Each place with a connection-oriented type: TCP on IPv4 and IPv6, a Unix stream at a
    /// path, a Unix sequenced-packet socket at an abstract name.
    pub const CONNECTIONS: [(Place, Type); 4] = [
        (Place::V4, Type::Stream),
        (Place::V6, Type::Stream),
        (Place::UnixPath, Type::Stream),
        (Place::UnixAbstract, Type::SeqPacket),
    ];

    pub fn domain(self) -> Domain {
        match self {
            Place::V4 => Domain::Inet,
            Place::V6 => Domain::Inet6,
            Place::UnixPath | Place::UnixAbstract => Domain::Unix,
        }
    }

    /// A new address to bind to here: port 0 on loopback, a new file in `dir`, a new name.
    pub fn addr(self, dir: &TempDir) -> SocketAddr {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        match self {
            Place::V4 | Place::V6 => SocketAddr::loopback(self.domain()).expect("inet domain"),
            Place::UnixPath => dir.sock(&format!("s{n}.sock")),
            Place::UnixAbstract => abstract_addr(&format!("s{n}")),
        }
    }
}

/// Gives a socket [`PATIENCE`] as receive and send timeout, so no blocking call waits forever.
pub fn bounded<S: SockOpt<RecvTimeout> + SockOpt<SendTimeout>>(s: &mut S) {
    s.set(RecvTimeout, Some(PATIENCE)).expect("set SO_RCVTIMEO");
    s.set(SendTimeout, Some(PATIENCE)).expect("set SO_SNDTIMEO");
}

/// A new socket of `domain` and `ty`.
pub fn socket(domain: Domain, ty: Type) -> posix::Socket {
    Posix.socket(domain, ty).expect("socket")
}

/// Sets each value in turn and reads it back unchanged.
#[track_caller]
pub fn round_trip<S, O>(s: &mut S, opt: O, values: &[O::Value])
where
    S: SockOpt<O>,
    O: Settable + Gettable + Debug,
    O::Value: Clone + PartialEq + Debug,
{
    for value in values {
        s.set(opt, value.clone())
            .unwrap_or_else(|e| panic!("set {opt:?} to {value:?}: {e:?}"));
        let got = s.get(opt).unwrap_or_else(|e| panic!("get {opt:?}: {e:?}"));
        assert_eq!(&got, value, "{opt:?} read back");
    }
}

/// A listener of type `ty` on `addr` (port 0, a new path, a new name), bounded.
pub fn listener(ty: Type, addr: &SocketAddr) -> posix::Listener {
    let mut s = Posix.socket(addr.domain(), ty).expect("socket");
    s.bind(addr).expect("bind");
    let mut l = s.listen(8).expect("listen");
    bounded(&mut l);
    l
}

/// A bounded client of type `ty` connected (blocking) to `addr`.
pub fn client(ty: Type, addr: &SocketAddr) -> posix::Stream {
    let mut s = Posix.socket(addr.domain(), ty).expect("socket");
    bounded(&mut s);
    s.connect(addr).expect("connect");
    let mut c = s.into_stream().expect("into_stream");
    bounded(&mut c);
    c
}

/// Two connected, bounded streams of type `ty` at `place`: (client, accepted server end). The
/// listener is closed again.
pub fn connected(place: Place, ty: Type, dir: &TempDir) -> (posix::Stream, posix::Stream) {
    let mut l = listener(ty, &place.addr(dir));
    let c = client(ty, &l.local_addr().expect("listener address"));
    let (mut s, _) = l.accept().expect("accept");
    bounded(&mut s);
    (c, s)
}

/// A loopback address of `domain` where nobody listens: a port the kernel just handed out to a
/// socket that is closed again.
pub fn closed_port(domain: Domain) -> SocketAddr {
    let mut s = Posix.socket(domain, Type::Stream).expect("socket");
    s.bind(&SocketAddr::loopback(domain).expect("inet domain"))
        .expect("bind port 0");
    s.local_addr().expect("getsockname")
}

/// Reads until end of stream. Each read is bounded by the socket's receive timeout.
pub fn read_to_end(s: &mut posix::Stream) -> Vec<u8> {
    let mut all = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match s.read(&mut buf).expect("read until end of stream") {
            0 => return all,
            n => all.extend_from_slice(&buf[..n]),
        }
    }
}

/// Writes everything, then closes the write direction so the peer sees end of stream.
pub fn write_and_finish(s: &mut posix::Stream, data: &[u8]) {
    use anysock::Stream as _;
    s.write_all(data).expect("write_all");
    s.shutdown(anysock::Shutdown::Write)
        .expect("shutdown(Write)");
}

/// Asserts that `result` failed with `kind`, and hands back the error for a closer look.
#[track_caller]
pub fn assert_kind<T: std::fmt::Debug>(result: anysock::Result<T>, kind: ErrorKind) -> Error {
    match result {
        Err(e) if e.kind() == kind => e,
        other => panic!("expected an error of kind {kind:?}, got {other:?}"),
    }
}

/// `fcntl(fd, F_GETFD)` has `FD_CLOEXEC`: the descriptor does not leak into spawned programs.
pub fn is_cloexec(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only reads the flags of `fd`; an invalid fd yields -1, asserted below.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    assert!(flags >= 0, "fcntl(F_GETFD) on fd {fd} failed");
    flags & libc::FD_CLOEXEC != 0
}

/// `fcntl(fd, F_GETFL)` has `O_NONBLOCK`.
pub fn is_nonblocking(fd: RawFd) -> bool {
    // SAFETY: F_GETFL only reads the status flags of `fd`; an invalid fd yields -1.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    assert!(flags >= 0, "fcntl(F_GETFL) on fd {fd} failed");
    flags & libc::O_NONBLOCK != 0
}

/// A Python process running `tests/support/peer.py`: a real socket stack that is not ours. Killed
/// and reaped when dropped, so a failing test leaves no process behind.
pub struct Peer {
    child: Child,
    lines: mpsc::Receiver<String>,
    reader: Option<thread::JoinHandle<()>>,
}

impl Peer {
    /// Starts `python3 tests/support/peer.py args...`. Its stderr goes to the test's output.
    pub fn spawn(args: &[&str]) -> Peer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/peer.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start python3");
        // A thread turns the pipe into a channel, so waiting for a line can time out.
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        let reader = thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Peer {
            child,
            lines,
            reader: Some(reader),
        }
    }

    /// The next line the peer prints (its port, or "ready"), waiting at most [`PATIENCE`].
    pub fn line(&mut self) -> String {
        self.lines
            .recv_timeout(PATIENCE)
            .expect("the Python peer printed nothing in time (see its stderr above)")
    }

    /// The port the peer printed as its first line.
    pub fn port(&mut self) -> u16 {
        let line = self.line();
        line.trim().parse().expect("a port number")
    }

    /// Waits, at most [`PATIENCE`], for the peer to exit, and asserts it succeeded: the peer
    /// exits 0 only if every byte it received was the bytes it expected.
    pub fn expect_success(mut self) {
        let status = wait_bounded(&mut self.child, PATIENCE).expect("the Python peer exits");
        assert!(status.success(), "the Python peer failed: {status}");
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The pipe reaches end of file once the child is gone; joining closes our end of it.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// Runs a conformance suite through `run`, printing each case's outcome as `backend: name ...
/// ok` (or `skipped` with the reason, or `FAILED`) and the count of each; fails naming every
/// case that failed, or when fewer than `at_least` cases ran (a suite that shrank). A skipped
/// case ran, but is never counted as passed.
pub fn suite_passes(
    backend: &str,
    at_least: usize,
    run: impl FnOnce(&mut dyn FnMut(&'static str, &Outcome)) -> Summary,
) {
    let mut failures = Vec::new();
    let summary = run(&mut |name, outcome| match outcome {
        Ok(()) => println!("{backend}: {name} ... ok"),
        Err(Stop::Skipped(why)) => println!("{backend}: {name} ... skipped: {why}"),
        Err(Stop::Failed(f)) => {
            println!("{backend}: {name} ... FAILED: {f}");
            failures.push(format!("{name}: {f}"));
        }
    });
    println!(
        "{backend}: {} cases: {} passed, {} skipped, {} failed",
        summary.passed + summary.skipped + summary.failed,
        summary.passed,
        summary.skipped,
        summary.failed
    );
    let ran = summary.passed + summary.skipped + summary.failed;
    assert!(
        ran >= at_least,
        "{backend}: the suite shrank to {ran} cases"
    );
    assert!(
        failures.is_empty(),
        "{backend} failed:\n{}",
        failures.join("\n")
    );
}
