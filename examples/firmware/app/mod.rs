//! The sensor node: a superloop over non-blocking sockets, generic over the backend, with no
//! heap and no `std`, so the same code runs as the firmware on Linux and in tests on the mock
//! network, whose virtual clock is the node's clock there ([`Stack::now`]).
//!
//! Each [`Node::step`] waits (with `poll`, over a [`PollSet`]) until a socket is ready, a
//! connection's time is up or telemetry is due, then serves what is ready: the line console (at
//! most [`CLIENTS`] at once), `GET /status` over HTTP/1.1 (at most [`PAGES`] at once), the Unix
//! datagram control socket, the stop signals, and the telemetry datagram to the collector. One
//! client's misbehaviour (an over-long line, an unknown command, not reading its replies,
//! vanishing) ends that client only.
//!
//! Hostile clients cannot keep the node from serving others (see [`closing`]): a connection
//! holds its slot only while it is active (a console client sends a command within the idle
//! limit, an HTTP client its request head within a few seconds, any client reads its replies);
//! when every slot is taken a newcomer is turned away with its reply and a clean close, and
//! waits in the listen queue while even that has no room.
#![allow(
    dead_code,
    reason = "each program including this module uses a different part"
)]

pub mod args;
mod closing;
pub mod conn;
pub mod console;
pub mod http;
mod serve;
pub mod text;
use core::fmt::Write as _;
use core::time::Duration;

use anysock_core::{
    Datagram, Endpoint, Error, ErrorKind, Instant, Interest, PollSet, Pollable, Socket, SocketAddr,
    Stack, Type, UnixAddr,
};

use args::Config;
use conn::Conn;
use console::{After, State, Stats, REPLY_MAX};
use http::{REQUEST_MAX, RESPONSE_MAX};
use text::{millis, Text};

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
/// Connections being closed without a slot (turned away, or timed out) that wait for their
/// peers to close; see [`closing`].
pub const LEAVING: usize = 8;
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

/// The sockets polled: the two listeners, the control socket, the stop signals, every
/// client, page and leaving connection.
const POLL_SET: usize = 4 + CLIENTS + PAGES + LEAVING;

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

/// Whether the node goes on after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Running {
    /// Call [`Node::step`] again.
    Yes,
    /// `SHUTDOWN` was received and answered, or a stop signal came: drop the node, which
    /// closes every socket.
    Stopped,
}

type Client<S> = Conn<<S as Stack>::Stream, LINE_MAX, OUTPUT_MAX>;
type Page<S> = Conn<<S as Stack>::Stream, REQUEST_MAX, RESPONSE_MAX>;
/// A connection leaving without a slot has a client's buffers: its output holds any last
/// reply (the longest, `503` and `408`, are about 140 bytes), and a type fewer keeps the
/// firmware small.
type Leaving<S> = Client<S>;

/// What an entry of the poll set stands for: its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Console,
    Http,
    Control,
    Signals,
    Client(usize),
    Page(usize),
    Leaving(usize),
}

/// The running node: its sockets and its state.
pub struct Node<S: Stack> {
    console: S::Listener,
    http: S::Listener,
    control: S::Datagram,
    telemetry: S::Datagram,
    collector: SocketAddr,
    signals: Option<S::Datagram>,
    clients: [Option<Client<S>>; CLIENTS],
    pages: [Option<Page<S>>; PAGES],
    leaving: [Option<Leaving<S>>; LEAVING],
    polls: PollSet<S::Handle, Slot, POLL_SET>,
    state: State,
    /// How long a console client may stay inactive.
    idle: Duration,
    accept_paused_until: Instant,
    stopping: bool,
}

