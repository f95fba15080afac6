//! The trace of the mock network: every connection, byte, datagram, end and reset, in order
//! and on the virtual clock, as a tracer sees it.

use crate::mock_common;

use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::mock::trace::{ConnId, Event, EventKind, Tracer};
use anysock::mock::Net;
use anysock::opt::Linger;
use anysock::{
    Datagram as _, Listener as _, Shutdown, SockOpt, Socket as _, Stack as _, Stream as _, Type,
};

use mock_common::{addr, two_hosts, Text};

/// Keeps each event as its line.
#[derive(Default)]
struct Log {
    lines: Vec<String>,
    payloads: Vec<Vec<u8>>,
}

impl Tracer for Log {
    fn record(&mut self, event: &Event<'_>) {
        self.lines.push(event.to_string());
        if let EventKind::Data { bytes, .. } | EventKind::Datagram { bytes, .. } = event.kind {
            self.payloads.push(bytes.to_vec());
        }
    }
}

type TracedNet<'t> = Net<32, 4096, 8, &'t mut Log>;

#[test]
fn a_tcp_conversation_reads_like_a_capture() {
    let mut log = Log::default();
    {
        let net: TracedNet = Net::with_tracer(&mut log);
        let (client, server) = two_hosts(&net);
        let mut listener = server.listen(&addr("10.0.0.2:80"), 4).unwrap();
        let mut conn = client.connect(&addr("10.0.0.2:80")).unwrap();
        net.advance(Duration::from_millis(5));
        let (mut accepted, _) = listener.accept().unwrap();
        conn.write_all(b"hello").unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(accepted.read(&mut buf).unwrap(), 5);
        accepted.write_all(b"hi").unwrap();
        conn.shutdown(Shutdown::Write).unwrap();
        drop(conn); // FIN already sent: nothing more on the wire (the "hi" is unread: a reset)
        drop(accepted);
    }
    let expected = [
        "     0.000000 connect #0 10.0.0.1:49152 -> 10.0.0.2:80",
        "     0.005000 accept #0",
        "     0.005000 data #0 10.0.0.1:49152 -> 10.0.0.2:80 5 bytes",
        "     0.005000 data #0 10.0.0.2:80 -> 10.0.0.1:49152 2 bytes",
        "     0.005000 fin #0 10.0.0.1:49152 -> 10.0.0.2:80",
        "     0.005000 reset #0 10.0.0.1:49152 -> 10.0.0.2:80",
    ];
    assert_eq!(log.lines, expected);
    assert_eq!(log.payloads, [b"hello".to_vec(), b"hi".to_vec()]);
}

#[test]
fn closes_refusals_and_listener_resets_are_traced() {
    let mut log = Log::default();
    {
        let net: TracedNet = Net::with_tracer(&mut log);
        let (client, server) = two_hosts(&net);
        assert!(client.connect(&addr("10.0.0.2:81")).is_err());
        let listener = server.listen(&addr("10.0.0.2:80"), 4).unwrap();
        let mut first = client.connect(&addr("10.0.0.2:80")).unwrap();
        let _second = client.connect(&addr("10.0.0.2:80")).unwrap();
        let mut listener = listener;
        let (accepted, _) = listener.accept().unwrap();
        drop(listener); // connection #1 is still queued: reset
        drop(accepted); // clean close of #0: FIN
        first.set(Linger, Some(Duration::ZERO)).unwrap();
        drop(first); // Linger 0: reset, even though the peer is gone
    }
    let expected = [
        "     0.000000 refused 10.0.0.1:49152 -> 10.0.0.2:81",
        "     0.000000 connect #0 10.0.0.1:49153 -> 10.0.0.2:80",
        "     0.000000 connect #1 10.0.0.1:49154 -> 10.0.0.2:80",
        "     0.000000 accept #0",
        "     0.000000 reset #1 10.0.0.2:80 -> 10.0.0.1:49154",
        "     0.000000 fin #0 10.0.0.2:80 -> 10.0.0.1:49153",
        "     0.000000 reset #0 10.0.0.1:49153 -> 10.0.0.2:80",
    ];
    assert_eq!(log.lines, expected);
}

