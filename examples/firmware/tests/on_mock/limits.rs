//! The firmware against hostile clients, on the mock network and its virtual clock (fast, and
//! exact to the millisecond): idle holders and slowloris clients on every slot of both
//! services, clients that never read, a full node turning newcomers away with their reply and
//! a clean close, and a stop signal. The real binary meets the same clients in
//! `binary/hostile.rs`.

use crate::bench;

use std::time::Duration;

use anysock::embedded_io::{Read, Write};

use anysock::{Datagram, Endpoint as _, ErrorKind, Socket as _, Stack, Type};

use bench::app::args::Config;
use bench::app::conn::LINGER;
use bench::app::{Running, CLIENTS, LEAVING, PAGES};
use bench::{config, read_all, with_net, Bench, Conn, CONSOLE, HTTP};

/// How long the tests let a connection idle: short, to keep the stories short.
const IDLE: Duration = Duration::from_secs(1);
/// How often the well-behaved client of these tests tries again after being turned away.
const RETRY: Duration = Duration::from_millis(100);

fn short_idle() -> Config {
    Config {
        idle: IDLE,
        ..config()
    }
}

/// A client connecting to `to`, not yet accepted.
fn connect<'n>(bench: &Bench<'n>, to: &str) -> Conn<'n> {
    let mut c = bench.peer.connect(&to.parse().unwrap()).expect("connect");
    c.set_nonblocking(true).unwrap();
    c
}

/// A well-behaved client of `to` sending `request` at once, every [`RETRY`] while the node turns
/// it away (each time with `turned_away`, then the end of the stream: never a reset), while
/// `attack` runs before each try. Returns the reply it was finally served and when, counted
/// from the first try; at most 100 tries.
fn served<'n>(
    bench: &mut Bench<'n>,
    to: &str,
    request: &[u8],
    turned_away: &str,
    mut attack: impl FnMut(&mut Bench<'n>),
) -> (String, Duration) {
    let start = bench.net.now();
    for _ in 0..100 {
        attack(bench);
        let mut c = connect(bench, to);
        c.write_all(request).unwrap();
        // Accepted (or turned away), then read and answered.
        bench.tick();
        bench.tick();
        let (reply, closed) = read_all(&mut c);
        if reply != turned_away {
            return (reply, bench.net.now() - start);
        }
        assert!(closed, "turned away, then the end of the stream");
        drop(c);
        bench.advance(RETRY);
    }
    panic!("never served");
}

#[test]
fn an_idle_console_client_is_told_and_closed_at_the_limit() {
    with_net(|net| {
        let mut bench = Bench::with(net, short_idle());
        let start = net.now();
        let mut idle = bench.client(CONSOLE);
        let mut busy = bench.client(CONSOLE);
        // A command every half limit keeps a client; silence does not.
        for _ in 0..4 {
            bench.advance(IDLE / 2);
            assert_eq!(bench.ask(&mut busy, b"GET uptime\n").0.lines().count(), 1);
        }
        assert!(net.now() - start >= 2 * IDLE);
        assert_eq!(read_all(&mut idle), ("ERR idle timeout\n".into(), true));
        let (stats, open) = bench.ask(&mut busy, b"STATS\n");
        assert!(!open && stats.contains(" clients=1 ") && stats.ends_with(" timeouts=1\n"));
    });
}

#[test]
fn a_slowloris_on_every_console_slot_holds_it_only_until_the_limit() {
    with_net(|net| {
        let mut bench = Bench::with(net, short_idle());
        // Every slot: a client sending one byte of a command every 100 ms, never a whole line.
        let mut holders: Vec<_> = (0..CLIENTS).map(|_| bench.client(CONSOLE)).collect();
        let (reply, after) = served(
            &mut bench,
            CONSOLE,
            b"GET uptime\n",
            "ERR too many clients\n",
            |_| {
                for h in &mut holders {
                    let _ = h.write(b"G");
                }
            },
        );
        assert!(reply.starts_with("OK uptime "), "{reply}");
        println!("served {after:?} after the first try (idle limit {IDLE:?})");
        assert!(after >= IDLE - RETRY && after <= IDLE + Duration::from_secs(1));
        for h in &mut holders {
            let (text, _) = read_all(h);
            assert!(text.starts_with("ERR idle timeout\n"), "{text:?}");
        }
        assert_eq!(bench.node.state().stats.timeouts, CLIENTS as u32);
    });
}

