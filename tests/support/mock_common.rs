//! What the tests of the mock network share: addresses, hosts, an in-memory file for pcap
//! captures, and tshark to read a capture back.
//!
//! Each test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use anysock::mock::trace::{Event, Tracer};
use anysock::mock::{Host, Net, Sharing};
use anysock::SocketAddr;

pub fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// The host at 10.0.0.`n` and fd00::`n`.
pub fn nth_host<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing>(
    net: &Net<S, B, Q, T, K>,
    n: u8,
) -> Host<'_, S, B, Q, T, K> {
    let v6 = format!("fd00::{n}").parse().unwrap();
    net.host([10, 0, 0, n].into(), v6).unwrap()
}

/// A host at 10.0.0.1 and fd00::1.
pub fn host<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing>(
    net: &Net<S, B, Q, T, K>,
) -> Host<'_, S, B, Q, T, K> {
    nth_host(net, 1)
}

/// Two hosts: 10.0.0.1 and fd00::1, then 10.0.0.2 and fd00::2.
pub fn two_hosts<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing>(
    net: &Net<S, B, Q, T, K>,
) -> (Host<'_, S, B, Q, T, K>, Host<'_, S, B, Q, T, K>) {
    (nth_host(net, 1), nth_host(net, 2))
}

/// A tracer that writes the whole trace to one string, one event per line, for comparing
/// runs.
#[derive(Debug, Default)]
pub struct Text(pub String);

impl Tracer for Text {
    fn record(&mut self, event: &Event<'_>) {
        let _ = writeln!(self.0, "{event}");
    }
}

/// A capture file in the temporary directory, removed when the test passes and kept for a
/// look when it fails.
pub struct Saved(PathBuf);

impl Saved {
    /// Writes `bytes` to `test.pcap` in a directory of this process named after `prefix`.
    pub fn new(prefix: &str, test: &str, bytes: &[u8]) -> Saved {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{test}.pcap"));
        std::fs::write(&path, bytes).unwrap();
        Saved(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Saved {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("the capture is kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_file(&self.0);
            // Succeeds once the last test's file is gone.
            let _ = self.0.parent().map(std::fs::remove_dir);
        }
    }
}

pub fn tshark(args: &[&str]) -> String {
    let out = Command::new("tshark").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tshark {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// The summary lines of the packets in which tshark finds a bad checksum, a TCP analysis flag,
/// a malformed packet or a warning, except the one it gives every reset ("Connection reset").
pub fn flagged(file: &Saved) -> String {
    let filter = "tcp.analysis.flags || ip.checksum.status == \"Bad\" \
                  || tcp.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\" \
                  || _ws.malformed || (_ws.expert.severity >= warning \
                      && !(_ws.expert.message == \"Connection reset (RST)\"))";
    tshark(&[
        "-r",
        file.path(),
        "-Y",
        filter,
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
    ])
}

/// A tracer that folds every event, as printed, into one FNV-1a hash: two runs with the same
/// hash made the same events in the same order, at the same virtual times.
#[derive(Debug)]
pub struct TraceHash(pub u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }
}

impl Tracer for TraceHash {
    fn record(&mut self, event: &Event<'_>) {
        for b in event.to_string().bytes().chain([b'\n']) {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
