//! The conformance suite (feature `conformance`): one function per behaviour of the socket API,
//! generic over the backend, so that every backend is held to the same rules and a simulated
//! one cannot drift from the kernel.
//!
//! ## Capabilities
//!
//! The cases are grouped by what a backend must have to run them, each group behind a
//! harness trait of its own, so a backend runs what it supports (one on an embedded TCP/IP
//! stack implements [`Harness`] and perhaps the option groups; it needs no Unix paths):
//!
//! | group | harness | what it needs |
//! |---|---|---|
//! | [`basics()`] | [`Harness`] | a [`Stack`] with IPv4 (and IPv6, if it has it) |
//! | [`unix()`] | [`UnixHarness`] | Unix sockets, with pathnames (and abstract names, if any) |
//! | [`ancillary()`] | [`AncillaryHarness`] | typed ancillary data ([`Ancillary`]) |
//! | [`selector()`] | [`SelectorHarness`] | a [`crate::selector::Selector`] |
//! | [`socket_options()`] | [`Harness`] | the option sets every [`Stack`] has ([`SocketOptions`] and the rest) |
//! | [`ip_options()`] | [`IpOptionsHarness`] | the IP and IPv6 options beyond them ([`Ttl`], [`UnicastHops`], [`V6Only`]) |
//!
//! The selector and IP option harnesses need no methods: a harness whose stack has what they
//! ask for has them. [`run`] runs every group on a backend with all of them ([`FullHarness`]);
//! [`run_cases`] runs the cases it is given.
//!
//! ```ignore
//! let summary = anysock_core::conformance::run_cases(
//!     &mut harness,
//!     anysock_core::conformance::basics::<MyHarness>(),
//!     |name, outcome| {
//!         if let Err(stop) = outcome {
//!             eprintln!("{name}: {stop}");
//!         }
//!     },
//! );
//! assert_eq!(summary.failed, 0);
//! ```
//!
//! A case that cannot run where it is (no IPv6 loopback, no abstract names, no `socketpair`)
//! stops with [`Stop::Skipped`] and says why; a skip is counted apart, never as a pass.
//! [`conformance_cases!`](crate::conformance_cases) lists every case by group, so a test
//! crate can make one `#[test]` of each (see `tests/conformance/main.rs` in the repository).
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
use crate::{
    Error, ErrorKind, Interest, PollFd, Pollable, Readiness, SockOpt, SocketAddr, Stack, UnixAddr,
};

#[macro_use]
mod check;
#[macro_use]
mod list;
mod ancillary;
pub mod asynch;
mod bind;
mod buffers;
mod connect;
mod datagram;
mod datagram_errors;
mod dual_stack;
mod kit;
mod msg;
mod options;
mod options_ip;
mod poll;
mod selector;
mod stream;
mod tcp_states;
mod unix_errors;
mod unix_senders;

pub use kit::*;

/// `AllOptions` and its blanket impl from one list, so the two cannot drift apart.
macro_rules! all_options {
    ($($opt:ident),* $(,)?) => {
        /// Every typed option of [`crate::opt`] that the suite exercises, all of which a fresh
        /// socket (which can still become anything) takes.
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
    /// Out-of-band data (TCP urgent data, Unix stream out-of-band bytes) is not carried:
    /// [`crate::MsgFlags::OOB`] on a TCP or Unix stream socket is
    /// [`ErrorKind::Unsupported`]. (Sockets without it refuse or ignore the flag as Linux
    /// does.)
    NoOutOfBand,
    /// The Unix path namespace has no directories: any pathname can be bound, where Linux
    /// fails with [`ErrorKind::NotFound`] when a directory on the path is missing.
    NoDirectories,
    /// A connected TCP socket keeps the send buffer size it had (`SO_SNDBUF`); Linux grows it
    /// to suit the connection (to 3939840 bytes on loopback).
    FixedSendBuffer,
    /// Every write goes at once: no Nagle delay. Linux holds a small write back while earlier
    /// bytes wait for their acknowledgement, which on loopback only a socket connected to
    /// itself ends up waiting for (its acknowledgements are delayed, up to 40 ms). Bytes held
    /// back that arrive after such a socket shut down both ways abort its connection there
    /// (`ECONNRESET`); on the mock they were in before.
    NoNagle,
    /// A `SYN` dropped because the accept queue was full gets in as soon as an `accept` makes
    /// room; Linux waits for the `SYN`'s retransmission (1 s after the first, then 2 s, 4 s,
    /// ...).
    SynRetriedAtOnce,
    /// There is no `TIME_WAIT`: the port of a TCP connection that is over is free at once,
    /// where Linux holds it for a minute after an active close (binding it, without
    /// `SO_REUSEADDR`, is [`ErrorKind::AddrInUse`] meanwhile).
    NoTimeWait,
}

impl Quirk {
    /// Every quirk there is, for a tool that goes through them (a backend declares the ones
    /// it has).
    pub const ALL: &'static [Quirk] = &[
        Quirk::SequentialPorts,
        Quirk::NoOutOfBand,
        Quirk::NoDirectories,
        Quirk::FixedSendBuffer,
        Quirk::NoNagle,
        Quirk::SynRetriedAtOnce,
        Quirk::NoTimeWait,
    ];
}

