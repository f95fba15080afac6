//! The mock network, async, as a test meets it: the driver jumps the virtual clock from event to
//! event and names a deadlock instead of hanging; a change to a socket wakes the futures parked
//! on it, and a call that changes nothing wakes nobody; three concurrent tasks under loss and
//! latency make the same trace for the same seed; and on a `SharedNet` another thread's change
//! wakes a future wherever it runs.

use crate::mock_common;

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Wake;
use std::time::Duration;

use anysock::asynch::{timeout, Datagram as _, Listener as _, Stack as _, Stream as _};
use anysock::embedded_io_async::{Read as _, Write as _};
use anysock::mock::asynch::{Host, Stream};
use anysock::mock::trace::Tracer;
use anysock::mock::{FaultPlan, Net, SharedNet, Sharing, SYN_TIMEOUT};
use anysock::{ErrorKind, Wait};
use embassy_futures::join::{join, join3};

use mock_common::{addr, two_hosts, TraceHash};

const MS: Duration = Duration::from_millis(1);

/// A client stream of `a` connected to a server stream of `b` on port 80.
fn connected<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing>(
    net: &'n Net<S, B, Q, T, K>,
    a: Host<'n, S, B, Q, T, K>,
    b: Host<'n, S, B, Q, T, K>,
) -> (Stream<'n, S, B, Q, T, K>, Stream<'n, S, B, Q, T, K>) {
    let server_addr = anysock::SocketAddr::from((b.blocking().ipv4(), 80));
    let mut listener = b.listen(&server_addr, 4).unwrap();
    let (client, accepted) = net
        .run(join(a.connect(&server_addr), listener.accept()))
        .unwrap();
    (client.unwrap(), accepted.unwrap().0)
}

/// A waker that counts how often it is woken.
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count(AtomicUsize::new(0)));
    (Arc::clone(&count), Waker::from(Arc::clone(&count)))
}

fn woken(count: &Count) -> usize {
    count.0.load(Ordering::SeqCst)
}

// ---------------------------------------------------------------------------------------
// The driver

#[test]
fn the_clock_jumps_to_the_next_event_and_costs_no_real_time() {
    let started = std::time::Instant::now();
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    net.run(a.sleep(Duration::from_secs(3600)))
        .unwrap()
        .unwrap();
    assert_eq!(net.now(), Duration::from_secs(3600), "an hour, at once");

    // Bytes on their way for 250 ms: the read waits for them on the virtual clock.
    net.set_faults(FaultPlan::new().latency(250 * MS..250 * MS));
    let (mut client, mut server) = connected(&net, a, b);
    let before = net.now();
    let mut buf = [0u8; 4];
    let (wrote, read) = net
        .run(join(client.write_all(b"ping"), server.read_exact(&mut buf)))
        .unwrap();
    wrote.unwrap();
    read.unwrap();
    assert_eq!((net.now() - before, &buf), (250 * MS, b"ping"));

    // A SYN to a full queue nobody accepts from is retried until the kernel gives up.
    let mut listener = b.listen(&addr("10.0.0.2:81"), 0).unwrap();
    let first = net.run(a.connect(&addr("10.0.0.2:81"))).unwrap().unwrap();
    let before = net.now();
    let refused = net.run(a.connect(&addr("10.0.0.2:81"))).unwrap();
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::TimedOut);
    assert_eq!(net.now() - before, SYN_TIMEOUT);
    drop((first, listener.accept()));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "no real time spent"
    );
}

