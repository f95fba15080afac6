//! Readiness at scale: what one request/response costs a server that watches many connections
//! of which only one is busy, through `Stack::poll` (the whole set handed to `poll(2)` on every
//! call) and through a `Selector` (`epoll(7)`: registered once, each wait returns only the ready
//! sockets).
//!
//! Two sets of loopback TCP connections stay open for the whole run: 100 and 10,000. The
//! server (this process) holds the accepted ends of both, each set both as a `poll` array and
//! registered (level-triggered) with a selector of its own. The client is this same program run
//! again as a child process (so that each side's 10,100 descriptors fit the usual limit of
//! 20,000 per process, which an unprivileged container cannot raise). For each of the four
//! configurations (path × set) the client sends a 64-byte request on one connection of the set
//! and waits for the 64-byte echo, many times; the other connections stay idle. One message =
//! one request and its response, timed at the client.
//!
//! A shared machine is noisy, so the messages are split into rounds, the four configurations
//! run interleaved (the order rotating each round) after a warm-up round, and the table shows
//! the median cost per message over the rounds, and the min. Server and client run on one CPU
//! (as in `benches/overhead.rs`): a ping-pong between two CPUs of a virtual machine mostly
//! measures how fast an idle CPU wakes up.
//!
//! The last line is the ratio the target is about:
//! `scale ratio epoll 10000/100=X.XX` (cost per message with 10,000 connections over the cost
//! with 100; the target is at most 1.2).
//!
//! Environment:
//! - `ANYSOCK_BENCH_QUICK=1`: a tenth of the messages and 4 rounds, for a smoke test.
//! - `ANYSOCK_BENCH_ROUNDS=R`: `R` rounds (default 10).
//! - `ANYSOCK_BENCH_PIN=0`: let the scheduler place the two processes.

mod common;

use anysock::Endpoint as _;
use std::io::{BufRead, BufReader, Lines, Read, Write};
use std::process::{exit, Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anysock::opt::NoDelay;
use anysock::posix::{Posix, Selector, Stream};
use anysock::selector::{Event, ScalableReadiness, Selector as _, Token, Trigger};
use anysock::{Interest, Listener as _, PollFd, Pollable, SockOpt, SocketAddr, Stack as _};

use common::{median, min, Pinned};

/// The sizes of the two sets of open connections.
const SIZES: [usize; 2] = [100, 10_000];
/// Bytes of a request, and of its response.
const MSG: usize = 64;
/// Descriptors each process needs: one end of every connection, and some to spare.
const FDS_NEEDED: u64 = 100 + 10_000 + 256;

/// How the server learns which connection is ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    /// `Stack::poll` over every connection of the set.
    Poll,
    /// `Selector::wait`, every connection registered once.
    Epoll,
}

impl Path {
    fn name(self) -> &'static str {
        match self {
            Path::Poll => "poll",
            Path::Epoll => "epoll",
        }
    }

    /// Messages per round with `size` connections: `poll` over 10,000 descriptors costs tens
    /// of times more per message, so it gets fewer, to keep the run short.
    fn messages(self, size: usize, quick: bool) -> u64 {
        let full = match (self, size > 1_000) {
            (Path::Poll, true) => 300,
            _ => 5_000,
        };
        if quick {
            full / 10
        } else {
            full
        }
    }
}

/// One measured combination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Config {
    path: Path,
    /// Index into [`SIZES`].
    set: usize,
}

const CONFIGS: [Config; 4] = [
    Config {
        path: Path::Poll,
        set: 0,
    },
    Config {
        path: Path::Poll,
        set: 1,
    },
    Config {
        path: Path::Epoll,
        set: 0,
    },
    Config {
        path: Path::Epoll,
        set: 1,
    },
];

/// The server's side of one set: the accepted connections, the same as a `poll` array, and a
/// selector with each registered under its index.
struct ServerSet {
    conns: Vec<Stream>,
    fds: Vec<PollFd<i32>>,
    selector: Selector,
}

impl ServerSet {
    fn new(conns: Vec<Stream>) -> ServerSet {
        let fds = conns
            .iter()
            .map(|c| PollFd::new(c.handle(), Interest::READABLE))
            .collect();
        let mut selector = Posix.selector().expect("an epoll selector (Linux)");
        for (i, c) in conns.iter().enumerate() {
            selector
                .register(
                    c.handle(),
                    Token(i as u64),
                    Interest::READABLE,
                    Trigger::Level,
                )
                .expect("register");
        }
        ServerSet {
            conns,
            fds,
            selector,
        }
    }

