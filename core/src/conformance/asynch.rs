//! The async cases: the contracts of [`crate::asynch`] — the same answers as the blocking
//! calls, cancellation that loses nothing, time on the stack's clock — checked on any async
//! backend, the kernel (with either reactor) and a simulated network alike.
//!
//! A backend runs them by implementing [`AsyncHarness`] (its async stack, an address, and a way
//! to run a future to completion) and calling [`run`]. Every case is bounded by
//! [`AsyncHarness::patience`] on the stack's clock, so a lost wake-up fails the case instead of
//! hanging it; on a simulated network whose driver stops when nothing can progress, it fails
//! with the driver's `Deadlock` instead.

use core::future::{poll_fn, Future};
use core::pin::{pin, Pin};
use core::task::Poll;
use core::time::Duration;

use super::{Case, Failure, Outcome, Stop, Summary};
use crate::asynch::Stream as _;
use crate::asynch::{timeout, timeout_at, Datagram, Endpoint, Listener, MsgIo, Socket, Stack};
use crate::embedded_io_async::{Read, Write};
use crate::{Domain, Error, ErrorKind, IoVec, IoVecMut, MsgFlags, RecvMsg, SendMsg, Shutdown};
use crate::{SocketAddr, Type};

/// What an async backend under test provides.
pub trait AsyncHarness {
    /// The backend.
    type Stack: Stack;

    /// The stack to test.
    fn stack(&self) -> &Self::Stack;

    /// An IPv4 address of this host, port 0 (loopback for a kernel).
    fn ipv4(&self) -> SocketAddr;

    /// Runs `fut` to completion: the backend's executor, or its simulation's driver. A driver
    /// that finds nothing can progress may stop the future early; the case then fails.
    fn block_on<F: Future>(&self, fut: F) -> F::Output;

    /// How long something that must happen may take; a whole case gets five times this.
    fn patience(&self) -> Duration {
        Duration::from_secs(2)
    }
}

/// The stack's stream type, for an async harness.
pub type AsyncStreamOf<H> = <<H as AsyncHarness>::Stack as Stack>::Stream;

/// Every async case, grouped by the call they are about.
pub fn cases<H: AsyncHarness>() -> [Case<H>; 13] {
    case_list![H:
        stream_echoes_to_end_of_stream,
        a_read_after_shutdown_read_does_not_wait,
        a_socketpair_talks,
        a_refused_connect_is_typed,
        the_long_way_connects_and_a_dropped_connect_resumes,
        a_timed_out_read_leaves_the_bytes_readable,
        a_cancelled_read_loses_nothing,
        a_cancelled_accept_leaves_the_connection_queued,
        a_cancelled_write_has_sent_nothing,
        a_cancelled_recv_from_loses_no_datagram,
        recv_flags_peek_waitall_and_dontwait,
        datagrams_keep_their_boundaries,
        sleeping_runs_on_the_stacks_clock,
    ]
}