impl<S: Stack> Node<S> {
    /// Opens every socket of `config`, non-blocking. The first telemetry datagram is due one
    /// interval after now, on the stack's clock.
    pub fn start(stack: &S, config: &Config) -> Result<Self, (&'static str, Error)> {
        let now = stack.now().map_err(|e| ("clock", e))?;
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
            signals: None,
            clients: [const { None }; CLIENTS],
            pages: [const { None }; PAGES],
            leaving: [const { None }; LEAVING],
            polls,
            state: State {
                started: now,
                interval: config.interval,
                next_telemetry: now + config.interval,
                stats: Stats::default(),
            },
            idle: config.idle,
            accept_paused_until: Instant::ZERO,
            stopping: false,
        })
    }

    /// Stops the node as `SHUTDOWN` does once a datagram arrives on `signals`: on Linux the
    /// socket of `rt::notify_on`, to which `SIGTERM` and `SIGINT` send one; in tests, any
    /// datagram socket.
    ///
    /// Errors: those of `set_nonblocking`; `InvalidInput` when the node has one already.
    pub fn stop_on(&mut self, mut signals: S::Datagram) -> Result<(), Error> {
        signals.set_nonblocking(true)?;
        self.polls
            .insert(Slot::Signals, signals.handle(), Interest::READABLE)?;
        self.signals = Some(signals);
        Ok(())
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

    /// Runs steps until `SHUTDOWN` or a stop signal.
    pub fn run(&mut self, stack: &S) -> Result<(), Error> {
        while self.step(stack)? == Running::Yes {}
        Ok(())
    }

    /// One pass of the superloop: waits until a socket is ready, a connection's time is up or
    /// telemetry is due; serves what is ready, ends the connections whose time is up, and sends
    /// telemetry if due. Fails only if `poll` or the clock fails: anything else ends one
    /// connection, not the node.
    pub fn step(&mut self, stack: &S) -> Result<Running, Error> {
        let now = stack.now()?;
        let wake = self.prepare(now);
        self.polls.poll(stack, Some(wake - now))?;
        let now = stack.now()?;
        while let Some((slot, _ready)) = self.polls.next_ready() {
            match slot {
                Slot::Console => self.accept_clients(now),
                Slot::Http => self.accept_pages(now),
                Slot::Control => self.serve_control(now),
                Slot::Signals => self.serve_signals(),
                Slot::Client(i) => self.serve_client(i, now),
                Slot::Page(i) => self.serve_page(i, now),
                Slot::Leaving(i) => self.serve_leaving(i, now),
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

    /// Sets what each socket is polled for, and returns when the node must wake at the latest:
    /// for telemetry, the end of an accept pause, or a connection's deadline.
    fn prepare(&mut self, now: Instant) -> Instant {
        let mut wake = self.state.next_telemetry;
        let accepting = now >= self.accept_paused_until;
        if !accepting {
            wake = wake.min(self.accept_paused_until);
        }
        // A listener is polled only while a newcomer can be served or turned away; otherwise
        // newcomers wait in its queue.
        let parting = self.leaving.iter().any(Option::is_none);
        let clients_room = accepting && (parting || self.clients.iter().any(Option::is_none));
        let pages_room = accepting && (parting || self.pages.iter().any(Option::is_none));
        let (idle, head) = (self.idle, self.head_time());
        let when = |room| {
            if room {
                Interest::READABLE
            } else {
                Interest::NONE
            }
        };
        for (slot, fd) in self.polls.iter_mut() {
            let (interest, deadline) = match slot {
                Slot::Console => (when(clients_room), None),
                Slot::Http => (when(pages_room), None),
                Slot::Control | Slot::Signals => (Interest::READABLE, None),
                Slot::Client(i) => match self.clients.get(i).and_then(Option::as_ref) {
                    Some(c) => (c.interest(REPLY_MAX), Some(c.deadline(idle))),
                    None => (Interest::NONE, None),
                },
                Slot::Page(i) => match self.pages.get(i).and_then(Option::as_ref) {
                    Some(p) => (p.interest(RESPONSE_MAX), Some(p.deadline(head))),
                    None => (Interest::NONE, None),
                },
                Slot::Leaving(i) => match self.leaving.get(i).and_then(Option::as_ref) {
                    Some(l) => (l.interest(0), Some(l.deadline(idle))),
                    None => (Interest::NONE, None),
                },
            };
            wake = deadline.map_or(wake, |d| wake.min(d));
            fd.set_interest(interest);
        }
        wake
    }

    /// How long an HTTP client may take to send its request head.
    fn head_time(&self) -> Duration {
        self.idle.min(http::HEAD_TIME)
    }

    /// Answers the datagrams on the control socket, each a command line.
    fn serve_control(&mut self, now: Instant) {
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

    /// A stop signal: the node stops as after `SHUTDOWN`. Readiness without a datagram (a
    /// spurious wake-up) stops nothing.
    fn serve_signals(&mut self) {
        let mut number = [0u8; 1];
        if let Some(signals) = &mut self.signals {
            if signals.recv(&mut number).is_ok() {
                self.stopping = true;
            }
        }
    }

    /// Sends one telemetry datagram and schedules the next. A lost or refused datagram is
    /// not retried: the next one carries fresher readings.
    fn send_telemetry(&mut self, now: Instant) {
        let state = &mut self.state;
        let uptime = now - state.started;
        let seq = state.stats.telemetry;
        let reading = |name: &str| console::sensor(name.as_bytes(), uptime).unwrap_or_default();
        let mut datagram = Text::<REPLY_MAX>::new();
        let _ = writeln!(
            datagram,
            "telemetry seq={seq} uptime_ms={} temperature={} humidity={}",
            millis(uptime),
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
        state.next_telemetry = state.next_telemetry + state.interval;
        if state.next_telemetry <= now {
            state.next_telemetry = now + state.interval;
        }
    }

    /// Whether accepting should stop for a while after `e`; see [`ACCEPT_PAUSE`]. Returns
    /// true when the next connection in the queue may be accepted at once.
    fn pause_accepting(&mut self, e: Error, now: Instant) -> bool {
        match e.kind() {
            ErrorKind::WouldBlock => false,
            // That client gave up while queued; the next one is unaffected.
            ErrorKind::ConnectionAborted | ErrorKind::Interrupted => true,
            _ => {
                self.accept_paused_until = now + ACCEPT_PAUSE;
                false
            }
        }
    }
}
