//! The two backends of this workspace as sides of a campaign: the kernel (through the POSIX
//! backend) as the reference, the mock network as the stack under test.

use anysock_core::unix_addr::MAX_PATH_LEN;
use anysock_core::UnixAddr;

use crate::{Campaign, Report};

mod mock;
mod posix;

pub use mock::MockSide;
pub use posix::PosixSide;

/// The first of the fixed ports sequences ask for (`Port::Fresh`): below Linux's ephemeral
/// range (32768–60999) and the mock's (from 49152), so no stack hands them out by itself.
pub(crate) const FIRST_FIXED_PORT: u16 = 10_000;
/// One past the last.
pub(crate) const END_FIXED_PORT: u16 = 32_000;

/// `name` as a pathname address; with `long`, padded to the longest path `sun_path` takes.
pub(super) fn path(mut name: String, long: bool) -> UnixAddr {
    if long {
        while name.len() < MAX_PATH_LEN {
            name.push('x');
        }
    }
    UnixAddr::pathname(&name).expect("the path fits sun_path")
}

/// The environment variable that sets how many sequences [`posix_vs_mock`] runs.
pub const COUNT_VAR: &str = "ANYSOCK_DIFFERENTIAL";
/// The environment variable that sets the first seed.
pub const SEED_VAR: &str = "ANYSOCK_DIFFERENTIAL_SEED";

/// The seeds to run: `default` sequences from seed 0, unless [`COUNT_VAR`] and [`SEED_VAR`]
/// say otherwise.
pub fn seeds_from_env(default: u64) -> core::ops::Range<u64> {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let count = var(COUNT_VAR).unwrap_or(default);
    let first = var(SEED_VAR).unwrap_or(0);
    first..first + count
}

/// The mock compared with the kernel on the sequences of `seeds`, printing the report so far
/// every `every` sequences (never, with 0).
pub fn posix_vs_mock(seeds: core::ops::Range<u64>, every: u64) -> Report {
    let (mut posix, mut mock) = (PosixSide::new(), MockSide);
    Campaign::new(&mut posix, &mut mock).run(seeds, every, |r| {
        println!(
            "... {} sequences, {} diverged, {} undocumented, {:.0} s",
            r.sequences,
            r.diverged,
            r.undocumented,
            r.elapsed.as_secs_f64()
        )
    })
}