/// Runs every async case on `harness`, telling `report` each name and outcome.
pub fn run<H: AsyncHarness>(
    harness: &mut H,
    report: impl FnMut(&'static str, &Outcome),
) -> Summary {
    super::run_cases(harness, cases::<H>(), report)
}

/// Runs one case's story, bounded by five times the harness's patience.
fn bounded<H: AsyncHarness>(h: &H, story: impl Future<Output = Outcome>) -> Outcome {
    h.block_on(async {
        let limit = h.patience() * 5;
        match timeout(h.stack(), limit, story).await {
            Ok(outcome) => outcome,
            Err(e) => Err(Stop::Failed(Failure {
                line: line!(),
                what: "the case did not finish in time (a lost wake-up?)",
                error: Some(e),
            })),
        }
    })
}

/// Polls `fut` once: its output if it completed, `None` if it is pending (its waker parked).
pub async fn poll_once<F: Future>(mut fut: Pin<&mut F>) -> Option<F::Output> {
    poll_fn(|cx| match fut.as_mut().poll(cx) {
        Poll::Ready(out) => Poll::Ready(Some(out)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

/// Runs both futures concurrently in one task until both are done.
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    poll_fn(|cx| {
        if out_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        match (out_a.take(), out_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (out_a, out_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// A connected TCP pair over the harness's IPv4 address: `(client, server)`.
pub async fn tcp_pair<H: AsyncHarness>(
    h: &H,
) -> Result<(AsyncStreamOf<H>, AsyncStreamOf<H>), Stop> {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 8), "listen");
    let addr = must!(listener.local_addr(), "the listener's local_addr");
    let client = must!(h.stack().connect(&addr).await, "connect");
    let (server, peer) = must!(listener.accept().await, "accept");
    ensure!(
        Ok(peer) == client.local_addr(),
        "accept names the client's address"
    );
    Ok((client, server))
}

/// The byte at offset `i` of a test stream: a pattern whose period (251) is prime to every
/// buffer size, so a byte lost, doubled or reordered shows.
fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

fn stream_echoes_to_end_of_stream<H: AsyncHarness>(h: &mut H) -> Outcome {
    const LEN: usize = 256 * 1024;
    let h = &*h;
    bounded(h, async {
        let (mut client, mut server) = tcp_pair(h).await?;
        let send = async {
            let mut chunk = [0u8; 1000];
            let mut sent = 0;
            while sent < LEN {
                let n = chunk.len().min(LEN - sent);
                for (k, b) in chunk[..n].iter_mut().enumerate() {
                    *b = pattern(sent + k);
                }
                must!(client.write_all(&chunk[..n]).await, "write_all");
                sent += n;
            }
            must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
            Ok(())
        };
        let receive = async {
            let mut buf = [0u8; 4096];
            let mut got = 0;
            loop {
                let n = must!(server.read(&mut buf).await, "read");
                if n == 0 {
                    break;
                }
                let intact = buf[..n]
                    .iter()
                    .enumerate()
                    .all(|(k, &b)| b == pattern(got + k));
                ensure!(intact, "the bytes arrive intact and in order");
                got += n;
            }
            ensure!(got == LEN, "every byte arrives before end of stream");
            must!(server.write_all(b"bye").await, "the answer");
            Ok(())
        };
        let (sent, received) = join(send, receive).await;
        sent?;
        received?;
        drop(server);
        let mut bye = [0u8; 3];
        must!(
            client.read_exact(&mut bye).await.map_err(Error::from),
            "read the answer"
        );
        ensure!(&bye == b"bye", "the answer arrives");
        ensure!(
            client.read(&mut bye).await == Ok(0),
            "then end of stream: Ok(0)"
        );
        ensure!(
            client.read(&mut []).await == Ok(0),
            "an empty buffer answers Ok(0) at once"
        );
        Ok(())
    })
}

fn a_read_after_shutdown_read_does_not_wait<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let (_client, mut server) = tcp_pair(h).await?;
        must!(server.shutdown(Shutdown::Read), "shutdown(Read)");
        let read = timeout(h.stack(), h.patience(), server.read(&mut [0u8; 4])).await;
        ensure!(
            read == Ok(Ok(0)),
            "a read after shutdown(Read) answers Ok(0) at once"
        );
        Ok(())
    })
}

fn a_socketpair_talks<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let (a, b) = must!(h.stack().socketpair(Type::Stream), "socketpair");
        let mut a = must!(a.into_stream(), "into_stream");
        let mut b = must!(b.into_stream(), "into_stream");
        must!(a.write_all(b"ping").await, "write");
        let mut buf = [0u8; 4];
        must!(b.read_exact(&mut buf).await.map_err(Error::from), "read");
        must!(b.write_all(&buf).await, "write back");
        must!(
            a.read_exact(&mut buf).await.map_err(Error::from),
            "read back"
        );
        ensure!(&buf == b"ping", "the bytes go both ways");
        Ok(())
    })
}

fn a_refused_connect_is_typed<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let free = {
            let l = must!(h.stack().listen(&h.ipv4(), 1), "listen");
            must!(l.local_addr(), "local_addr")
        }; // closed: nobody listens there now
        fails!(
            h.stack().connect(&free).await,
            ErrorKind::ConnectionRefused,
            "connect to a closed port is refused"
        );
        let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
        fails!(
            s.connect(&free).await,
            ErrorKind::ConnectionRefused,
            "Socket::connect to a closed port is refused"
        );
        Ok(())
    })
}

fn the_long_way_connects_and_a_dropped_connect_resumes<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
        must!(s.bind(&h.ipv4()), "bind");
        let mut listener = must!(s.listen(4), "listen");
        let addr = must!(listener.local_addr(), "local_addr");
        let mut c = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
        {
            // Started, then dropped at its first wait (if it had one): the handshake goes on.
            let first = pin!(c.connect(&addr));
            if let Some(done) = poll_once(first).await {
                must!(done, "a connect that finished at once");
            }
        }
        must!(
            c.connect(&addr).await,
            "connect again: the outcome of the first"
        );
        must!(
            c.connect(&addr).await,
            "connect once connected, to the same address"
        );
        let mut client = must!(c.into_stream(), "into_stream");
        let (mut server, _) = must!(listener.accept().await, "accept");
        ensure!(client.peer_addr() == Ok(addr), "peer_addr is the listener");
        must!(client.write_all(b"x").await, "write");
        ensure!(
            server.read(&mut [0u8; 1]).await == Ok(1),
            "the byte arrives"
        );
        Ok(())
    })
}

