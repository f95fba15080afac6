//! What anysock costs over the calls it wraps: the same socket workloads through anysock-posix,
//! raw `libc` calls and `std`, in one process, and `typed`: `libc` with a typed address.
//!
//! Workloads, all with 64-byte messages:
//! - `socketpair`: one thread, a Unix stream socketpair; send 64 bytes on one end and receive them
//!   on the other, 1M times. One operation = one send + one receive.
//! - `tcp`: loopback ping-pong between a client thread and a server thread, 50k round trips.
//!   One operation = one round trip. Both threads run on one CPU (see [`Pinned`]).
//! - `udp`: 32 datagrams sent to a loopback socket, then 32 received; 20k bursts. One operation
//!   = one datagram sent and received.
//!
//! Each workload is written once (`overhead/workloads.rs`), generic over small traits that each
//! implementation fills in with its own calls (`overhead/via_*.rs`), so all of them run the very
//! same loop.
//!
//! `typed` is the floor for an API with typed addresses. `libc` sends to a prebuilt
//! `sockaddr_in` and never looks at the sender it receives, but any API that takes and returns
//! a typed address (`std::net::SocketAddr`, anysock's `SocketAddr`) must encode the address on
//! every send and decode the sender, checking its length and family, on every receive. `typed`
//! does just that over the same `libc` calls, so its UDP figure is the least such an API can
//! cost; `anysock/typed` is what anysock adds over that floor. It runs on `udp` only: its
//! streams would be `libc`'s, measured already.
//!
//! A shared machine is noisy, so the iterations are split into rounds and the implementations
//! run interleaved (each round runs all of them, the order rotating), after a warm-up; the table
//! shows the median time per operation over the rounds, and the min.
//!
//! Environment (the selection can also be given as command-line arguments):
//! - `ANYSOCK_BENCH_QUICK=1`: 1/50 of the default sizes, for a smoke test.
//! - `ANYSOCK_BENCH_ITERS=N`: `N` iterations of every workload and implementation (operations,
//!   round trips, or bursts), in total over the rounds.
//! - `ANYSOCK_BENCH_ROUNDS=R`: `R` rounds (default 10).
//! - `ANYSOCK_BENCH_PIN=0`: let the scheduler place the TCP threads.
//! - `ANYSOCK_BENCH_ONLY=workload[:impl][,...]`, e.g. `socketpair:anysock`: only these. A workload
//!   with one implementation chosen runs once without warm-up, so that an instruction count
//!   (`benches/callgrind.sh`) grows exactly with `N`.

// The modules live in subfolders so that Cargo does not take them for benches of their own.
mod common;
#[macro_use]
#[path = "overhead/workloads.rs"]
mod workloads;
#[path = "overhead/via_anysock.rs"]
mod via_anysock;
#[path = "overhead/via_libc.rs"]
mod via_libc;
#[path = "overhead/via_std.rs"]
mod via_std;
#[path = "overhead/via_typed.rs"]
mod via_typed;

use std::process::exit;
use std::thread;
use std::time::{Duration, Instant};

use common::Pinned;
use workloads::{Sockets, BURST};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Workload {
    Socketpair,
    Tcp,
    Udp,
}

impl Workload {
    const ALL: [Workload; 3] = [Workload::Socketpair, Workload::Tcp, Workload::Udp];

