//! What simulating a bigger network costs per message: anysock's mock against turmoil.
//!
//! The workload, the same on both: `N` hosts in a ring, each with a TCP connection to each of
//! its next `k` = 2 hosts (`N k` connections). One 64-byte message at a time goes around the
//! ring: hop `h` leaves the host holding the message on its `h mod k`-th connection, and that
//! neighbour reads it and sends the next hop, as a request travels a chain of replicas. One
//! message in flight means each one costs the simulator whatever it does per event: flat if
//! that does not depend on the number of hosts, growing with it otherwise. `N` = 10, 100 and
//! 1,000; no latency (turmoil at its fastest: a message sent in one step of the simulation
//! arrives in the next).
//!
//! - anysock: one single-threaded `Net` built for exactly the ring (`Net::builder()`, `N`
//!   hosts, a socket per listener and per end of each connection), driven with `write_all` and
//!   `read_exact` on `anysock::mock::Stream`. The iterations are split into rounds; the
//!   table shows the median round (and the slowest).
//! - turmoil 0.7.2: one client host per node, each an async task running the schedule with
//!   turmoil's `TcpStream`. Each run is a child process (this program again), killed if it
//!   has not finished within 60 s; the table shows the median run (and the slowest).
//!
//! The two take turns after a warm-up (see [`measure`]): each round runs anysock at every
//! size, then turmoil once at every size, so that both are sampled over the same minutes of
//! a machine whose speed varies.
//!
//! Memory: for anysock, all the network holds (`Net::memory`: the tables allocated by
//! `build`, nothing else grows); for turmoil, the heap bytes in use once every node is
//! connected, over those before the simulation was built (a counting allocator). Both are
//! divided by the hosts and by the connections: per host and per connection, everything
//! counts.
//!
//! The last line is `sim scale anysock 1000/10=X.XX anysock/turmoil@100=Y`: anysock's cost per
//! message with 1,000 hosts over its cost with 10 (flat is 1), and turmoil's cost per message
//! over anysock's, both with 100 hosts.
//!
//! Environment:
//! - `ANYSOCK_BENCH_QUICK=1`: a tenth of the messages and one turmoil run, for a smoke test.
//! - `ANYSOCK_BENCH_ROUNDS=R`: `R` rounds (default 10), each with a run of turmoil.
//! - `ANYSOCK_SIM_SCALE_ONLY=N`: anysock alone with `N` hosts, one round, for a profiler
//!   (`valgrind --tool=callgrind`).