#[test]
fn a_program_that_can_never_finish_is_a_deadlock_that_says_what_waits() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let (mut client, mut server) = connected(&net, a, b);
    let mut buf = [0u8; 1024];
    let deadlock = |e: anysock::Error| (e.kind(), e.waiting_for());

    let mut listener = b.listen(&addr("10.0.0.2:90"), 1).unwrap();
    let nobody = net.run(listener.accept()).unwrap_err();
    assert_eq!(
        deadlock(nobody),
        (ErrorKind::Deadlock, Some(Wait::Connection))
    );
    assert_eq!(
        nobody.to_string(),
        "would wait for ever: waits for a connection to accept, and nothing else can run"
    );

    let silence = net.run(server.read(&mut buf)).unwrap_err();
    assert_eq!(deadlock(silence), (ErrorKind::Deadlock, Some(Wait::Data)));

    // A writer whose peer never reads fills the queue, then waits for room for ever.
    let flood = net.run(async {
        loop {
            client.write(&[7u8; 1024]).await?;
        }
        #[allow(unreachable_code)]
        Ok::<(), anysock::Error>(())
    });
    assert_eq!(
        deadlock(flood.unwrap_err()),
        (ErrorKind::Deadlock, Some(Wait::Room))
    );

    // Bytes held by a partition never arrive while it lasts.
    let (mut c2, mut s2) = {
        let mut l = b.listen(&addr("10.0.0.2:91"), 1).unwrap();
        let (c, s) = net
            .run(join(a.connect(&addr("10.0.0.2:91")), l.accept()))
            .unwrap();
        (c.unwrap(), s.unwrap().0)
    };
    net.partition(a, b);
    net.run(c2.write_all(b"held")).unwrap().unwrap();
    let held = net.run(s2.read(&mut buf)).unwrap_err();
    assert_eq!(deadlock(held), (ErrorKind::Deadlock, Some(Wait::Data)));
    net.heal(a, b);
    assert_eq!(net.run(s2.read(&mut buf)).unwrap().unwrap(), 4, "healed");

    // Waiting on something the network knows nothing about.
    let elsewhere = net.run(core::future::pending::<()>()).unwrap_err();
    assert_eq!(deadlock(elsewhere), (ErrorKind::Deadlock, Some(Wait::Task)));
}

// ---------------------------------------------------------------------------------------
// Wakes