    /// Echoes one request on connection `i`.
    fn answer(&mut self, i: usize) {
        let mut buf = [0u8; MSG];
        let conn = &mut self.conns[i];
        conn.read_exact(&mut buf).expect("read a request");
        conn.write_all(&buf).expect("write a response");
    }

    /// Answers `messages` requests, finding the ready connection with `poll`.
    fn serve_poll(&mut self, messages: u64) {
        let mut answered = 0;
        while answered < messages {
            let mut left = Posix.poll(&mut self.fds, None).expect("poll");
            for i in 0..self.fds.len() {
                if left == 0 {
                    break;
                }
                if !self.fds[i].ready().is_empty() {
                    left -= 1;
                    self.answer(i);
                    answered += 1;
                }
            }
        }
    }

    /// Answers `messages` requests, finding the ready connection with the selector.
    fn serve_epoll(&mut self, messages: u64) {
        let mut events = [Event::EMPTY; 64];
        let mut answered = 0;
        while answered < messages {
            let n = self.selector.wait(&mut events, None).expect("wait");
            for event in &events[..n] {
                self.answer(event.token().0 as usize);
                answered += 1;
            }
        }
    }
}

/// The variable that makes this program the client, naming the server's address.
const CLIENT_VAR: &str = "ANYSOCK_SCALE_CLIENT";

/// The client process: opens every connection of both sets (in order: the 100, then the
/// 10,000), then for each command line `SET MESSAGES` on stdin drives that set's busy
/// connection and answers with the nanoseconds it took. Ends at the end of stdin.
fn client(to: &str) {
    let to: SocketAddr = to.parse().expect("the server's address");
    let mut actives = Vec::new();
    let mut idle = Vec::new();
    for size in SIZES {
        let mut conns: Vec<Stream> = (0..size)
            .map(|_| Posix.connect(&to).expect("connect"))
            .collect();
        let mut active = conns.swap_remove(size / 2);
        active.set(NoDelay, true).expect("NoDelay");
        actives.push(active);
        idle.push(conns);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "connected").expect("stdout");
    out.flush().expect("stdout");
    for line in std::io::stdin().lines() {
        let line = line.expect("stdin");
        let mut words = line.split(' ').map(|w| w.parse::<u64>().expect("a number"));
        let (set, messages) = (words.next().unwrap_or(0), words.next().unwrap_or(0));
        let elapsed = drive(&mut actives[set as usize], messages);
        writeln!(out, "{}", elapsed.as_nanos()).expect("stdout");
        out.flush().expect("stdout");
    }
    drop(idle);
}

/// Raises the descriptor limit to [`FDS_NEEDED`] (soft and, where allowed, hard); returns the
/// soft limit in force.
fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a writable `rlimit` for the call.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return 0;
    }
    if lim.rlim_cur >= FDS_NEEDED {
        return lim.rlim_cur;
    }
    // Root may raise the hard limit too; others only the soft one, up to the hard one.
    let want = libc::rlimit {
        rlim_cur: FDS_NEEDED,
        rlim_max: lim.rlim_max.max(FDS_NEEDED),
    };
    // SAFETY: `want` is a valid `rlimit`; the kernel only reads it.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &want) } == 0 {
        return FDS_NEEDED;
    }
    let soft = libc::rlimit {
        rlim_cur: lim.rlim_max,
        rlim_max: lim.rlim_max,
    };
    // SAFETY: as above; a soft limit up to the hard one is always allowed.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &soft) } == 0 {
        return lim.rlim_max;
    }
    lim.rlim_cur
}

/// `messages` request/response exchanges on `conn`; returns the time they took.
fn drive(conn: &mut Stream, messages: u64) -> Duration {
    let mut request = [0u8; MSG];
    let mut response = [0u8; MSG];
    let start = Instant::now();
    for i in 0..messages {
        request[0] = i as u8;
        conn.write_all(&request).expect("write a request");
        conn.read_exact(&mut response).expect("read a response");
        assert_eq!(response[0], request[0], "the echo of this request");
    }
    start.elapsed()
}

/// The client process, and the pipes that command it.
struct Client {
    child: Child,
    commands: ChildStdin,
    answers: Lines<BufReader<ChildStdout>>,
}

