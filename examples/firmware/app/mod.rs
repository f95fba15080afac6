//! The sensor node: a superloop over non-blocking sockets, generic over the backend, with no
//! heap and no `std`, so the same code runs as the firmware on Linux and in tests on the mock
//! network with its virtual clock.
//!
//! Each [`Node::step`] waits (with `poll`) until a socket is ready or telemetry is due, then
//! serves what is ready: the line console (at most [`CLIENTS`] at once), `GET /status` over
//! HTTP/1.1 (at most [`PAGES`] at once), the Unix datagram control socket, and the telemetry
//! datagram to the collector. One client's misbehaviour (an over-long line, an unknown command,
//! not reading its replies, vanishing) ends that client only.
#![allow(
    dead_code,
    reason = "each program including this module uses a different part"
)]

pub mod args;
pub mod conn;
pub mod console;
pub mod http;
pub mod text;
use core::fmt::Write as _;
use core::time::Duration;

use anysock_core::{
    Datagram, Endpoint, Error, ErrorKind, Interest, Listener, PollSet, Pollable, Socket,
    SocketAddr, Stack, Type, UnixAddr,
};

use args::Config;
use conn::{Conn, Filled};
use console::{After, State, Stats, REPLY_MAX};
use http::{REQUEST_MAX, RESPONSE_MAX};
use text::Text;

/// Console clients served at once; one more is told `ERR too many clients` and closed.
///
/// 8, or the number in `FIRMWARE_CLIENTS` when the firmware is built
/// (`FIRMWARE_CLIENTS=1024 cargo build --profile firmware ...`). The client table is a fixed
/// array inside the node, as firmware keeps it, so its size is chosen when the program is
/// built; a bad number stops the build.
pub const CLIENTS: usize = match option_env!("FIRMWARE_CLIENTS") {
    Some(text) => client_count(text),
    None => 8,
};
/// HTTP connections served at once; one more is answered `503` and closed.
pub const PAGES: usize = 4;
/// Bytes of one console or control line, newline included.
pub const LINE_MAX: usize = 128;
/// Room for replies a console client has not read yet.
const OUTPUT_MAX: usize = 1024;
/// Connections accepted per listener per step, so a flood of them cannot starve the others.
const ACCEPTS_PER_STEP: usize = 16;
/// Reads from one connection per step, for the same reason.
const READS_PER_STEP: usize = 4;
/// How long accepting pauses after it failed for want of descriptors or memory: the listener
/// stays readable, and polling it at once again would spin.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// The listen backlog of both listeners: room for every client to connect at once when the
/// table is large, so that a burst of connections waits in the queue instead of having its
/// handshakes dropped (and retried by the clients a second later).
const BACKLOG: u32 = if CLIENTS > 16 { CLIENTS as u32 } else { 16 };

/// The sockets polled: the two listeners, the control socket, every client and page.
const POLL_SET: usize = 3 + CLIENTS + PAGES;

/// The most client slots a build may ask for: the table (about 1.2 KiB a slot) lives in the
/// node, on the main thread's stack, whose usual limit is 8 MiB.
const CLIENTS_MAX: usize = 1024;

/// `FIRMWARE_CLIENTS` as a number of slots, checked at compile time: a panic here is a build
/// error, never a runtime one.
const fn client_count(text: &str) -> usize {
    let digits = text.as_bytes();
    assert!(!digits.is_empty(), "FIRMWARE_CLIENTS is empty");
    let mut count = 0usize;
    let mut i = 0;
    while i < digits.len() {
        let digit = digits[i];
        assert!(digit.is_ascii_digit(), "FIRMWARE_CLIENTS is not a number");
        count = count * 10 + (digit - b'0') as usize;
        assert!(count <= CLIENTS_MAX, "FIRMWARE_CLIENTS is over CLIENTS_MAX");
        i += 1;
    }
    assert!(count > 0, "FIRMWARE_CLIENTS is 0");
    count
}

/// The node's notion of time: `CLOCK_MONOTONIC` on Linux, the virtual clock on the mock.
pub trait Clock {
    /// Time since some fixed start; never goes back.
    fn now(&self) -> Duration;
}

/// Whether the node goes on after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Running {
    /// Call [`Node::step`] again.
    Yes,
    /// `SHUTDOWN` was received and answered: drop the node, which closes every socket.
    Stopped,
}

type Client<S> = Conn<<S as Stack>::Stream, LINE_MAX, OUTPUT_MAX>;
type Page<S> = Conn<<S as Stack>::Stream, REQUEST_MAX, RESPONSE_MAX>;