/// The basics every backend has: its stack, and the addresses it can use.
pub trait Harness {
    /// The backend.
    type Stack: Stack;

    /// The stack to test.
    fn stack(&self) -> &Self::Stack;

    /// An IPv4 address of this host, port 0 (loopback for a kernel).
    fn ipv4(&self) -> SocketAddr;

    /// An IPv6 address of this host, port 0, if it has one (the IPv6 cases are skipped
    /// otherwise).
    fn ipv6(&self) -> Option<SocketAddr>;

    /// An IPv4 address that is not this host's (binding it must fail). Nothing is sent to it.
    fn foreign_ipv4(&self) -> SocketAddr;

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

/// A backend with Unix sockets that bind to names.
pub trait UnixHarness: Harness {
    /// A fresh Unix pathname that nothing uses, in a place where sockets can be created.
    fn unix_path(&mut self) -> UnixAddr;

    /// A fresh Linux abstract name, where the backend has them (the cases that need one are
    /// skipped otherwise).
    fn unix_abstract(&mut self) -> Option<UnixAddr>;
}

/// A backend with typed ancillary data: passed sockets, credentials and packet info.
pub trait AncillaryHarness:
    UnixHarness<
    Stack: Stack<
        Stream: Ancillary,
        Datagram: Ancillary + SockOpt<PktInfo> + SockOpt<RecvPktInfo> + SockOpt<PassCredentials>,
    >,
>
{
    /// Takes the next socket out of `fds`, the sockets of a [`crate::cmsg::Cmsg::Rights`]
    /// message received on a datagram socket, as a stream; `None` when none is left. (How a
    /// received descriptor becomes a socket is each backend's own API.)
    fn passed_stream(fds: &mut PassedOf<'_, Self>) -> Option<Result<StreamOf<Self>, Error>>;

    /// As [`AncillaryHarness::passed_stream`], for a listening socket.
    fn passed_listener(fds: &mut PassedOf<'_, Self>) -> Option<Result<ListenerOf<Self>, Error>>;
}

/// A backend whose sockets can be registered with a [`crate::selector::Selector`].
pub trait SelectorHarness: Harness<Stack: ScalableReadiness> {}

impl<H: Harness<Stack: ScalableReadiness>> SelectorHarness for H {}

/// A backend with the options of the IP layers and TCP beyond the option sets every
/// [`Stack`] has ([`crate::opt::SocketOptions`] and the rest): `IP_TTL`,
/// `IPV6_UNICAST_HOPS` and `IPV6_V6ONLY` on a fresh socket, `IP_TTL` on a datagram socket.
pub trait IpOptionsHarness:
    Harness<Stack: Stack<Socket: AllOptions, Datagram: SockOpt<Ttl>>>
{
}

impl<H: Harness<Stack: Stack<Socket: AllOptions, Datagram: SockOpt<Ttl>>>> IpOptionsHarness for H {}

/// A backend with every capability: it runs the whole suite ([`cases`]).
pub trait FullHarness: AncillaryHarness + SelectorHarness + IpOptionsHarness {}

impl<H: AncillaryHarness + SelectorHarness + IpOptionsHarness> FullHarness for H {}

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

/// Why a case stopped before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// An expectation did not hold.
    Failed(Failure),
    /// The case cannot run on this backend or host, for this reason (no IPv6 loopback, say).
    Skipped(&'static str),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Failed(f)
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Failed(failure) => write!(f, "FAILED: {failure}"),
            Stop::Skipped(why) => write!(f, "skipped: {why}"),
        }
    }
}

/// The result of one case: `Ok` when it held.
pub type Outcome = Result<(), Stop>;

/// `value`, or the case is skipped for `why`.
pub fn need<T>(value: Option<T>, why: &'static str) -> Result<T, Stop> {
    value.ok_or(Stop::Skipped(why))
}

/// The value of `result`, or the case is skipped for `why` when the backend says the call is
/// [`ErrorKind::Unsupported`] (a stack without Unix sockets, say); any other error fails it
/// with `what`.
pub fn supported<T>(
    result: Result<T, Error>,
    why: &'static str,
    what: &'static str,
) -> Result<T, Stop> {
    match result {
        Ok(v) => Ok(v),
        Err(e) if e.kind() == ErrorKind::Unsupported => Err(Stop::Skipped(why)),
        Err(e) => Err(Stop::Failed(Failure {
            line: line!(),
            what,
            error: Some(e),
        })),
    }
}

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

/// How many cases passed, failed and were skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases that held.
    pub passed: usize,
    /// Cases that did not.
    pub failed: usize,
    /// Cases that could not run here (never counted as passed).
    pub skipped: usize,
}