#[test]
fn slow_request_heads_on_every_http_slot_get_408_at_the_limit() {
    with_net(|net| {
        let mut bench = Bench::with(net, short_idle());
        let mut holders: Vec<_> = (0..PAGES).map(|_| bench.client(HTTP)).collect();
        let mut page = [b'x'; 64];
        page[..16].copy_from_slice(b"GET /status HTTP");
        let mut sent = 0;
        let (reply, after) = served(
            &mut bench,
            HTTP,
            b"GET /status HTTP/1.1\r\n\r\n",
            &http_503(),
            |_| {
                for h in &mut holders {
                    let _ = h.write(&page[sent % page.len()..][..1]);
                }
                sent += 1;
            },
        );
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        assert!(after >= IDLE - RETRY && after <= IDLE + Duration::from_secs(1));
        for h in &mut holders {
            let (text, _) = read_all(h);
            assert!(
                text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
                "{text}"
            );
        }
    });
}

/// The node's answer to an HTTP client when every slot is taken.
fn http_503() -> String {
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n\
     Connection: close\r\nServer: anysock-firmware\r\n\r\nService Unavailable\n"
        .into()
}

#[test]
fn idle_holders_on_every_slot_of_both_services_free_them_at_the_limit() {
    with_net(|net| {
        let mut bench = Bench::with(net, short_idle());
        // More connections time out at once than can leave politely: the rest are closed after
        // what they sent is read.
        const { assert!(CLIENTS + PAGES > LEAVING) };
        let mut holders: Vec<_> = (0..CLIENTS).map(|_| bench.client(CONSOLE)).collect();
        holders.extend((0..PAGES).map(|_| bench.client(HTTP)));
        let (reply, after) = served(
            &mut bench,
            CONSOLE,
            b"QUIT\n",
            "ERR too many clients\n",
            |_| {},
        );
        assert_eq!(reply, "OK bye\n");
        assert!(after <= IDLE + Duration::from_secs(1), "{after:?}");
        let (reply, _) = served(&mut bench, HTTP, b"GET /status\n\n", &http_503(), |_| {});
        assert!(reply.starts_with("HTTP/1.1 400 "), "{reply}");
        for h in &mut holders {
            assert!(read_all(h).1, "every holder was closed");
        }
        assert_eq!(bench.node.state().stats.timeouts, (CLIENTS + PAGES) as u32);
    });
}

#[test]
fn a_client_that_never_reads_is_dropped_when_its_replies_stop_moving() {
    with_net(|net| {
        let mut bench = Bench::with(net, short_idle());
        let mut neighbour = bench.client(CONSOLE);
        let mut deaf = bench.client(CONSOLE);
        // Commands until neither the node nor the network takes more.
        let mut written = 0;
        for _ in 0..10_000 {
            match deaf.write(b"STATS\n") {
                Ok(n) => written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("write: {e}"),
            }
            bench.tick();
        }
        assert!(
            written > 4096,
            "the node held it back after {written} bytes"
        );
        let stuck = net.now();
        // The neighbour is served all along, and the deaf client dropped one limit later.
        while bench.node.state().stats.clients == 2 {
            bench.advance(IDLE / 4);
            assert!(bench
                .ask(&mut neighbour, b"GET uptime\n")
                .0
                .starts_with("OK "));
            assert!(net.now() - stuck <= IDLE + IDLE / 2, "still there");
        }
        assert!(net.now() - stuck >= IDLE - IDLE / 4);
        assert_eq!(bench.node.state().stats.timeouts, 1);
    });
}