fn a_timed_out_read_leaves_the_bytes_readable<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let (mut client, mut server) = tcp_pair(h).await?;
        let mut buf = [0u8; 8];
        let before = must!(h.stack().now(), "now");
        let wait = Duration::from_millis(30);
        fails!(
            timeout(h.stack(), wait, server.read(&mut buf)).await,
            ErrorKind::TimedOut,
            "a read with nothing to read times out"
        );
        let after = must!(h.stack().now(), "now");
        ensure!(
            after - before >= wait,
            "the timeout lasted as long as asked"
        );
        must!(client.write_all(b"late").await, "write");
        let n = must!(
            must!(
                timeout(h.stack(), h.patience(), server.read(&mut buf)).await,
                "in time"
            ),
            "read"
        );
        ensure!(
            &buf[..n] == b"late",
            "the bytes are all there for the next read"
        );
        Ok(())
    })
}

fn a_cancelled_read_loses_nothing<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let (mut client, mut server) = tcp_pair(h).await?;
        let mut buf = [0u8; 8];
        {
            let read = pin!(server.read(&mut buf));
            ensure!(
                poll_once(read).await.is_none(),
                "nothing to read yet: pending"
            );
            must!(client.write_all(b"abc").await, "write");
            must!(h.stack().sleep(Duration::from_millis(20)).await, "sleep");
        } // dropped here: woken, never polled again
        let mut got = [0u8; 3];
        must!(
            server.read_exact(&mut got).await.map_err(Error::from),
            "read"
        );
        ensure!(&got == b"abc", "the cancelled read took none of the bytes");
        Ok(())
    })
}

fn a_cancelled_accept_leaves_the_connection_queued<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let mut listener = must!(h.stack().listen(&h.ipv4(), 8), "listen");
        let addr = must!(listener.local_addr(), "local_addr");
        let client = {
            let accept = pin!(listener.accept());
            ensure!(
                poll_once(accept).await.is_none(),
                "nobody connected yet: pending"
            );
            let client = must!(h.stack().connect(&addr).await, "connect");
            must!(h.stack().sleep(Duration::from_millis(20)).await, "sleep");
            client
        }; // the accept is dropped here, woken but never polled again
        let accepted = must!(
            timeout(h.stack(), h.patience(), listener.accept()).await,
            "in time"
        );
        let (_server, peer) = must!(accepted, "accept");
        ensure!(
            client.local_addr() == Ok(peer),
            "the connection waited in the queue"
        );
        Ok(())
    })
}

fn a_cancelled_write_has_sent_nothing<H: AsyncHarness>(h: &mut H) -> Outcome {
    // Bounded: far more than any send and receive buffers together.
    const MOST: usize = 256 * 1024 * 1024;
    let h = &*h;
    bounded(h, async {
        let (mut client, mut server) = tcp_pair(h).await?;
        let mut chunk = [0u8; 4096];
        let (mut sent, mut waited) = (0, false);
        while sent < MOST {
            for (k, b) in chunk.iter_mut().enumerate() {
                *b = pattern(sent + k);
            }
            let write = pin!(client.write(&chunk));
            match poll_once(write).await {
                Some(n) => sent += must!(n, "write"),
                None => {
                    waited = true; // full: dropped here, pending, never polled again
                    break;
                }
            }
        }
        ensure!(
            waited,
            "writing without reading fills the buffers and waits"
        );
        must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
        let mut buf = [0u8; 4096];
        let mut got = 0;
        loop {
            let n = must!(server.read(&mut buf).await, "read");
            if n == 0 {
                break;
            }
            let intact = buf[..n]
                .iter()
                .enumerate()
                .all(|(k, &b)| b == pattern(got + k));
            ensure!(intact, "the bytes arrive intact and in order");
            got += n;
        }
        ensure!(
            got == sent,
            "exactly the bytes of the completed writes arrive, none of the dropped one's"
        );
        Ok(())
    })
}

