//! Zero heap allocations per operation: a counting global allocator watches the socket calls
//! of the mock network (plain, traced into `()`, faulty, thread-safe, and sized at run time
//! with a thousand hosts) and of the POSIX backend, after setup, and every count must be
//! exactly 0.
//!
//! The counts are per thread: the allocator counts only on a thread that asked it to, inside
//! the measured section, so the test harness's own threads (and tests running in parallel)
//! cannot disturb a count. A binary of its own all the same: a global allocator is one per
//! binary, and this one would serve every test it shared a process with.

use anysock::Endpoint as _;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::mock::{FaultPlan, Net, SharedNet};
use anysock::opt::{DatagramOptions, NoDelay, RecvBufferSize, RecvTimeout, ReuseAddr};
use anysock::posix::Posix;
use anysock::{
    Datagram, ErrorKind, Interest, Listener, MsgFlags, PollFd, Pollable, Shutdown, SockOpt, Socket,
    SocketAddr, Stack, Stream, Type,
};

/// Iterations of each operation: enough that an allocation once in a while would show.
const N: usize = 200;
/// Bytes per message, as in the benchmark.
const MSG: usize = 64;
/// How long a POSIX receive may wait before the test calls it lost.
const PATIENCE: Duration = Duration::from_secs(5);

/// The system allocator, counting the allocations asked for on threads that are measuring.
struct Counting;

thread_local! {
    /// Allocations on this thread since it started measuring; `None` when not measuring.
    /// A `const` initializer without a destructor: reading it never allocates, even from
    /// inside the allocator.
    static ALLOCATIONS: Cell<Option<u64>> = const { Cell::new(None) };
}

fn note_allocation() {
    // `try_with`: a thread being torn down may still allocate after its locals are gone.
    let _ = ALLOCATIONS.try_with(|count| {
        if let Some(n) = count.get() {
            count.set(Some(n + 1));
        }
    });
}

// SAFETY: every call is passed unchanged to `System`, which upholds the `GlobalAlloc`
// contract; the counting around it touches only a thread-local `Cell` and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller's guarantees for `layout` are passed on as they are.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns how many allocations this thread made meanwhile, with `f`'s result.
fn allocations<R>(f: impl FnOnce() -> R) -> (u64, R) {
    ALLOCATIONS.with(|count| count.set(Some(0)));
    let out = f();
    let n = ALLOCATIONS.with(|count| count.replace(None)).unwrap_or(0);
    (n, out)
}

/// Asserts that `f` succeeds without a single allocation, naming the operation if not.
fn assert_no_allocation(what: &str, f: impl FnOnce() -> anysock::Result<()>) {
    let (n, result) = allocations(f);
    // Checked outside the measured section: formatting a failure allocates.
    assert_eq!(result, Ok(()), "{what} failed");
    assert_eq!(n, 0, "{what}: {n} allocations in {N} iterations");
}

/// One 64-byte round trip on a connected pair: `a` writes, `b` echoes, `a` reads.
fn round_trip(a: &mut impl Stream, b: &mut impl Stream) -> anysock::Result<()> {
    let ping = [0x5a; MSG];
    let mut buf = [0; MSG];
    a.write_all(&ping)?;
    b.read_exact(&mut buf)?;
    b.write_all(&buf)?;
    a.read_exact(&mut buf)?;
    if buf == ping {
        Ok(())
    } else {
        Err(ErrorKind::Other.into())
    }
}

/// Where a scenario's sockets live: the stack of each side and the addresses to set them up
/// at (port 0 lets the backend choose; the chosen address is read back).
struct Places<'a, S> {
    client: &'a S,
    server: &'a S,
    listen_at: SocketAddr,
    receive_at: SocketAddr,
    send_from: SocketAddr,
}

