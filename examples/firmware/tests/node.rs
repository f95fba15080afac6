//! What the tests of the real firmware binary share: building it (with the default client
//! table or a larger one), starting it on loopback ports chosen by the kernel, a console
//! client with timeouts, bounded waits, and the checks for outside tools and descriptor limits.
//!
//! Every wait here is bounded, and a started firmware is killed when its [`Node`] is dropped,
//! so a failing test never leaves a process behind or hangs the run.
#![allow(dead_code, reason = "each test binary uses a different part")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// How long any one step may take before the test calls it a hang.
pub const PATIENCE: Duration = Duration::from_secs(10);
/// How long a build may take (a cold optimised build of the firmware and its crates).
const BUILD_PATIENCE: Duration = Duration::from_secs(600);

/// The firmware with its default client table, built once per test binary.
pub fn firmware() -> PathBuf {
    build(None)
}

/// The firmware built with `clients` console slots (`FIRMWARE_CLIENTS`).
pub fn firmware_with_clients(clients: usize) -> PathBuf {
    build(Some(clients))
}

/// Builds the firmware with the one command that builds it, into a target directory of its
/// own per table size: the tests never wait on the lock of the build running them, and a
/// different `FIRMWARE_CLIENTS` never forces a rebuild of another size.
fn build(clients: Option<usize>) -> PathBuf {
    static BUILT: Mutex<Option<HashMap<Option<usize>, PathBuf>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    let built = built.get_or_insert_with(HashMap::new);
    if let Some(path) = built.get(&clients) {
        return path.clone();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = match clients {
        None => root.join("target/firmware-e2e"),
        Some(n) => root.join(format!("target/firmware-e2e-{n}")),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--profile", "firmware", "--example", "firmware"])
        .args(["--no-default-features", "--features", "posix"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("FIRMWARE_CLIENTS")
        .stdout(Stdio::null());
    if let Some(n) = clients {
        command.env("FIRMWARE_CLIENTS", n.to_string());
    }
    let mut child = command.spawn().expect("run cargo");
    let status = wait_bounded(&mut child, BUILD_PATIENCE).expect("the build finishes");
    assert!(status.success(), "the firmware builds");
    let path = target.join("firmware/examples/firmware");
    built.insert(clients, path.clone());
    path
}

/// Waits for `child`, killing it if it runs longer than `limit`.
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

/// Whether the outside tool `name` can be run. Missing outside CI, the test is skipped with a
/// message; missing in CI (`CI` set), that is a failure, naming the package to install.
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

/// Serialises the tests of one binary that measure latency or count descriptors, so a
/// neighbour's burst does not show up in their figures.
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Raises this process's soft `RLIMIT_NOFILE` to at least `want` (up to the hard limit);
/// children inherit it. Returns the soft limit now in force.
pub fn raise_nofile(want: u64) -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a writable `rlimit`; getrlimit/setrlimit touch only it and this
    // process's limits, which is what a load test with a thousand sockets needs.
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

/// How to start a firmware process.
pub struct Launch {
    /// The binary.
    pub binary: PathBuf,
    /// Where telemetry goes (`--telemetry`).
    pub telemetry: String,
    /// `--interval-ms`.
    pub interval_ms: u64,
    /// A command the firmware is started under (e.g. `prlimit --nofile=10`), or none.
    pub wrapper: Vec<String>,
    /// `--idle-ms`, or the firmware's default.
    pub idle_ms: Option<u64>,
    /// The control socket's path; by default one in a directory of its own, removed with
    /// the [`Node`].
    pub control: Option<PathBuf>,
}

impl Launch {
    /// The default firmware, telemetry to a port nobody listens on, one datagram a second.
    pub fn new() -> Launch {
        Launch::of(firmware())
    }

    /// `binary`, telemetry to a port nobody listens on, one datagram a second.
    pub fn of(binary: PathBuf) -> Launch {
        Launch {
            binary,
            // The discard port: the datagrams go nowhere and bother nobody.
            telemetry: "127.0.0.1:9".into(),
            interval_ms: 1000,
            wrapper: Vec::new(),
            idle_ms: None,
            control: None,
        }
    }

    /// Starts the firmware and waits for its `ready` line.
    pub fn start(self) -> Node {
        match self.try_start() {
            Ok(node) => node,
            Err(mut node) => panic!("the firmware is not ready: {:?}", node.stderr()),
        }
    }

    /// Starts the firmware; `Err` with the process when it does not say it is ready (it
    /// exited, say, as the caller may want to see).
    pub fn try_start(self) -> Result<Node, Box<Node>> {
        let (dir, control) = match &self.control {
            Some(path) => (None, path.clone()),
            None => {
                let dir = temp_dir();
                let control = dir.join("node.sock");
                (Some(dir), control)
            }
        };
        let mut command = match self.wrapper.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(&self.binary);
                c
            }
            None => Command::new(&self.binary),
        };
        let mut child = command
            .args(["--console", "127.0.0.1:0", "--http", "127.0.0.1:0"])
            .args(["--telemetry", &self.telemetry])
            .arg("--control")
            .arg(format!("unix:{}", control.display()))
            .args(["--interval-ms", &self.interval_ms.to_string()])
            .args(
                self.idle_ms
                    .iter()
                    .flat_map(|ms| ["--idle-ms".into(), ms.to_string()]),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the firmware");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut node = Node {
            child,
            console: String::new(),
            http: String::new(),
            control,
            dir,
        };
        match read_addresses(stdout) {
            Some((console, http)) => {
                (node.console, node.http) = (console, http);
                Ok(node)
            }
            None => Err(Box::new(node)),
        }
    }
}

/// A new, empty directory of this test process's own under the system's temporary directory.
pub fn temp_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "anysock-fw-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// Reads `console ADDR`, `http ADDR` and `ready` from the firmware's output, within
/// [`PATIENCE`]. The reading happens on a thread of its own, as a pipe read cannot time out.
fn read_addresses(stdout: ChildStdout) -> Option<(String, String)> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut addrs = HashMap::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line == "ready" {
                let _ = tx.send((addrs.remove("console"), addrs.remove("http")));
                break;
            }
            if let Some((what, addr)) = line.split_once(' ') {
                addrs.insert(what.to_string(), addr.to_string());
            }
        }
    });
    let (console, http) = rx.recv_timeout(PATIENCE).ok()?;
    Some((console?, http?))
}

