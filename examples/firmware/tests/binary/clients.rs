//! The real firmware binary against clients that are not ours: `curl` fetches `/status` over
//! HTTP/1.1, and Python's `socket` module drives the console, receives the telemetry
//! datagrams on a UDP socket it bound itself, and ends the node with `SHUTDOWN`.
//!
//! Loopback only; the firmware's ports come from port 0 and are read from its output. A test
//! whose tool is missing is skipped with a message, unless `CI` is set.

use crate::{node, system};

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use node::{shared, Launch, PATIENCE};
use system::{have_tool, wait_bounded};

/// Runs curl on `url` with a time limit; returns its exit status and what it printed (the
/// response head and body, as received: `--include`).
fn curl(url: &str) -> (bool, Vec<u8>) {
    let out = Command::new("curl")
        .args(["--silent", "--show-error", "--include", "--max-time", "10"])
        .args(["--http1.1", url])
        .output()
        .expect("run curl");
    (out.status.success(), out.stdout)
}

/// A response split into its status line, headers (name lower-cased) and body; panics with
/// the response when it is not well formed HTTP/1.1.
fn parse_response(raw: &[u8]) -> (String, Vec<(String, String)>, Vec<u8>) {
    let text = String::from_utf8_lossy(raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of head in {text:?}"));
    let head = std::str::from_utf8(&raw[..split]).expect("an ASCII head");
    let body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().to_string();
    let headers = lines
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("a header without a colon: {line:?} in {text:?}"));
            assert!(
                !name.is_empty() && !name.contains(' '),
                "header name {name:?}"
            );
            (name.to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    (status, headers, body)
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn curl_fetches_the_status_page() {
    let _nodes = shared();
    if !have_tool("curl", "curl") {
        return;
    }
    let mut node = Launch::new().start();

    let (ok, raw) = curl(&format!("http://{}/status", node.http));
    assert!(ok, "curl succeeds: {}", String::from_utf8_lossy(&raw));
    let (status, headers, body) = parse_response(&raw);
    assert_eq!(status, "HTTP/1.1 200 OK");
    let length: usize = header(&headers, "content-length")
        .expect("a Content-Length")
        .parse()
        .expect("a number");
    assert_eq!(length, body.len(), "Content-Length matches the body");
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    assert_eq!(header(&headers, "connection"), Some("close"));
    let body = String::from_utf8(body).expect("a UTF-8 body");
    assert!(
        body.starts_with("{\"uptime_ms\":") && body.ends_with("}\n"),
        "{body}"
    );
    assert!(body.contains("\"interval_ms\":1000,"), "{body}");

    // Another path is a well-formed 404, still with a matching length.
    let (ok, raw) = curl(&format!("http://{}/nothing-here", node.http));
    assert!(ok);
    let (status, headers, body) = parse_response(&raw);
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    assert_eq!(
        header(&headers, "content-length"),
        Some(body.len().to_string().as_str())
    );

    // The page counts what it served.
    let mut console = node.client();
    assert_eq!(console.stat("http"), 2);
    assert_eq!(console.ask("SHUTDOWN"), "OK shutting down");
    assert_eq!(node.wait().and_then(|s| s.code()), Some(0));
}

/// The Python side: binds the collector, prints its port, reads the console address from
/// standard input, drives the console, checks the datagrams, and shuts the node down.
const PYTHON_CLIENT: &str = r#"
import re, socket, sys

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
udp.settimeout(10)
print(udp.getsockname()[1], flush=True)
host, port = sys.stdin.readline().strip().rsplit(":", 1)

def session():
    con = socket.create_connection((host, int(port)), timeout=10)
    return con, con.makefile("rb")

con, replies = session()

def ask(command):
    con.sendall(command.encode() + b"\n")
    line = replies.readline()
    assert line.endswith(b"\n"), ("a whole line", command, line)
    return line[:-1].decode()

reply = ask("GET temperature")
assert re.fullmatch(r"OK temperature -?\d+\.\d\d", reply), reply
reply = ask("get HUMIDITY")
assert re.fullmatch(r"OK humidity -?\d+\.\d\d", reply, re.IGNORECASE), reply
assert ask("SET interval 50") == "OK interval 50"
assert ask("SET interval 5") == "ERR bad interval"
stats = ask("STATS")
assert stats.startswith("OK "), stats
fields = dict(kv.split("=") for kv in stats.split()[1:])
assert fields["interval_ms"] == "50" and fields["clients"] == "1", stats

# Telemetry every 50 ms from now: three datagrams in a row, numbered one after another.
pattern = rb"telemetry seq=(\d+) uptime_ms=(\d+) temperature=-?\d+\.\d\d humidity=-?\d+\.\d\d\n"
seen = []
while len(seen) < 3:
    data, sender = udp.recvfrom(512)
    match = re.fullmatch(pattern, data)
    assert match, data
    seen.append((int(match.group(1)), int(match.group(2))))
seqs = [s for s, _ in seen]
assert seqs == list(range(seqs[0], seqs[0] + 3)), seqs
uptimes = [u for _, u in seen]
assert uptimes == sorted(uptimes), uptimes

assert ask("QUIT") == "OK bye"
assert replies.read() == b"", "the node closes after QUIT"
con.close()

con, replies = session()
con.sendall(b"SHUTDOWN\n")
assert replies.readline() == b"OK shutting down\n"
print("ok", flush=True)
"#;

#[test]
fn python_drives_the_console_and_collects_telemetry() {
    let _nodes = shared();
    if !have_tool("python3", "python3") {
        return;
    }
    let mut python = Command::new("python3")
        .args(["-c", PYTHON_CLIENT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start python3");
    // Its output is read on a thread of its own, so each line can be waited for with a limit.
    let (tx, rx) = mpsc::channel();
    let stdout = python.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let port = rx.recv_timeout(PATIENCE).expect("python prints its port");

    let mut launch = Launch::new();
    launch.telemetry = format!("127.0.0.1:{port}");
    let mut node = launch.start();
    let mut stdin = python.stdin.take().unwrap();
    writeln!(stdin, "{}", node.console).unwrap();

    let done = rx.recv_timeout(Duration::from_secs(20));
    let status = wait_bounded(&mut python, PATIENCE);
    assert_eq!(done.as_deref(), Ok("ok"), "the Python client passes");
    assert!(status.is_some_and(|s| s.success()), "python exits 0");
    let exit = node.wait().expect("the node exits after SHUTDOWN");
    assert_eq!(exit.code(), Some(0));
}
