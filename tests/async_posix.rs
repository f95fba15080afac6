//! The async stack on the kernel, on both reactors: every story of `async_common` runs once
//! under async-io (`async_io::block_on`) and once under tokio's current-thread runtime, with the
//! same code. Then what only the POSIX stack has: shared readers of one `&Stream`, the system's
//! resolver, and errors instead of panics outside a runtime. Each test checks that it left no
//! descriptor open.

mod async_common;
mod common;
mod reactors;

use core::time::Duration;

use anysock::asynch::{self as a, Resolve as _, Stack as _};
use anysock::embedded_io_async::{Read as _, Write as _};
use anysock::posix::asynch::{AsyncIo, Posix, Tokio};
use anysock::{ErrorKind, Family};

use async_common::*;
use reactors::{checked, tokio_block_on};

#[test]
fn echo_to_end_of_stream_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(echo_to_end_of_stream);
}

#[test]
fn a_timed_out_read_leaves_the_bytes_readable_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(a_timed_out_read_leaves_the_bytes_readable);
}

#[test]
fn a_cancelled_read_loses_nothing_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(a_cancelled_read_loses_nothing);
}

#[test]
fn a_cancelled_accept_leaves_the_connection_queued_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(a_cancelled_accept_leaves_the_connection_queued);
}

#[test]
fn a_refused_connect_is_typed_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(a_refused_connect_is_typed);
}

#[test]
fn the_long_way_connects_too_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(the_long_way_connects_too);
}

#[test]
fn datagrams_keep_their_boundaries_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(datagrams_keep_their_boundaries);
}

#[test]
fn sleeping_runs_on_the_stacks_clock_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(sleeping_runs_on_the_stacks_clock);
}

#[test]
fn a_socketpair_talks_on_both_reactors() {
    let _fds = checked();
    on_both_reactors!(a_socketpair_talks);
}

/// Two tasks wait to read one `&Stream`: the first byte wakes both, one takes it, the other
/// waits again and gets the second. Nobody is forgotten, nothing panics.
async fn two_readers_share_one_stream<R: anysock::posix::asynch::Reactor>(stack: &Posix<R>) {
    let (mut client, server) = tcp_pair(stack).await;
    let (mut r1, mut r2) = (&server, &server);
    let (mut b1, mut b2) = ([0u8; 1], [0u8; 1]);
    let readers = join(r1.read(&mut b1), r2.read(&mut b2));
    let writer = async {
        for byte in [b"a", b"b"] {
            stack.sleep(Duration::from_millis(10)).await.unwrap();
            client.write_all(byte).await.unwrap();
        }
    };
    let bounded = a::timeout(stack, Duration::from_secs(5), join(readers, writer));
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
async fn names_resolve<R: anysock::posix::asynch::Reactor>(stack: &Posix<R>) {
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
fn connections_come_and_go_without_a_trace() {
    let _fds = checked();
    for _ in 0..20 {
        async_io::block_on(a_cancelled_accept_leaves_the_connection_queued(&Posix::<
            AsyncIo,
        >::new(
        )));
        tokio_block_on(a_refused_connect_is_typed(&Posix::<Tokio>::new()));
    }
}
