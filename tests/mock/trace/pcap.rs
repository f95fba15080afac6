//! Stories of the pcap export: hand-made traces become capture files, and tshark reads them
//! back as ordinary TCP and UDP conversations (segments, flags, relative sequence numbers,
//! payload bytes), with good checksums and nothing for its TCP analysis to flag.
//!
//! tshark comes from Debian's `tshark` package. Without it the tshark checks print why they
//! are skipped, unless `CI` is set: there a missing tshark fails the test.

use crate::data::pattern;
use crate::mock_common;
use crate::system::have_tool;

use std::time::Duration;

use anysock::embedded_io::{self, ErrorType, Write};
use anysock::mock::pcap::{PcapError, PcapTracer, Stats};
use anysock::mock::trace::{ConnId, Event, EventKind, Tracer};

use mock_common::{addr, flagged, tshark, Saved};

fn at(millis: u64, kind: EventKind<'_>) -> Event<'_> {
    let time = Duration::from_millis(millis);
    Event { time, kind }
}

// The events of the stories, at a time in milliseconds, on connection number `n`.

fn connect(ms: u64, n: u32, client: &str, server: &str) -> Event<'static> {
    let (client, server) = (addr(client), addr(server));
    at(
        ms,
        EventKind::Connect {
            conn: ConnId(n),
            client,
            server,
        },
    )
}

fn refused(ms: u64, client: &str, server: &str) -> Event<'static> {
    let (client, server) = (addr(client), addr(server));
    at(ms, EventKind::Refused { client, server })
}

fn data<'a>(ms: u64, n: u32, from: &str, to: &str, bytes: &'a [u8]) -> Event<'a> {
    let (from, to) = (addr(from), addr(to));
    at(
        ms,
        EventKind::Data {
            conn: ConnId(n),
            from,
            to,
            bytes,
        },
    )
}

fn fin(ms: u64, n: u32, from: &str, to: &str) -> Event<'static> {
    let (from, to) = (addr(from), addr(to));
    at(
        ms,
        EventKind::Fin {
            conn: ConnId(n),
            from,
            to,
        },
    )
}

fn reset(ms: u64, n: u32, from: &str, to: &str) -> Event<'static> {
    let (from, to) = (addr(from), addr(to));
    at(
        ms,
        EventKind::Reset {
            conn: ConnId(n),
            from,
            to,
        },
    )
}

fn datagram<'a>(ms: u64, from: &str, to: &str, bytes: &'a [u8]) -> Event<'a> {
    let (from, to) = (addr(from), addr(to));
    at(ms, EventKind::Datagram { from, to, bytes })
}

/// The capture of `events`, and what it could not write.
fn capture<const CONNS: usize>(events: &[Event<'_>]) -> (Vec<u8>, Stats) {
    let mut pcap: PcapTracer<Vec<u8>, CONNS> = PcapTracer::new(Vec::new());
    for event in events {
        pcap.record(event);
    }
    let stats = pcap.stats();
    (pcap.finish().unwrap(), stats)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to a file of its own in the temporary directory.
fn save(test: &str, bytes: &[u8]) -> Saved {
    Saved::new("anysock-pcap", test, bytes)
}

/// One row per frame: `src flags seq ack tcp.len udp.length payload-hex`, the source being
/// the IPv4 or IPv6 one, flags as tshark's hex (`0x0012`), sequence numbers relative.
fn frames(file: &Saved) -> Vec<Vec<String>> {
    let fields = [
        "frame.number",
        "ip.src",
        "ipv6.src",
        "tcp.flags",
        "tcp.seq",
        "tcp.ack",
        "tcp.len",
        "udp.length",
        "tcp.payload",
        "udp.payload",
    ];
    let mut args = vec!["-r", file.path(), "-T", "fields"];
    for f in &fields {
        args.extend(["-e", f]);
    }
    args.extend([
        "-o",
        "tcp.relative_sequence_numbers:TRUE",
        "-o",
        "tcp.analyze_sequence_numbers:TRUE",
    ]);
    let text = tshark(&args);
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), fields.len(), "frame line {line:?}");
        assert_eq!(f[0], (n + 1).to_string());
        let src = if f[1].is_empty() { f[2] } else { f[1] };
        let payload = if f[8].is_empty() { f[9] } else { f[8] };
        rows.push(row(&[src, f[3], f[4], f[5], f[6], f[7], payload]));
    }
    rows
}

fn row(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|s| s.to_string()).collect()
}

