//! The conformance suite (feature `conformance`): one function per behaviour of the socket API,
//! generic over the backend, so that every backend is held to the same rules and a simulated
//! one cannot drift from the kernel.
//!
//! A backend runs it by implementing [`Harness`] (its [`Stack`] plus the addresses it can use)
//! and calling [`run`]:
//!
//! ```ignore
//! let summary = anysock_core::conformance::run(&mut harness, |name, outcome| {
//!     if let Err(failure) = outcome {
//!         eprintln!("{name}: {failure}");
//!     }
//! });
//! assert_eq!(summary.failed, 0);
//! ```
//!
//! Cases are single-threaded and never block on something only another party could finish:
//! before a read, accept or write that might wait, they [`wait`] for readiness with
//! [`Harness::patience`] as the limit. So the suite runs on the kernel (on loopback) and on a
//! single-threaded simulation alike.
//!
//! Where a backend knowingly differs from Linux it says so through [`Harness::quirk`], and the
//! case checks the documented behaviour instead.

use core::fmt;
use core::time::Duration;

use crate::cmsg::Ancillary;
use crate::opt::*;
use crate::selector::ScalableReadiness;
use crate::{Error, Interest, PollFd, Pollable, Readiness, SockOpt, SocketAddr, Stack, UnixAddr};

#[macro_use]
mod check;
mod ancillary;
pub mod asynch;
mod bind;
mod connect;
mod datagram;
mod kit;
mod msg;
mod options;
mod poll;
mod selector;
mod stream;

pub use kit::*;

/// `AllOptions` and its blanket impl from one list, so the two cannot drift apart.
macro_rules! all_options {
    ($($opt:ident),* $(,)?) => {
        /// Every typed option of [`crate::opt`] that the suite exercises.
        pub trait AllOptions: $(SockOpt<$opt> +)* {}

        impl<T: $(SockOpt<$opt> +)*> AllOptions for T {}
    };
}

all_options!(
    ReuseAddr,
    ReusePort,
    KeepAlive,
    Linger,
    RecvBufferSize,
    SendBufferSize,
    RecvTimeout,
    SendTimeout,
    Broadcast,
    SocketError,
    SocketType,
    AcceptConn,
    NoDelay,
    Ttl,
    UnicastHops,
    V6Only,
);

/// A documented way in which a backend differs from Linux. A case that meets one checks the
/// backend's documented behaviour instead of Linux's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Quirk {
    /// Ephemeral ports are handed out in order, one after the other, instead of at random.
    SequentialPorts,
}

/// What a backend under test provides: its stack, and addresses it can use.
pub trait Harness {
    /// The backend: a [`Stack`] whose sockets can also be registered with a
    /// [`crate::selector::Selector`].
    type Stack: ScalableReadiness
        + Stack<
            Socket: AllOptions,
            Stream: Ancillary,
            Datagram: Ancillary
                          + SockOpt<Ttl>
                          + SockOpt<PktInfo>
                          + SockOpt<RecvPktInfo>
                          + SockOpt<PassCredentials>,
        >;

    /// The stack to test.
    fn stack(&self) -> &Self::Stack;

    /// Takes the next socket out of `fds`, the sockets of a [`crate::cmsg::Cmsg::Rights`]
    /// message received on a datagram socket, as a stream; `None` when none is left. (How a
    /// received descriptor becomes a socket is each backend's own API.)
    fn passed_stream(fds: &mut PassedOf<'_, Self>) -> Option<Result<StreamOf<Self>, Error>>;

    /// As [`Harness::passed_stream`], for a listening socket.
    fn passed_listener(fds: &mut PassedOf<'_, Self>) -> Option<Result<ListenerOf<Self>, Error>>;

    /// An IPv4 address of this host, port 0 (loopback for a kernel).
    fn ipv4(&self) -> SocketAddr;

    /// An IPv6 address of this host, port 0, if it has one.
    fn ipv6(&self) -> Option<SocketAddr>;

    /// An IPv4 address that is not this host's (binding it must fail). Nothing is sent to it.
    fn foreign_ipv4(&self) -> SocketAddr;

    /// A fresh Unix pathname that nothing uses, in a place where sockets can be created.
    fn unix_path(&mut self) -> UnixAddr;

    /// A fresh Linux abstract name, where the backend has them.
    fn unix_abstract(&mut self) -> Option<UnixAddr>;

    /// How long to wait for something that must happen (data in flight on loopback, a
    /// connection to queue). A kernel needs a moment; a simulation none.
    fn patience(&self) -> Duration {
        Duration::from_secs(2)
    }

    /// Whether the backend has documented difference `quirk` from Linux.
    fn quirk(&self, quirk: Quirk) -> bool {
        let _ = quirk;
        false
    }
}

/// Why a case failed: where, what was expected, and the error that came instead (if any).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The line in the case's source.
    pub line: u32,
    /// The expectation that did not hold.
    pub what: &'static str,
    /// The error a call returned, when that is what went wrong.
    pub error: Option<Error>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.what)?;
        if let Some(e) = self.error {
            write!(f, " (got {:?}: {})", e.kind(), e)?;
        }
        Ok(())
    }
}

/// The result of one case.
pub type Outcome = Result<(), Failure>;

/// One behaviour: its name and the function that checks it.
pub struct Case<H> {
    /// The function's name.
    pub name: &'static str,
    /// The check.
    pub run: fn(&mut H) -> Outcome,
}

impl<H> fmt::Debug for Case<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case").field("name", &self.name).finish()
    }
}

/// How many cases passed and failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases that held.
    pub passed: usize,
    /// Cases that did not.
    pub failed: usize,
}

/// Every case of the suite, grouped by the call they are about.
pub fn cases<H: Harness>() -> impl Iterator<Item = Case<H>> {
    bind::cases::<H>()
        .into_iter()
        .chain(connect::cases::<H>())
        .chain(stream::cases::<H>())
        .chain(datagram::cases::<H>())
        .chain(msg::cases::<H>())
        .chain(ancillary::cases::<H>())
        .chain(options::cases::<H>())
        .chain(poll::cases::<H>())
        .chain(selector::cases::<H>())
}

/// Runs every case on `harness`, telling `report` each name and outcome.
pub fn run<H: Harness>(harness: &mut H, report: impl FnMut(&'static str, &Outcome)) -> Summary {
    run_cases(harness, cases::<H>(), report)
}

/// Runs `cases` on `harness` in order, telling `report` each name and outcome.
fn run_cases<H>(
    harness: &mut H,
    cases: impl IntoIterator<Item = Case<H>>,
    mut report: impl FnMut(&'static str, &Outcome),
) -> Summary {
    let mut summary = Summary::default();
    for case in cases {
        let outcome = (case.run)(harness);
        match outcome {
            Ok(()) => summary.passed += 1,
            Err(_) => summary.failed += 1,
        }
        report(case.name, &outcome);
    }
    summary
}

/// Waits up to [`Harness::patience`] until `socket` is ready for `interest`; fails otherwise.
pub fn wait<H: Harness, P>(h: &H, socket: &P, interest: Interest) -> Result<Readiness, Failure>
where
    P: Pollable<Handle = <H::Stack as Stack>::Handle>,
{
    let mut fds = [PollFd::new(socket.handle(), interest)];
    let n = must!(h.stack().poll(&mut fds, Some(h.patience())), "poll");
    ensure!(n == 1, "the socket never became ready");
    Ok(fds[0].ready())
}