/// A running firmware process; killed when dropped, unless it has exited.
pub struct Node {
    child: Child,
    /// The console's address, as the firmware printed it.
    pub console: String,
    /// The HTTP server's address.
    pub http: String,
    /// The control socket's path.
    pub control: PathBuf,
    /// The directory made for the control socket, removed on drop.
    dir: Option<PathBuf>,
}

impl Node {
    /// The process id, for signals and limits.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A new console client.
    pub fn client(&self) -> Client {
        Client::connect(&self.console)
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits (at most [`PATIENCE`]) for the process to exit; `None` if it did not.
    pub fn wait(&mut self) -> Option<ExitStatus> {
        wait_bounded(&mut self.child, PATIENCE)
    }

    /// Sends `signal` (`libc::SIGTERM`, ...) to the process, if it has not exited.
    pub fn signal(&mut self, signal: libc::c_int) {
        if !self.is_running() {
            return;
        }
        let pid = libc::pid_t::try_from(self.pid()).expect("a pid");
        // SAFETY: kill(2) only sends a signal. The child is not reaped (it was running just
        // now, and only this `Node` reaps it), so its pid names it and no other process.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill");
    }

    /// What the process wrote on its standard error; it is killed first if still running.
    pub fn stderr(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut text = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut err, &mut text);
        }
        text
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A blocking console client whose every read and write times out after [`PATIENCE`].
pub struct Client {
    /// The connection, for writing.
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    /// Connects to the console at `addr`.
    pub fn connect(addr: &str) -> Client {
        let stream = TcpStream::connect(addr).expect("connect to the console");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        stream.set_nodelay(true).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Client { stream, reader }
    }

    /// Sends `command` and a newline; returns the reply line without its newline.
    pub fn ask(&mut self, command: &str) -> String {
        self.stream
            .write_all(format!("{command}\n").as_bytes())
            .expect("send a command");
        self.line().expect("a reply line")
    }

    /// The next line, without its newline; `None` at the end of the stream or on an error.
    pub fn line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(n) if n > 0 && line.ends_with('\n') => {
                line.pop();
                Some(line)
            }
            _ => None,
        }
    }

    /// The number after `name=` in a `STATS` reply.
    pub fn stat(&mut self, name: &str) -> u64 {
        let stats = self.ask("STATS");
        stats
            .split(' ')
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {stats:?}"))
    }
}

/// A UDP socket on loopback for the telemetry datagrams, with a read timeout.
pub fn collector() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a collector");
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket
}

/// The `q` quantile (0.0..=1.0) of sorted durations.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
