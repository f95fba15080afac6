//! Signals aimed at the real firmware. A storm of SIGUSR1, which it catches without
//! `SA_RESTART`, so every signal interrupts the call it lands in (mostly `poll`) with `EINTR`:
//! clients talking to it meanwhile must see no lost, repeated or reordered byte, and the node
//! must live on. SIGTERM and SIGINT, which stop it as `SHUTDOWN` does, and SIGKILL, after which
//! the next start removes the socket file left behind — but never a live node's, nor a file
//! that is not a socket.

use crate::{node, system};

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use node::{ask_control, shared, Launch, PATIENCE};
use system::TempDir;

/// Whether process `pid` has a handler for `signal` (the `SigCgt` mask of its status).
fn catches(pid: u32, signal: libc::c_int) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

/// Sends SIGUSR1 to `pid` every 100 µs until `stop`; returns how many were sent.
fn storm(pid: u32, stop: Arc<AtomicBool>) -> thread::JoinHandle<usize> {
    let pid = libc::pid_t::try_from(pid).expect("a pid");
    thread::spawn(move || {
        let mut sent = 0;
        while !stop.load(Ordering::Relaxed) {
            // SAFETY: kill(2) only sends a signal, to the firmware child this test started and
            // still owns (it is killed only when the test's `Node` is dropped, after this).
            if unsafe { libc::kill(pid, libc::SIGUSR1) } == 0 {
                sent += 1;
            }
            thread::sleep(Duration::from_micros(100));
        }
        sent
    })
}

#[test]
fn a_storm_of_signals_loses_and_repeats_nothing() {
    let _nodes = shared();
    let mut node = Launch::new().start();
    assert!(catches(node.pid(), libc::SIGUSR1), "SIGUSR1 has a handler");
    let stop = Arc::new(AtomicBool::new(false));
    let signaller = storm(node.pid(), stop.clone());

    // Clients asking one line at a time, each reply unique to its client and its question...
    let askers: Vec<_> = (0..4)
        .map(|c| {
            let mut client = node.client();
            thread::spawn(move || {
                for i in 0..2000 {
                    let ms = 10_000 + c * 1000 + i;
                    let reply = client.ask(&format!("SET interval {ms}"));
                    assert_eq!(reply, format!("OK interval {ms}"));
                }
            })
        })
        .collect();
    // ... and one asking thousands at once, then half-closing: exactly as many replies, whole.
    const PIPELINED: usize = 20_000;
    let mut pipelined = TcpStream::connect(&node.console).unwrap();
    pipelined.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut writer = pipelined.try_clone().unwrap();
    let sender = thread::spawn(move || {
        let commands: String = (0..PIPELINED)
            .map(|i| format!("SET interval {}\n", 100 + i))
            .collect();
        writer.write_all(commands.as_bytes()).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut replies = String::new();
    pipelined
        .read_to_string(&mut replies)
        .expect("every reply, then the end");
    sender.join().unwrap();
    for asker in askers {
        asker.join().expect("every asker got its replies");
    }
    stop.store(true, Ordering::Relaxed);
    let sent = signaller.join().unwrap();

    let expected: String = (0..PIPELINED)
        .map(|i| format!("OK interval {}\n", 100 + i))
        .collect();
    assert!(
        replies == expected,
        "the pipelined replies are exactly the expected ones"
    );
    println!("{sent} signals during {} exchanges", 4 * 2000 + PIPELINED);
    assert!(sent > 100, "the storm sent only {sent} signals");
    assert!(node.is_running(), "the node survived the storm");
    let mut last = node.client();
    assert_eq!(last.ask("SHUTDOWN"), "OK shutting down");
    assert_eq!(node.wait().and_then(|s| s.code()), Some(0));
}

/// The firmware, its control socket at `control`.
fn launch_at(control: &Path) -> Launch {
    let mut launch = Launch::new();
    launch.control = Some(control.to_path_buf());
    launch
}

/// Starts a node at `control`, checks it answers there, and stops it with `SHUTDOWN`.
fn starts_and_answers(control: &Path) {
    let mut node = launch_at(control).start();
    let reply = ask_control(control, "GET uptime").expect("the control socket answers");
    assert!(reply.starts_with("OK uptime "), "{reply}");
    assert_eq!(node.client().ask("SHUTDOWN"), "OK shutting down");
    assert_eq!(node.wait().and_then(|s| s.code()), Some(0));
}

#[test]
fn sigterm_and_sigint_stop_the_node_as_shutdown_does() {
    let _nodes = shared();
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let dir = TempDir::new();
        let control = dir.path().join("node.sock");
        let mut node = launch_at(&control).start();
        let mut client = node.client();
        assert!(client.ask("GET uptime").starts_with("OK uptime "));
        let mut page = TcpStream::connect(&node.http).unwrap();
        page.set_read_timeout(Some(PATIENCE)).unwrap();
        assert!(control.exists());

        node.signal(signal);
        let status = node.wait().expect("it exits");
        assert_eq!(status.code(), Some(0), "signal {signal}: exit 0");
        assert!(!control.exists(), "the socket file is removed");
        assert_eq!(client.line(), None, "the console client sees the end");
        assert_eq!(
            page.read(&mut [0u8; 16]).ok(),
            Some(0),
            "so does the HTTP client"
        );
        drop(node);
        starts_and_answers(&control);
    }
}

#[test]
fn after_sigkill_the_next_start_removes_the_stale_socket_file() {
    let _nodes = shared();
    let dir = TempDir::new();
    let control = dir.path().join("node.sock");
    let mut node = launch_at(&control).start();
    node.signal(libc::SIGKILL);
    let status = node.wait().expect("it dies");
    assert_eq!(status.code(), None, "killed");
    drop(node);
    assert!(control.exists(), "a kill leaves the file behind");
    assert_eq!(
        ask_control(&control, "STATS"),
        None,
        "and nobody answers on it"
    );
    starts_and_answers(&control);
}

/// A start at `control` that must fail: exit 1, with `message` on stderr.
fn refused(control: &Path, message: &str) {
    let Err(mut node) = launch_at(control).try_start() else {
        panic!("a second node started at {}", control.display());
    };
    assert_eq!(node.wait().and_then(|s| s.code()), Some(1));
    let err = node.stderr();
    assert!(err.contains(message), "{err}");
}

#[test]
fn a_live_nodes_socket_file_and_a_file_that_is_no_socket_are_left_alone() {
    let _nodes = shared();
    let dir = TempDir::new();
    let control = dir.path().join("node.sock");
    let mut first = launch_at(&control).start();
    refused(&control, "firmware: control: address in use");
    let reply = ask_control(&control, "GET uptime").expect("the first node still answers");
    assert!(reply.starts_with("OK uptime "), "{reply}");
    first.signal(libc::SIGTERM);
    assert_eq!(first.wait().and_then(|s| s.code()), Some(0));

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a socket").unwrap();
    refused(&notes, "firmware: control: address in use");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "not a socket");
}
