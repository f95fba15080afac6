//! The real firmware binary, built without std, driven over loopback: a console session, an
//! HTTP `GET /status`, a telemetry datagram, a command on the control socket, bad command
//! lines (exit 2), and `SHUTDOWN` (exit 0, control socket file removed).
//!
//! The tests build the binary themselves, with the one command that builds it (`cargo build
//! --profile firmware --example firmware --no-default-features --features posix`), into a
//! target directory of their own (see `node::firmware`).

use crate::node;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixDatagram;
use std::process::Command;

use node::{collector, firmware, shared, Launch, PATIENCE};

#[test]
fn a_bad_command_line_is_one_line_and_exit_2() {
    let _nodes = shared();
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
fn numbers_are_decimal_digits_and_escapes_two_hex_digits() {
    let _nodes = shared();
    let base = [
        "--console",
        "127.0.0.1:0",
        "--http",
        "127.0.0.1:0",
        "--telemetry",
        "127.0.0.1:9",
    ];
    for (extra, message) in [
        (
            ["--control", "unix:/tmp/n.sock", "--interval-ms", "+100"],
            r#"bad value for --interval-ms: "+100""#,
        ),
        (
            ["--control", "unix:/tmp/n.sock", "--idle-ms", " 1000"],
            r#"bad value for --idle-ms: " 1000""#,
        ),
        (
            ["--control", r"unix:/tmp/\x+f", "--idle-ms", "1000"],
            r#"bad address for --control: "unix:/tmp/\\x+f""#,
        ),
    ] {
        let out = Command::new(firmware())
            .args(base)
            .args(extra)
            .output()
            .expect("run firmware");
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(message), "{err}");
    }
}

#[test]
fn it_links_no_std() {
    let _nodes = shared();
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
    let _nodes = shared();
    let collector = collector();
    let mut launch = Launch::new();
    launch.telemetry = collector.local_addr().unwrap().to_string();
    launch.interval_ms = 100;
    let mut node = launch.start();

    // Console.
    let mut c = node.client();
    let mut lines = [c.ask("GET temperature"), c.ask("STATS")].into_iter();
    assert!(lines.next().unwrap().starts_with("OK temperature "));
    let stats = lines.next().unwrap();
    assert!(stats.contains(" interval_ms=100 clients=1 "), "{stats}");

    // HTTP.
    let mut h = TcpStream::connect(&node.http).unwrap();
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
    let dir = node.control.parent().unwrap().to_path_buf();
    let me = UnixDatagram::bind(dir.join("client.sock")).unwrap();
    me.set_read_timeout(Some(PATIENCE)).unwrap();
    me.send_to(b"GET humidity", &node.control).unwrap();
    let n = me.recv(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"OK humidity "));
    me.send_to(b"SHUTDOWN", &node.control).unwrap();
    let n = me.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"OK shutting down\n");
    let status = node.wait().expect("it exits");
    assert_eq!(status.code(), Some(0));
    assert!(!node.control.exists(), "the control socket file is removed");
    // The console client sees its connection end.
    assert_eq!(c.line(), None);
}
