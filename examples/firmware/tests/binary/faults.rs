//! Faults on the real firmware, each with a client that keeps asking beside it to show that
//! nothing the faulty one does reaches the others: a reset in the middle of a request, a
//! half-close, a client sending one byte per 100 ms, 1 MiB without a newline, descriptor
//! exhaustion, and clients that vanish before their replies are written.
//!
//! These tests run alone (`serial`): no other test of the firmware runs beside them, since some
//! of them time replies.

use crate::{node, system};

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::OwnedFd;
use std::thread;
use std::time::{Duration, Instant};

use anysock::opt::{Linger, RecvBufferSize};
use anysock::posix::Posix;
use anysock::{Domain, SockOpt as _, Socket as _, SocketAddr, Stack as _, Type};

use node::{quantile, round_trips, serial, Client, Launch, PATIENCE};
use system::have_tool;

/// Waits until `STATS` counts `want` clients (the asking one included): the node drops a
/// failed client as soon as it sees the failure, which may be a step after the asking.
fn await_clients(client: &mut Client, want: u64) {
    let deadline = Instant::now() + PATIENCE;
    while client.stat("clients") != want {
        assert!(
            Instant::now() < deadline,
            "the client count never fell to {want}"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_reset_in_the_middle_of_a_request_ends_only_that_client() {
    let _serial = serial();
    let node = Launch::new().start();
    let mut neighbour = node.client();
    assert_eq!(neighbour.stat("clients"), 1);

    // Half a command, then a reset: a linger of zero makes the close send RST, not FIN.
    let addr: SocketAddr = node.console.parse().unwrap();
    let mut doomed = Posix.connect(&addr).unwrap();
    doomed.write_all(b"GET temper").unwrap();
    await_clients(&mut neighbour, 2);
    doomed.set(Linger, Some(Duration::ZERO)).unwrap();
    drop(doomed);

    await_clients(&mut neighbour, 1);
    assert!(neighbour
        .ask("GET temperature")
        .starts_with("OK temperature "));
    // The half command was never executed, or joined to another client's input.
    let mut next = node.client();
    assert_eq!(next.ask("GET humidity").split(' ').nth(1), Some("humidity"));
}

#[test]
fn a_half_closed_client_still_gets_its_replies() {
    let _serial = serial();
    let node = Launch::new().start();
    let mut neighbour = node.client();

    let mut half = TcpStream::connect(&node.console).unwrap();
    half.set_read_timeout(Some(PATIENCE)).unwrap();
    half.write_all(b"SET interval 777\nGET humidity\n").unwrap();
    half.shutdown(Shutdown::Write).unwrap();
    let mut replies = String::new();
    half.read_to_string(&mut replies)
        .expect("the replies, then the end");
    let lines: Vec<&str> = replies.lines().collect();
    assert_eq!(lines.len(), 2, "{replies:?}");
    assert_eq!(lines[0], "OK interval 777");
    assert!(lines[1].starts_with("OK humidity "), "{replies:?}");

    await_clients(&mut neighbour, 1);
    assert!(neighbour.ask("STATS").contains(" interval_ms=777 "));
}

#[test]
fn a_client_that_pipelines_then_half_closes_gets_every_reply() {
    let _serial = serial();
    let node = Launch::new().start();
    let mut neighbour = node.client();

    // Far more replies than the socket buffers and the node's output buffer hold, asked all
    // at once; the client reads only after a pause, so the node meets the end of the input
    // while replies still wait. It must neither drop them nor the client.
    // A small receive buffer keeps the kernel from soaking the replies up.
    const COMMANDS: usize = 50_000;
    let mut socket = Posix.socket(Domain::Inet, Type::Stream).unwrap();
    socket.set(RecvBufferSize, 4096).unwrap();
    socket.connect(&node.console.parse().unwrap()).unwrap();
    let mut pipelined = TcpStream::from(OwnedFd::from(socket.into_stream().unwrap()));
    pipelined.set_read_timeout(Some(PATIENCE)).unwrap();
    pipelined
        .write_all("STATS\n".repeat(COMMANDS).as_bytes())
        .unwrap();
    pipelined.shutdown(Shutdown::Write).unwrap();
    thread::sleep(Duration::from_millis(300));
    // The node keeps serving others while that client's replies wait.
    assert!(neighbour.ask("GET uptime").starts_with("OK uptime "));
    let mut replies = String::new();
    pipelined
        .read_to_string(&mut replies)
        .expect("every reply, then the end");
    assert_eq!(replies.lines().count(), COMMANDS);
    assert!(replies.lines().all(|l| l.starts_with("OK uptime_ms=")));
    await_clients(&mut neighbour, 1);
}

#[test]
fn a_client_sending_a_byte_per_100ms_slows_nobody_else() {
    let _serial = serial();
    let node = Launch::new().start();
    let mut neighbour = node.client();
    let alone = round_trips(&mut neighbour, 50, Duration::ZERO);

    let mut slow = TcpStream::connect(&node.console).unwrap();
    slow.set_read_timeout(Some(PATIENCE)).unwrap();
    slow.set_nodelay(true).unwrap();
    let command = b"SET interval 4321\n";
    let dribble = thread::spawn(move || {
        for byte in command {
            slow.write_all(&[*byte]).unwrap();
            thread::sleep(Duration::from_millis(100));
        }
        let mut reply = [0u8; 64];
        let n = slow.read(&mut reply).unwrap();
        String::from_utf8_lossy(&reply[..n]).into_owned()
    });
    // Meanwhile (the dribble takes 1.8 s) the neighbour keeps asking.
    let began = Instant::now();
    let mut beside = Vec::new();
    while began.elapsed() < Duration::from_millis(1500) {
        beside.extend(round_trips(&mut neighbour, 10, Duration::ZERO));
    }
    beside.sort();
    assert_eq!(dribble.join().unwrap(), "OK interval 4321\n");

    let (p50, p99, max) = (
        quantile(&beside, 0.5),
        quantile(&beside, 0.99),
        quantile(&beside, 1.0),
    );
    println!(
        "round trip alone p50 {:?}; beside a slow client p50 {p50:?} p99 {p99:?} max {max:?} \
         ({} exchanges)",
        quantile(&alone, 0.5),
        beside.len()
    );
    // A node that waited for the slow line would stall for 100 ms per byte.
    assert!(max < Duration::from_millis(80), "max round trip {max:?}");
    assert!(p50 < Duration::from_millis(10), "median round trip {p50:?}");
}

#[test]
fn a_mebibyte_without_a_newline_gets_an_error_and_is_closed() {
    let _serial = serial();
    let node = Launch::new().start();
    let mut neighbour = node.client();

    let mut flood = TcpStream::connect(&node.console).unwrap();
    flood.set_read_timeout(Some(PATIENCE)).unwrap();
    flood.set_write_timeout(Some(PATIENCE)).unwrap();
    let mut writer = flood.try_clone().unwrap();
    let sender = thread::spawn(move || {
        // The node may cut the connection short once it has answered; either way is fine.
        let _ = writer.write_all(&vec![b'x'; 1 << 20]);
    });
    let times = round_trips(&mut neighbour, 20, Duration::ZERO);
    let mut reply = Vec::new();
    // The reply, then the end of the stream (or a reset, once the node stops waiting for us).
    let _ = flood.read_to_end(&mut reply);
    sender.join().unwrap();
    assert_eq!(String::from_utf8_lossy(&reply), "ERR line too long\n");

    println!(
        "round trip beside a 1 MiB line: max {:?}",
        quantile(&times, 1.0)
    );
    drop(flood);
    await_clients(&mut neighbour, 1);
    assert_eq!(neighbour.stat("rejected"), 1);
}

#[test]
fn running_out_of_descriptors_pauses_accepting_and_recovers() {
    if !have_tool("prlimit", "util-linux") {
        return;
    }
    let _serial = serial();
    // The node holds 9 descriptors of its own (3 standard streams, 2 listeners, the control
    // and telemetry sockets, the two ends of the signals' socket pair); a limit of 12 leaves
    // room for 3 clients, fewer if the test itself was started with descriptors it passes on.
    const LIMIT: usize = 12;
    let mut launch = Launch::new();
    launch.wrapper = vec!["prlimit".into(), format!("--nofile={LIMIT}:{LIMIT}")];
    let mut node = launch.start();
    let held = std::fs::read_dir(format!("/proc/{}/fd", node.pid()))
        .expect("the firmware's descriptors")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<usize>().ok())
        .filter(|&fd| fd < LIMIT)
        .count();
    let room = LIMIT - held;
    assert!(
        room >= 2,
        "{held} descriptors below {LIMIT} before any client"
    );

    let mut served = Vec::new();
    let waiting = loop {
        let mut client = node.client();
        client
            .stream
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        client.stream.write_all(b"GET uptime\n").unwrap();
        match client.line() {
            Some(reply) => {
                assert!(reply.starts_with("OK uptime "), "{reply}");
                served.push(client);
            }
            None => break client,
        }
        assert!(served.len() < 8, "the descriptor limit did not bite");
    };
    assert_eq!(served.len(), room, "room for {room} clients");

    // Accepting fails, but the clients already in keep being served, for a while.
    for _ in 0..5 {
        for client in &mut served {
            assert!(client.ask("GET humidity").starts_with("OK humidity "));
        }
        thread::sleep(Duration::from_millis(50));
    }
    assert!(node.is_running());

    // One leaves: the waiting client is accepted and its command, queued all along, answered.
    let mut leaving = served.pop().unwrap();
    assert_eq!(leaving.ask("QUIT"), "OK bye");
    drop(leaving);
    let mut waiting = waiting;
    waiting.stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let reply = waiting.line().expect("the queued command is answered");
    assert!(reply.starts_with("OK uptime "), "{reply}");
    assert_eq!(waiting.stat("clients"), room as u64);
    for client in &mut served {
        assert!(client.ask("GET humidity").starts_with("OK humidity "));
    }
}

#[test]
fn clients_that_vanish_before_their_replies_do_not_kill_the_node() {
    let _serial = serial();
    let mut node = Launch::new().start();
    let mut neighbour = node.client();
    // Each asks for many replies and closes at once: the node's first reply draws a reset,
    // and its next write goes to a connection that is gone, which raises SIGPIPE in a program
    // that does not send with MSG_NOSIGNAL. One at a time, so each is served...
    let vanish = || {
        let mut gone = TcpStream::connect(&node.console).unwrap();
        gone.write_all("STATS\n".repeat(100).as_bytes()).unwrap();
    };
    let before = neighbour.stat("commands");
    for _ in 0..20 {
        vanish();
        await_clients(&mut neighbour, 1);
    }
    let after = neighbour.stat("commands");
    assert!(
        after > before + 20,
        "each was served: {before} then {after}"
    );
    // ... then, with every slot taken, a burst of them, each turned away with a reply that
    // cannot be delivered. As many as the listen backlog holds: beyond it, the kernel drops
    // handshakes and the connects would be retried a second later.
    let holders: Vec<Client> = (1..8).map(|_| node.client()).collect();
    await_clients(&mut neighbour, 8);
    for _ in 0..16 {
        vanish();
    }
    let deadline = Instant::now() + PATIENCE;
    while neighbour.stat("rejected") < 16 {
        assert!(Instant::now() < deadline, "the burst was not turned away");
        thread::sleep(Duration::from_millis(10));
    }
    drop(holders);
    await_clients(&mut neighbour, 1);
    assert!(node.is_running(), "the node survived");
    assert!(neighbour.ask("GET uptime").starts_with("OK uptime "));
}