/// Every hot path of a backend, each operation measured on its own after the sockets it needs
/// are set up. Written once over `Stack`, so the mock and the kernel run the very same calls.
fn hot_paths<S>(at: &Places<'_, S>) -> anysock::Result<()>
where
    S: Stack,
    S::Datagram: DatagramOptions + SockOpt<ReuseAddr>,
{
    let mut listener = at.server.listen(&at.listen_at, 8)?;
    let listen_addr = listener.local_addr()?;
    let mut conn = at.client.connect(&listen_addr)?;
    let (mut peer, _) = listener.accept()?;
    let mut rx = at.server.bind(&at.receive_at)?;
    let mut tx = at.client.bind(&at.send_from)?;
    let to = rx.local_addr()?;
    for s in [&mut conn, &mut peer] {
        s.set(RecvTimeout, Some(PATIENCE))?;
    }
    rx.set(RecvTimeout, Some(PATIENCE))?;
    let (a, b) = at.client.socketpair(Type::Stream)?;
    let (mut a, mut b) = (a.into_stream()?, b.into_stream()?);

    assert_no_allocation("stream write/read", || {
        (0..N).try_for_each(|_| round_trip(&mut conn, &mut peer))
    });
    assert_no_allocation("socketpair write/read", || {
        (0..N).try_for_each(|_| round_trip(&mut a, &mut b))
    });
    assert_no_allocation("stream send/recv with flags", || {
        let mut buf = [0; MSG];
        (0..N).try_for_each(|_| {
            // A short write (the faulty network makes some) is fine: read what went.
            let sent = conn.send(&[1; MSG], MsgFlags::NONE)?;
            peer.recv(&mut buf, MsgFlags::PEEK)?;
            Ok(peer.read_exact(&mut buf[..sent])?)
        })
    });
    assert_no_allocation("datagram send_to/recv_from", || {
        let mut buf = [0; 2 * MSG];
        (0..N).try_for_each(|_| {
            tx.send_to(&[2; MSG], &to)?;
            let (got, _from) = rx.recv_from(&mut buf)?;
            if got.len == MSG {
                Ok(())
            } else {
                Err(ErrorKind::Other.into())
            }
        })
    });
    assert_no_allocation("connected datagram send/recv", || {
        tx.connect(&to)?;
        let mut buf = [0; MSG];
        (0..N).try_for_each(|_| {
            tx.send(&[3; MSG])?;
            rx.recv(&mut buf).map(drop)
        })
    });
    assert_no_allocation("connect/accept/shutdown/close", || {
        (0..N).try_for_each(|_| {
            let mut c = at.client.connect(&listen_addr)?;
            let (mut s, _) = listener.accept()?;
            c.shutdown(Shutdown::Write)?;
            let mut end = [0; 1];
            match s.read(&mut end)? {
                0 => Ok(()), // end of stream, then both close when dropped
                _ => Err(ErrorKind::Other.into()),
            }
        })
    });
    assert_no_allocation("socket/bind/close", || {
        (0..N).try_for_each(|_| {
            let mut s = at.client.socket(to.domain(), Type::Datagram)?;
            s.bind(&at.send_from)
        })
    });
    assert_no_allocation("poll", || {
        conn.write_all(&[4; MSG])?;
        let mut fds = [
            PollFd::new(peer.handle(), Interest::READABLE | Interest::WRITABLE),
            PollFd::new(rx.handle(), Interest::READABLE),
            PollFd::new(listener.handle(), Interest::READABLE),
        ];
        // Duplicated datagrams of the faulty network may leave `rx` readable too.
        (0..N).try_for_each(|_| match at.server.poll(&mut fds, Some(Duration::ZERO))? {
            1.. if fds[0].ready().is_readable() => Ok(()),
            _ => Err(ErrorKind::Other.into()),
        })
    });
    assert_no_allocation("option set/get", || {
        (0..N).try_for_each(|i| {
            conn.set(NoDelay, i % 2 == 0)?;
            let _ = conn.get(NoDelay)?;
            let _ = conn.get(RecvBufferSize)?;
            tx.set(ReuseAddr, true)?;
            tx.get(ReuseAddr).map(drop)
        })
    });
    Ok(())
}

/// The mock's places: a client host and a server host of `net`.
fn on_mock<const S: usize, const B: usize, const Q: usize, T, K>(
    net: &Net<S, B, Q, T, K>,
) -> anysock::Result<()>
where
    T: anysock::mock::trace::Tracer,
    K: anysock::mock::Sharing,
{
    let client = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
    let server = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
    hot_paths(&Places {
        client: &client,
        server: &server,
        listen_at: "10.0.0.2:80".parse()?,
        receive_at: "10.0.0.2:53".parse()?,
        send_from: "0.0.0.0:0".parse()?,
    })
}

#[test]
fn mock_operations_do_not_allocate() {
    let net: Net = Net::new();
    assert_eq!(on_mock(&net), Ok(()));
}

#[test]
fn traced_mock_operations_do_not_allocate() {
    // Every event goes through the network's outbox to the tracer, here one that drops it.
    let net: Net = Net::with_tracer(());
    assert_eq!(on_mock(&net), Ok(()));
}

#[test]
fn faulty_mock_operations_do_not_allocate() {
    // Draws from the seed on every datagram and write; short writes and reads on TCP. No
    // loss: the scenario counts on every datagram arriving.
    let net: Net = Net::with_seed(7);
    net.set_faults(
        FaultPlan::new()
            .duplicate(100_000)
            .reorder(100_000)
            .max_chunk(16),
    );
    assert_eq!(on_mock(&net), Ok(()));
}

#[test]
fn shared_mock_operations_do_not_allocate() {
    let net: SharedNet = SharedNet::new();
    assert_eq!(on_mock(&net), Ok(()));
}

/// Fills a network with 998 more hosts, each with a TCP listener and a UDP socket on the
/// ports the scenario uses, so its lookups search full tables; returns the sockets to keep.
fn crowd<const S: usize, const B: usize, const Q: usize, T, K>(
    net: &Net<S, B, Q, T, K>,
) -> Vec<(
    anysock::mock::Listener<'_, S, B, Q, T, K>,
    anysock::mock::Datagram<'_, S, B, Q, T, K>,
)>
where
    T: anysock::mock::trace::Tracer,
    K: anysock::mock::Sharing,
{
    (3..1_001u32)
        .map(|n| {
            let [_, _, a, b] = n.to_be_bytes();
            let v6 = std::net::Ipv6Addr::new(0xfd01, 0, 0, 0, 0, 0, 0, n as u16);
            let host = net.host([10, 1, a, b].into(), v6).unwrap();
            let at = |port| SocketAddr::from(([10, 1, a, b], port));
            (
                host.listen(&at(80), 8).unwrap(),
                host.bind(&at(53)).unwrap(),
            )
        })
        .collect()
}

#[test]
fn mock_operations_on_a_network_sized_at_run_time_do_not_allocate() {
    // Everything is allocated here, by `build`; nothing after.
    let net: Net = Net::builder().hosts(1_000).sockets(4_000).build().unwrap();
    let _crowd = crowd(&net);
    assert_eq!(on_mock(&net), Ok(()));
}

#[test]
fn traced_and_faulty_operations_on_a_network_sized_at_run_time_do_not_allocate() {
    let net: Net<32, 4096, 8, ()> = Net::builder()
        .hosts(1_000)
        .sockets(4_000)
        .seed(7)
        .tracer(())
        .build()
        .unwrap();
    net.set_faults(
        FaultPlan::new()
            .duplicate(100_000)
            .reorder(100_000)
            .max_chunk(16),
    );
    let _crowd = crowd(&net);
    assert_eq!(on_mock(&net), Ok(()));
}

#[test]
fn posix_operations_do_not_allocate() {
    let any = "127.0.0.1:0".parse().unwrap();
    assert_eq!(
        hot_paths(&Places {
            client: &Posix,
            server: &Posix,
            listen_at: any,
            receive_at: any,
            send_from: any,
        }),
        Ok(())
    );
}

#[test]
fn the_counter_counts() {
    // Without this, a allocator that never counted would pass every test above.
    let (n, v) = allocations(|| std::hint::black_box(vec![1u8; 100]));
    assert_eq!(v.len(), 100);
    assert_eq!(n, 1);
}
