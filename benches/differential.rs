//! The long differential run: 100,000 generated sequences of socket calls on the kernel (in a
//! network namespace of their own where one can be made) and on the mock, compared call by
//! call; the report groups the divergences, shows the shortest sequence of each, and ends with
//! `differential: N sequences, D diverged, U undocumented`.
//!
//! `ANYSOCK_DIFFERENTIAL=N` runs N sequences instead, `ANYSOCK_DIFFERENTIAL_SEED=S` starts at
//! seed S. The process fails if a divergence is undocumented.

use anysock_difftest::namespace::{self, Entered};
use anysock_difftest::sides::{posix_vs_mock, seeds_from_env};

const INSIDE: &str = "ANYSOCK_DIFFERENTIAL_INSIDE";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match namespace::enter(INSIDE, &args, false) {
        Entered::Ran(out) => std::process::exit(out.status.code().unwrap_or(1)),
        Entered::Unavailable(why) => println!("no network namespace ({why}): on loopback"),
        Entered::Inside => println!("in a network namespace of its own"),
    }
    let report = posix_vs_mock(seeds_from_env(100_000), 10_000);
    println!("{report}");
    if report.undocumented > 0 {
        std::process::exit(1);
    }
}
