//! The mock network's speed and size, and turmoil's for comparison, in one process.
//!
//! Workloads, all with 64-byte messages:
//! - `mock ping-pong`: a client stream and a server stream on one single-threaded `Net`; the
//!   client writes 64 bytes, the server reads them and writes them back, the client reads
//!   them. One operation = one round trip.
//! - `turmoil ping-pong`: the same round trip between two hosts of a turmoil `Sim` (a TCP echo
//!   server and a client), timed in wall time inside the simulation run. Latency is zero, as
//!   on the mock: the same simulated network on both sides, turmoil at its fastest.
//! - the same two with 20 ms of latency each way on both (a mock `FaultPlan`, turmoil's
//!   message latency): what simulating a network with delays costs. The mock's clock jumps to
//!   the next arrival; turmoil steps through every 1 ms tick.
//! - `mock datagram`: `send_to` from one UDP socket and `recv_from` on another, on one `Net`.
//!   One operation = one datagram sent and received.
//!
//! Then the memory of a default `Net`: the `Net` and its tables (`Net::memory`); nothing is
//! allocated after it is made.
//!
//! A shared machine is noisy, so the iterations are split into rounds and the workloads run
//! interleaved (each round runs all of them, the order rotating), after a warm-up; the table
//! shows the median rate over the rounds, and the slowest round's. The last line is
//! `mock ratio anysock/turmoil=X`: the mock's median round trips per second over turmoil's,
//! both with 20 ms of latency; the line before it gives the ratio without latency.
//!
//! Environment:
//! - `ANYSOCK_BENCH_QUICK=1`: 1/50 of the default sizes, for a smoke test.
//! - `ANYSOCK_BENCH_ROUNDS=R`: `R` rounds (default 10).
//! - `ANYSOCK_BENCH_ONLY=W`: workload `W` alone (its number in the table, from 1), one round
//!   of its iterations and no warm-up, for a profiler:
//!   `ANYSOCK_BENCH_ONLY=1 valgrind --tool=callgrind target/release/deps/mock-…`.

// The modules live in subfolders so that Cargo does not take them for benches of their own.
mod common;
#[path = "mock/on_mock.rs"]
mod on_mock;
#[path = "mock/on_turmoil.rs"]
mod on_turmoil;

use std::process::exit;
use std::time::Duration;

use anysock::mock::Net;

/// Bytes per message.
const MSG: usize = 64;

/// The latency of the second pair of ping-pong rows: turmoil's default draws 0..100 ms with a
/// mean of 20 ms; both simulators get exactly this, each way.
const LATENCY: Duration = Duration::from_millis(20);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Workload {
    MockPingPong,
    TurmoilPingPong,
    MockPingPongLatency,
    TurmoilPingPongLatency,
    MockDatagrams,
}

impl Workload {
    const ALL: [Workload; 5] = [
        Workload::MockPingPong,
        Workload::TurmoilPingPong,
        Workload::MockPingPongLatency,
        Workload::TurmoilPingPongLatency,
        Workload::MockDatagrams,
    ];

    fn title(self) -> &'static str {
        match self {
            Workload::MockPingPong => "mock ping-pong 64B",
            Workload::TurmoilPingPong => "turmoil ping-pong 64B",
            Workload::MockPingPongLatency => "mock ping-pong, 20 ms latency",
            Workload::TurmoilPingPongLatency => "turmoil ping-pong, 20 ms latency",
            Workload::MockDatagrams => "mock datagram 64B send+recv",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Workload::MockDatagrams => "datagrams/s",
            _ => "round trips/s",
        }
    }

    /// Operations in total over the rounds, sized so that each workload takes a second or two
    /// here (turmoil: ~3 µs per round trip, ~90 µs with latency; the mock: ~0.1 µs).
    fn default_iters(self) -> u64 {
        match self {
            Workload::MockPingPong | Workload::MockPingPongLatency => 10_000_000,
            Workload::TurmoilPingPong => 400_000,
            Workload::TurmoilPingPongLatency => 15_000,
            Workload::MockDatagrams => 10_000_000,
        }
    }

    /// Runs `iters` operations; the time of the measured loop only.
    fn run(self, iters: u64) -> Result<Duration, String> {
        let mock = |e: anysock::Error| format!("mock: {e}");
        match self {
            Workload::MockPingPong => on_mock::ping_pong(iters, Duration::ZERO).map_err(mock),
            Workload::TurmoilPingPong => on_turmoil::ping_pong(iters, Duration::ZERO),
            Workload::MockPingPongLatency => on_mock::ping_pong(iters, LATENCY).map_err(mock),
            Workload::TurmoilPingPongLatency => on_turmoil::ping_pong(iters, LATENCY),
            Workload::MockDatagrams => on_mock::datagrams(iters).map_err(mock),
        }
    }
}