/// A TCP frame as expected: source, flags, relative seq and ack, payload.
fn tcp(src: &str, flags: &str, seq: u32, ack: u32, payload: &[u8]) -> Vec<String> {
    let flags = match flags {
        "S" => "0x0002",
        "SA" => "0x0012",
        "A" => "0x0010",
        "PA" => "0x0018",
        "FA" => "0x0011",
        "RA" => "0x0014",
        other => panic!("no such flags in these stories: {other}"),
    };
    let (seq, ack, len) = (seq.to_string(), ack.to_string(), payload.len().to_string());
    row(&[src, flags, &seq, &ack, &len, "", &hex(payload)])
}

/// A UDP frame as expected: source and payload.
fn udp(src: &str, payload: &[u8]) -> Vec<String> {
    let len = (payload.len() + 8).to_string();
    row(&[src, "", "", "", "", &len, &hex(payload)])
}

fn assert_clean(file: &Saved) {
    assert_eq!(flagged(file), "", "tshark flags these packets");
}

/// Captures `events`, reads the file back and compares frame by frame.
fn check_with_tshark(test: &str, events: &[Event<'_>], expected: &[Vec<String>]) {
    let (bytes, stats) = capture::<64>(events);
    assert!(stats.complete(), "{stats:?}");
    assert_eq!(stats.packets, expected.len() as u64);
    if !have_tool("tshark", "tshark") {
        return;
    }
    let file = save(test, &bytes);
    let got = frames(&file);
    for (n, (got, want)) in got.iter().zip(expected).enumerate() {
        assert_eq!(got, want, "frame {}", n + 1);
    }
    assert_eq!(got.len(), expected.len());
    assert_clean(&file);
}

#[test]
fn a_tcp_v4_conversation_reads_back_segment_by_segment() {
    let (c, s) = ("10.0.0.1:49152", "10.0.0.2:45000");
    let big = pattern(0, 70_000); // three segments: 32768, 32768, 4464
    let events = [
        connect(0, 0, c, s),
        at(1, EventKind::Accept { conn: ConnId(0) }),
        data(2, 0, c, s, b"hello server"),
        data(3, 0, s, c, b"hello client"),
        data(4, 0, c, s, &big),
        fin(5, 0, c, s),
        fin(6, 0, s, c),
    ];
    let (c, s) = ("10.0.0.1", "10.0.0.2");
    let expected = [
        tcp(c, "S", 0, 0, b""),
        tcp(s, "SA", 0, 1, b""),
        tcp(c, "A", 1, 1, b""),
        tcp(c, "PA", 1, 1, b"hello server"),
        tcp(s, "A", 1, 13, b""),
        tcp(s, "PA", 1, 13, b"hello client"),
        tcp(c, "A", 13, 13, b""),
        tcp(c, "PA", 13, 13, &big[..32_768]),
        tcp(s, "A", 13, 32_781, b""),
        tcp(c, "PA", 32_781, 13, &big[32_768..65_536]),
        tcp(s, "A", 13, 65_549, b""),
        tcp(c, "PA", 65_549, 13, &big[65_536..]),
        tcp(s, "A", 13, 70_013, b""),
        tcp(c, "FA", 70_013, 13, b""),
        tcp(s, "A", 13, 70_014, b""),
        tcp(s, "FA", 13, 70_014, b""),
        tcp(c, "A", 70_014, 14, b""),
    ];
    check_with_tshark("tcp_v4", &events, &expected);
}

#[test]
fn a_refused_connect_is_a_syn_answered_by_a_reset() {
    let events = [refused(0, "10.0.0.1:49153", "10.0.0.2:45001")];
    // The reset has sequence 0 and no SYN of its own: tshark numbers it from itself.
    let expected = [
        tcp("10.0.0.1", "S", 0, 0, b""),
        tcp("10.0.0.2", "RA", 1, 1, b""),
    ];
    check_with_tshark("refused", &events, &expected);
}

#[test]
fn a_reset_ends_a_connection_at_its_current_numbers() {
    let (c, s) = ("10.0.0.1:49154", "10.0.0.2:45002");
    let events = [
        connect(0, 1, c, s),
        data(1, 1, c, s, b"unread"),
        reset(2, 1, s, c),
    ];
    let (c, s) = ("10.0.0.1", "10.0.0.2");
    let expected = [
        tcp(c, "S", 0, 0, b""),
        tcp(s, "SA", 0, 1, b""),
        tcp(c, "A", 1, 1, b""),
        tcp(c, "PA", 1, 1, b"unread"),
        tcp(s, "A", 1, 7, b""),
        tcp(s, "RA", 1, 7, b""),
    ];
    check_with_tshark("reset", &events, &expected);
}

#[test]
fn udp_v4_datagrams_keep_their_bytes() {
    let (a, b) = ("10.0.0.1:40000", "10.0.0.2:40001");
    let large = pattern(0, 60_001);
    let events = [
        datagram(0, a, b, b"query"),
        datagram(1, b, a, b"answer"),
        datagram(2, a, b, b""),
        datagram(3, a, b, &large),
    ];
    let expected = [
        udp("10.0.0.1", b"query"),
        udp("10.0.0.2", b"answer"),
        udp("10.0.0.1", b""),
        udp("10.0.0.1", &large),
    ];
    check_with_tshark("udp_v4", &events, &expected);
}

#[test]
fn tcp_and_udp_over_ipv6() {
    let (c, s) = ("[fd00::1]:49152", "[fd00::2]:45003");
    let events = [
        connect(0, 2, c, s),
        data(1, 2, c, s, b"ping"),
        data(2, 2, s, c, b"pong!"),
        fin(3, 2, s, c),
        fin(4, 2, c, s),
        datagram(5, c, s, b"odd"),
    ];
    let (c, s) = ("fd00::1", "fd00::2");
    let expected = [
        tcp(c, "S", 0, 0, b""),
        tcp(s, "SA", 0, 1, b""),
        tcp(c, "A", 1, 1, b""),
        tcp(c, "PA", 1, 1, b"ping"),
        tcp(s, "A", 1, 5, b""),
        tcp(s, "PA", 1, 5, b"pong!"),
        tcp(c, "A", 5, 6, b""),
        tcp(s, "FA", 6, 5, b""),
        tcp(c, "A", 5, 7, b""),
        tcp(c, "FA", 5, 7, b""),
        tcp(s, "A", 7, 6, b""),
        udp(c, b"odd"),
    ];
    check_with_tshark("ipv6", &events, &expected);
}

#[test]
fn mapped_addresses_are_written_as_ipv4_and_unix_traffic_not_at_all() {
    // A dual-stack server sees its IPv4 client as ::ffff:10.0.0.1; the wire carries IPv4.
    let (c, s) = ("10.0.0.1:49155", "[::ffff:10.0.0.2]:45004");
    let (c6, s4) = ("[::ffff:10.0.0.1]:49155", "10.0.0.2:45004");
    let (u1, u2) = ("unix:/run/a.sock", "unix:@b");
    let events = [
        connect(0, 3, c, s),
        connect(0, 4, u1, u2),
        data(1, 4, u1, u2, b"local"),
        datagram(1, u1, u2, b"local"),
        data(2, 3, s4, c6, b"banner"),
    ];
    let (c, s) = ("10.0.0.1", "10.0.0.2");
    let expected = [
        tcp(c, "S", 0, 0, b""),
        tcp(s, "SA", 0, 1, b""),
        tcp(c, "A", 1, 1, b""),
        tcp(s, "PA", 1, 1, b"banner"),
        tcp(c, "A", 1, 7, b""),
    ];
    check_with_tshark("mapped", &events, &expected);
}

#[test]
fn the_checks_catch_a_corrupted_byte() {
    let (mut bytes, _) = capture::<1>(&[datagram(0, "10.0.0.1:1", "10.0.0.2:2", b"intact")]);
    if !have_tool("tshark", "tshark") {
        return;
    }
    let last = bytes.len() - 1;
    bytes[last] ^= 1; // the payload's last byte: the UDP checksum no longer matches
    let file = save("corrupted", &bytes);
    let flagged = flagged(&file);
    assert_eq!(
        flagged.lines().count(),
        1,
        "a bad UDP checksum must be reported"
    );
}

#[test]
fn a_datagram_longer_than_the_snapshot_length_is_stored_cut_short() {
    // 40 + 8 + 65_500 bytes of IPv6 packet: more than the 65535 bytes a record holds.
    let big = pattern(0, 65_500);
    let (bytes, stats) = capture::<1>(&[datagram(0, "[fd00::1]:1", "[fd00::2]:2", &big)]);
    assert_eq!((stats.packets, stats.truncated), (1, 1));
    assert!(!stats.complete());
    assert_eq!(bytes.len(), 24 + 16 + 65_535);
    if !have_tool("tshark", "tshark") {
        return;
    }
    let file = save("truncated", &bytes);
    let lengths = ["-e", "frame.len", "-e", "frame.cap_len"];
    let text = tshark(&[&["-r", file.path(), "-T", "fields"][..], &lengths].concat());
    assert_eq!(text.trim(), "65548\t65535");
}

#[test]
fn frames_carry_the_virtual_time() {
    let mut event = datagram(0, "10.0.0.1:40000", "10.0.0.2:40001", b"t");
    event.time = Duration::new(1_234, 567_890_000);
    let (bytes, _) = capture::<1>(&[event]);
    if !have_tool("tshark", "tshark") {
        return;
    }
    let file = save("time", &bytes);
    let text = tshark(&["-r", file.path(), "-T", "fields", "-e", "frame.time_epoch"]);
    assert_eq!(text.trim(), "1234.567890000");
}

#[test]
fn the_same_events_give_the_same_bytes() {
    let (c, s) = ("10.0.0.1:49152", "10.0.0.2:45000");
    let story = |n| {
        [
            connect(0, n, c, s),
            data(1, n, c, s, b"data"),
            data(2, n, s, c, b"more data"),
            reset(3, n, c, s),
            refused(4, c, s),
            datagram(5, c, s, b"datagram"),
        ]
    };
    let (first, _) = capture::<4>(&story(7));
    let (again, _) = capture::<4>(&story(7));
    assert_eq!(first, again);
    // The initial sequence numbers come from the connection's number.
    let (other, _) = capture::<4>(&story(8));
    assert_eq!(first.len(), other.len());
    assert_ne!(first, other);
}

#[test]
fn a_full_table_skips_and_counts_instead_of_guessing() {
    let (c, s) = ("10.0.0.1:49152", "10.0.0.2:45000");
    let (c1, c2) = ("10.0.0.1:49153", "10.0.0.1:49154");
    let events = [
        connect(0, 0, c, s),
        // No room: connection 1 is not followed, and neither is its data.
        connect(1, 1, c1, s),
        data(2, 1, c1, s, b"lost"),
        // Once connection 0 is finished, it makes room for connection 2.
        reset(3, 0, c, s),
        connect(4, 2, c2, s),
        data(5, 2, c2, s, b"kept"),
        // Events of a connection never seen are counted too.
        fin(6, 9, c, s),
    ];
    let (bytes, stats) = capture::<1>(&events);
    assert_eq!((stats.untracked, stats.skipped, stats.evicted), (1, 3, 1));
    assert!(!stats.complete());
    // 3 + 1 for connection 0, 3 + 2 for connection 2.
    assert_eq!(stats.packets, 9);
    if !have_tool("tshark", "tshark") {
        return;
    }
    let file = save("full_table", &bytes);
    assert_eq!(frames(&file).len(), 9);
    assert_clean(&file);
}

/// A writer that takes `room` bytes, then fails, or says it took nothing (`Ok(0)`).
#[derive(Debug)]
struct Cramped {
    room: usize,
    zero: bool,
    writes_after_error: usize,
}

impl ErrorType for Cramped {
    type Error = embedded_io::ErrorKind;
}

impl Write for Cramped {
    fn write(&mut self, buf: &[u8]) -> Result<usize, embedded_io::ErrorKind> {
        if self.room == 0 {
            self.writes_after_error += 1;
            return if self.zero {
                Ok(0)
            } else {
                Err(embedded_io::ErrorKind::Other)
            };
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> Result<(), embedded_io::ErrorKind> {
        Ok(())
    }
}

#[test]
fn the_first_write_error_stops_the_capture_and_is_returned() {
    let event = datagram(0, "10.0.0.1:1", "10.0.0.2:2", b"x");
    for zero in [false, true] {
        let cramped = Cramped {
            room: 30,
            zero,
            writes_after_error: 0,
        };
        let mut pcap: PcapTracer<Cramped> = PcapTracer::new(cramped);
        pcap.record(&event);
        pcap.record(&event);
        assert_eq!(
            pcap.writer().writes_after_error,
            1,
            "one failed write, then none"
        );
        assert_eq!(pcap.stats().packets, 0);
        let want = match zero {
            true => PcapError::WriteZero,
            false => PcapError::Write(embedded_io::ErrorKind::Other),
        };
        assert_eq!(pcap.finish().unwrap_err(), want);
    }
}