#[test]
fn a_client_reading_its_replies_slowly_keeps_its_slot() {
    with_net(|net| {
        let mut bench = Bench::with(net, short_idle());
        let mut slow = bench.client(CONSOLE);
        for _ in 0..1000 {
            if slow.write(b"STATS\n").is_err() {
                break;
            }
            bench.tick();
        }
        // It asks nothing more for three limits, but reads a little every half limit.
        let start = net.now();
        let mut buf = [0u8; 256];
        while net.now() - start < 3 * IDLE {
            bench.advance(IDLE / 2);
            assert!(slow.read(&mut buf).expect("replies") > 0);
            bench.tick();
        }
        assert_eq!(bench.node.state().stats.clients, 1);
        assert_eq!(bench.node.state().stats.timeouts, 0);
    });
}

#[test]
fn a_full_node_answers_a_queued_request_then_ends_the_stream_cleanly() {
    with_net(|net| {
        let mut bench = Bench::new(net);
        let _holders: Vec<_> = (0..CLIENTS).map(|_| bench.client(CONSOLE)).collect();
        for _ in 0..5 {
            // The request waits in the queue before the node accepts the connection.
            let mut newcomer = connect(&bench, CONSOLE);
            newcomer.write_all(b"GET temperature\n").unwrap();
            bench.steps(1);
            // More comes after the reply went out: it is read and dropped, never a reset.
            newcomer.write_all(b"GET humidity\n").unwrap();
            bench.steps(1);
            assert_eq!(
                read_all(&mut newcomer),
                ("ERR too many clients\n".into(), true)
            );
            drop(newcomer);
            bench.steps(1);
        }
        assert_eq!(bench.node.state().stats.rejected, 5);
    });
}

#[test]
fn when_too_many_are_turned_away_at_once_the_rest_wait_in_the_queue() {
    with_net(|net| {
        let mut bench = Bench::new(net);
        let _holders: Vec<_> = (0..CLIENTS).map(|_| bench.client(CONSOLE)).collect();
        // Newcomers that read their reply but never close: each holds a leaving place for LINGER.
        let mut newcomers: Vec<_> = (0..LEAVING + 2).map(|_| connect(&bench, CONSOLE)).collect();
        bench.steps(1);
        let answered = |newcomers: &mut Vec<Conn>| {
            let turned_away = ("ERR too many clients\n".to_string(), true);
            newcomers
                .iter_mut()
                .map(read_all)
                .filter(|reply| *reply == turned_away)
                .count()
        };
        assert_eq!(
            answered(&mut newcomers),
            LEAVING,
            "the others wait, unanswered"
        );
        bench.advance(LINGER);
        bench.tick();
        assert_eq!(answered(&mut newcomers), 2, "then they get their turn");
    });
}

#[test]
fn a_stop_signal_stops_the_node_as_shutdown_does() {
    with_net(|net| {
        let before = net.open_sockets();
        let mut bench = Bench::new(net);
        let (receiver, sender) = bench.node_host.socketpair(Type::Datagram).unwrap();
        let mut sender = sender.into_datagram().unwrap();
        bench
            .node
            .stop_on(receiver.into_datagram().unwrap())
            .unwrap();
        let (second, _) = bench.node_host.socketpair(Type::Datagram).unwrap();
        let twice = bench.node.stop_on(second.into_datagram().unwrap());
        assert_eq!(twice.unwrap_err().kind(), ErrorKind::InvalidInput);
        let mut client = bench.client(CONSOLE);
        let _page = bench.client(HTTP);
        assert_eq!(bench.steps(1), Running::Yes);
        sender.send(&[15]).unwrap();
        assert_eq!(bench.steps(1), Running::Stopped);
        drop(bench);
        assert_eq!(read_all(&mut client), (String::new(), true));
        drop((client, _page, sender));
        assert_eq!(net.open_sockets(), before, "every socket closed");
    });
}