#[test]
fn datagrams_are_traced_where_they_leave_even_to_nobody() {
    let mut log = Log::default();
    {
        let net: TracedNet = Net::with_tracer(&mut log);
        let (a, b) = two_hosts(&net);
        let mut server = b.bind(&addr("10.0.0.2:53")).unwrap();
        let mut client = a.bind(&addr("0.0.0.0:0")).unwrap();
        client.send_to(b"query", &addr("10.0.0.2:53")).unwrap();
        client.send_to(b"lost", &addr("10.0.0.2:54")).unwrap();
        client.send_to(b"far", &addr("192.0.2.1:9")).unwrap();
        let mut buf = [0u8; 8];
        let (got, from) = server.recv_from(&mut buf).unwrap();
        server.send_to(&buf[..got.len], &from).unwrap();
    }
    let expected = [
        "     0.000000 datagram 10.0.0.1:49152 -> 10.0.0.2:53 5 bytes",
        "     0.000000 datagram 10.0.0.1:49152 -> 10.0.0.2:54 4 bytes",
        "     0.000000 datagram 10.0.0.1:49152 -> 192.0.2.1:9 3 bytes",
        "     0.000000 datagram 10.0.0.2:53 -> 10.0.0.1:49152 5 bytes",
    ];
    assert_eq!(log.lines, expected);
    assert_eq!(log.payloads[0], b"query");
}

#[test]
fn unix_traffic_and_ipv6_are_traced_with_their_addresses() {
    let mut log = Log::default();
    {
        let net: TracedNet = Net::with_tracer(&mut log);
        let (a, b) = two_hosts(&net);
        let (x, y) = a.socketpair(Type::Stream).unwrap();
        let (mut x, mut y) = (x.into_stream().unwrap(), y.into_stream().unwrap());
        x.write_all(b"abc").unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(y.read(&mut buf).unwrap(), 3);
        drop(x);
        let mut listener = b.listen(&addr("[fd00::2]:443"), 1).unwrap();
        let mut c = a.connect(&addr("[fd00::2]:443")).unwrap();
        let (_s, _) = listener.accept().unwrap();
        c.write_all(b"tls").unwrap();
        let mut srv = a.bind(&addr("unix:/run/log")).unwrap();
        let mut cli = a
            .socket(anysock::Domain::Unix, Type::Datagram)
            .unwrap()
            .into_datagram()
            .unwrap();
        cli.send_to(b"line", &addr("unix:/run/log")).unwrap();
        assert_eq!(srv.recv(&mut buf).unwrap().len, 4);
    }
    let expected = [
        "     0.000000 connect #0 unix: -> unix:",
        "     0.000000 data #0 unix: -> unix: 3 bytes",
        "     0.000000 fin #0 unix: -> unix:",
        "     0.000000 connect #1 [fd00::1]:49152 -> [fd00::2]:443",
        "     0.000000 accept #1",
        "     0.000000 data #1 [fd00::1]:49152 -> [fd00::2]:443 3 bytes",
        "     0.000000 datagram unix: -> unix:/run/log 4 bytes",
        // Dropped last to first: the server's end goes first, with "tls" unread.
        "     0.000000 reset #1 [fd00::2]:443 -> [fd00::1]:49152",
    ];
    assert_eq!(log.lines, expected);
}

#[test]
fn the_tracer_can_be_looked_at_and_taken_back() {
    let net: Net<32, 4096, 8, Log> = Net::with_tracer(Log::default());
    let (a, b) = two_hosts(&net);
    let mut s = b.bind(&addr("10.0.0.2:7")).unwrap();
    let mut c = a.bind(&addr("10.0.0.1:7")).unwrap();
    c.send_to(b"x", &addr("10.0.0.2:7")).unwrap();
    assert_eq!(net.tracer(|t| t.lines.len()), Some(1));
    // Calls into the network while looking are fine; their events come after.
    let seen = net.tracer(|t| {
        s.send_to(b"y", &addr("10.0.0.1:7")).unwrap();
        t.lines.len()
    });
    assert_eq!(seen, Some(1));
    drop((s, c));
    let log = net.into_tracer();
    assert_eq!(log.lines.len(), 2);
    assert!(log.lines[1].contains("10.0.0.2:7 -> 10.0.0.1:7"));
    let _ = ConnId(0);
}

