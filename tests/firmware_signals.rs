//! A storm of signals aimed at the real firmware: it catches SIGUSR1 without `SA_RESTART`, so
//! every signal interrupts the call it lands in (mostly `poll`) with `EINTR`. Clients talking
//! to it meanwhile must see no lost, repeated or reordered byte, and the node must live on.

mod firmware_node;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use firmware_node::{Launch, PATIENCE};

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