    fn name(self) -> &'static str {
        match self {
            Workload::Socketpair => "socketpair",
            Workload::Tcp => "tcp",
            Workload::Udp => "udp",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Workload::Socketpair => "socketpair 64B send+recv",
            Workload::Tcp => "tcp 64B ping-pong round trip",
            Workload::Udp => "udp 64B datagram, burst 32",
        }
    }

    fn default_iters(self) -> u64 {
        match self {
            Workload::Socketpair => 1_000_000,
            Workload::Tcp => 50_000,
            Workload::Udp => 20_000,
        }
    }

    /// Operations in `iters` iterations: a UDP iteration is a burst of datagrams.
    fn ops(self, iters: u64) -> u64 {
        match self {
            Workload::Udp => iters * BURST as u64,
            Workload::Socketpair | Workload::Tcp => iters,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Impl {
    Anysock,
    Libc,
    Std,
    /// `libc` with a typed address: the floor for a typed-address API.
    Typed,
}

impl Impl {
    const ALL: [Impl; 4] = [Impl::Anysock, Impl::Libc, Impl::Std, Impl::Typed];

    fn name(self) -> &'static str {
        match self {
            Impl::Anysock => "anysock",
            Impl::Libc => "libc",
            Impl::Std => "std",
            Impl::Typed => "typed",
        }
    }

    /// Whether it measures `workload`: `typed` only differs from `libc` on datagrams.
    fn measures(self, workload: Workload) -> bool {
        self != Impl::Typed || workload == Workload::Udp
    }
}

/// Runs `iters` iterations of a workload with one implementation; returns the time of the
/// measured loop only (socket setup and teardown excluded).
fn run(workload: Workload, imp: Impl, iters: u64) -> Duration {
    match imp {
        Impl::Anysock => run_with::<via_anysock::Anysock>(workload, iters),
        Impl::Libc => run_with::<via_libc::Libc>(workload, iters),
        Impl::Std => run_with::<via_std::Std>(workload, iters),
        Impl::Typed => run_with::<via_typed::Typed>(workload, iters),
    }
}

fn run_with<S: Sockets>(workload: Workload, iters: u64) -> Duration {
    match workload {
        Workload::Socketpair => {
            let (mut a, mut b) = S::socketpair();
            let start = Instant::now();
            S::socketpair_loop(&mut a, &mut b, iters);
            start.elapsed()
        }
        Workload::Tcp => {
            let (mut client, mut server) = S::tcp_pair();
            let server = thread::spawn(move || S::tcp_server_loop(&mut server, iters));
            let start = Instant::now();
            S::tcp_client_loop(&mut client, iters);
            let elapsed = start.elapsed();
            server.join().expect("tcp server thread panicked");
            elapsed
        }
        Workload::Udp => {
            let (mut tx, mut rx, to) = S::udp_pair();
            let start = Instant::now();
            S::udp_loop(&mut tx, &mut rx, &to, iters);
            start.elapsed()
        }
    }
}

/// What to run, and how much of it.
struct Plan {
    rounds: usize,
    /// Iterations per implementation of every workload; `None` keeps each workload's default.
    iters: Option<u64>,
    quick: bool,
    /// Keep the TCP client and server threads on one CPU.
    pin_tcp: bool,
    /// The (workload, implementation) pairs chosen.
    chosen: Vec<(Workload, Impl)>,
}

impl Plan {
    /// Iterations of `workload` per implementation, in total over the rounds.
    fn iters(&self, workload: Workload) -> u64 {
        match self.iters {
            Some(n) => n,
            None if self.quick => (workload.default_iters() / 50).max(1),
            None => workload.default_iters(),
        }
    }

    /// Rounds of `workload`: with one implementation chosen there is nothing to interleave, so
    /// it runs once without warm-up, and an instruction count grows exactly with the iterations.
    fn rounds(&self, workload: Workload) -> usize {
        if self.runs(workload).len() == 1 {
            1
        } else {
            self.rounds
        }
    }

    fn runs(&self, workload: Workload) -> Vec<Impl> {
        Impl::ALL
            .into_iter()
            .filter(|&imp| self.chosen.contains(&(workload, imp)))
            .collect()
    }
}

/// Reads the plan from the environment and the command line, or says what is wrong with it.
fn plan() -> Result<Plan, String> {
    let mut filters: Vec<String> = std::env::args()
        .skip(1)
        // `cargo bench` passes `--bench` to every bench binary.
        .filter(|a| !a.starts_with('-'))
        .collect();
    if let Some(only) = common::var("ANYSOCK_BENCH_ONLY") {
        filters.extend(only.split(',').map(str::to_owned));
    }
    let mut chosen = Vec::new();
    for filter in &filters {
        let (w, i) = filter.split_once(':').unwrap_or((filter.as_str(), ""));
        let workloads: Vec<Workload> = match Workload::ALL.into_iter().find(|x| x.name() == w) {
            Some(x) => vec![x],
            None if w == "all" => Workload::ALL.to_vec(),
            None => {
                return Err(format!(
                    "unknown workload {w:?} (socketpair, tcp, udp, all)"
                ))
            }
        };
        let imps: Vec<Impl> = match Impl::ALL.into_iter().find(|x| x.name() == i) {
            Some(x) => vec![x],
            None if i.is_empty() => Impl::ALL.to_vec(),
            None => {
                return Err(format!(
                    "unknown implementation {i:?} (anysock, libc, std, typed)"
                ))
            }
        };
        if let ([w], [i]) = (&workloads[..], &imps[..]) {
            if !i.measures(*w) {
                return Err(format!(
                    "{} is measured on udp only: its streams are libc's",
                    i.name()
                ));
            }
        }
        for &w in &workloads {
            chosen.extend(imps.iter().filter(|i| i.measures(w)).map(|&i| (w, i)));
        }
    }
    if filters.is_empty() {
        chosen = Workload::ALL
            .into_iter()
            .flat_map(|w| {
                Impl::ALL
                    .into_iter()
                    .filter(move |i| i.measures(w))
                    .map(move |i| (w, i))
            })
            .collect();
    }
    Ok(Plan {
        rounds: common::rounds(10)?,
        iters: common::positive("ANYSOCK_BENCH_ITERS")?,
        quick: common::quick(),
        pin_tcp: common::pin(),
        chosen,
    })
}

/// Nanoseconds per operation of each round, by implementation.
struct Timings {
    workload: Workload,
    rounds: Vec<(Impl, Vec<f64>)>,
}

impl Timings {
    fn of(&self, imp: Impl) -> Option<&[f64]> {
        self.rounds
            .iter()
            .find(|(i, _)| *i == imp)
            .map(|(_, ns)| ns.as_slice())
    }

    fn median(&self, imp: Impl) -> Option<f64> {
        self.of(imp).map(common::median)
    }

    fn min(&self, imp: Impl) -> Option<f64> {
        self.of(imp).map(common::min)
    }
}

/// Warms up, then runs every chosen implementation of `workload` once per round, rotating
/// which goes first so none always runs on a cold (or hot) machine.
fn measure(plan: &Plan, workload: Workload) -> Timings {
    let imps = plan.runs(workload);
    let n_rounds = plan.rounds(workload);
    let iters = plan.iters(workload).div_ceil(n_rounds as u64);
    let _pinned = (workload == Workload::Tcp && plan.pin_tcp).then(Pinned::to_this_cpu);
    if n_rounds > 1 {
        for &imp in &imps {
            run(workload, imp, iters);
        }
    }
    let mut rounds: Vec<(Impl, Vec<f64>)> = imps.iter().map(|&i| (i, Vec::new())).collect();
    for i in common::interleaved(n_rounds, imps.len()) {
        let (imp, ns) = &mut rounds[i];
        let elapsed = run(workload, *imp, iters);
        ns.push(elapsed.as_nanos() as f64 / workload.ops(iters) as f64);
    }
    Timings { workload, rounds }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? / b?)
}

