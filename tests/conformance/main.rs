//! The mock pinned to the kernel: the conformance suite of `anysock_core::conformance` on every
//! backend, with the kernel (here, on loopback) as the reference each simulated behaviour is
//! pinned to; the mock network must pass the same cases (or declare the documented `Quirk` a
//! case allows).
//!
//! Each case is a test of its own on each backend — `posix::NAME`, `mock::NAME`,
//! `shared_mock::NAME` — so `cargo test --test conformance NAME` runs one case everywhere.
//! Each backend's `whole_suite` test runs every case once more and prints how many passed,
//! failed and were skipped, and why each skip happened: a skip is never a pass.
//!
//! Beside the suite, stories that hold both backends to the same transcript (`parity`) and
//! the same thread-per-connection server on loopback and on the shared mock (`threads`).
//! Every test that touches the kernel holds `common::fd_check`, the binary's lock.

#[path = "../support/common.rs"]
mod common;
#[path = "../support/data.rs"]
mod data;
#[path = "../support/system.rs"]
mod system;

/// The same stories on the kernel and on the mock, call by call, with equal transcripts.
mod parity;
/// The thread-safe mock: one echo server over `Stack`, on loopback and on `SharedNet`.
mod threads;

use anysock::mock::cmsg::ReceivedSockets;
use anysock::mock::{self as backend_mock, Host, Net, SharedNet, Sharing};
use anysock::posix::cmsg::ReceivedFds;
use anysock::posix::{self as backend_posix, Posix};
use anysock::{SocketAddr, UnixAddr};
use anysock_core::conformance::{
    self, AncillaryHarness, FullHarness, Harness, Quirk, Stop, Summary, UnixHarness,
};
use common::TempDir;

/// The fewest cases the suite may have: it only grows.
const AT_LEAST: usize = 200;

/// The POSIX backend on loopback, with Unix paths in a directory of its own.
struct PosixHarness {
    dir: TempDir,
    names: u32,
}

impl PosixHarness {
    fn new() -> Self {
        PosixHarness {
            dir: TempDir::new(),
            names: 0,
        }
    }
}

impl Harness for PosixHarness {
    type Stack = Posix;

    fn stack(&self) -> &Posix {
        &Posix
    }

    fn ipv4(&self) -> SocketAddr {
        "127.0.0.1:0".parse().unwrap()
    }

    fn ipv6(&self) -> Option<SocketAddr> {
        // Some containers have no IPv6 loopback; the IPv6 cases are skipped there.
        std::net::UdpSocket::bind("[::1]:0").ok()?;
        Some("[::1]:0".parse().unwrap())
    }

    fn foreign_ipv4(&self) -> SocketAddr {
        // TEST-NET-1 (RFC 5737): never a local address. Only bound to (and refused), never sent to.
        "192.0.2.1:0".parse().unwrap()
    }
}

impl UnixHarness for PosixHarness {
    fn unix_path(&mut self) -> UnixAddr {
        self.names += 1;
        let path = self.dir.path().join(format!("s{}", self.names));
        UnixAddr::pathname(path.as_os_str().as_encoded_bytes()).unwrap()
    }

    fn unix_abstract(&mut self) -> Option<UnixAddr> {
        self.names += 1;
        let name = format!("anysock-conf-{}-{}", std::process::id(), self.names);
        Some(UnixAddr::abstract_name(&name).unwrap())
    }
}

impl AncillaryHarness for PosixHarness {
    fn passed_stream(fds: &mut ReceivedFds<'_>) -> Option<anysock::Result<backend_posix::Stream>> {
        fds.next().map(|fd| fd.into_stream())
    }

    fn passed_listener(
        fds: &mut ReceivedFds<'_>,
    ) -> Option<anysock::Result<backend_posix::Listener>> {
        fds.next().map(|fd| fd.into_listener())
    }
}

/// One host of a fresh mock network (single-threaded or shared), with names of its own for
/// Unix sockets.
struct MockHarness<'n, K: Sharing> {
    host: Host<'n, 32, 4096, 8, (), K>,
    names: u32,
}

impl<'n, K: Sharing> Harness for MockHarness<'n, K> {
    type Stack = Host<'n, 32, 4096, 8, (), K>;

    fn stack(&self) -> &Self::Stack {
        &self.host
    }

    fn ipv4(&self) -> SocketAddr {
        "127.0.0.1:0".parse().unwrap()
    }

    fn ipv6(&self) -> Option<SocketAddr> {
        Some("[::1]:0".parse().unwrap())
    }

