//! The conformance suite of `anysock_core::conformance`, on every backend: the kernel (here, on
//! loopback) is the reference each simulated behaviour is pinned to, and the mock network must
//! pass the same cases (or declare the documented `Quirk` a case allows).

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use anysock::mock::{Host, Net};
use anysock::posix::Posix;
use anysock::{SocketAddr, UnixAddr};
use anysock_core::conformance::{self, Harness, Quirk};

/// The POSIX backend on loopback, with Unix paths in a directory of its own.
struct PosixHarness {
    dir: PathBuf,
    names: u32,
}

static RUN: AtomicU32 = AtomicU32::new(0);

impl PosixHarness {
    fn new() -> Self {
        let run = RUN.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("anysock-conf-{}-{run}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the socket directory");
        PosixHarness { dir, names: 0 }
    }
}

impl Drop for PosixHarness {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
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

    fn unix_path(&mut self) -> UnixAddr {
        self.names += 1;
        let path = self.dir.join(format!("s{}", self.names));
        UnixAddr::pathname(path.as_os_str().as_encoded_bytes()).unwrap()
    }

    fn unix_abstract(&mut self) -> Option<UnixAddr> {
        self.names += 1;
        let name = format!("anysock-conf-{}-{}", std::process::id(), self.names);
        Some(UnixAddr::abstract_name(&name).unwrap())
    }
}

/// One host of a fresh network, with names of its own for Unix sockets.
struct MockHarness<'n> {
    host: Host<'n>,
    names: u32,
}

impl<'n> Harness for MockHarness<'n> {
    type Stack = Host<'n>;

    fn stack(&self) -> &Host<'n> {
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

    fn unix_path(&mut self) -> UnixAddr {
        self.names += 1;
        UnixAddr::pathname(&format!("/run/conf{}", self.names)).unwrap()
    }

    fn unix_abstract(&mut self) -> Option<UnixAddr> {
        self.names += 1;
        Some(UnixAddr::abstract_name(&format!("conf{}", self.names)).unwrap())
    }

    fn patience(&self) -> std::time::Duration {
        std::time::Duration::from_secs(2)
    }

    fn quirk(&self, quirk: Quirk) -> bool {
        matches!(quirk, Quirk::SequentialPorts)
    }
}

/// Runs case number `index` on a network of its own, so one case's leftovers (files, ports)
/// never decide another's; `None` past the last case.
fn run_case(index: usize) -> Option<(&'static str, conformance::Outcome)> {
    let net: Net = Net::new();
    let host = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    let mut harness = MockHarness { host, names: 0 };
    let case = conformance::cases::<MockHarness<'_>>().nth(index)?;
    Some((case.name, (case.run)(&mut harness)))
}

/// Runs every case, printing each outcome; fails naming every case that failed.
fn run_suite<H: Harness>(backend: &str, harness: &mut H) {
    let mut failures = Vec::new();
    let summary = conformance::run(harness, |name, outcome| match outcome {
        Ok(()) => println!("{backend}: {name} ... ok"),
        Err(f) => {
            println!("{backend}: {name} ... FAILED: {f}");
            failures.push(format!("{name}: {f}"));
        }
    });
    println!(
        "{backend}: {} passed, {} failed",
        summary.passed, summary.failed
    );
    assert!(
        failures.is_empty(),
        "{backend} failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn posix_passes_the_suite() {
    let _check = common::fd_check();
    run_suite("posix", &mut PosixHarness::new());
}

#[test]
fn mock_passes_the_suite() {
    let mut failures = Vec::new();
    let mut index = 0;
    while let Some((name, outcome)) = run_case(index) {
        match outcome {
            Ok(()) => println!("mock: {name} ... ok"),
            Err(f) => {
                println!("mock: {name} ... FAILED: {f}");
                failures.push(format!("{name}: {f}"));
            }
        }
        index += 1;
    }
    println!("mock: {} cases, {} failed", index, failures.len());
    assert!(failures.is_empty(), "mock failed:\n{}", failures.join("\n"));
}
