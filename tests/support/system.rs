//! What tests use of the system beyond sockets: the check that an outside tool is there,
//! bounded waits for a child, a server program killed when dropped (`Daemon`), one of this
//! binary's own tests run again in a child process, a free loopback port, the descriptor limit,
//! and temporary directories.
//!
//! The standard library and libc only, so every test binary can include it whatever its
//! features (anysock-resp's tests and the Redis benchmark do too). Each compiles it on its own
//! and uses only part of it.
#![allow(dead_code)]

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server program may take to start serving.
const STARTUP: Duration = Duration::from_secs(10);

/// Whether the outside tool `name` can be run. Missing outside CI, the test is skipped with a
/// message; missing in CI (`CI` set, where `.ci/run` installs it), that is a failure, naming
/// the Debian package to install.
pub fn have_tool(name: &str, package: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI (Debian package {package})"
        );
        eprintln!("skipped: {name} is not installed (Debian package {package})");
    }
    found
}

/// Waits for `child`, killing it if it runs longer than `limit`; `None` then.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// A loopback TCP port nobody listens on right now (the system's pick for port 0, given up at
/// once), for a server program that must be told its port.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    l.local_addr().expect("local address").port()
}

/// Raises this process's soft `RLIMIT_NOFILE` to at least `want` (up to the hard limit);
/// children inherit it. Returns the soft limit now in force, which the caller compares with
/// what it needs. (Raising it is harmless to the tests beside the caller's.)
pub fn raise_nofile(want: u64) -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a writable `rlimit`; getrlimit/setrlimit touch only it and this
    // process's limits, which is what a test with thousands of sockets needs.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 0;
        }
        if limit.rlim_cur < want {
            let raised = libc::rlimit {
                rlim_cur: want.min(limit.rlim_max),
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    limit.rlim_cur
}

/// The name libtest gives the test `test` of the module `module` (pass `module_path!()`): its
/// path below the binary's root, which `--exact` must match.
pub fn test_path(module: &str, test: &str) -> String {
    match module.split_once("::") {
        Some((_, below_root)) => format!("{below_root}::{test}"),
        None => test.to_string(),
    }
}

/// The arguments after this binary's path that run its test `path` (a [`test_path`]) alone, on
/// one thread, with its output not captured.
pub fn rerun_args(path: &str) -> [&str; 4] {
    [path, "--exact", "--nocapture", "--test-threads=1"]
}

/// This test binary, set to run its test `test` of the module `module` (pass `module_path!()`)
/// again, alone: for a story whose other half runs in a process of its own.
pub fn rerun(module: &str, test: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command.args(rerun_args(&test_path(module, test)));
    command
}

/// A server program the test starts (`python3 -m http.server`, `mosquitto`, `redis-server`):
/// killed and reaped when dropped, so a failing test leaves no process behind.
pub struct Daemon {
    child: Child,
    port: u16,
}

impl Daemon {
    /// Starts `program args...` in `dir`, to listen on `127.0.0.1:port`, and waits until it
    /// accepts connections there. Its output goes to the test's.
    pub fn spawn(program: &str, args: &[&str], dir: &Path, port: u16) -> Daemon {
        let mut command = Command::new(program);
        command.args(args).current_dir(dir).stdin(Stdio::null());
        Daemon::start(command, port, accepts).unwrap_or_else(|why| panic!("{program}: {why}"))
    }

    /// Starts `command`, a server that is to listen on `127.0.0.1:port`, and waits until
    /// `serves(port)` says it serves (at most 10 s). `Err`, saying why, when it exits first or
    /// never serves (then it is killed).
    pub fn start(
        mut command: Command,
        port: u16,
        serves: fn(u16) -> bool,
    ) -> Result<Daemon, String> {
        let child = command.spawn().map_err(|e| format!("cannot start: {e}"))?;
        let mut daemon = Daemon { child, port };
        let deadline = Instant::now() + STARTUP;
        while !serves(port) {
            if let Some(status) = daemon.child.try_wait().expect("wait for the server") {
                return Err(format!(
                    "exited with {status} before serving on port {port}"
                ));
            }
            if Instant::now() > deadline {
                return Err(format!("not serving on port {port} after {STARTUP:?}"));
            }
            thread::sleep(Duration::from_millis(10));
        }
        Ok(daemon)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills it (`SIGKILL`: no goodbye to its clients) and reaps it.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether something accepts TCP connections on `127.0.0.1:port`.
pub fn accepts(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// A fresh directory of this process's own (for socket files, a broker's configuration, ...),
/// removed with everything in it when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        // `sun_path` holds 107 bytes: a long `$TMPDIR` would not leave room for the file names.
        let mut base = std::env::temp_dir();
        if base.as_os_str().len() > 48 {
            base = PathBuf::from("/tmp");
        }
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = base.join(format!("anysock-{}-{n}", std::process::id()));
        fs::create_dir(&path).expect("create a temporary directory");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
