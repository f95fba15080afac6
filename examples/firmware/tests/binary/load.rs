//! Load on the real firmware: a build with 1,024 console slots serves 1,000 concurrent clients
//! × 100 request/response exchanges each. Every reply is checked against the request that
//! caused it; none may be lost or corrupted. Prints throughput and latency percentiles.
//!
//! The clients are driven from a few threads, each multiplexing its share of non-blocking
//! `std` streams with `poll` (through the facade), so the test needs no thread per client. It
//! runs alone (`serial`), as it loads the machine.

use crate::{node, system};

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use anysock::posix::Posix;
use anysock::{Interest, PollFd, Stack as _};

use node::{firmware_with_clients, quantile, serial, stat, Launch, PATIENCE};
use system::raise_nofile;

const SLOTS: usize = 1024;
const CLIENTS: usize = 1000;
const EXCHANGES: usize = 100;
/// Client threads; each drives `CLIENTS / THREADS` connections.
const THREADS: usize = 4;
/// The whole exchange phase must end within this, or replies were lost.
const LOAD_LIMIT: Duration = Duration::from_secs(30);

/// The request of exchange `i` of client `c`, and the reply it must get. Most are `SET
/// interval` with a value unique to the client and the exchange, so a reply that went to the
/// wrong client, or came twice, or was cut, does not match; every fourth is a `GET`, whose
/// reading varies, checked by its form.
fn exchange(c: usize, i: usize) -> (String, Expect) {
    if i % 4 == 3 {
        (
            "GET temperature\n".into(),
            Expect::Reading("OK temperature "),
        )
    } else {
        let ms = 10_000 + c * EXCHANGES + i;
        (
            format!("SET interval {ms}\n"),
            Expect::Exactly(format!("OK interval {ms}")),
        )
    }
}

enum Expect {
    Exactly(String),
    /// The prefix, then a reading such as `21.50`.
    Reading(&'static str),
}

impl Expect {
    fn matches(&self, line: &str) -> bool {
        match self {
            Expect::Exactly(text) => line == text,
            Expect::Reading(prefix) => line.strip_prefix(prefix).is_some_and(|value| {
                let value = value.strip_prefix('-').unwrap_or(value);
                value.split_once('.').is_some_and(|(whole, cents)| {
                    !whole.is_empty()
                        && whole.bytes().all(|b| b.is_ascii_digit())
                        && cents.len() == 2
                        && cents.bytes().all(|b| b.is_ascii_digit())
                })
            }),
        }
    }
}

/// One client of the load: its connection and where it is in its exchanges.
struct Session {
    id: usize,
    stream: TcpStream,
    done: usize,
    expect: Expect,
    sent_at: Instant,
    input: Vec<u8>,
    output: Vec<u8>,
}

impl Session {
    fn begin(&mut self) {
        let (request, expect) = exchange(self.id, self.done);
        self.output.extend_from_slice(request.as_bytes());
        self.expect = expect;
        self.sent_at = Instant::now();
    }

    fn finished(&self) -> bool {
        self.done == EXCHANGES
    }

    /// Sends what the socket takes of the pending request.
    fn flush(&mut self) -> Result<(), String> {
        while !self.output.is_empty() {
            match self.stream.write(&self.output) {
                Ok(0) => return Err(format!("client {}: the node stopped reading", self.id)),
                Ok(n) => drop(self.output.drain(..n)),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => return Err(format!("client {}: send: {e}", self.id)),
            }
        }
        Ok(())
    }

    /// Reads what arrived; checks a complete reply and starts the next exchange. Returns the
    /// round trip of each exchange completed.
    fn receive(&mut self, latencies: &mut Vec<Duration>) -> Result<(), String> {
        let mut buf = [0u8; 512];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => return Err(format!("client {}: closed by the node", self.id)),
                Ok(n) => self.input.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => return Err(format!("client {}: recv: {e}", self.id)),
            }
        }
        while let Some(end) = self.input.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.input.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line[..end]).into_owned();
            if self.finished() || !self.expect.matches(&line) {
                return Err(format!(
                    "client {} exchange {}: unexpected reply {line:?}",
                    self.id, self.done
                ));
            }
            latencies.push(self.sent_at.elapsed());
            self.done += 1;
            if !self.finished() {
                self.begin();
                self.flush()?;
            }
        }
        Ok(())
    }
}