/// The case lists of the groups (`basics`, `unix`, ...), from the one list.
macro_rules! groups {
    ($($group:ident<$cap:ident>: [$($file:ident :: $name:ident),* $(,)?]),* $(,)?) => {
        $(
            #[doc = concat!(
                "The cases of the `", stringify!($group), "` group (see the module docs), for a ",
                "backend with [`", stringify!($cap), "`]."
            )]
            pub fn $group<H: $cap>() -> impl Iterator<Item = Case<H>> {
                [$(Case::<H> { name: stringify!($name), run: $file::$name::<H> }),*].into_iter()
            }
        )*

        /// Every case of every group, for a backend with every capability.
        pub fn cases<H: FullHarness>() -> impl Iterator<Item = Case<H>> {
            core::iter::empty()$(.chain($group::<H>()))*
        }
    };
}

conformance_cases!(groups);

/// The case called `name`, for a backend with every capability.
pub fn case<H: FullHarness>(name: &str) -> Option<Case<H>> {
    cases::<H>().find(|c| c.name == name)
}

/// Runs every case on `harness` (a backend with every capability), telling `report` each name
/// and outcome.
pub fn run<H: FullHarness>(harness: &mut H, report: impl FnMut(&'static str, &Outcome)) -> Summary {
    run_cases(harness, cases::<H>(), report)
}

/// Runs `cases` (a group, say) on `harness` in order, telling `report` each name and outcome.
pub fn run_cases<H>(
    harness: &mut H,
    cases: impl IntoIterator<Item = Case<H>>,
    mut report: impl FnMut(&'static str, &Outcome),
) -> Summary {
    let mut summary = Summary::default();
    for case in cases {
        let outcome = (case.run)(harness);
        match outcome {
            Ok(()) => summary.passed += 1,
            Err(Stop::Failed(_)) => summary.failed += 1,
            Err(Stop::Skipped(_)) => summary.skipped += 1,
        }
        report(case.name, &outcome);
    }
    summary
}

/// Waits up to [`Harness::patience`] until `socket` is ready for `interest`; fails otherwise.
pub fn wait<H: Harness, P>(h: &H, socket: &P, interest: Interest) -> Result<Readiness, Stop>
where
    P: Pollable<Handle = <H::Stack as Stack>::Handle>,
{
    let mut fds = [PollFd::new(socket.handle(), interest)];
    let n = must!(h.stack().poll(&mut fds, Some(h.patience())), "poll");
    ensure!(n == 1, "the socket never became ready");
    Ok(fds[0].ready())
}
