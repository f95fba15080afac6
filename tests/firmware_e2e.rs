//! The real firmware binary, built without std, driven over loopback: a console session, an
//! HTTP `GET /status`, a telemetry datagram, a command on the control socket, a bad command
//! line (exit 2), and `SHUTDOWN` (exit 0, control socket file removed).
//!
//! The test builds the binary itself, with the one command that builds it
//! (`cargo build --profile firmware --example firmware --no-default-features`), into a target
//! directory of its own, so it never waits on the lock of the build running the tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long any one step may take before the test calls it a hang.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long the build may take (a cold optimised build of the firmware and its crates).
const BUILD_PATIENCE: Duration = Duration::from_secs(600);

/// Builds the firmware once per test binary; returns its path.
fn firmware() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let target = root.join("target").join("firmware-e2e");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo)
            .args([
                "build",
                "--profile",
                "firmware",
                "--example",
                "firmware",
                "--no-default-features",
            ])
            .current_dir(root)
            .env("CARGO_TARGET_DIR", &target)
            .stdout(Stdio::null())
            .spawn()
            .expect("run cargo");
        let status = wait_bounded(&mut build, BUILD_PATIENCE).expect("the build finishes");
        assert!(status.success(), "the firmware builds");
        target.join("firmware/examples/firmware")
    })
}

/// Waits for `child`, killing it if it runs longer than `limit`.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// The firmware process, killed if the test ends without its `SHUTDOWN`.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_bad_command_line_is_one_line_and_exit_2() {
    let out = Command::new(firmware())
        .args(["--console", "1.2.3"])
        .output()
        .expect("run firmware");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("firmware: bad address for --console"),
        "{err}"
    );
}

#[test]
fn it_links_no_std() {
    let Ok(out) = Command::new("nm").arg(firmware()).output() else {
        eprintln!("skipped: nm is not installed");
        return;
    };
    let symbols = String::from_utf8_lossy(&out.stdout);
    assert!(!symbols.contains("_ZN3std"), "no std:: symbol");
    assert!(!symbols.contains("__rust_alloc"), "no allocator");
    let size = std::fs::metadata(firmware()).unwrap().len();
    println!("firmware binary (not stripped): {size} bytes");
}

#[test]
fn a_session_over_loopback() {
    let dir = std::env::temp_dir().join(format!("anysock-fw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let control = dir.join("node.sock");
    let collector = UdpSocket::bind("127.0.0.1:0").unwrap();
    collector.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut child = Command::new(firmware())
        .args([
            "--console",
            "127.0.0.1:0",
            "--http",
            "127.0.0.1:0",
            "--telemetry",
        ])
        .arg(collector.local_addr().unwrap().to_string())
        .arg("--control")
        .arg(format!("unix:{}", control.display()))
        .args(["--interval-ms", "100"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start firmware");
    let stdout = child.stdout.take().unwrap();
    let mut node = Running(child);
    // "console ADDR", "http ADDR", "ready".
    let mut addrs = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if line == "ready" {
            break;
        }
        addrs.push(line.split_once(' ').unwrap().1.to_string());
    }
    let (console, http) = (&addrs[0], &addrs[1]);

    // Console.
    let mut c = TcpStream::connect(console).unwrap();
    c.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut lines = BufReader::new(c.try_clone().unwrap()).lines();
    c.write_all(b"GET temperature\nSTATS\n").unwrap();
    assert!(lines
        .next()
        .unwrap()
        .unwrap()
        .starts_with("OK temperature "));
    let stats = lines.next().unwrap().unwrap();
    assert!(stats.contains(" interval_ms=100 clients=1 "), "{stats}");

    // HTTP.
    let mut h = TcpStream::connect(http).unwrap();
    h.set_read_timeout(Some(PATIENCE)).unwrap();
    h.write_all(b"GET /status HTTP/1.1\r\nHost: node\r\n\r\n")
        .unwrap();
    let mut page = String::new();
    h.read_to_string(&mut page).unwrap();
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    assert!(page.contains("\"interval_ms\":100"), "{page}");

    // Telemetry.
    let mut buf = [0u8; 256];
    let n = collector.recv(&mut buf).expect("a telemetry datagram");
    assert!(buf[..n].starts_with(b"telemetry seq="), "{:?}", &buf[..n]);

    // Control socket, then SHUTDOWN from it.
    let me = UnixDatagram::bind(dir.join("client.sock")).unwrap();
    me.set_read_timeout(Some(PATIENCE)).unwrap();
    me.send_to(b"GET humidity", &control).unwrap();
    let n = me.recv(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"OK humidity "));
    me.send_to(b"SHUTDOWN", &control).unwrap();
    let n = me.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"OK shutting down\n");
    let status = wait_bounded(&mut node.0, PATIENCE).expect("it exits");
    assert_eq!(status.code(), Some(0));
    assert!(!control.exists(), "the control socket file is removed");
    // The console client sees its connection end.
    assert!(matches!(lines.next(), None | Some(Err(_))));
    drop(me);
    let _ = std::fs::remove_dir_all(&dir);
}
