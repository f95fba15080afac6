//! The real firmware against hostile clients, over loopback, with a short idle limit
//! (`--idle-ms 1000`): idle holders and slowloris clients on every slot of both services,
//! clients that never read, and a full node turning newcomers away. Each time a well-behaved
//! client is served within the limit plus one second; the tests print how long it took.
//!
//! The same stories run on the mock's virtual clock in `on_mock/limits.rs`. These tests run
//! alone (`serial`): no other test of the firmware runs beside them, since they time replies.

use crate::node;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anysock::opt::RecvBufferSize;
use anysock::posix::Posix;
use anysock::{Domain, SockOpt as _, Socket as _, SocketAddr, Stack as _, Type};

use node::{ask_control, quantile, round_trips, serial, Client, Launch, Node, PATIENCE};

/// The idle limit of these tests.
const IDLE: Duration = Duration::from_millis(1000);
/// How long a well-behaved client may wait to be served, however the other slots are held.
const SERVED_WITHIN: Duration = Duration::from_millis(2000);
/// How often a well-behaved client turned away tries again.
const RETRY: Duration = Duration::from_millis(100);
/// The firmware's slots with its default tables.
const CLIENTS: usize = 8;
const PAGES: usize = 4;

fn start() -> Node {
    let mut launch = Launch::new();
    launch.idle_ms = Some(IDLE.as_millis() as u64);
    launch.start()
}

/// A connection that holds a slot and says nothing.
fn idle_holder(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// A connection that sends `text` one byte every 200 ms (never a whole line or request head,
/// as `text` is chosen), until `stop` or until the node closes it.
fn slowloris(addr: &str, text: &'static [u8], stop: &Arc<AtomicBool>) -> thread::JoinHandle<()> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).unwrap();
    let stop = stop.clone();
    thread::spawn(move || {
        for byte in text.iter().cycle() {
            if stop.load(Ordering::Relaxed) || stream.write_all(&[*byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(200));
        }
    })
}

/// Waits until the node has accepted `want` console clients, asking `STATS` on the control
/// socket (which takes no slot).
fn await_clients(node: &Node, want: u64) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let stats = ask_control(&node.control, "STATS").expect("a STATS reply");
        if stats.contains(&format!(" clients={want} ")) {
            break;
        }
        assert!(Instant::now() < deadline, "never {want} clients: {stats}");
        thread::sleep(Duration::from_millis(10));
    }
}

/// A well-behaved console client: connects, asks `GET uptime`, and while it is turned away
/// (`ERR too many clients`, then the end of the stream: never a reset) tries again every
/// [`RETRY`]. Returns how long it took to be served.
fn console_client_served(addr: &str) -> Duration {
    let began = Instant::now();
    loop {
        assert!(began.elapsed() < PATIENCE, "never served");
        let mut client = Client::connect(addr);
        let reply = client.ask("GET uptime");
        if reply.starts_with("OK uptime ") {
            return began.elapsed();
        }
        assert_eq!(reply, "ERR too many clients");
        let mut rest = Vec::new();
        client
            .stream
            .read_to_end(&mut rest)
            .expect("the end of the stream, not a reset");
        assert!(rest.is_empty());
        thread::sleep(RETRY);
    }
}

/// A well-behaved HTTP client, as [`console_client_served`]: `503` means try again.
fn http_client_served(addr: &str) -> Duration {
    let began = Instant::now();
    loop {
        assert!(began.elapsed() < PATIENCE, "never served");
        let mut c = TcpStream::connect(addr).unwrap();
        c.set_read_timeout(Some(PATIENCE)).unwrap();
        c.write_all(b"GET /status HTTP/1.1\r\nHost: node\r\n\r\n")
            .unwrap();
        let mut page = String::new();
        c.read_to_string(&mut page)
            .expect("the response, then the end of the stream, not a reset");
        if page.starts_with("HTTP/1.1 200 OK\r\n") {
            return began.elapsed();
        }
        assert!(page.starts_with("HTTP/1.1 503 "), "{page}");
        thread::sleep(RETRY);
    }
}

/// Reads a holder's last words: a line, then the end of the stream (or a reset, which the
/// node may cause once it stops reading what the holder still sends).
fn last_words(holder: TcpStream) -> String {
    let mut line = String::new();
    let _ = BufReader::new(holder).read_line(&mut line);
    line
}

#[test]
fn idle_holders_and_slowloris_on_every_slot_of_both_services_lock_nobody_out() {
    let _serial = serial();
    let mut node = start();
    let stop = Arc::new(AtomicBool::new(false));
    // Half the slots of each service held in silence, half by a byte every 200 ms.
    let idle_console: Vec<_> = (0..CLIENTS / 2)
        .map(|_| idle_holder(&node.console))
        .collect();
    let mut dribblers: Vec<_> = (0..CLIENTS / 2)
        .map(|_| slowloris(&node.console, b"GET temperature", &stop))
        .collect();
    await_clients(&node, CLIENTS as u64);
    let idle_http: Vec<_> = (0..PAGES / 2).map(|_| idle_holder(&node.http)).collect();
    dribblers.extend(
        (0..PAGES / 2).map(|_| slowloris(&node.http, b"GET /status HTTP/1.1\r\nX-Slow: ", &stop)),
    );
    thread::sleep(Duration::from_millis(100));

    let http = {
        let addr = node.http.clone();
        thread::spawn(move || http_client_served(&addr))
    };
    let console = console_client_served(&node.console);
    let http = http.join().unwrap();
    println!(
        "served with every slot held: console after {console:?}, http after {http:?} \
         (idle limit {IDLE:?})"
    );
    assert!(
        console < SERVED_WITHIN,
        "console client served after {console:?}"
    );
    assert!(http < SERVED_WITHIN, "http client served after {http:?}");

    for holder in idle_console {
        assert_eq!(last_words(holder), "ERR idle timeout\n");
    }
    for holder in idle_http {
        assert!(last_words(holder).starts_with("HTTP/1.1 408 Request Timeout"));
    }
    stop.store(true, Ordering::Relaxed);
    for d in dribblers {
        d.join().unwrap();
    }
    assert!(node.is_running());
}