// The modules live in a subfolder so that Cargo does not take them for benches of their own.
mod common;
#[path = "sim_scale/on_mock.rs"]
mod on_mock;
#[path = "sim_scale/on_turmoil.rs"]
mod on_turmoil;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader};
use std::process::{exit, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Bytes per message.
pub const MSG: usize = 64;
/// The port every host listens on.
pub const PORT: u16 = 7;
/// The sizes of the ring.
const SIZES: [usize; 3] = [10, 100, 1_000];
/// Each host's connections: to its next `K` hosts.
const K: usize = 2;
/// How long a turmoil run may take, all in.
const TURMOIL_LIMIT: Duration = Duration::from_secs(60);
/// The variable that makes this program run one turmoil ring and print what it measured.
const CHILD_VAR: &str = "ANYSOCK_SIM_SCALE_TURMOIL";
/// The variable that makes this program run anysock alone at one size.
const ONLY_VAR: &str = "ANYSOCK_SIM_SCALE_ONLY";

/// The shape of a ring.
#[derive(Clone, Copy, Debug)]
pub struct Ring {
    pub hosts: usize,
    pub k: usize,
}

impl Ring {
    pub fn connections(self) -> usize {
        self.hosts * self.k
    }
}

/// The schedule, hop after hop: hop `h` leaves the host holding the message on its
/// `h mod k`-th connection. Kept as a count that wraps, not a division per hop, so the loop
/// around the simulator costs next to nothing.
pub struct Schedule {
    ring: Ring,
    k: usize,
    at: usize,
}

impl Schedule {
    /// The message starts at host 0.
    pub fn new(ring: Ring) -> Self {
        Schedule { ring, k: 0, at: 0 }
    }

    /// The next hop: the host holding the message, which of its connections it takes, and
    /// the host it reaches.
    pub fn hop(&mut self) -> (usize, usize, usize) {
        let (at, k) = (self.at, self.k);
        let next = at + k + 1;
        let next = if next >= self.ring.hosts {
            next - self.ring.hosts
        } else {
            next
        };
        self.k = if k + 1 == self.ring.k { 0 } else { k + 1 };
        self.at = next;
        (at, k, next)
    }
}

/// The system allocator, counting the bytes in use (for turmoil's memory).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed unchanged to `System`, which upholds the `GlobalAlloc`
// contract; the counting is one atomic add or subtract and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's guarantees for `layout` are passed on as they are.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// How much to run.
struct Plan {
    rounds: usize,
    quick: bool,
}

impl Plan {
    fn from_env() -> Result<Plan, String> {
        Ok(Plan {
            rounds: common::rounds(10)?,
            quick: common::quick(),
        })
    }

    /// anysock's messages per round, whatever the size: the cost per message is the point.
    fn mock_messages(&self) -> u64 {
        let total = if self.quick { 200_000 } else { 2_000_000 };
        total / self.rounds as u64
    }

    /// turmoil's messages per run with `hosts` hosts: about a second's worth where it can.
    fn turmoil_messages(&self, hosts: usize) -> u64 {
        let full = if hosts <= 10 { 20_000 } else { 2_000 };
        if self.quick {
            full / 10
        } else {
            full
        }
    }

    /// turmoil's runs per size: one a round.
    fn turmoil_runs(&self) -> usize {
        if self.quick {
            1
        } else {
            self.rounds
        }
    }
}

/// One simulator at one size.
struct Row {
    simulator: &'static str,
    hosts: usize,
    /// Nanoseconds per message of each round or run; empty when it did not finish.
    ns: Vec<f64>,
    bytes: usize,
    note: Option<String>,
}

impl Row {
    fn median(&self) -> f64 {
        common::median(&self.ns)
    }

    fn print(&self) {
        let ring = Ring {
            hosts: self.hosts,
            k: K,
        };
        if let Some(note) = &self.note {
            println!(
                "{:<8} {:>6} {:>11}  {note}",
                self.simulator,
                self.hosts,
                ring.connections()
            );
            return;
        }
        let slowest = self.ns.iter().copied().fold(0.0, f64::max);
        println!(
            "{:<8} {:>6} {:>11} {:>14.1} {:>14.1} {:>12.1} {:>12.1}",
            self.simulator,
            self.hosts,
            ring.connections(),
            self.median(),
            slowest,
            self.bytes as f64 / 1024.0 / self.hosts as f64,
            self.bytes as f64 / 1024.0 / ring.connections() as f64,
        );
    }
}

/// Both simulators at every size, sampled in turns after a warm-up: each round runs anysock
/// at every size (starting one size further each round), then turmoil once at every size that
/// has not run out of time. A round of anysock takes milliseconds and one of turmoil about a
/// second, so a slow spell of the machine falls on a round of each alike, rather than on the
/// whole of anysock's short measurement and none of turmoil's long one.
fn measure(plan: &Plan) -> Result<Vec<Row>, String> {
    let messages = plan.mock_messages();
    let run =
        |hosts| on_mock::ring(Ring { hosts, k: K }, messages).map_err(|e| format!("anysock: {e}"));
    for &hosts in &SIZES {
        run(hosts)?;
    }
    let exe = std::env::current_exe().map_err(|e| format!("this program: {e}"))?;
    let row = |simulator, hosts| Row {
        simulator,
        hosts,
        ns: Vec::new(),
        bytes: 0,
        note: None,
    };
    let mut mock: Vec<Row> = SIZES.iter().map(|&h| row("anysock", h)).collect();
    let mut turmoil: Vec<Row> = SIZES.iter().map(|&h| row("turmoil", h)).collect();
    let sizes = SIZES.len();
    for round in 0..plan.rounds {
        for i in (0..sizes).map(|k| (round + k) % sizes) {
            let m = run(SIZES[i])?;
            mock[i]
                .ns
                .push(m.elapsed.as_nanos() as f64 / messages as f64);
            mock[i].bytes = m.bytes;
        }
        if round >= plan.turmoil_runs() {
            continue;
        }
        for r in turmoil.iter_mut().filter(|r| r.note.is_none()) {
            let messages = plan.turmoil_messages(r.hosts);
            match turmoil_child(&exe, r.hosts, messages)? {
                Some((ns, bytes)) => {
                    r.ns.push(ns);
                    r.bytes = bytes;
                }
                None => {
                    r.note = Some(format!(
                        "did not finish within {} s ({messages} messages)",
                        TURMOIL_LIMIT.as_secs()
                    ))
                }
            }
        }
    }
    mock.extend(turmoil);
    Ok(mock)
}

/// Runs one turmoil ring in a child process: nanoseconds per message and bytes, or `None`
/// when it did not finish within the limit (the child is killed).
fn turmoil_child(
    exe: &std::path::Path,
    hosts: usize,
    messages: u64,
) -> Result<Option<(f64, usize)>, String> {
    let mut child = Command::new(exe)
        .env(CHILD_VAR, format!("{hosts}:{messages}"))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting the turmoil run: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > TURMOIL_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child
        .stdout
        .take()
        .ok_or("no output from the turmoil run")?;
    let line = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("turmoil-ring "))
        .ok_or_else(|| format!("the turmoil run with {hosts} hosts failed ({status})"))?;
    let mut words = line.split_whitespace().skip(1);
    let mut next = || words.next().and_then(|w| w.parse::<f64>().ok());
    match (next(), next()) {
        (Some(ns), Some(bytes)) => Ok(Some((ns, bytes as usize))),
        _ => Err(format!("unreadable turmoil result: {line}")),
    }
}