/// One table row: each implementation's ns/op by `stat`, then the ratios.
fn row(label: &str, t: &Timings, stat: impl Fn(&Timings, Impl) -> Option<f64>) -> String {
    let mut line = format!("{label:<30}");
    for imp in Impl::ALL {
        if let Some(ns) = stat(t, imp) {
            line += &format!("{:>9} {:>9.1} ns/op", imp.name(), ns);
        }
    }
    let anysock = stat(t, Impl::Anysock);
    for other in [Impl::Libc, Impl::Std, Impl::Typed] {
        if let Some(r) = ratio(anysock, stat(t, other)) {
            line += &format!("   anysock/{}={:.2}", other.name(), r);
        }
    }
    line
}

fn main() {
    let plan = match plan() {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("overhead: {e}");
            exit(2);
        }
    };
    let sizes: Vec<String> = Workload::ALL
        .into_iter()
        .filter(|&w| !plan.runs(w).is_empty())
        .map(|w| format!("{} {}", w.name(), plan.iters(w)))
        .collect();
    println!(
        "anysock overhead: {} iterations per implementation, split in {} interleaved rounds; \
         median ns per operation",
        sizes.join(", "),
        plan.rounds
    );
    if !plan.runs(Workload::Tcp).is_empty() {
        let pinned = plan.pin_tcp && cfg!(target_os = "linux");
        let placed = if pinned {
            "on one CPU"
        } else {
            "where the scheduler puts them"
        };
        println!("tcp: client and server threads {placed}");
    }
    let mut results = Vec::new();
    for workload in Workload::ALL {
        if plan.runs(workload).is_empty() {
            continue;
        }
        let t = measure(&plan, workload);
        println!("{}", row(workload.title(), &t, Timings::median));
        if plan.rounds(workload) > 1 {
            println!("{}", row("  (min over rounds)", &t, Timings::min));
        }
        results.push(t);
    }
    let socketpair = results.iter().find(|t| t.workload == Workload::Socketpair);
    if let Some(r) = socketpair.and_then(|t| ratio(t.median(Impl::Anysock), t.median(Impl::Libc))) {
        println!("overhead ratio anysock/libc socketpair={r:.2}");
    }
}
