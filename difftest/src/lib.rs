//! # anysock-difftest
//!
//! Differential testing of anysock backends: a seeded generator writes sequences of socket
//! calls (`socket`, `bind`, `listen`, `connect`, `accept`, the sends and receives with their
//! flags, `shutdown`, `close`, options, `poll`) over a small pool of sockets of every domain
//! and type, with the bad input a user gives (wrong domains, used ports, closed peers, calls
//! on the wrong kind of socket). Each sequence runs on a reference stack (the kernel, through
//! the POSIX backend) and on the stack under test; results are normalised (ports, paths and
//! autobound names by the part they play) and compared call by call. A divergence is shrunk
//! to the shortest sequence that still diverges the same way and printed as readable calls
//! with both results.
//!
//! A divergence the backend documents, as a [`Quirk`] of the conformance suite, counts as
//! documented; the rest are bugs of the backend (or of the quirk list).
//!
//! Everything here is generic over [`anysock_core::Stack`]: a backend takes part by
//! implementing [`Target`] (its stack and the names it hands out) and [`Side`] (a fresh
//! target per sequence), so any backend can be compared with the kernel.
//!
//! ```ignore
//! let report = Campaign::new(&mut posix_side, &mut mock_side).run(0..2000, 0, |_| {});
//! println!("{report}");
//! assert_eq!(report.undocumented, 0);
//! ```

#![deny(missing_docs, missing_debug_implementations)]
#![forbid(unsafe_code)]

mod call;
mod campaign;
mod compare;
mod exec;
mod gen;
pub mod namespace;
pub mod options;
mod outcome;
mod quirks;
mod report;
mod shrink;
pub mod sides;
mod target;

pub use anysock_core::conformance::Quirk;
pub use call::{Addr, Call, GetOpt, Port, SetOpt, Slot, POOL};
pub use campaign::Campaign;
pub use compare::{category, first_divergence, Divergence};
pub use exec::{execute, Step, BOUND};
pub use gen::{generate, Rng};
pub use outcome::{Names, Outcome};
pub use quirks::{explains, KNOWN};
pub use report::{Example, Group, Report};
pub use shrink::shrink;
pub use target::{Caps, Side, Stacked, Target};
