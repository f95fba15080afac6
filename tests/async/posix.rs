//! The async stack on the kernel, on both reactors: the async conformance suite
//! (`anysock_core::conformance::asynch`) under async-io (`async_io::block_on`) and under tokio's
//! current-thread runtime, with the same code. Then what only the POSIX stack has: shared
//! readers of one `&Stream`, the system's resolver, `Send` futures for tokio, and errors instead
//! of panics outside a runtime. Each test checks that it left no descriptor open.

use crate::common;
use crate::{on_both_reactors, reactors};

use core::time::Duration;

use anysock::asynch::{self as a, Resolve as _, Stack as _};
use anysock::embedded_io_async::{Read as _, Write as _};
use anysock::posix::asynch::{AsyncIo, Posix, Reactor, Tokio};
use anysock::{ErrorKind, Family, SocketAddr};
use anysock_core::conformance::asynch::{self as suite, AsyncHarness};

use reactors::{checked, tokio_block_on};

/// The async POSIX stack on reactor `R`, with the executor that drives it.
struct OnReactor<R: Reactor> {
    stack: Posix<R>,
    tokio: Option<tokio::runtime::Runtime>,
}

impl OnReactor<AsyncIo> {
    fn new() -> Self {
        OnReactor {
            stack: Posix::new(),
            tokio: None,
        }
    }
}

impl OnReactor<Tokio> {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        OnReactor {
            stack: Posix::new(),
            tokio: Some(runtime),
        }
    }
}

impl<R: Reactor> AsyncHarness for OnReactor<R> {
    type Stack = Posix<R>;

    fn stack(&self) -> &Posix<R> {
        &self.stack
    }

    fn ipv4(&self) -> SocketAddr {
        "127.0.0.1:0".parse().unwrap()
    }

    fn block_on<F: core::future::Future>(&self, fut: F) -> F::Output {
        match &self.tokio {
            Some(runtime) => runtime.block_on(fut),
            None => async_io::block_on(fut),
        }
    }
}

/// Runs every async case, printing each outcome; fails naming every case that failed.
fn run_suite<H: AsyncHarness>(backend: &str, harness: &mut H) {
    common::suite_passes(backend, 13, |report| suite::run(harness, report));
}

#[test]
fn async_io_passes_the_async_suite() {
    let _fds = checked();
    run_suite("posix/async-io", &mut OnReactor::<AsyncIo>::new());
}

#[test]
fn tokio_passes_the_async_suite() {
    let _fds = checked();
    run_suite("posix/tokio", &mut OnReactor::<Tokio>::new());
}

/// A connected TCP pair on `stack`: (client, server).
async fn pair<R: Reactor>(
    stack: &Posix<R>,
) -> (
    anysock::posix::asynch::Stream<R>,
    anysock::posix::asynch::Stream<R>,
) {
    let h = OnReactor {
        stack: *stack,
        tokio: None,
    };
    let (client, server) = suite::tcp_pair(&h).await.unwrap();
    (client, server)
}

/// Two tasks wait to read one `&Stream`: the first byte wakes both, one takes it, the other
/// waits again and gets the second. Nobody is forgotten, nothing panics.
async fn two_readers_share_one_stream<R: Reactor>(stack: &Posix<R>) {
    let (mut client, server) = pair(stack).await;
    let (mut r1, mut r2) = (&server, &server);
    let (mut b1, mut b2) = ([0u8; 1], [0u8; 1]);
    let readers = suite::join(r1.read(&mut b1), r2.read(&mut b2));
    let writer = async {
        for byte in [b"a", b"b"] {
            stack.sleep(Duration::from_millis(10)).await.unwrap();
            client.write_all(byte).await.unwrap();
        }
    };
    let bounded = a::timeout(stack, Duration::from_secs(5), suite::join(readers, writer));
    let ((n1, n2), ()) = bounded.await.expect("both readers were woken");
    assert_eq!((n1.unwrap(), n2.unwrap()), (1, 1));
    let mut got = [b1[0], b2[0]];
    got.sort();
    assert_eq!(&got, b"ab");
}

#[test]
fn two_readers_share_one_stream_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(two_readers_share_one_stream);
}

/// The system's resolver, off the executor: a known name, a literal, and a name that cannot
/// exist (`.invalid`, RFC 6761), which is `HostNotFound`.
async fn names_resolve<R: Reactor>(stack: &Posix<R>) {
    let mut out = [core::net::IpAddr::from([0, 0, 0, 0]); 4];
    let n = stack.resolve("localhost", Family::Inet, &mut out).await;
    assert!(out[..n.unwrap()].contains(&core::net::IpAddr::from([127, 0, 0, 1])));
    assert_eq!(stack.resolve("::1", Family::Any, &mut out).await, Ok(1));
    let missing = stack
        .resolve("no-such-host.invalid", Family::Any, &mut out)
        .await;
    assert_eq!(missing.unwrap_err().kind(), ErrorKind::HostNotFound);
    let mut name = [0u8; 255];
    let len = stack
        .reverse([127, 0, 0, 1].into(), &mut name)
        .await
        .unwrap();
    assert!(len > 0, "127.0.0.1 has a name in /etc/hosts");
}

#[test]
fn names_resolve_on_both_reactors() {
    let fds = checked();
    async_io::block_on(names_resolve(&Posix::<AsyncIo>::new()));
    tokio_block_on(names_resolve(&Posix::<Tokio>::new()));
    // The C library keeps a lookup thread's name-server socket until the thread exits, just
    // after it handed over its answer.
    fds.settle(Duration::from_secs(2));
}

#[test]
fn tokio_outside_a_runtime_is_an_error_not_a_panic() {
    let _fds = checked();
    let stack = Posix::<Tokio>::new();
    let unsupported = stack.bind(&"127.0.0.1:0".parse().unwrap()).unwrap_err();
    assert_eq!(unsupported.kind(), ErrorKind::Unsupported);
    let slept = async_io::block_on(stack.sleep(Duration::from_millis(1)));
    assert_eq!(slept.unwrap_err().kind(), ErrorKind::Unsupported);
}

#[test]
fn the_suite_again_and_again_leaves_no_descriptor_open() {
    let _fds = checked();
    let mut on_async_io = OnReactor::<AsyncIo>::new();
    let mut on_tokio = OnReactor::<Tokio>::new();
    for _ in 0..5 {
        suite::run(&mut on_async_io, |name, outcome| {
            assert!(outcome.is_ok(), "{name}")
        });
        suite::run(&mut on_tokio, |name, outcome| {
            assert!(outcome.is_ok(), "{name}")
        });
    }
}

/// The tokio stack's futures are `Send` (its sockets are), so a multi-threaded tokio program
/// can `tokio::spawn` protocol code written on the traits. Checked at compile time.
#[test]
fn the_tokio_stacks_futures_can_be_spawned() {
    fn spawnable<F: core::future::Future + Send + 'static>(_: &F) {}
    let stack = Posix::<Tokio>::new();
    let addr: anysock::SocketAddr = "127.0.0.1:1".parse().unwrap();
    let task = async move {
        let mut listener = stack.listen(&addr, 1)?;
        let (mut conn, _) = a::Listener::accept(&mut listener).await?;
        let mut buf = [0u8; 4];
        conn.read(&mut buf).await?;
        stack.sleep(Duration::from_millis(1)).await?;
        a::timeout(&stack, Duration::from_secs(1), conn.write_all(b"x")).await?
    };
    spawnable(&task);
}
