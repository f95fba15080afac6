//! The thread-safe mock network (`SharedNet`, feature `std` of anysock-mock): an ordinary
//! thread-per-connection echo server, written once over `Stack`, serves many client threads on
//! the kernel's loopback and on the shared mock alike; blocking calls wait for the other
//! threads, and give up after a bound instead of hanging; the conformance suite passes on it.

use crate::common;
use crate::data::pattern;

use anysock::Endpoint as _;
use std::thread;
use std::time::{Duration, Instant};

use anysock::embedded_io::{Read, Write};
use anysock::mock::{Host, Shared, SharedNet};
use anysock::opt::RecvTimeout;
use anysock::posix::Posix;
use anysock::{ErrorKind, Listener, Shutdown, SockOpt, SocketAddr, Stack, Stream};

/// Client threads per run: more than the listen backlog, so some `connect`s wait for room.
const CLIENTS: usize = 12;
/// Bytes each client sends (and checks back): several times the mock's queue of 4096.
const BYTES: usize = 40_000;

/// Echoes one connection until the client shuts down writing, then closes.
fn echo<St: Stream>(mut conn: St) -> anysock::Result<usize> {
    let mut buf = [0u8; 1500];
    let mut total = 0;
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        conn.write_all(buf.get(..n).unwrap_or_default())?;
        total += n;
    }
}

/// A thread-per-connection echo server: accepts `conns` connections, one thread each, and
/// returns the bytes each echoed. Nothing in it knows which backend runs it.
fn serve<S>(listener: &mut S::Listener, conns: usize) -> anysock::Result<Vec<usize>>
where
    S: Stack,
    S::Stream: Send,
{
    thread::scope(|scope| {
        let mut workers = Vec::new();
        for _ in 0..conns {
            let (conn, _peer) = listener.accept()?;
            workers.push(scope.spawn(move || echo(conn)));
        }
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or(Err(ErrorKind::Other.into())))
            .collect()
    })
}

/// One client: sends its pattern in chunks of varying size, reading each echo back before the
/// next (so neither side's queue has to hold more than one chunk), then half-closes and
/// expects end of stream.
fn client<S: Stack>(stack: &S, addr: &SocketAddr, id: usize) -> anysock::Result<()> {
    let mut conn = stack.connect(addr)?;
    let data = pattern(id, BYTES);
    let mut back = vec![0u8; BYTES];
    let mut at = 0;
    let mut chunk = 1 + id * 97;
    while at < BYTES {
        let end = (at + chunk).min(BYTES);
        conn.write_all(&data[at..end])?;
        conn.read_exact(&mut back[at..end])?;
        at = end;
        chunk = chunk * 3 % 3001 + 1;
    }
    assert!(
        back == data,
        "client {id}: the echo differs from what was sent"
    );
    conn.shutdown(Shutdown::Write)?;
    let mut rest = [0u8; 16];
    assert_eq!(
        conn.read(&mut rest)?,
        0,
        "client {id}: end of stream expected"
    );
    Ok(())
}

/// The server and `CLIENTS` clients, each on its own thread, on `stack`.
fn run_echo<S>(stack: &S, listen_on: &SocketAddr)
where
    S: Stack + Sync,
    S::Listener: Send,
    S::Stream: Send,
{
    let mut listener = stack.listen(listen_on, 4).expect("listen");
    let addr = listener.local_addr().expect("listener address");
    thread::scope(|scope| {
        let server = scope.spawn(|| serve::<S>(&mut listener, CLIENTS));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|id| scope.spawn(move || client(stack, &addr, id)))
            .collect();
        for (id, c) in clients.into_iter().enumerate() {
            c.join()
                .expect("client thread")
                .unwrap_or_else(|e| panic!("client {id}: {e}"));
        }
        let echoed = server.join().expect("server thread").expect("server");
        assert_eq!(echoed, vec![BYTES; CLIENTS]);
    });
}

fn shared_net() -> SharedNet {
    let net: SharedNet = SharedNet::new();
    // Generous for a loaded machine, still far from a hang.
    net.set_max_wait(Duration::from_secs(10));
    net
}

#[test]
fn echo_server_on_loopback() {
    let _check = common::fd_check();
    run_echo(&Posix, &"127.0.0.1:0".parse().unwrap());
}

