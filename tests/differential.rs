//! The mock network against the kernel, call by call: generated sequences of socket calls
//! (every domain and type, bad input included) run on the POSIX backend and on the mock, and
//! every result must agree, or differ only as a declared `Quirk` documents: the test fails on
//! an undocumented divergence (or a panic).
//!
//! The kernel side runs in a network namespace of its own (this test runs itself again under
//! `unshare --net`), or on the host's loopback where none can be made. 2,000 sequences by
//! default; `ANYSOCK_DIFFERENTIAL=100000` for the long run (or `cargo bench --bench
//! differential`), `ANYSOCK_DIFFERENTIAL_SEED=S` to start elsewhere.

use anysock_difftest::namespace::{self, Entered};
use anysock_difftest::sides::{posix_vs_mock, seeds_from_env};

/// Set in the environment of the copy of this test that runs inside the namespace.
const INSIDE: &str = "ANYSOCK_DIFFERENTIAL_INSIDE";

#[test]
fn the_mock_agrees_with_the_kernel() {
    let me = "the_mock_agrees_with_the_kernel";
    let args = ["--exact", me, "--nocapture", "--test-threads=1"].map(String::from);
    match namespace::enter(INSIDE, &args, true) {
        Entered::Ran(out) => {
            print!("{}", String::from_utf8_lossy(&out.stdout));
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            assert!(out.status.success(), "the run in the namespace failed");
            return;
        }
        Entered::Unavailable(why) => println!("no network namespace ({why}): on loopback"),
        Entered::Inside => println!("in a network namespace of its own"),
    }
    let report = posix_vs_mock(seeds_from_env(2_000), 0);
    println!("{report}");
    let panics = report
        .groups
        .iter()
        .filter(|g| g.key.contains("panic"))
        .count();
    assert_eq!(panics, 0, "bad input must be a typed error, never a panic");
    assert_eq!(
        report.undocumented, 0,
        "every divergence from the kernel must be a declared Quirk (see the groups above)"
    );
}
