//! The conformance suite of `anysock_core::conformance`, on every backend: the kernel (here, on
//! loopback) is the reference each simulated behaviour is pinned to.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use anysock::posix::Posix;
use anysock::{SocketAddr, UnixAddr};
use anysock_core::conformance::{self, Harness};

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