    fn foreign_ipv4(&self) -> SocketAddr {
        "192.0.2.1:0".parse().unwrap()
    }

    fn quirk(&self, quirk: Quirk) -> bool {
        anysock::mock::QUIRKS.contains(&quirk)
    }
}

impl<K: Sharing> UnixHarness for MockHarness<'_, K> {
    fn unix_path(&mut self) -> UnixAddr {
        self.names += 1;
        UnixAddr::pathname(&format!("/run/conf{}", self.names)).unwrap()
    }

    fn unix_abstract(&mut self) -> Option<UnixAddr> {
        self.names += 1;
        Some(UnixAddr::abstract_name(&format!("conf{}", self.names)).unwrap())
    }
}

impl<'n, K: Sharing> AncillaryHarness for MockHarness<'n, K> {
    fn passed_stream(
        fds: &mut ReceivedSockets<'_, 'n, 32, 4096, 8, (), K>,
    ) -> Option<anysock::Result<backend_mock::Stream<'n, 32, 4096, 8, (), K>>> {
        fds.next().map(|s| s.into_stream())
    }

    fn passed_listener(
        fds: &mut ReceivedSockets<'_, 'n, 32, 4096, 8, (), K>,
    ) -> Option<anysock::Result<backend_mock::Listener<'n, 32, 4096, 8, (), K>>> {
        fds.next().map(|s| s.into_listener())
    }
}

/// The outcome of the case `name` on `harness`.
fn outcome<H: FullHarness>(name: &str, harness: &mut H) -> conformance::Outcome {
    let case = conformance::case::<H>(name).unwrap_or_else(|| panic!("no case {name}"));
    (case.run)(harness)
}

fn on_posix(name: &str) -> conformance::Outcome {
    outcome(name, &mut PosixHarness::new())
}

/// A fresh network for each case, so one case's leftovers (files, ports) never decide
/// another's.
fn on_mock(name: &str) -> conformance::Outcome {
    let net: Box<Net> = Box::default();
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    outcome(name, &mut MockHarness { host, names: 0 })
}

fn on_shared_mock(name: &str) -> conformance::Outcome {
    let net: SharedNet = SharedNet::new();
    // One thread drives every case, so a call that waits for nobody ends at this bound.
    net.set_max_wait(std::time::Duration::from_millis(300));
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    outcome(name, &mut MockHarness { host, names: 0 })
}

/// Runs the case `name` on `backend`: a failure fails the test, a skip says why.
fn run_case(backend: &str, name: &str, on: fn(&str) -> conformance::Outcome) {
    match on(name) {
        Ok(()) => {}
        Err(Stop::Skipped(why)) => println!("{backend}: {name} skipped: {why}"),
        Err(Stop::Failed(f)) => panic!("{backend}: {name} failed: {f}"),
    }
}

fn run_posix(name: &str) {
    let _check = common::fd_check();
    run_case("posix", name, on_posix);
}

/// One test per case and backend, named after the case.
macro_rules! one_test_per_case {
    ($($group:ident<$cap:ident>: [$($file:ident :: $name:ident),* $(,)?]),* $(,)?) => {
        mod posix {
            $($(#[test] fn $name() { super::run_posix(stringify!($name)) })*)*
        }
        mod mock {
            $($(#[test] fn $name() { super::run_case("mock", stringify!($name), super::on_mock) })*)*
        }
        mod shared_mock {
            $($(
                #[test]
                fn $name() {
                    super::run_case("shared mock", stringify!($name), super::on_shared_mock)
                }
            )*)*
        }
    };
}

anysock_core::conformance_cases!(one_test_per_case);

/// Runs every case on `backend`, each on a fresh harness, and prints each outcome, the count
/// of each and every skip with its reason; fails if a case failed or the suite shrank.
fn whole_suite(backend: &str, on: fn(&str) -> conformance::Outcome) {
    common::suite_passes(backend, AT_LEAST, |report| {
        let mut summary = Summary::default();
        for case in conformance::cases::<PosixHarness>() {
            let outcome = on(case.name);
            match outcome {
                Ok(()) => summary.passed += 1,
                Err(Stop::Skipped(_)) => summary.skipped += 1,
                Err(Stop::Failed(_)) => summary.failed += 1,
            }
            report(case.name, &outcome);
        }
        summary
    });
}

#[test]
fn posix_whole_suite() {
    let _check = common::fd_check();
    whole_suite("posix", on_posix);
}

#[test]
fn mock_whole_suite() {
    whole_suite("mock", on_mock);
}

#[test]
fn shared_mock_whole_suite() {
    whole_suite("shared mock", on_shared_mock);
}