/// A console client with a receive buffer of 4 KiB that sends commands and never reads.
fn deaf_client(addr: &SocketAddr) -> thread::JoinHandle<usize> {
    let mut s = Posix.socket(Domain::Inet, Type::Stream).unwrap();
    s.set(RecvBufferSize, 4096).unwrap();
    s.connect(addr).unwrap();
    let stream = s.into_stream().unwrap();
    let mut stream = TcpStream::from(std::os::fd::OwnedFd::from(stream));
    stream
        .set_write_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    thread::spawn(move || {
        let mut sent = 0;
        let began = Instant::now();
        // Until the node drops it (a reset), or the limit passes twice over with nothing taken.
        while began.elapsed() < 3 * IDLE {
            match stream.write(&b"STATS\n".repeat(100)) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
        }
        sent
    })
}

#[test]
fn clients_that_never_read_lose_their_slots() {
    let _serial = serial();
    let mut node = start();
    let addr: SocketAddr = node.console.parse().unwrap();
    let deaf: Vec<_> = (0..CLIENTS).map(|_| deaf_client(&addr)).collect();
    await_clients(&node, CLIENTS as u64);
    let waited = console_client_served(&node.console);
    println!("served with every slot held by a client that never reads: after {waited:?}");
    assert!(waited < SERVED_WITHIN, "served after {waited:?}");
    for d in deaf {
        assert!(d.join().unwrap() > 0);
    }
    let mut client = node.client();
    assert_eq!(client.stat("timeouts"), CLIENTS as u64);
    assert!(node.is_running());
}

#[test]
fn beside_attackers_on_every_other_slot_a_client_is_served_at_once() {
    let _serial = serial();
    let node = start();
    let stop = Arc::new(AtomicBool::new(false));
    let addr: SocketAddr = node.console.parse().unwrap();
    let _idle: Vec<_> = (0..3).map(|_| idle_holder(&node.console)).collect();
    let dribblers: Vec<_> = (0..2)
        .map(|_| slowloris(&node.console, b"GET temperature", &stop))
        .collect();
    let deaf: Vec<_> = (0..CLIENTS - 6).map(|_| deaf_client(&addr)).collect();
    await_clients(&node, CLIENTS as u64 - 1);
    let mut client = node.client();
    // A command every 5 ms, well within the limit: the slot stays.
    let times = round_trips(&mut client, 200, Duration::from_millis(5));
    println!(
        "round trip beside {} attackers: p50 {:?} p99 {:?} max {:?}",
        CLIENTS - 1,
        quantile(&times, 0.5),
        quantile(&times, 0.99),
        quantile(&times, 1.0)
    );
    assert!(quantile(&times, 1.0) < Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    for d in dribblers {
        d.join().unwrap();
    }
    for d in deaf {
        d.join().unwrap();
    }
}

#[test]
fn a_full_node_answers_a_queued_request_then_ends_the_stream_not_a_reset() {
    let _serial = serial();
    // The default idle limit: nobody times out during this test.
    let mut node = Launch::new().start();
    let _console: Vec<_> = (0..CLIENTS).map(|_| idle_holder(&node.console)).collect();
    await_clients(&node, CLIENTS as u64);
    let _pages: Vec<_> = (0..PAGES).map(|_| idle_holder(&node.http)).collect();
    for _ in 0..5 {
        // The node is stopped while the newcomers connect and send: their requests are
        // queued before the node accepts them.
        node.signal(libc::SIGSTOP);
        let mut console = TcpStream::connect(&node.console).unwrap();
        console
            .write_all(b"GET temperature\nGET humidity\n")
            .unwrap();
        let mut http = TcpStream::connect(&node.http).unwrap();
        http.write_all(b"GET /status HTTP/1.1\r\nHost: node\r\n\r\n")
            .unwrap();
        node.signal(libc::SIGCONT);
        for c in [&console, &http] {
            c.set_read_timeout(Some(PATIENCE)).unwrap();
        }
        let mut reply = String::new();
        console
            .read_to_string(&mut reply)
            .expect("the reply, then the end of the stream, not a reset");
        assert_eq!(reply, "ERR too many clients\n");
        let mut page = String::new();
        http.read_to_string(&mut page)
            .expect("the response, then the end of the stream, not a reset");
        assert!(
            page.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{page}"
        );
    }
    let mut probe = Client::connect(&node.console);
    assert_eq!(probe.ask("STATS"), "ERR too many clients");
    assert!(node.is_running());
}
