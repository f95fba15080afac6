//! What the tests of the firmware's logic on the mock network share: the node on a host of its
//! own (10.0.0.1), a host for its clients (10.0.0.2), and steps of its superloop on the
//! network's virtual clock, which is the node's clock there (`Stack::now`).

#[path = "../app/mod.rs"]
pub mod app;

use std::time::Duration;

use anysock::embedded_io::Write;
use anysock::{Datagram as _, Domain, Endpoint as _, ErrorKind, Socket as _, Stack};
use anysock::{Stream, Type};

use super::mock_common::{addr, two_hosts};
use app::args::{Config, DEFAULT_IDLE};
use app::{Node, Running};

pub const CONSOLE: &str = "10.0.0.1:7000";
pub const HTTP: &str = "10.0.0.1:8080";
pub const COLLECTOR: &str = "10.0.0.2:9000";
pub const CONTROL: &str = "unix:/run/node.sock";

/// Sockets the network holds at once: every slot of the node taken, both ends, and then some.
const SOCKETS: usize = 48;
/// The longest listen queue: the node's backlog.
const QUEUE: usize = 16;

/// The network of these tests.
pub type Net = anysock::mock::Net<SOCKETS, 4096, QUEUE>;
/// A host of [`Net`].
pub type Host<'n> = anysock::mock::Host<'n, SOCKETS, 4096, QUEUE>;
/// A stream of the client host.
pub type Conn<'n> = <Host<'n> as Stack>::Stream;

/// The node's configuration: telemetry every second, the default idle limit.
pub fn config() -> Config {
    Config {
        console: addr(CONSOLE),
        http: addr(HTTP),
        telemetry: addr(COLLECTOR),
        control: addr(CONTROL),
        interval: Duration::from_secs(1),
        idle: DEFAULT_IDLE,
    }
}

/// A network with the node's host and a host for its clients.
pub struct Bench<'n> {
    pub net: &'n Net,
    pub node_host: Host<'n>,
    pub peer: Host<'n>,
    pub node: Node<Host<'n>>,
    /// An unnamed socket beside the node's control socket, for [`Bench::advance`].
    ticker: <Host<'n> as Stack>::Datagram,
}

impl<'n> Bench<'n> {
    /// The node with [`config`].
    pub fn new(net: &'n Net) -> Self {
        Bench::with(net, config())
    }

    /// The node with `config`.
    pub fn with(net: &'n Net, config: Config) -> Self {
        let (node_host, peer) = two_hosts(net);
        let node = Node::start(&node_host, &config).expect("the node starts");
        let ticker = node_host
            .socket(Domain::Unix, Type::Datagram)
            .and_then(|s| s.into_datagram())
            .unwrap();
        Bench {
            net,
            node_host,
            peer,
            node,
            ticker,
        }
    }

    /// Lets `by` pass as if the node had nothing to do, then wakes it for one step: it sees
    /// the new time and ends the connections whose time is up (late by at most `by`). The
    /// wake-up is an empty line on the control socket, which the node ignores; a step alone
    /// would sleep until the node's next deadline, however far.
    pub fn advance(&mut self, by: Duration) {
        self.net.advance(by);
        self.ticker.send_to(b"", &addr(CONTROL)).unwrap();
        self.steps(1);
    }

    /// One step that does not wait: [`Bench::advance`] by nothing.
    pub fn tick(&mut self) {
        self.advance(Duration::ZERO);
    }

    /// A few steps of the superloop: enough to accept, read, answer and close. Each step
    /// that finds nothing ready moves the virtual clock to the node's next deadline.
    pub fn steps(&mut self, n: usize) -> Running {
        for _ in 0..n {
            if self.node.step(&self.node_host).expect("step") == Running::Stopped {
                return Running::Stopped;
            }
        }
        Running::Yes
    }

    /// A client of the service at `to`, connected and accepted (or turned away).
    pub fn client(&mut self, to: &str) -> Conn<'n> {
        let mut c = self.peer.connect(&addr(to)).expect("connect");
        c.set_nonblocking(true).unwrap();
        self.steps(1);
        c
    }

    /// Sends `line` and returns what came back, and whether the node closed the connection;
    /// no time passes.
    pub fn ask(&mut self, c: &mut Conn<'n>, line: &[u8]) -> (String, bool) {
        c.write_all(line).unwrap();
        self.tick();
        self.tick();
        read_all(c)
    }
}

/// Whether `reply` is `OK <name> <number>` on one line: readings move with the clock.
pub fn is_reading(reply: &(String, bool), name: &str) -> bool {
    let (text, closed) = reply;
    let value = text
        .strip_prefix(&format!("OK {name} "))
        .and_then(|v| v.strip_suffix('\n'));
    !closed && value.is_some_and(|v| v.parse::<f64>().is_ok())
}

/// Everything readable now, and whether the end of the stream was reached. A reset fails the
/// test: the node closes cleanly.
pub fn read_all<S: Stream>(c: &mut S) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        match c.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&got).into(), true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                return (String::from_utf8_lossy(&got).into(), false)
            }
            Err(e) => panic!("read after {:?}: {e}", String::from_utf8_lossy(&got)),
        }
    }
}

/// Runs `test` on a network of its own, on a thread whose stack holds it: the network is a few
/// hundred KiB, which an unoptimised build copies several times while making it.
pub fn with_net(test: impl FnOnce(&Net) + Send + 'static) {
    let thread = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || test(&Net::new()))
        .expect("a test thread");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}
