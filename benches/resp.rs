//! Pipelined Redis commands: the anysock client (`anysock-resp` on the POSIX backend) beside
//! Redis's own tool, `redis-benchmark`, against one real `redis-server` in the same run.
//!
//! The workload is redis-benchmark's `SET` test: `SET key:__rand_int__ xxx`, sent in pipelines
//! of 10,000 commands on one connection (`redis-benchmark -t set -P 10000 -c 1`), each
//! pipeline written whole, then all 10,000 replies read. A run is `PIPELINES` such pipelines:
//! redis-benchmark times a run with a millisecond clock, so a run of one pipeline (a few
//! milliseconds) would be mostly rounding. The anysock client sends each pipeline with
//! 1024 buffers per `sendmsg`, sets `TCP_NODELAY` as hiredis does, and checks every reply.
//! redis-benchmark's time is its own (connection made, process started outside it); the
//! anysock time runs from the first command formatted to the last reply read.
//!
//! A shared machine is noisy, so the two run interleaved (each round runs both, the order
//! alternating), after a warm-up; the table shows the median commands per second over the
//! rounds, and the slowest round's, then the median of each round's own ratio. The last line is
//! `resp ratio anysock/redis-tool=X.XX`: anysock's median commands per second over
//! redis-benchmark's.
//!
//! The benchmark starts and stops its own `redis-server` (Debian: `apt-get install
//! redis-server redis-tools`); without one it says so and stops, or fails when `CI` is set.
//!
//! Environment:
//! - `ANYSOCK_BENCH_QUICK=1`: 3 rounds of 2 pipelines, for a smoke test.
//! - `ANYSOCK_BENCH_ROUNDS=R`: `R` rounds (default 21).

mod common;
#[path = "../protocols/resp/tests/client/redis.rs"]
mod redis;
#[path = "../tests/support/system.rs"]
mod system;

use std::process::{exit, Command};
use std::time::Instant;

use anysock::opt::NoDelay;
use anysock::{DefaultStack, SockOpt};
use anysock_resp::Client;

use common::{median, min};
use redis::RedisServer;

/// Commands per pipeline.
const PIPELINE: usize = 10_000;

/// Pipelines per run.
const PIPELINES: usize = 20;

type Conn = <DefaultStack as anysock::Stack>::Stream;

/// 64 KiB of replies per read, and 1024 buffers (Linux's `IOV_MAX`) per `sendmsg`.
type BenchClient = Client<Conn, 65536, 1024>;

/// Runs `pipelines` pipelines through the anysock client; returns commands per second.
fn anysock_run(server: &RedisServer, pipelines: usize) -> f64 {
    let stack = DefaultStack::default();
    let addr = server.addr().parse().expect("a socket address");
    let mut client: BenchClient = Client::connect(&stack, &addr).expect("connect to redis");
    client.stream_mut().set(NoDelay, true).expect("TCP_NODELAY");
    let start = Instant::now();
    for _ in 0..pipelines {
        let mut replies = client
            .pipeline(|p| {
                for _ in 0..PIPELINE {
                    p.cmd(&[b"SET", b"key:__rand_int__", b"xxx"]);
                }
            })
            .expect("send the pipeline");
        let mut ok = 0;
        while let Some(reply) = replies.next_reply().expect("read a reply") {
            ok += usize::from(reply.is_ok());
        }
        assert_eq!(ok, PIPELINE, "every SET answers +OK");
    }
    (pipelines * PIPELINE) as f64 / start.elapsed().as_secs_f64()
}

/// Runs the same commands through `redis-benchmark`; returns its commands per second.
fn tool_run(server: &RedisServer, pipelines: usize) -> f64 {
    let out = Command::new("redis-benchmark")
        .args(["-h", "127.0.0.1", "-p", &server.port().to_string()])
        .args(["-t", "set", "-c", "1", "-P", &PIPELINE.to_string()])
        .args(["-n", &(pipelines * PIPELINE).to_string(), "-q", "--csv"])
        .output()
        .expect("run redis-benchmark");
    let text = String::from_utf8_lossy(&out.stdout);
    // `"test","rps",...` then `"SET","2500000.00",...`
    let rps = text
        .lines()
        .find(|l| l.starts_with("\"SET\""))
        .and_then(|l| l.split(',').nth(1))
        .and_then(|v| v.trim_matches('"').parse::<f64>().ok());
    match rps {
        Some(rps) if out.status.success() => rps,
        _ => panic!("redis-benchmark failed ({}): {text}", out.status),
    }
}

fn main() {
    let quick = common::quick();
    let Ok(rounds) = common::rounds(if quick { 3 } else { 21 }) else {
        eprintln!("resp: ANYSOCK_BENCH_ROUNDS: expected a positive integer");
        exit(2);
    };
    let pipelines = if quick { 2 } else { PIPELINES };
    if Command::new("redis-benchmark")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("resp: redis-benchmark is missing (apt-get install redis-tools)");
        exit(if common::var("CI").is_some() { 1 } else { 0 });
    }
    let Some(server) = RedisServer::start() else {
        exit(0);
    };
    println!(
        "resp: SET in pipelines of {PIPELINE}, {pipelines} pipelines per run, {rounds} interleaved \
         rounds; redis-server on 127.0.0.1:{}",
        server.port()
    );
    anysock_run(&server, pipelines);
    tool_run(&server, pipelines);
    let (mut ours, mut tool) = (Vec::new(), Vec::new());
    for i in common::interleaved(rounds, 2) {
        match i {
            0 => ours.push(anysock_run(&server, pipelines)),
            _ => tool.push(tool_run(&server, pipelines)),
        }
    }
    for (name, rates) in [("anysock-resp", &ours), ("redis-benchmark -P", &tool)] {
        println!(
            "{name:<20} median {:>12.0} commands/s   slowest round {:>12.0} commands/s",
            median(rates),
            min(rates)
        );
    }
    // Load from other processes drifts during a run; the ratio within each round is steadier.
    let paired: Vec<f64> = ours.iter().zip(&tool).map(|(a, t)| a / t).collect();
    println!("median of the rounds' own ratios: {:.2}", median(&paired));
    println!(
        "resp ratio anysock/redis-tool={:.2}",
        median(&ours) / median(&tool)
    );
}
