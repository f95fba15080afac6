//! Two hosts: the firmware in one network namespace, a client in another, joined by a veth
//! pair, a cable the test lays and takes away. The console session, an HTTP `GET /status` and
//! the telemetry datagrams all cross the cable, then `SHUTDOWN` from the other host ends the
//! firmware with status 0.
//!
//! The addresses, 10.99.0.1/24 (the firmware) and 10.99.0.2/24 (the client), exist only on the
//! two ends of the cable, inside the namespaces: nothing sent can leave them. Creating
//! namespaces needs root; elsewhere the test says why and passes, except under `CI`, where it
//! must run. Both namespaces (and with them the cable) are deleted when the test ends, also
//! when it fails.

use crate::{netns, node, system};

use std::env;
use std::fs;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream, UdpSocket};
use std::process::{Child, Stdio};

use netns::NetNs;
use node::{firmware, ready_lines, shared, Client, PATIENCE};
use system::{wait_bounded, TempDir};

/// The firmware's end of the cable.
const SERVER: Ipv4Addr = Ipv4Addr::new(10, 99, 0, 1);
/// The client's end.
const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 99, 0, 2);
/// The firmware's ports: fixed, as the namespace is the firmware's alone.
const CONSOLE_PORT: u16 = 7000;
const HTTP_PORT: u16 = 8080;
/// Where the client collects telemetry.
const TELEMETRY_PORT: u16 = 9000;

/// Set in the environment of the copy of this binary that runs as the client.
const INSIDE: &str = "ANYSOCK_TWO_HOSTS_CLIENT";

/// The firmware process, killed if the test ends before its `SHUTDOWN` (so its namespace can
/// go).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_console_works_between_two_hosts() {
    let _nodes = shared();
    // Declared before the firmware, so they are dropped after it has been killed.
    let Some(server_ns) = NetNs::create("fw-server") else {
        return;
    };
    let Some(client_ns) = NetNs::create("fw-client") else {
        return;
    };
    server_ns.link(&client_ns, &format!("{SERVER}/24"), &format!("{CLIENT}/24"));
    let binary = firmware();

    let dir = TempDir::new();
    let control = dir.path().join("node.sock");
    let mut child = server_ns
        .command(&binary)
        .args(["--console", &format!("{SERVER}:{CONSOLE_PORT}")])
        .args(["--http", &format!("{SERVER}:{HTTP_PORT}")])
        .args(["--telemetry", &format!("{CLIENT}:{TELEMETRY_PORT}")])
        .arg("--control")
        .arg(format!("unix:{}", control.display()))
        .args(["--interval-ms", "100"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the firmware in its namespace");
    let stdout = child.stdout.take().unwrap();
    let mut node = Running(child);
    let lines = ready_lines(stdout).expect("the firmware says it is ready");
    assert!(
        lines.contains(&format!("console {SERVER}:{CONSOLE_PORT}")),
        "{lines:?}"
    );

    let client = system::test_path(module_path!(), "the_client_host_talks_to_the_firmware");
    client_ns.expect_test(&client, INSIDE, "two hosts: ");

    // The client's last command was `SHUTDOWN`.
    let status = wait_bounded(&mut node.0, PATIENCE).expect("the firmware exits");
    assert_eq!(status.code(), Some(0));
    assert!(!control.exists(), "the control socket file is removed");
}

/// The client's half (a no-op anywhere but in its namespace): console, HTTP and telemetry
/// with the firmware across the cable, then `SHUTDOWN`.
#[test]
fn the_client_host_talks_to_the_firmware() {
    if env::var_os(INSIDE).is_none() {
        return;
    }
    // Loopback and the cable: the firmware can be reached by the cable alone.
    let mut devices: Vec<_> = fs::read_dir("/sys/class/net")
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    devices.sort();
    assert_eq!(devices, ["lo", "veth0"], "a host with one cable");
    let collector = UdpSocket::bind((CLIENT, TELEMETRY_PORT)).expect("bind the collector");
    collector.set_read_timeout(Some(PATIENCE)).unwrap();

    // Console.
    let mut console = Client::connect(&format!("{SERVER}:{CONSOLE_PORT}"));
    let local = console.stream.local_addr().unwrap();
    assert_eq!(
        local.ip(),
        IpAddr::V4(CLIENT),
        "the connection uses the cable"
    );
    let reply = console.ask("GET temperature");
    assert!(reply.starts_with("OK temperature "), "{reply}");
    let stats = console.ask("STATS");
    assert!(stats.contains(" clients=1 "), "{stats}");

    // HTTP.
    let mut http = TcpStream::connect((SERVER, HTTP_PORT)).expect("connect to the HTTP port");
    http.set_read_timeout(Some(PATIENCE)).unwrap();
    http.write_all(b"GET /status HTTP/1.1\r\nHost: node\r\n\r\n")
        .unwrap();
    let mut page = String::new();
    http.read_to_string(&mut page).unwrap();
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");

    // Telemetry, sent to this host.
    let mut buf = [0u8; 256];
    let (n, from) = collector.recv_from(&mut buf).expect("a telemetry datagram");
    assert!(buf[..n].starts_with(b"telemetry seq="), "{:?}", &buf[..n]);
    assert_eq!(from.ip(), IpAddr::V4(SERVER));

    let reply = console.ask("SHUTDOWN");
    assert_eq!(reply, "OK shutting down");
    assert_eq!(console.line(), None, "the firmware closes the console");
    println!("two hosts: console, HTTP and telemetry between {local} and {from}");
}