#[test]
fn the_same_echo_server_on_the_shared_mock() {
    let _check = common::fd_check();
    let net = shared_net();
    let server = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    run_echo(&server, &"10.0.0.1:7".parse().unwrap());
    assert_eq!(net.open_sockets(), 0);
}

#[test]
fn clients_on_other_hosts_under_latency() {
    let _check = common::fd_check();
    let net = shared_net();
    let ms = Duration::from_millis(1);
    net.set_faults(anysock::mock::FaultPlan::new().latency(ms..5 * ms));
    let server = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    let other = net
        .host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())
        .unwrap();
    let mut listener = server.listen(&"10.0.0.1:7".parse().unwrap(), 2).unwrap();
    let addr: SocketAddr = "10.0.0.1:7".parse().unwrap();
    thread::scope(|scope| {
        let serving = scope.spawn(|| serve::<Host<'_, 32, 4096, 8, (), Shared>>(&mut listener, 4));
        let clients: Vec<_> = (0..4)
            .map(|id| scope.spawn(move || client(&other, &addr, id)))
            .collect();
        for c in clients {
            c.join().expect("client thread").expect("client");
        }
        serving.join().expect("server thread").expect("server");
    });
    // Waiting for bytes in flight moved the virtual clock; nothing else did.
    assert!(net.now() >= ms);
}

#[test]
fn a_blocking_accept_with_no_client_gives_up_after_the_bound() {
    let net = shared_net();
    net.set_max_wait(Duration::from_millis(200));
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    let mut listener = host.listen(&"10.0.0.1:7".parse().unwrap(), 4).unwrap();
    let start = Instant::now();
    let err = listener.accept().map(|_| ()).unwrap_err();
    let waited = start.elapsed();
    assert_eq!(err.kind(), ErrorKind::TimedOut);
    assert!(
        waited >= Duration::from_millis(200),
        "gave up too early: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(3),
        "waited far too long: {waited:?}"
    );
    assert_eq!(
        net.now(),
        Duration::ZERO,
        "real waiting leaves the virtual clock"
    );
}

#[test]
fn a_socket_timeout_ends_the_wait_as_on_linux() {
    let net = shared_net();
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    let mut listener = host.listen(&"10.0.0.1:7".parse().unwrap(), 4).unwrap();
    let mut conn = host.connect(&"10.0.0.1:7".parse().unwrap()).unwrap();
    conn.set(RecvTimeout, Some(Duration::from_millis(50)))
        .unwrap();
    let start = Instant::now();
    let err = conn.read(&mut [0u8; 4]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    assert!(start.elapsed() >= Duration::from_millis(50));
    // Still connected: a later write from the server is read.
    let (mut served, _) = listener.accept().unwrap();
    served.write_all(b"late").unwrap();
    let mut buf = [0u8; 4];
    conn.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"late");
}

#[test]
fn a_connect_to_a_full_backlog_waits_for_an_accept() {
    let net = shared_net();
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    let addr: SocketAddr = "10.0.0.1:7".parse().unwrap();
    let mut listener = host.listen(&addr, 0).unwrap();
    // Backlog 0: one connection waits; the next connect must wait for an accept.
    let _first = host.connect(&addr).unwrap();
    thread::scope(|scope| {
        let second = scope.spawn(|| host.connect(&addr).map(|_| ()));
        thread::sleep(Duration::from_millis(50));
        assert!(!second.is_finished(), "the connect did not wait for room");
        let _a = listener.accept().unwrap();
        second
            .join()
            .unwrap()
            .expect("connected once room was made");
        let _b = listener.accept().unwrap();
    });
}

/// The compiler checks what threads need: hosts and sockets of a shared network cross threads.
#[test]
fn hosts_and_sockets_are_send_and_sync() {
    fn send_sync<X: Send + Sync>() {}
    send_sync::<SharedNet>();
    send_sync::<Host<'static, 32, 4096, 8, (), Shared>>();
    send_sync::<anysock::mock::Stream<'static, 32, 4096, 8, (), Shared>>();
    send_sync::<anysock::mock::Listener<'static, 32, 4096, 8, (), Shared>>();
    send_sync::<anysock::mock::Datagram<'static, 32, 4096, 8, (), Shared>>();
}
