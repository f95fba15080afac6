//! A network namespace of a test's own, for what needs a network no other program shares
//! (multicast on `lo`, two hosts joined by a cable): made with `ip netns add`, and deleted when
//! the guard is dropped, also when the test fails. Inside it the test runs its own binary
//! again (or another program), so the part that sends and receives never sees the host's
//! interfaces.
#![allow(dead_code)]

use std::env;
use std::ffi::OsStr;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use super::system::{have_tool, rerun_args, wait_bounded};

/// How long the part run inside the namespace may take before it is killed.
const INNER_LIMIT: Duration = Duration::from_secs(60);

/// A namespace that lives as long as this guard.
pub struct NetNs {
    name: String,
}

impl NetNs {
    /// `ip netns add anysock-<tag>-<pid>`, with `lo` up. `None`, after printing why, where a
    /// namespace cannot be made (not root, no `ip`); where the environment says `CI`, that is a
    /// failure instead: there the test must really run.
    pub fn create(tag: &str) -> Option<NetNs> {
        // SAFETY: `geteuid` reads the process's credentials and cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            let why = "creating a network namespace needs root";
            assert!(env::var_os("CI").is_none(), "CI must run this test: {why}");
            println!("skipped: {why}");
            return None;
        }
        if !have_tool("ip", "iproute2") {
            return None;
        }
        let name = format!("anysock-{tag}-{}", std::process::id());
        run(Command::new("ip").args(["netns", "add", &name]));
        // The guard exists from here on, so a failure below still deletes the namespace.
        let ns = NetNs { name };
        ns.ip(&["link", "set", "lo", "up"]);
        Some(ns)
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `ip -n NAME args...`, which must succeed.
    pub fn ip(&self, args: &[&str]) {
        run(Command::new("ip").args(["-n", &self.name]).args(args));
    }

    /// Makes `lo` carry multicast: it has no multicast flag and no route to the groups
    /// (239.0.0.0/8) until it is given them. (Choosing the interface with `IP_MULTICAST_IF`
    /// would do without the route; a test should not lean on that fallback.)
    pub fn multicast_on_lo(&self) {
        self.ip(&["link", "set", "lo", "multicast", "on"]);
        self.ip(&["route", "add", "239.0.0.0/8", "dev", "lo"]);
    }

    /// Joins this namespace and `other` with a veth pair, a cable between two hosts: one end
    /// in each, both named `veth0`, given the addresses `mine` and `theirs` (`10.99.0.1/24`)
    /// and brought up. Created inside the namespaces, the pair never appears in the host's; it
    /// goes when either namespace is deleted.
    pub fn link(&self, other: &NetNs, mine: &str, theirs: &str) {
        run(Command::new("ip")
            .args(["link", "add", "veth0", "netns", &self.name, "type", "veth"])
            .args(["peer", "name", "veth0", "netns", &other.name]));
        for (ns, addr) in [(self, mine), (other, theirs)] {
            ns.ip(&["addr", "add", addr, "dev", "veth0"]);
            ns.ip(&["link", "set", "veth0", "up"]);
        }
    }

    /// `ip netns exec NAME program`: a command that runs `program` inside the namespace.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name]).arg(program);
        command
    }

    /// Runs the test `test` (its whole path, as libtest names it) of this very binary inside
    /// the namespace, with `var` set in its environment so it knows it is the inner part, and
    /// returns what it printed. Killed after [`INNER_LIMIT`].
    pub fn run_test(&self, test: &str, var: &str) -> Output {
        let exe = env::current_exe().expect("the test binary's path");
        let mut child = self
            .command(exe)
            .args(rerun_args(test))
            .env(var, &self.name)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn ip netns exec");
        wait_bounded(&mut child, INNER_LIMIT);
        child.wait_with_output().expect("the inner test's output")
    }

    /// [`NetNs::run_test`], then asserts that the test inside succeeded and printed `mark`
    /// (so it ran, rather than passing as the no-op it is elsewhere), and prints its output.
    pub fn expect_test(&self, test: &str, var: &str, mark: &str) {
        let out = self.run_test(test, var);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "inside {}:\n{stdout}\n{stderr}",
            self.name
        );
        assert!(
            stdout.contains(mark),
            "the test inside did not run:\n{stdout}"
        );
        print!("{stdout}");
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        let deleted = Command::new("ip")
            .args(["netns", "delete", &self.name])
            .status();
        if !matches!(deleted, Ok(s) if s.success()) {
            eprintln!("could not delete network namespace {}", self.name);
        }
    }
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run ip");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