impl Client {
    /// Starts this program again as the client of `to`; returns once it is connecting.
    fn start(to: &SocketAddr) -> Client {
        let exe = std::env::current_exe().expect("this program's path");
        let mut child = Command::new(exe)
            .env(CLIENT_VAR, to.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the client process");
        let commands = child.stdin.take().expect("the client's stdin");
        let answers = BufReader::new(child.stdout.take().expect("the client's stdout")).lines();
        Client {
            child,
            commands,
            answers,
        }
    }

    /// The client's next line.
    fn answer(&mut self) -> String {
        match self.answers.next() {
            Some(Ok(line)) => line,
            _ => {
                eprintln!("scale: the client process ended early");
                exit(1);
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // The client ends at the end of its commands; kill it should the server have failed.
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn main() {
    if let Ok(to) = std::env::var(CLIENT_VAR) {
        client(&to);
        return;
    }
    let quick = common::quick();
    let Ok(rounds) = common::rounds(if quick { 4 } else { 10 }) else {
        eprintln!("scale: ANYSOCK_BENCH_ROUNDS: expected a positive integer");
        exit(2);
    };
    let pin = common::pin();
    if let Err(e) = Posix.selector() {
        eprintln!("scale: no selector on this system ({e}): the epoll path needs Linux");
        exit(1);
    }
    // The client process inherits both the limit and the CPU.
    let limit = raise_fd_limit();
    if limit < FDS_NEEDED {
        eprintln!("scale: needs {FDS_NEEDED} descriptors, RLIMIT_NOFILE allows {limit}");
        exit(1);
    }
    let pinned = pin.then(Pinned::to_this_cpu).flatten();
    println!(
        "anysock scale: {MSG}-byte request/response over loopback TCP, one active connection, \
         the rest idle; {rounds} interleaved rounds; median ns per message{}",
        if pinned.is_some() {
            " (server and client on one CPU)"
        } else {
            ""
        }
    );

    let setup = Instant::now();
    let mut listener = Posix
        .listen(&"127.0.0.1:0".parse().expect("address"), 1024)
        .expect("listen");
    let to = listener.local_addr().expect("local_addr");
    let mut client = Client::start(&to);
    let mut sets = Vec::new();
    for size in SIZES {
        // Connections are accepted in the order the client made them, so the server's end of
        // the busy one sits at the same index as the client's.
        let conns: Vec<Stream> = (0..size)
            .map(|_| listener.accept().expect("accept").0)
            .collect();
        let mut set = ServerSet::new(conns);
        set.conns[size / 2].set(NoDelay, true).expect("NoDelay");
        sets.push(set);
    }
    drop(listener);
    if client.answer() != "connected" {
        eprintln!("scale: the client did not connect");
        exit(1);
    }
    println!(
        "set-up: {} connections in {:.1} s",
        SIZES.iter().sum::<usize>(),
        setup.elapsed().as_secs_f64()
    );

    let mut run = |config: Config| -> f64 {
        let messages = config.path.messages(SIZES[config.set], quick);
        writeln!(client.commands, "{} {messages}", config.set).expect("command the client");
        client.commands.flush().expect("command the client");
        let set = &mut sets[config.set];
        match config.path {
            Path::Poll => set.serve_poll(messages),
            Path::Epoll => set.serve_epoll(messages),
        }
        let ns: f64 = client.answer().parse().expect("the client's time");
        ns / messages as f64
    };
    // Warm-up: caches, the scheduler, and the kernel's socket structures.
    for config in CONFIGS {
        run(config);
    }
    let mut timings: Vec<Vec<f64>> = vec![Vec::new(); CONFIGS.len()];
    for at in common::interleaved(rounds, CONFIGS.len()) {
        timings[at].push(run(CONFIGS[at]));
    }
    drop(client);

    let medians: Vec<f64> = timings.iter().map(|t| median(t)).collect();
    for (i, config) in CONFIGS.iter().enumerate() {
        println!(
            "{:<6} {:>6} connections {:>12.0} ns/message   (min {:.0})",
            config.path.name(),
            SIZES[config.set],
            medians[i],
            min(&timings[i])
        );
    }
    println!("scale ratio poll 10000/100={:.2}", medians[1] / medians[0]);
    println!("scale ratio epoll 10000/100={:.2}", medians[3] / medians[2]);
}