/// One short exchange; what the reader got.
fn exchange<T: Tracer>(net: &Net<32, 4096, 8, T>) -> Vec<u8> {
    let (a, b) = two_hosts(net);
    let mut l = b.listen(&addr("10.0.0.2:80"), 1).unwrap();
    let mut c = a.connect(&addr("10.0.0.2:80")).unwrap();
    let (mut s, _) = l.accept().unwrap();
    c.write_all(b"same").unwrap();
    let mut buf = [0u8; 4];
    s.read_exact(&mut buf).unwrap();
    buf.to_vec()
}

// One network per function: each is a few hundred kilobytes of stack.
fn untraced() -> Vec<u8> {
    let net: Net = Net::new();
    exchange(&net)
}

fn traced() -> (Vec<u8>, String) {
    let net: Net<32, 4096, 8, Text> = Net::with_tracer(Text::default());
    let got = exchange(&net);
    (got, net.into_tracer().0)
}

#[test]
fn a_network_without_a_tracer_behaves_the_same() {
    let (got, text) = traced();
    assert_eq!(untraced(), got);
    assert_eq!(text.lines().count(), 5, "{text}");
}

/// A tracer that looks at the network it traces, and even sends a datagram from `record`.
struct Echoing<'a> {
    net: std::rc::Rc<std::cell::OnceCell<&'a Net<32, 4096, 8, Echoing<'a>>>>,
    lines: Vec<String>,
}

impl Tracer for Echoing<'_> {
    fn record(&mut self, event: &Event<'_>) {
        self.lines.push(event.to_string());
        let Some(net) = self.net.get() else { return };
        assert_eq!(net.now(), event.time);
        if let EventKind::Datagram { bytes: b"ping", .. } = event.kind {
            let a = net.host([10, 0, 0, 9].into(), "fd00::9".parse().unwrap());
            let mut s = a.unwrap().bind(&addr("10.0.0.9:1")).unwrap();
            s.send_to(b"from the tracer", &addr("10.0.0.2:7")).unwrap();
        }
    }
}

#[test]
fn a_tracer_may_call_into_the_network_it_traces() {
    let cell = std::rc::Rc::new(std::cell::OnceCell::new());
    let net = Net::with_tracer(Echoing {
        net: cell.clone(),
        lines: Vec::new(),
    });
    let _ = cell.set(&net);
    let (a, _) = two_hosts(&net);
    let mut s = a.bind(&addr("10.0.0.1:7")).unwrap();
    s.send_to(b"ping", &addr("10.0.0.2:7")).unwrap();
    let lines = net.tracer(|t| t.lines.clone()).unwrap();
    assert_eq!(
        lines,
        [
            "     0.000000 datagram 10.0.0.1:7 -> 10.0.0.2:7 4 bytes",
            "     0.000000 datagram 10.0.0.9:1 -> 10.0.0.2:7 15 bytes",
        ]
    );
}

#[test]
fn writing_to_a_closed_peer_is_answered_with_a_reset() {
    let mut log = Log::default();
    {
        let net: TracedNet = Net::with_tracer(&mut log);
        let (client, server) = two_hosts(&net);
        let mut listener = server.listen(&addr("10.0.0.2:80"), 1).unwrap();
        let mut conn = client.connect(&addr("10.0.0.2:80")).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        drop(accepted);
        assert_eq!(conn.write(b"late").unwrap(), 4);
        assert!(conn.write(b"later").is_err());
    }
    assert_eq!(
        log.lines[2..],
        [
            "     0.000000 fin #0 10.0.0.2:80 -> 10.0.0.1:49152",
            "     0.000000 data #0 10.0.0.1:49152 -> 10.0.0.2:80 4 bytes",
            "     0.000000 reset #0 10.0.0.2:80 -> 10.0.0.1:49152",
        ]
    );
}