/// In the child: one turmoil ring, its result on one line.
fn turmoil_main(spec: &str) -> Result<(), String> {
    let (hosts, messages) = spec
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse().ok()?, m.parse().ok()?)))
        .ok_or_else(|| format!("{CHILD_VAR}={spec}: expected HOSTS:MESSAGES"))?;
    let m = on_turmoil::ring(Ring { hosts, k: K }, messages, live)?;
    println!(
        "turmoil-ring {} {}",
        m.elapsed.as_nanos() as f64 / messages as f64,
        m.bytes
    );
    Ok(())
}

fn main() {
    if let Some(spec) = common::var(CHILD_VAR) {
        if let Err(e) = turmoil_main(&spec) {
            eprintln!("sim_scale: {e}");
            exit(1);
        }
        return;
    }
    let plan = match Plan::from_env() {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("sim_scale: {e}");
            exit(2);
        }
    };
    if let Some(only) = common::var(ONLY_VAR) {
        let Ok(hosts) = only.parse() else {
            eprintln!("sim_scale: {ONLY_VAR}={only}: expected a number of hosts");
            exit(2);
        };
        let messages = plan.mock_messages();
        match on_mock::ring(Ring { hosts, k: K }, messages) {
            Ok(m) => println!(
                "anysock {hosts} hosts: {:.1} ns/message",
                m.elapsed.as_nanos() as f64 / messages as f64
            ),
            Err(e) => {
                eprintln!("sim_scale: anysock: {e}");
                exit(1);
            }
        }
        return;
    }
    println!(
        "sim scale: a ring of N hosts, each connected to its next {K}; one {MSG}-byte message at \
         a time goes around, no latency.\nanysock: {} messages in each of {} rounds (median, \
         slowest); turmoil: {} run(s) per size, taking turns with anysock's rounds, each in a \
         child process, at most {} s",
        plan.mock_messages(),
        plan.rounds,
        plan.turmoil_runs(),
        TURMOIL_LIMIT.as_secs()
    );
    let rows = match measure(&plan) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("sim_scale: {e}");
            exit(1);
        }
    };
    println!(
        "{:<8} {:>6} {:>11} {:>14} {:>14} {:>12} {:>12}",
        "", "hosts", "connections", "ns/message", "slowest", "KiB/host", "KiB/conn"
    );
    for row in &rows {
        row.print();
    }
    let at = |simulator: &str, hosts: usize| {
        rows.iter()
            .find(|r| r.simulator == simulator && r.hosts == hosts && r.note.is_none())
            .map_or(f64::NAN, Row::median)
    };
    println!(
        "sim scale anysock 1000/10={:.2} anysock/turmoil@100={:.0}",
        at("anysock", 1_000) / at("anysock", 10),
        at("turmoil", 100) / at("anysock", 100)
    );
}