/// A wake that does not come from the network (one task handing another a value through a
/// cell of their own) reaches the driver too: the waiting task goes on at once, where a
/// driver that only counted the network's wakes would find nothing scheduled and call it a
/// deadlock. Meanwhile the network's own wakes keep working: the value is the byte a stream
/// carried.
#[test]
fn a_wake_from_outside_the_network_reaches_the_driver() {
    use std::cell::{Cell, RefCell};

    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (mut client, mut server) = connected(&net, a.asynch(), b.asynch());
    let handed = Cell::new(None);
    let waiting: RefCell<Option<Waker>> = RefCell::new(None);
    let receiver = core::future::poll_fn(|cx| match handed.take() {
        Some(v) => Poll::Ready(v),
        None => {
            *waiting.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    });
    let giver = async {
        let mut byte = [0u8; 1];
        server.read_exact(&mut byte).await?;
        handed.set(Some(byte[0]));
        if let Some(w) = waiting.borrow_mut().take() {
            w.wake();
        }
        Ok::<(), anysock::Error>(())
    };
    let sender = async { client.write_all(&[42]).await };
    let (got, given, sent) = net.run(join3(receiver, giver, sender)).unwrap();
    given.unwrap();
    sent.unwrap();
    assert_eq!(got, 42);
}

#[test]
fn a_change_wakes_the_futures_parked_on_that_socket_and_looking_wakes_nobody() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let (mut client, server) = connected(&net, a, b);
    let (mut other_client, mut other_server) = connected(&net, a, b);
    let (count, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut buf = [0u8; 8];
    let mut reader = &server;
    let mut read = pin!(reader.read(&mut buf));
    assert!(read.as_mut().poll(&mut cx).is_pending());
    assert!(read.as_mut().poll(&mut cx).is_pending(), "parked in place");
    assert_eq!(
        woken(&count),
        0,
        "looking changed nothing, so it woke nobody"
    );

    net.run(other_client.write_all(b"elsewhere"))
        .unwrap()
        .unwrap();
    let mut other = [0u8; 9];
    net.run(other_server.read_exact(&mut other))
        .unwrap()
        .unwrap();
    assert_eq!(
        woken(&count),
        0,
        "another connection's traffic is not its change"
    );

    net.run(client.write_all(b"hello")).unwrap().unwrap();
    assert_eq!(woken(&count), 1, "the peer's write woke it, once");
    assert_eq!(read.as_mut().poll(&mut cx), Poll::Ready(Ok(5)));
}

#[test]
fn room_a_connection_a_reset_and_a_closed_socket_each_wake_their_waiter() {
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let (count, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);

    // A writer parked on the peer's full queue is woken by the peer's read.
    let (mut client, mut server) = connected(&net, a, b);
    let fill = [1u8; 8192];
    let n = net.run(client.write(&fill)).unwrap().unwrap();
    {
        let mut write = pin!(client.write(&fill[n..]));
        assert!(
            write.as_mut().poll(&mut cx).is_pending(),
            "the queue is full"
        );
        let mut some = [0u8; 100];
        net.run(server.read(&mut some)).unwrap().unwrap();
        assert_eq!(woken(&count), 1, "room made");
        assert!(matches!(write.as_mut().poll(&mut cx), Poll::Ready(Ok(100))));
    }

    // An accept parked on the listener is woken by a connection.
    let mut listener = b.listen(&addr("10.0.0.2:82"), 1).unwrap();
    let mut accept = pin!(listener.accept());
    assert!(accept.as_mut().poll(&mut cx).is_pending());
    let dialed = net.run(a.connect(&addr("10.0.0.2:82"))).unwrap().unwrap();
    assert_eq!(woken(&count), 2, "a connection queued");
    let Poll::Ready(Ok((_accepted, _))) = accept.as_mut().poll(&mut cx) else {
        panic!("the connection was not there to accept");
    };

    // A read parked on a connection whose peer's host crashes is woken by the reset.
    let mut buf = [0u8; 8];
    let mut dialed = dialed;
    let mut read = pin!(dialed.read(&mut buf));
    assert!(read.as_mut().poll(&mut cx).is_pending());
    net.crash(b);
    assert_eq!(woken(&count), 3, "reset by the crash");
    match read.as_mut().poll(&mut cx) {
        Poll::Ready(Err(e)) => assert_eq!(e.kind(), ErrorKind::ConnectionReset),
        other => panic!("expected the reset, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Determinism

/// Three tasks at once on three hosts, under 20 % datagram loss and 5..30 ms of latency: a UDP
/// echo server, a client that pings it ten times and retries each lost ping after 100 ms, and a
/// TCP upload of 20 000 bytes. Returns the trace's hash, the pings' retries, and the virtual
/// time it took.
fn three_tasks(seed: u64) -> (u64, u32, Duration) {
    let mut hash = TraceHash::default();
    let (retries, took) = {
        let net: Net<32, 4096, 8, &mut TraceHash> = Net::with_tracer(&mut hash);
        net.set_seed(seed);
        net.set_faults(FaultPlan::new().loss(200_000).latency(5 * MS..30 * MS));
        let v6 = |n: u8| format!("fd00::{n}").parse().unwrap();
        let server = net.host([10, 0, 0, 1].into(), v6(1)).unwrap().asynch();
        let pinger = net.host([10, 0, 0, 2].into(), v6(2)).unwrap().asynch();
        let uploader = net.host([10, 0, 0, 3].into(), v6(3)).unwrap().asynch();
        let mut echo = server.bind(&addr("10.0.0.1:7")).unwrap();
        let mut listener = server.listen(&addr("10.0.0.1:80"), 1).unwrap();

        let echoing = async {
            let mut buf = [0u8; 64];
            // Until nobody has asked for a second.
            while let Ok(got) =
                timeout(&server, Duration::from_secs(1), echo.recv_from(&mut buf)).await
            {
                let (got, from) = got?;
                echo.send_to(&buf[..got.len], &from).await?;
            }
            Ok::<_, anysock::Error>(())
        };
        let pinging = async {
            let mut sock = pinger.bind(&addr("0.0.0.0:0")).unwrap();
            let mut retries = 0;
            for i in 0..10u8 {
                loop {
                    sock.send_to(&[b'p', i], &addr("10.0.0.1:7")).await?;
                    let mut back = [0u8; 2];
                    match timeout(&pinger, 100 * MS, sock.recv(&mut back)).await {
                        Ok(got) if got?.len == 2 && back[1] == i => break,
                        _ => retries += 1,
                    }
                }
            }
            Ok::<_, anysock::Error>(retries)
        };
        let uploading = async {
            let sent: Vec<u8> = (0..20_000u32).map(|i| (i % 253) as u8).collect();
            let send = async {
                let mut conn = uploader.connect(&addr("10.0.0.1:80")).await?;
                conn.write_all(&sent).await?;
                conn.shutdown(anysock::Shutdown::Write)
            };
            let receive = async {
                let (mut conn, _) = listener.accept().await?;
                let mut got = Vec::new();
                let mut buf = [0u8; 1500];
                loop {
                    match conn.read(&mut buf).await? {
                        0 => return Ok::<_, anysock::Error>(got),
                        n => got.extend_from_slice(&buf[..n]),
                    }
                }
            };
            let (sent_ok, got) = join(send, receive).await;
            sent_ok?;
            assert!(got? == sent, "every byte of the upload arrived, in order");
            Ok::<_, anysock::Error>(())
        };
        let (echoed, retries, uploaded) = net.run(join3(echoing, pinging, uploading)).unwrap();
        echoed.unwrap();
        uploaded.unwrap();
        drop((echo, listener));
        assert_eq!(net.open_sockets(), 0);
        (retries.unwrap(), net.now())
    };
    (hash.0, retries, took)
}

#[test]
fn three_concurrent_tasks_make_the_same_trace_for_the_same_seed_and_another_for_another() {
    let first = three_tasks(7);
    assert!(first.1 > 0, "20 % loss cost some pings a retry: {first:?}");
    assert_eq!(three_tasks(7), first, "the same seed, the same run");
    let other = three_tasks(8);
    assert_ne!(other.0, first.0, "another seed, another trace");
}

// ---------------------------------------------------------------------------------------
// Threads: SharedNet

#[test]
fn on_a_shared_network_another_threads_change_wakes_a_future_wherever_it_runs() {
    let net: SharedNet = SharedNet::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let (client, mut server) = connected(&net, a, b);
    fn is_send<T: Send>(t: T) -> T {
        t
    }
    std::thread::scope(|s| {
        // A tokio runtime on one thread waits to read: its own reactor knows nothing of the
        // mock, so only the writer's thread can wake it.
        let reader = s.spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let mut buf = [0u8; 5];
            rt.block_on(is_send(server.read_exact(&mut buf))).unwrap();
            buf
        });
        // This thread writes after a moment of real time, with a blocking call.
        std::thread::sleep(Duration::from_millis(50));
        let mut blocking = client.into_inner();
        anysock::embedded_io::Write::write_all(&mut blocking, b"hello").unwrap();
        assert_eq!(&reader.join().unwrap(), b"hello");
    });
}

#[test]
fn the_driver_on_a_shared_network_waits_for_other_threads_then_gives_up() {
    let net: SharedNet = SharedNet::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let (mut client, mut server) = connected(&net, a, b);
    std::thread::scope(|s| {
        let writer = s.spawn(|| {
            std::thread::sleep(Duration::from_millis(50));
            net.run(client.write_all(b"late")).unwrap()
        });
        let mut buf = [0u8; 4];
        net.run(server.read_exact(&mut buf)).unwrap().unwrap();
        assert_eq!(&buf, b"late");
        writer.join().unwrap().unwrap();
    });
    net.set_max_wait(Duration::from_millis(100));
    let started = std::time::Instant::now();
    let mut listener = b.listen(&addr("10.0.0.2:99"), 1).unwrap();
    let nobody = net.run(listener.accept()).unwrap_err();
    assert_eq!(nobody.kind(), ErrorKind::TimedOut);
    assert!(started.elapsed() >= Duration::from_millis(100));
}

#[test]
fn futures_run_under_another_executor_and_its_clock_is_the_programs() {
    // embassy's `block_on` polls until done: a network change is all the futures need...
    let net: Net = Net::new();
    let (a, b) = two_hosts(&net);
    let (a, b) = (a.asynch(), b.asynch());
    let (mut client, mut server) = connected(&net, a, b);
    let mut buf = [0u8; 2];
    let (wrote, read) =
        embassy_futures::block_on(join(client.write_all(b"hi"), server.read_exact(&mut buf)));
    wrote.unwrap();
    read.unwrap();
    // ...and a timer there fires when the program moves the clock.
    let mut sleep = pin!(a.sleep(Duration::from_secs(1)));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(sleep.as_mut().poll(&mut cx).is_pending());
    net.advance(Duration::from_secs(1));
    assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Ready(Ok(())));
}