fn a_cancelled_recv_from_loses_no_datagram<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let mut a = must!(h.stack().bind(&h.ipv4()), "bind");
        let mut b = must!(h.stack().bind(&h.ipv4()), "bind");
        let b_addr = must!(b.local_addr(), "local_addr");
        let mut buf = [0u8; 16];
        {
            let recv = pin!(b.recv_from(&mut buf));
            ensure!(
                poll_once(recv).await.is_none(),
                "nothing to receive yet: pending"
            );
            must!(a.send_to(b"dgram", &b_addr).await, "send_to");
            must!(h.stack().sleep(Duration::from_millis(20)).await, "sleep");
        } // dropped here: woken, never polled again
        let (got, _) = must!(b.recv_from(&mut buf).await, "recv_from");
        ensure!(
            &buf[..got.len] == b"dgram",
            "the datagram waited for the next receive"
        );
        Ok(())
    })
}

fn recv_flags_peek_waitall_and_dontwait<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let (mut client, mut server) = tcp_pair(h).await?;
        let mut buf = [0u8; 6];
        fails!(
            server.recv(&mut buf, MsgFlags::DONTWAIT).await,
            ErrorKind::WouldBlock,
            "DONTWAIT with nothing to read"
        );
        must!(client.write_all(b"abc").await, "write");
        let peeked = must!(server.recv(&mut buf, MsgFlags::PEEK).await, "recv(PEEK)");
        ensure!(&buf[..peeked] == b"abc", "PEEK sees the bytes");
        let all = async { server.recv(&mut buf, MsgFlags::WAITALL).await };
        let rest = async {
            must!(h.stack().sleep(Duration::from_millis(10)).await, "sleep");
            must!(client.write_all(b"def").await, "write the rest");
            Ok(())
        };
        let (n, wrote) = join(all, rest).await;
        wrote?;
        let n = must!(n, "recv(WAITALL)");
        ensure!(n == 6, "WAITALL waits for the whole buffer");
        ensure!(
            &buf == b"abcdef",
            "PEEK left the bytes queued, WAITALL took them all"
        );
        Ok(())
    })
}

fn datagrams_keep_their_boundaries<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let mut a = must!(h.stack().bind(&h.ipv4()), "bind");
        let mut b = must!(h.stack().bind(&h.ipv4()), "bind");
        let a_addr = must!(a.local_addr(), "local_addr");
        let b_addr = must!(b.local_addr(), "local_addr");
        must!(a.send_to(b"one", &b_addr).await, "send_to");
        must!(a.send_to(b"a longer two", &b_addr).await, "send_to");
        let mut buf = [0u8; 16];
        let (got, from) = must!(b.recv_from(&mut buf).await, "recv_from");
        ensure!(
            &buf[..got.len] == b"one" && from == a_addr,
            "one datagram and its sender"
        );
        let mut small = [0u8; 4];
        let (got, _) = must!(b.recv_from(&mut small).await, "recv_from");
        ensure!(
            &small == b"a lo" && got.truncated,
            "a cut datagram is reported"
        );

        must!(a.connect(&b_addr), "connect");
        must!(a.send(b"hi").await, "send");
        let got = must!(b.recv(&mut buf).await, "recv");
        ensure!(&buf[..got.len] == b"hi", "send reaches the connected peer");

        let iov = must!(IoVec::<2>::from_slices(&[b"head:", b"body"]), "iovecs");
        must!(a.send_msg(&SendMsg::new(iov)).await, "send_msg");
        let (mut head, mut body) = ([0u8; 5], [0u8; 8]);
        let mut iov = IoVecMut::<2>::new();
        must!(iov.push(&mut head), "iovec");
        must!(iov.push(&mut body), "iovec");
        let meta = must!(b.recv_msg(&mut RecvMsg::new(iov)).await, "recv_msg");
        ensure!(meta.len == 9, "recv_msg takes the whole message");
        ensure!(
            &head == b"head:" && &body[..4] == b"body",
            "scattered in order"
        );
        Ok(())
    })
}

fn sleeping_runs_on_the_stacks_clock<H: AsyncHarness>(h: &mut H) -> Outcome {
    let h = &*h;
    bounded(h, async {
        let stack = h.stack();
        let start = must!(stack.now(), "now");
        must!(stack.sleep(Duration::from_millis(25)).await, "sleep");
        let woke = must!(stack.now(), "now");
        ensure!(
            woke - start >= Duration::from_millis(25),
            "sleep lasts as long as asked"
        );
        must!(stack.sleep_until(start).await, "a deadline already past");
        let deadline = woke + Duration::from_millis(10);
        must!(stack.sleep_until(deadline).await, "sleep_until");
        ensure!(
            must!(stack.now(), "now") >= deadline,
            "sleep_until reaches its deadline"
        );
        let ready = timeout_at(stack, start, async { 7 }).await;
        ensure!(
            ready == Ok(7),
            "a ready operation wins over an expired deadline"
        );
        Ok(())
    })
}