/// How much to run.
struct Plan {
    rounds: usize,
    quick: bool,
}

impl Plan {
    /// Reads the plan from the environment, or says what is wrong with it.
    fn from_env() -> Result<Plan, String> {
        Ok(Plan {
            rounds: common::rounds(10)?,
            quick: common::quick(),
        })
    }

    /// Operations of `workload` per round.
    fn iters_per_round(&self, workload: Workload) -> u64 {
        let total = workload.default_iters() / if self.quick { 50 } else { 1 };
        total.div_ceil(self.rounds as u64).max(1)
    }
}

/// The workload `ANYSOCK_BENCH_ONLY` names, if it names one.
fn only() -> Result<Option<Workload>, String> {
    let Some(n) = common::positive("ANYSOCK_BENCH_ONLY")? else {
        return Ok(None);
    };
    let i = usize::try_from(n).unwrap_or(usize::MAX) - 1;
    match Workload::ALL.get(i) {
        Some(&w) => Ok(Some(w)),
        None => Err(format!(
            "ANYSOCK_BENCH_ONLY={n}: expected 1 to {}",
            Workload::ALL.len()
        )),
    }
}

/// Operations per second of each round.
struct Rates(Vec<f64>);

impl Rates {
    fn median(&self) -> f64 {
        common::median(&self.0)
    }

    /// The slowest round.
    fn slowest(&self) -> f64 {
        common::min(&self.0)
    }
}

/// Warms up, then runs every workload once per round, rotating which goes first so none
/// always runs on a cold (or hot) machine.
fn measure(plan: &Plan) -> Result<Vec<Rates>, String> {
    for workload in Workload::ALL {
        workload.run(plan.iters_per_round(workload).div_ceil(4))?;
    }
    let mut rates: Vec<Rates> = Workload::ALL.iter().map(|_| Rates(Vec::new())).collect();
    for i in common::interleaved(plan.rounds, Workload::ALL.len()) {
        let workload = Workload::ALL[i];
        let iters = plan.iters_per_round(workload);
        let elapsed = workload.run(iters)?;
        rates[i]
            .0
            .push(iters as f64 / elapsed.as_secs_f64().max(1e-9));
    }
    Ok(rates)
}

fn main() {
    let plan = match Plan::from_env() {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("mock bench: {e}");
            exit(2);
        }
    };
    match only() {
        Ok(Some(workload)) => {
            let iters = plan.iters_per_round(workload);
            match workload.run(iters) {
                Ok(t) => println!(
                    "{}: {iters} in {:.3} s, {:.1} ns/op",
                    workload.title(),
                    t.as_secs_f64(),
                    t.as_nanos() as f64 / iters as f64
                ),
                Err(e) => {
                    eprintln!("mock bench: {e}");
                    exit(1);
                }
            }
            return;
        }
        Ok(None) => {}
        Err(e) => {
            eprintln!("mock bench: {e}");
            exit(2);
        }
    }
    println!(
        "anysock mock vs turmoil: 64-byte messages, {} interleaved rounds after a warm-up; \
         median (and slowest round) per workload",
        plan.rounds
    );
    let rates = match measure(&plan) {
        Ok(rates) => rates,
        Err(e) => {
            eprintln!("mock bench: {e}");
            exit(1);
        }
    };
    for (workload, r) in Workload::ALL.iter().zip(&rates) {
        let median = r.median();
        println!(
            "{:<33} {:>10.0} {:<14} {:>10.1} ns/op   (slowest round {:.0})",
            workload.title(),
            median,
            workload.unit(),
            1e9 / median,
            r.slowest()
        );
    }
    let default_net: Net = Net::new();
    println!(
        "memory of a default Net: {} bytes (Net<32 sockets, 4096-byte buffers, queues of 8, \
         8 hosts>: the Net and its tables, Net::memory)",
        default_net.memory()
    );
    let ratio = |mock: Workload, turmoil: Workload| {
        let at = |w| {
            Workload::ALL
                .iter()
                .position(|&x| x == w)
                .map(|i| rates[i].median())
        };
        at(mock).zip(at(turmoil)).map_or(f64::NAN, |(m, t)| m / t)
    };
    println!(
        "mock ratio without latency anysock/turmoil={:.0}",
        ratio(Workload::MockPingPong, Workload::TurmoilPingPong)
    );
    // The headline: both simulators carry the same 20 ms each way, the network turmoil is
    // meant to simulate (its default latency is a random 0-100 ms); without latency turmoil
    // skips its tick loop, and the line above gives that ratio too.
    println!(
        "mock ratio anysock/turmoil={:.0}",
        ratio(
            Workload::MockPingPongLatency,
            Workload::TurmoilPingPongLatency
        )
    );
}