/// Connects `ids` to `console`, waits at `start`, then runs every session's exchanges to the
/// end. Returns the round trip of every exchange.
fn drive(
    console: String,
    ids: std::ops::Range<usize>,
    connected: Arc<Barrier>,
    start: Arc<Barrier>,
) -> Result<Vec<Duration>, String> {
    let mut sessions = Vec::new();
    for id in ids {
        let stream = TcpStream::connect(&console).map_err(|e| format!("connect {id}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        stream.set_nonblocking(true).map_err(|e| e.to_string())?;
        sessions.push(Session {
            id,
            stream,
            done: 0,
            expect: Expect::Reading(""),
            sent_at: Instant::now(),
            input: Vec::new(),
            output: Vec::new(),
        });
    }
    connected.wait();
    start.wait();
    let deadline = Instant::now() + LOAD_LIMIT;
    let mut latencies = Vec::with_capacity(sessions.len() * EXCHANGES);
    for s in &mut sessions {
        s.begin();
        s.flush()?;
    }
    let mut fds = Vec::with_capacity(sessions.len());
    let mut active: Vec<usize> = (0..sessions.len()).collect();
    while !active.is_empty() {
        if Instant::now() > deadline {
            let left: usize = active.iter().map(|&i| EXCHANGES - sessions[i].done).sum();
            return Err(format!("{left} replies did not come within {LOAD_LIMIT:?}"));
        }
        fds.clear();
        for &i in &active {
            let s = &sessions[i];
            let interest = if s.output.is_empty() {
                Interest::READABLE
            } else {
                Interest::BOTH
            };
            fds.push(PollFd::new(s.stream.as_raw_fd(), interest));
        }
        Posix
            .poll(&mut fds, Some(Duration::from_millis(100)))
            .map_err(|e| format!("poll: {e:?}"))?;
        for (fd, &i) in fds.iter().zip(&active) {
            let ready = fd.ready();
            if ready.is_empty() {
                continue;
            }
            let s = &mut sessions[i];
            if ready.is_writable() {
                s.flush()?;
            }
            s.receive(&mut latencies)?;
        }
        active.retain(|&i| !sessions[i].finished());
    }
    Ok(latencies)
}

#[test]
fn a_thousand_clients_times_a_hundred_exchanges() {
    let _serial = serial();
    // Each side holds a descriptor per client: this process 1,000 and more, and the node (which
    // inherits the limit) 1,000 and its own few.
    let limit = raise_nofile(4096);
    if limit < 2 * CLIENTS as u64 + 64 {
        assert!(
            std::env::var_os("CI").is_none(),
            "RLIMIT_NOFILE cannot be raised above {limit}"
        );
        eprintln!("skipped: RLIMIT_NOFILE cannot be raised above {limit}");
        return;
    }
    let mut node = Launch::of(firmware_with_clients(SLOTS)).start();
    let mut checker = node.client();

    let connected = Arc::new(Barrier::new(THREADS + 1));
    let start = Arc::new(Barrier::new(THREADS + 1));
    let per_thread = CLIENTS / THREADS;
    let drivers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (console, connected, start) =
                (node.console.clone(), connected.clone(), start.clone());
            let ids = t * per_thread..(t + 1) * per_thread;
            thread::spawn(move || drive(console, ids, connected, start))
        })
        .collect();
    connected.wait();
    // Every client is accepted and holds a slot before the exchanges begin.
    let deadline = Instant::now() + PATIENCE;
    let commands = loop {
        let stats = checker.ask("STATS");
        if stat(&stats, "clients") == CLIENTS as u64 + 1 {
            break stat(&stats, "commands");
        }
        assert!(Instant::now() < deadline, "not all accepted: {stats}");
        thread::sleep(Duration::from_millis(20));
    };
    let began = Instant::now();
    start.wait();
    let mut latencies = Vec::new();
    for driver in drivers {
        match driver.join().expect("a driver thread") {
            Ok(mine) => latencies.extend(mine),
            Err(e) => panic!("{e}"),
        }
    }
    let elapsed = began.elapsed();

    assert_eq!(latencies.len(), CLIENTS * EXCHANGES, "every reply arrived");
    latencies.sort();
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();
    println!(
        "load: {CLIENTS} clients x {EXCHANGES} exchanges in {:.2} s: {rate:.0} exchanges/s, \
         latency p50 {:?} p99 {:?} max {:?}",
        elapsed.as_secs_f64(),
        quantile(&latencies, 0.50),
        quantile(&latencies, 0.99),
        quantile(&latencies, 1.0),
    );

    // The node executed each request exactly once (plus this STATS), and is still well.
    let stats = checker.ask("STATS");
    assert_eq!(
        stat(&stats, "commands"),
        commands + (CLIENTS * EXCHANGES) as u64 + 1,
        "{stats}"
    );
    assert_eq!(checker.ask("SHUTDOWN"), "OK shutting down");
    assert_eq!(node.wait().and_then(|s| s.code()), Some(0));
}