/// What an entry of the poll set stands for: its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Console,
    Http,
    Control,
    Client(usize),
    Page(usize),
}

/// The running node: its sockets and its state.
pub struct Node<S: Stack> {
    console: S::Listener,
    http: S::Listener,
    control: S::Datagram,
    telemetry: S::Datagram,
    collector: SocketAddr,
    clients: [Option<Client<S>>; CLIENTS],
    pages: [Option<Page<S>>; PAGES],
    polls: PollSet<S::Handle, Slot, POLL_SET>,
    state: State,
    accept_paused_until: Duration,
    stopping: bool,
}

impl<S: Stack> Node<S> {
    /// Opens every socket of `config`, non-blocking. The first telemetry datagram is due one
    /// interval after `now`.
    pub fn start(stack: &S, config: &Config, now: Duration) -> Result<Self, (&'static str, Error)> {
        let listen = |addr: &SocketAddr, what| {
            let mut l = stack.listen(addr, BACKLOG).map_err(|e| (what, e))?;
            l.set_nonblocking(true).map_err(|e| (what, e))?;
            Ok::<_, (&'static str, Error)>(l)
        };
        let console = listen(&config.console, "console")?;
        let http = listen(&config.http, "http")?;
        let mut control = stack.bind(&config.control).map_err(|e| ("control", e))?;
        control.set_nonblocking(true).map_err(|e| ("control", e))?;
        // Unbound: the first send picks an address of the collector's domain.
        let mut telemetry = stack
            .socket(config.telemetry.domain(), Type::Datagram)
            .and_then(Socket::into_datagram)
            .map_err(|e| ("telemetry", e))?;
        telemetry
            .set_nonblocking(true)
            .map_err(|e| ("telemetry", e))?;
        let mut polls = PollSet::new();
        for (slot, handle) in [
            (Slot::Console, console.handle()),
            (Slot::Http, http.handle()),
            (Slot::Control, control.handle()),
        ] {
            polls
                .insert(slot, handle, Interest::READABLE)
                .map_err(|e| ("poll set", e))?;
        }
        Ok(Node {
            console,
            http,
            control,
            telemetry,
            collector: config.telemetry,
            clients: [const { None }; CLIENTS],
            pages: [const { None }; PAGES],
            polls,
            state: State {
                started: now,
                interval: config.interval,
                next_telemetry: now.saturating_add(config.interval),
                stats: Stats::default(),
            },
            accept_paused_until: Duration::ZERO,
            stopping: false,
        })
    }

    /// The listening console socket.
    pub fn console(&self) -> &S::Listener {
        &self.console
    }

    /// The listening HTTP socket.
    pub fn http(&self) -> &S::Listener {
        &self.http
    }

    /// The counters and settings.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Runs steps until `SHUTDOWN`.
    pub fn run(&mut self, stack: &S, clock: &impl Clock) -> Result<(), Error> {
        while self.step(stack, clock)? == Running::Yes {}
        Ok(())
    }

    /// One pass of the superloop: waits until a socket is ready or telemetry is due, serves
    /// what is ready, and sends telemetry if due. Fails only if `poll` fails: anything else
    /// ends one connection, not the node.
    pub fn step(&mut self, stack: &S, clock: &impl Clock) -> Result<Running, Error> {
        let now = clock.now();
        let mut wake = self.state.next_telemetry;
        let accepting = now >= self.accept_paused_until;
        if !accepting {
            wake = wake.min(self.accept_paused_until);
        }
        for (slot, fd) in self.polls.iter_mut() {
            let interest = match slot {
                Slot::Console | Slot::Http if accepting => Interest::READABLE,
                Slot::Console | Slot::Http => Interest::NONE,
                Slot::Control => Interest::READABLE,
                Slot::Client(i) => match self.clients.get(i).and_then(Option::as_ref) {
                    Some(c) => {
                        wake = wake.min(c.deadline().unwrap_or(wake));
                        c.interest(REPLY_MAX)
                    }
                    None => Interest::NONE,
                },
                Slot::Page(i) => match self.pages.get(i).and_then(Option::as_ref) {
                    Some(p) => {
                        wake = wake.min(p.deadline().unwrap_or(wake));
                        p.interest(RESPONSE_MAX)
                    }
                    None => Interest::NONE,
                },
            };
            fd.set_interest(interest);
        }
        self.polls.poll(stack, Some(wake.saturating_sub(now)))?;
        let now = clock.now();
        while let Some((slot, _ready)) = self.polls.next_ready() {
            match slot {
                Slot::Console => self.accept_clients(now),
                Slot::Http => self.accept_pages(now),
                Slot::Control => self.serve_control(now),
                Slot::Client(i) => self.serve_client(i, now),
                Slot::Page(i) => self.serve_page(i, now),
            }
            if self.stopping {
                return Ok(Running::Stopped);
            }
        }
        self.expire(now);
        if now >= self.state.next_telemetry {
            self.send_telemetry(now);
        }
        Ok(Running::Yes)
    }

    fn pause_accepting(&mut self, e: Error, now: Duration) -> bool {
        match e.kind() {
            ErrorKind::WouldBlock => false,
            // That client gave up while queued; the next one is unaffected.
            ErrorKind::ConnectionAborted | ErrorKind::Interrupted => true,
            _ => {
                self.accept_paused_until = now.saturating_add(ACCEPT_PAUSE);
                false
            }
        }
    }

    fn accept_clients(&mut self, now: Duration) {
        for _ in 0..ACCEPTS_PER_STEP {
            let mut stream = match self.console.accept() {
                Ok((stream, _peer)) => stream,
                Err(e) if self.pause_accepting(e, now) => continue,
                Err(_) => return,
            };
            if stream.set_nonblocking(true).is_err() {
                continue;
            }
            let mut conn = Conn::new(stream);
            let handle = conn.handle();
            match self.clients.iter().position(Option::is_none) {
                Some(i)
                    if self
                        .polls
                        .insert(Slot::Client(i), handle, Interest::READABLE)
                        .is_ok() =>
                {
                    self.clients[i] = Some(conn);
                    self.state.stats.clients += 1;
                }
                _ => {
                    // Best effort: it has sent nothing yet, so dropping it sends the reply
                    // and a normal close.
                    let _ = conn.send(b"ERR too many clients\n");
                    self.state.stats.rejected += 1;
                }
            }
        }
    }

    fn accept_pages(&mut self, now: Duration) {
        for _ in 0..ACCEPTS_PER_STEP {
            let mut stream = match self.http.accept() {
                Ok((stream, _peer)) => stream,
                Err(e) if self.pause_accepting(e, now) => continue,
                Err(_) => return,
            };
            if stream.set_nonblocking(true).is_err() {
                continue;
            }
            let mut page = Conn::new(stream);
            let handle = page.handle();
            match self.pages.iter().position(Option::is_none) {
                Some(i)
                    if self
                        .polls
                        .insert(Slot::Page(i), handle, Interest::READABLE)
                        .is_ok() =>
                {
                    self.pages[i] = Some(page);
                }
                _ => {
                    let mut out = Text::<RESPONSE_MAX>::new();
                    http::unavailable(&mut out);
                    let _ = page.send(out.as_bytes());
                    self.state.stats.rejected += 1;
                }
            }
        }
    }

    /// Reads what a console client sent and answers each complete line.
    fn serve_client(&mut self, i: usize, now: Duration) {
        let Some(client) = self.clients.get_mut(i).and_then(Option::as_mut) else {
            return;
        };
        let mut alive = client.flush();
        let mut reply = Text::<REPLY_MAX>::new();
        let mut reads = 0;
        while alive && !self.stopping {
            // Answer the complete lines read so far, while a reply fits in the output: a client
            // that asks faster than it reads is held back (no more of its input is read until
            // it reads), not dropped.
            while !client.is_closing() && client.room() >= REPLY_MAX {
                let Some(end) = client.input().iter().position(|&b| b == b'\n') else {
                    break;
                };
                let after =
                    console::execute(&client.input()[..end], &mut self.state, now, &mut reply);
                client.consume(end + 1);
                alive = client.send(reply.as_bytes());
                match after {
                    After::Keep => {}
                    After::Close => {
                        if reply.as_bytes().starts_with(b"ERR") {
                            self.state.stats.rejected += 1;
                        }
                        alive = alive && client.close(now);
                    }
                    After::Shutdown => self.stopping = true,
                }
                if !alive || self.stopping {
                    break;
                }
            }
            let held_back = !client.is_closing() && client.room() < REPLY_MAX;
            // A few reads per step, so a client that floods the node cannot starve the others.
            if !alive || self.stopping || held_back || reads == READS_PER_STEP {
                break;
            }
            reads += 1;
            match client.fill() {
                Filled::Data => {}
                Filled::Empty => break,
                Filled::Full => {
                    alive = client.send(b"ERR line too long\n") && client.close(now);
                    self.state.stats.rejected += 1;
                }
                // Every complete line is answered (above); an unfinished one never will be.
                Filled::Ended => {
                    alive = client.close(now);
                    break;
                }
                Filled::Gone => alive = false,
            }
        }
        if !alive || client.is_done() {
            self.drop_client(i);
        }
    }

    /// Reads an HTTP request head and answers it once complete.
    fn serve_page(&mut self, i: usize, now: Duration) {
        let Some(page) = self.pages.get_mut(i).and_then(Option::as_mut) else {
            return;
        };
        let mut alive = page.flush();
        let mut out = Text::<RESPONSE_MAX>::new();
        for _ in 0..READS_PER_STEP {
            if !alive {
                break;
            }
            match page.fill() {
                // Closing: what comes after the request is read and dropped.
                Filled::Data if page.is_closing() => {}
                Filled::Data => {
                    if let Some(end) = http::head_end(page.input()) {
                        http::respond(&page.input()[..end], &self.state, now, &mut out);
                        self.state.stats.http += 1;
                        alive = page.send(out.as_bytes()) && page.close(now);
                    }
                }
                Filled::Empty => break,
                Filled::Full => {
                    http::too_large(&mut out);
                    alive = page.send(out.as_bytes()) && page.close(now);
                }
                // A request cut short cannot be answered; an answered one ends once sent.
                Filled::Ended => {
                    alive = page.is_closing();
                    break;
                }
                Filled::Gone => alive = false,
            }
        }
        if !alive || page.is_done() {
            self.drop_page(i);
        }
    }

    /// Answers the datagrams on the control socket, each a command line.
    fn serve_control(&mut self, now: Duration) {
        let mut line = [0u8; LINE_MAX];
        let mut reply = Text::<REPLY_MAX>::new();
        for _ in 0..ACCEPTS_PER_STEP {
            let Ok((got, from)) = self.control.recv_from(&mut line) else {
                return;
            };
            let text = &line[..got.len];
            let text = text.strip_suffix(b"\n").unwrap_or(text);
            let after = if got.truncated || text.contains(&b'\n') {
                reply.clear();
                let _ = reply.write_str("ERR line too long\n");
                After::Keep
            } else {
                console::execute(text, &mut self.state, now, &mut reply)
            };
            // A sender without a name cannot be answered; its command still counts.
            if !from.as_unix().is_some_and(UnixAddr::is_unnamed) && !reply.as_bytes().is_empty() {
                let _ = self.control.send_to(reply.as_bytes(), &from);
            }
            if after == After::Shutdown {
                self.stopping = true;
                return;
            }
        }
    }

    /// Closes client `i`; its entry leaves the poll set first, while its handle still names it.
    fn drop_client(&mut self, i: usize) {
        let _ = self.polls.remove(Slot::Client(i));
        if let Some(slot) = self.clients.get_mut(i) {
            if slot.take().is_some() {
                self.state.stats.clients = self.state.stats.clients.saturating_sub(1);
            }
        }
    }

    /// Closes HTTP connection `i`, as [`Node::drop_client`] does.
    fn drop_page(&mut self, i: usize) {
        let _ = self.polls.remove(Slot::Page(i));
        if let Some(slot) = self.pages.get_mut(i) {
            *slot = None;
        }
    }

    /// Drops the closing connections whose peers did not close in time.
    fn expire(&mut self, now: Duration) {
        let late = |d: Option<Duration>| d.is_some_and(|d| now >= d);
        for i in 0..CLIENTS {
            if self.clients[i].as_ref().is_some_and(|c| late(c.deadline())) {
                self.drop_client(i);
            }
        }
        for i in 0..PAGES {
            if self.pages[i].as_ref().is_some_and(|p| late(p.deadline())) {
                self.drop_page(i);
            }
        }
    }

    /// Sends one telemetry datagram and schedules the next. A lost or refused datagram is
    /// not retried: the next one carries fresher readings.
    fn send_telemetry(&mut self, now: Duration) {
        let state = &mut self.state;
        let uptime = now.saturating_sub(state.started);
        let seq = state.stats.telemetry;
        let reading = |name: &str| console::sensor(name.as_bytes(), uptime).unwrap_or_default();
        let mut datagram = Text::<REPLY_MAX>::new();
        let _ = writeln!(
            datagram,
            "telemetry seq={seq} uptime_ms={} temperature={} humidity={}",
            uptime.as_millis(),
            reading("temperature"),
            reading("humidity"),
        );
        if self
            .telemetry
            .send_to(datagram.as_bytes(), &self.collector)
            .is_ok()
        {
            state.stats.telemetry = seq.saturating_add(1);
        }
        // Due again one interval later; after a long stall, one interval from now rather
        // than a burst to catch up.
        state.next_telemetry = state.next_telemetry.saturating_add(state.interval);
        if state.next_telemetry <= now {
            state.next_telemetry = now.saturating_add(state.interval);
        }
    }
}
