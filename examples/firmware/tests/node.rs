//! What the tests of the real firmware binary share: building it (with the default client
//! table or a larger one), starting it on loopback ports chosen by the kernel, a console
//! client with timeouts, its control socket, and the lock that keeps timed tests apart.
//!
//! Every wait here is bounded, and a started firmware is killed when its [`Node`] is dropped,
//! so a failing test never leaves a process behind or hangs the run.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread;
use std::time::{Duration, Instant};

use super::system::{wait_bounded, TempDir};

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

/// The tests of the real firmware share one process. Those that time replies or load the
/// machine take this lock alone ([`serial`]), so a neighbour's burst never shows in their
/// figures; the others share it ([`shared`]) and run beside one another, never beside those.
static NODES: RwLock<()> = RwLock::new(());

/// Held for the whole life of a test that times replies or loads the machine: no other test
/// of the real firmware runs meanwhile.
pub fn serial() -> RwLockWriteGuard<'static, ()> {
    NODES.write().unwrap_or_else(PoisonError::into_inner)
}

/// Held for the whole life of any other test that starts the firmware: it runs beside others
/// of its kind, never beside a [`serial`] one.
pub fn shared() -> RwLockReadGuard<'static, ()> {
    NODES.read().unwrap_or_else(PoisonError::into_inner)
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
                let dir = TempDir::new();
                let control = dir.path().join("node.sock");
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
            _dir: dir,
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

/// The lines the firmware prints before `ready` (its addresses), within [`PATIENCE`]; `None`
/// if it is not ready by then. The reading happens on a thread of its own, as a pipe read
/// cannot time out.
pub fn ready_lines(stdout: ChildStdout) -> Option<Vec<String>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line == "ready" {
                let _ = tx.send(lines);
                return;
            }
            lines.push(line);
        }
    });
    rx.recv_timeout(PATIENCE).ok()
}

/// The console's and the HTTP server's addresses, from `console ADDR` and `http ADDR` before
/// `ready` ([`ready_lines`]).
fn read_addresses(stdout: ChildStdout) -> Option<(String, String)> {
    let lines = ready_lines(stdout)?;
    let addr = |what: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(what)?.strip_prefix(' '))
            .map(str::to_string)
    };
    Some((addr("console")?, addr("http")?))
}

/// Sends `command` to the control socket at `control` from a socket of its own; the reply, or
/// `None` when nobody answers within [`PATIENCE`].
pub fn ask_control(control: &Path, command: &str) -> Option<String> {
    let dir = TempDir::new();
    let me = UnixDatagram::bind(dir.path().join("me.sock")).unwrap();
    me.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut buf = [0u8; 256];
    me.send_to(command.as_bytes(), control)
        .and_then(|_| me.recv(&mut buf))
        .ok()
        .map(|n| String::from_utf8_lossy(&buf[..n]).into_owned())
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
    /// The directory made for the control socket, held to be removed with the node.
    _dir: Option<TempDir>,
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
        stat(&self.ask("STATS"), name)
    }
}

/// The number after `name=` in a `STATS` reply.
pub fn stat(stats: &str, name: &str) -> u64 {
    stats
        .split(' ')
        .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {stats:?}"))
}

/// A UDP socket on loopback for the telemetry datagrams, with a read timeout.
pub fn collector() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a collector");
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket
}

/// Asks `client` `SET interval ...` `rounds` times, `pause` apart, and returns the sorted round
/// trips; every reply is checked.
pub fn round_trips(client: &mut Client, rounds: usize, pause: Duration) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|i| {
            if !pause.is_zero() {
                thread::sleep(pause);
            }
            let ms = 1000 + i;
            let began = Instant::now();
            assert_eq!(
                client.ask(&format!("SET interval {ms}")),
                format!("OK interval {ms}")
            );
            began.elapsed()
        })
        .collect();
    times.sort();
    times
}

/// The `q` quantile (0.0..=1.0) of sorted durations.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
