//! The conformance suite of `anysock_core::conformance`, on every backend: the kernel (here, on
//! loopback) is the reference each simulated behaviour is pinned to, and the mock network must
//! pass the same cases (or declare the documented `Quirk` a case allows).

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use anysock::mock::cmsg::ReceivedSockets;
use anysock::mock::{self, Host, Net, SharedNet, Sharing};
use anysock::posix::cmsg::ReceivedFds;
use anysock::posix::{self, Posix};
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

    fn passed_stream(fds: &mut ReceivedFds<'_>) -> Option<anysock::Result<posix::Stream>> {
        fds.next().map(|fd| fd.into_stream())
    }

    fn passed_listener(fds: &mut ReceivedFds<'_>) -> Option<anysock::Result<posix::Listener>> {
        fds.next().map(|fd| fd.into_listener())
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

    fn passed_stream(
        fds: &mut ReceivedSockets<'_, 'n, 32, 4096, 8, (), K>,
    ) -> Option<anysock::Result<mock::Stream<'n, 32, 4096, 8, (), K>>> {
        fds.next().map(|s| s.into_stream())
    }

    fn passed_listener(
        fds: &mut ReceivedSockets<'_, 'n, 32, 4096, 8, (), K>,
    ) -> Option<anysock::Result<mock::Listener<'n, 32, 4096, 8, (), K>>> {
        fds.next().map(|s| s.into_listener())
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

    fn quirk(&self, quirk: Quirk) -> bool {
        matches!(quirk, Quirk::SequentialPorts)
    }
}

/// Runs every case on a mock network of its own, made by `fresh`, so one case's leftovers
/// (files, ports) never decide another's.
fn run_mock_suite<K: Sharing>(backend: &str, fresh: impl Fn() -> Net<32, 4096, 8, (), K>) {
    let mut failures = Vec::new();
    let mut index = 0;
    loop {
        let net = fresh();
        let host = net
            .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
            .unwrap();
        let mut harness = MockHarness { host, names: 0 };
        let Some(case) = conformance::cases::<MockHarness<'_, K>>().nth(index) else {
            break;
        };
        match (case.run)(&mut harness) {
            Ok(()) => println!("{backend}: {} ... ok", case.name),
            Err(f) => {
                println!("{backend}: {} ... FAILED: {f}", case.name);
                failures.push(format!("{}: {f}", case.name));
            }
        }
        index += 1;
    }
    println!("{backend}: {index} cases, {} failed", failures.len());
    assert!(index >= 60, "the suite shrank to {index} cases");
    assert!(
        failures.is_empty(),
        "{backend} failed:\n{}",
        failures.join("\n")
    );
}

/// Runs every case, printing each outcome; fails naming every case that failed.
fn run_suite<H: Harness>(backend: &str, harness: &mut H) {
    common::suite_passes(backend, 0, |report| conformance::run(harness, report));
}

#[test]
fn posix_passes_the_suite() {
    let _check = common::fd_check();
    run_suite("posix", &mut PosixHarness::new());
}

#[test]
fn mock_passes_the_suite() {
    run_mock_suite("mock", || -> Net { Net::new() });
}

#[test]
fn shared_mock_passes_the_suite() {
    run_mock_suite("shared mock", || {
        let net: SharedNet = SharedNet::new();
        // One thread drives every case, so a call that waits for nobody ends at this bound.
        net.set_max_wait(std::time::Duration::from_millis(300));
        net
    });
}
