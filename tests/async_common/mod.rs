//! Async stories generic over any [`anysock::asynch::Stack`], so the same story runs on the
//! kernel with either reactor (and on any other async backend), plus the small no-alloc
//! combinators they need: poll once, and `join` (embassy-futures') to run two at once.
//!
//! Each test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use core::future::{poll_fn, Future};
use core::pin::{pin, Pin};
use core::task::Poll;
use core::time::Duration;

use anysock::asynch::{timeout, Datagram, Endpoint, Listener, MsgIo, Socket, Stack, Stream};
use anysock::embedded_io_async::{Read, Write};
use anysock::{Domain, ErrorKind, IoVec, IoVecMut, RecvMsg, SendMsg, Shutdown, SocketAddr, Type};

/// Polls `fut` once: its output if it completed, `None` if it is pending (and registered its
/// waker).
pub async fn poll_once<F: Future>(mut fut: Pin<&mut F>) -> Option<F::Output> {
    poll_fn(|cx| match fut.as_mut().poll(cx) {
        Poll::Ready(out) => Poll::Ready(Some(out)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

pub use embassy_futures::join::join;

/// Loopback, port 0, of `domain`.
pub fn any_port(domain: Domain) -> SocketAddr {
    SocketAddr::loopback(domain).unwrap()
}

/// A connected pair over loopback TCP: (client, server).
pub async fn tcp_pair<S: Stack>(stack: &S) -> (S::Stream, S::Stream) {
    let mut listener = stack.listen(&any_port(Domain::Inet), 8).unwrap();
    let addr = listener.local_addr().unwrap();
    let client = stack.connect(&addr).await.unwrap();
    let (server, peer) = listener.accept().await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    (client, server)
}

/// A client sends 256 KiB and ends its side; the server reads to the end and answers; the
/// client reads the answer, then end of stream. Every byte arrives, in order.
pub async fn echo_to_end_of_stream<S: Stack>(stack: &S) {
    let (mut client, mut server) = tcp_pair(stack).await;
    let sent: Vec<u8> = (0..256 * 1024).map(|i| (i % 251) as u8).collect();
    let send = async {
        client.write_all(&sent).await.unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        client
    };
    let receive = async {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match server.read(&mut buf).await.unwrap() {
                0 => break,
                n => got.extend_from_slice(&buf[..n]),
            }
        }
        server.write_all(b"bye").await.unwrap();
        got
    };
    let (mut client, got) = join(send, receive).await;
    assert!(
        got == sent,
        "{} of {} bytes arrived intact",
        got.len(),
        sent.len()
    );
    drop(server);
    let mut bye = [0u8; 3];
    client.read_exact(&mut bye).await.unwrap();
    assert_eq!(&bye, b"bye");
    assert_eq!(client.read(&mut bye).await.unwrap(), 0, "end of stream");
    assert_eq!(
        client.read(&mut []).await.unwrap(),
        0,
        "an empty buffer never waits"
    );
}

/// A read that times out is a typed `TimedOut` after the time asked, on the stack's clock; the
/// bytes that come later are all there for the next read.
pub async fn a_timed_out_read_leaves_the_bytes_readable<S: Stack>(stack: &S) {
    let (mut client, mut server) = tcp_pair(stack).await;
    let mut buf = [0u8; 8];
    let before = stack.now().unwrap();
    let waited = timeout(stack, Duration::from_millis(30), server.read(&mut buf)).await;
    assert_eq!(waited.unwrap_err().kind(), ErrorKind::TimedOut);
    assert!(stack.now().unwrap() - before >= Duration::from_millis(30));

    client.write_all(b"late").await.unwrap();
    let n = timeout(stack, Duration::from_secs(5), server.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&buf[..n], b"late");
}

/// A read polled (so waiting), then dropped after the bytes arrived but before it ran again,
/// took none of them.
pub async fn a_cancelled_read_loses_nothing<S: Stack>(stack: &S) {
    let (mut client, mut server) = tcp_pair(stack).await;
    let mut buf = [0u8; 8];
    {
        let read = pin!(server.read(&mut buf));
        assert!(poll_once(read).await.is_none(), "nothing to read yet");
        client.write_all(b"abc").await.unwrap();
        stack.sleep(Duration::from_millis(20)).await.unwrap();
    } // dropped here, woken but never polled again
    let mut got = [0u8; 3];
    server.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"abc");
}

/// An accept polled (so waiting), then dropped after a client connected, left the connection
/// in the queue for the next accept.
pub async fn a_cancelled_accept_leaves_the_connection_queued<S: Stack>(stack: &S) {
    let mut listener = stack.listen(&any_port(Domain::Inet), 8).unwrap();
    let addr = listener.local_addr().unwrap();
    let client = {
        let accept = pin!(listener.accept());
        assert!(poll_once(accept).await.is_none(), "nobody connected yet");
        let client = stack.connect(&addr).await.unwrap();
        stack.sleep(Duration::from_millis(20)).await.unwrap();
        client
    };
    let accepted = timeout(stack, Duration::from_secs(5), listener.accept()).await;
    let (_server, peer) = accepted.unwrap().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
}

/// Nobody listens: `connect` fails with `ConnectionRefused`, typed.
pub async fn a_refused_connect_is_typed<S: Stack>(stack: &S) {
    let free = {
        let l = stack.listen(&any_port(Domain::Inet), 1).unwrap();
        l.local_addr().unwrap()
    };
    let refused = stack.connect(&free).await.map(drop).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    let mut s = stack.socket(Domain::Inet, Type::Stream).unwrap();
    let refused = s.connect(&free).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
}

/// `socket`, `bind`, `listen`, `connect` + `into_stream`: the long way, as in C.
pub async fn the_long_way_connects_too<S: Stack>(stack: &S) {
    let mut s = stack.socket(Domain::Inet, Type::Stream).unwrap();
    s.bind(&any_port(Domain::Inet)).unwrap();
    let mut listener = s.listen(4).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut c = stack.socket(Domain::Inet, Type::Stream).unwrap();
    c.connect(&addr).await.unwrap();
    c.connect(&addr).await.unwrap(); // connected already, to the same address: success again
    let mut client = c.into_stream().unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    assert_eq!(client.peer_addr().unwrap(), addr);
    client.write_all(b"x").await.unwrap();
    assert_eq!(server.read(&mut [0u8; 1]).await.unwrap(), 1);
}

/// Datagrams keep their boundaries, truncation is reported, a connected socket talks to its
/// peer only, and `send_msg`/`recv_msg` gather and scatter one message.
pub async fn datagrams_keep_their_boundaries<S: Stack>(stack: &S) {
    let mut a = stack.bind(&any_port(Domain::Inet)).unwrap();
    let mut b = stack.bind(&any_port(Domain::Inet)).unwrap();
    let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    a.send_to(b"one", &b_addr).await.unwrap();
    a.send_to(b"a longer two", &b_addr).await.unwrap();
    let mut buf = [0u8; 16];
    let (got, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!((&buf[..got.len], from), (&b"one"[..], a_addr));
    let mut small = [0u8; 4];
    let (got, _) = b.recv_from(&mut small).await.unwrap();
    assert_eq!((&small[..], got.truncated), (&b"a lo"[..], true));

    a.connect(&b_addr).unwrap();
    a.send(b"hi").await.unwrap();
    let got = b.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..got.len], b"hi");

    let msg = SendMsg::new(IoVec::<2>::from_slices(&[b"head:", b"body"]).unwrap()).to(&b_addr);
    b.connect(&a_addr).unwrap();
    let mut iovs_a = [0u8; 5];
    let mut iovs_b = [0u8; 8];
    a.send_msg(&SendMsg { addr: None, ..msg }).await.unwrap();
    let mut iov = IoVecMut::<2>::new();
    iov.push(&mut iovs_a).unwrap();
    iov.push(&mut iovs_b).unwrap();
    let meta = b.recv_msg(&mut RecvMsg::new(iov)).await.unwrap();
    assert_eq!(meta.len, 9);
    assert_eq!((&iovs_a, &iovs_b[..4]), (b"head:", &b"body"[..]));
}

/// `sleep` and `sleep_until` run on `now()`'s clock; a deadline already past returns at once.
pub async fn sleeping_runs_on_the_stacks_clock<S: Stack>(stack: &S) {
    let start = stack.now().unwrap();
    stack.sleep(Duration::from_millis(25)).await.unwrap();
    let woke = stack.now().unwrap();
    assert!(
        woke - start >= Duration::from_millis(25),
        "{:?}",
        woke - start
    );
    stack.sleep_until(start).await.unwrap();
    let deadline = woke + Duration::from_millis(10);
    stack.sleep_until(deadline).await.unwrap();
    assert!(stack.now().unwrap() >= deadline);
    // A ready operation wins over an expired deadline.
    let ready = anysock::asynch::timeout_at(stack, start, async { 7 }).await;
    assert_eq!(ready.unwrap(), 7);
}

/// Unix stream sockets from `socketpair` carry bytes both ways.
pub async fn a_socketpair_talks<S: Stack>(stack: &S) {
    let (a, b) = stack.socketpair(Type::Stream).unwrap();
    let (mut a, mut b) = (a.into_stream().unwrap(), b.into_stream().unwrap());
    a.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    b.read_exact(&mut buf).await.unwrap();
    b.write_all(&buf).await.unwrap();
    a.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");
}
