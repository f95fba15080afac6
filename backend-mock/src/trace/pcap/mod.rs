//! Capture files of the trace: [`PcapTracer`] turns the network's events into a classic pcap
//! file that tshark and Wireshark read as an ordinary TCP/UDP conversation.
//!
//! The mock moves bytes, not packets, so the packets are made up from the events, the way a
//! Linux stack on a lossless link would have sent them:
//!
//! | event | packets |
//! |---|---|
//! | `Connect` | SYN, SYN-ACK, ACK |
//! | `Refused` | SYN, then RST-ACK from the server |
//! | `Data` | per segment of at most [`MAX_SEGMENT`] bytes: PSH-ACK with the bytes, ACK back |
//! | `Fin` | FIN-ACK, ACK back |
//! | `Reset` | RST-ACK |
//! | `Datagram` | one UDP datagram |
//! | `Accept`, `Fault` | none: nothing crosses the wire |
//!
//! Choices a reader of the file should know:
//!
//! - **Sequence numbers** are kept per connection ([`ConnId`]) and direction. Initial sequence
//!   numbers are a fixed scramble of the connection's number (of the count of refused attempts
//!   for `Refused`), so the same trace gives a byte-identical file, while looking as random as a
//!   real stack's. Every segment is acknowledged at once, so the 65535-byte window never fills
//!   and tshark's TCP analysis finds nothing to flag.
//! - **IPv4-mapped addresses** (`::ffff:a.b.c.d`, what a dual-stack socket reports for an IPv4
//!   peer) are written as the IPv4 addresses they stand for: when both ends are IPv4, plain or
//!   mapped, the packet is IPv4, as on the wire. A real IPv6 address on either end makes the
//!   packet IPv6, the other end mapped. A connection's packets all use the addresses of its
//!   `Connect`, so its family never changes midway.
//! - **Unix-domain** events produce no packets: the file holds IP traffic only.
//! - **Connections** live in a table of `CONNS` entries (no heap). When it is full, the oldest
//!   connection that has finished (reset, or closed both ways) makes room. When none has, the new
//!   connection is not followed and each of its events is counted in [`Stats::skipped`] rather
//!   than written with made-up numbers; [`PcapTracer::stats`] tells.
//! - **Sizes**: records are cut at the 65535-byte snapshot length (only a UDP datagram of more
//!   than 65487 bytes over IPv6 is that long; [`Stats::truncated`] counts them). A datagram too
//!   long for any IP packet is skipped and counted.
//! - **Errors**: [`Tracer::record`] cannot fail, so the first write error is kept, nothing more is
//!   written, and [`PcapTracer::finish`] returns it.

pub mod checksum;
mod conns;
mod file;
pub mod wire;

use core::time::Duration;

use anysock_core::embedded_io::Write;
use anysock_core::SocketAddr;

use crate::trace::{ConnId, Event, EventKind, Tracer};
use conns::{isn, Conn, Conns, Opened, Side};
use file::File;
pub use file::{PcapError, Stats};
use wire::{file_header, wire_addr, Flow, TcpFlags, TcpSegment};

/// The most payload bytes in one TCP segment: 32 KiB, far within the 65535-byte limit of an IP
/// packet and of the snapshot length, and half the window, so one segment never fills it.
pub const MAX_SEGMENT: usize = 32 * 1024;

/// Salts of [`isn`], one per kind of opener, so no two kinds share numbers.
const SALT_CLIENT: u32 = 0;
const SALT_SERVER: u32 = 1;
const SALT_REFUSED: u32 = 2;

/// A [`Tracer`] that writes a pcap capture of the trace to `W` as events arrive.
///
/// The file header is written at once by [`PcapTracer::new`], so even an empty trace gives a
/// valid file; each event then appends its packets (see the [module docs](self) for which).
/// `CONNS` bounds the TCP connections followed at a time.
///
/// ```
/// use core::time::Duration;
/// use anysock_mock::pcap::PcapTracer;
/// use anysock_mock::trace::{Event, EventKind, Tracer};
///
/// let mut buf = [0u8; 128];
/// let mut pcap: PcapTracer<&mut [u8]> = PcapTracer::new(&mut buf[..]);
/// pcap.record(&Event {
///     time: Duration::from_millis(5),
///     kind: EventKind::Datagram {
///         from: "10.0.0.1:5000".parse()?,
///         to: "10.0.0.2:53".parse()?,
///         bytes: b"query",
///     },
/// });
/// assert!(pcap.stats().complete());
/// let unused = pcap.finish()?.len();
/// // File header, record header, IPv4, UDP, payload.
/// assert_eq!(128 - unused, 24 + 16 + 20 + 8 + 5);
/// assert_eq!(&buf[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[doc(alias = "pcap")]
pub struct PcapTracer<W: Write, const CONNS: usize = 64> {
    file: File<W>,
    conns: Conns<CONNS>,
    /// Refused attempts so far, to number their initial sequence numbers.
    refused: u32,
}

impl<W: Write, const CONNS: usize> PcapTracer<W, CONNS> {
    /// A capture writing to `writer`, starting with the file header.
    pub fn new(writer: W) -> Self {
        let mut file = File::new(writer);
        file.put(&file_header());
        PcapTracer {
            file,
            conns: Conns::new(),
            refused: 0,
        }
    }

    /// What was written so far, and what could not be.
    pub fn stats(&self) -> Stats {
        self.file.stats
    }

    /// The writer, to look at what it holds so far.
    pub fn writer(&self) -> &W {
        self.file.writer()
    }

    /// Ends the capture: the writer, flushed, or the first error met while writing (after
    /// which nothing more was written). Read [`PcapTracer::stats`] first to learn whether every
    /// event made it into the file.
    pub fn finish(self) -> Result<W, PcapError<W::Error>> {
        self.file.finish()
    }

    fn connect(&mut self, time: Duration, id: ConnId, client: &SocketAddr, server: &SocketAddr) {
        let (Some(client), Some(server)) = (wire_addr(client), wire_addr(server)) else {
            return; // Unix domain
        };
        let client_isn = isn(SALT_CLIENT, id.0);
        let server_isn = isn(SALT_SERVER, id.0);
        // The SYNs take one sequence number each.
        let next = [client_isn.wrapping_add(1), server_isn.wrapping_add(1)];
        match self.conns.open(id, client, server, next) {
            Opened::Fresh => {}
            Opened::Evicted => self.file.stats.evicted = self.file.stats.evicted.saturating_add(1),
            Opened::Full => {
                self.file.stats.untracked = self.file.stats.untracked.saturating_add(1);
                return self.file.skip();
            }
        }
        let there = Flow::between(client, server);
        let back = there.reversed();
        let [client_next, server_next] = next;
        self.file
            .tcp(time, &there, seg(client_isn, 0, TcpFlags::SYN), &[]);
        let syn_ack = seg(server_isn, client_next, TcpFlags::SYN | TcpFlags::ACK);
        self.file.tcp(time, &back, syn_ack, &[]);
        self.file.tcp(
            time,
            &there,
            seg(client_next, server_next, TcpFlags::ACK),
            &[],
        );
    }

    fn refused(&mut self, time: Duration, client: &SocketAddr, server: &SocketAddr) {
        let Some(there) = Flow::new(client, server) else {
            return;
        };
        let client_isn = isn(SALT_REFUSED, self.refused);
        self.refused = self.refused.wrapping_add(1);
        self.file
            .tcp(time, &there, seg(client_isn, 0, TcpFlags::SYN), &[]);
        // RFC 9293 3.10.7.1: the reset answering a SYN has sequence 0 and acknowledges the SYN.
        let rst = seg(0, client_isn.wrapping_add(1), TcpFlags::RST | TcpFlags::ACK);
        self.file.tcp(time, &there.reversed(), rst, &[]);
    }

    /// Hands an event of connection `id` to `send` with the connection, the side that sent it
    /// and the flow from that side. Unix-domain addresses have no packets; an event that
    /// cannot be numbered (unknown connection, addresses of neither end) is counted as skipped.
    fn on_conn(
        &mut self,
        id: ConnId,
        from: &SocketAddr,
        to: &SocketAddr,
        send: impl FnOnce(&mut File<W>, &mut Conn, Side, Flow),
    ) {
        let (Some(from), Some(to)) = (wire_addr(from), wire_addr(to)) else {
            return;
        };
        let Some(conn) = self.conns.get_mut(id) else {
            return self.file.skip();
        };
        let Some(side) = conn.sender(from, to) else {
            return self.file.skip();
        };
        let flow = conn.flow(side);
        send(&mut self.file, conn, side, flow);
    }
}

/// A segment's numbers.
fn seg(seq: u32, ack: u32, flags: TcpFlags) -> TcpSegment {
    TcpSegment { seq, ack, flags }
}

/// The pure ACK with which the peer of `side` acknowledges everything `side` sent so far.
fn ack_back<W: Write>(file: &mut File<W>, time: Duration, conn: &Conn, side: Side, flow: Flow) {
    let ack = conn.segment(side.peer(), TcpFlags::ACK);
    file.tcp(time, &flow.reversed(), ack, &[]);
}

impl<W: Write, const CONNS: usize> Tracer for PcapTracer<W, CONNS> {
    fn record(&mut self, event: &Event<'_>) {
        if self.file.failed() {
            return;
        }
        let time = event.time;
        match event.kind {
            EventKind::Connect {
                conn,
                client,
                server,
            } => {
                self.connect(time, conn, &client, &server);
            }
            EventKind::Refused { client, server } => self.refused(time, &client, &server),
            EventKind::Data {
                conn,
                from,
                to,
                bytes,
            } => {
                self.on_conn(conn, &from, &to, |file, conn, side, flow| {
                    for chunk in bytes.chunks(MAX_SEGMENT) {
                        let data = conn.segment(side, TcpFlags::PSH | TcpFlags::ACK);
                        file.tcp(time, &flow, data, chunk);
                        // A chunk is at most MAX_SEGMENT bytes, so it fits a u32.
                        conn.advance(side, u32::try_from(chunk.len()).unwrap_or(u32::MAX));
                        // Acknowledging each segment at once keeps the window from filling.
                        ack_back(file, time, conn, side, flow);
                    }
                });
            }
            EventKind::Fin { conn, from, to } => {
                self.on_conn(conn, &from, &to, |file, conn, side, flow| {
                    file.tcp(
                        time,
                        &flow,
                        conn.segment(side, TcpFlags::FIN | TcpFlags::ACK),
                        &[],
                    );
                    conn.advance(side, 1); // a FIN takes one sequence number
                    conn.set_fin(side);
                    ack_back(file, time, conn, side, flow);
                });
            }
            EventKind::Reset { conn, from, to } => {
                self.on_conn(conn, &from, &to, |file, conn, side, flow| {
                    file.tcp(
                        time,
                        &flow,
                        conn.segment(side, TcpFlags::RST | TcpFlags::ACK),
                        &[],
                    );
                    conn.set_reset();
                });
            }
            EventKind::Datagram { from, to, bytes } => {
                if let Some(flow) = Flow::new(&from, &to) {
                    self.file.udp(time, &flow, bytes);
                }
            }
            // Accepting takes a connection off a queue, and a fault is the network's doing:
            // neither puts a packet on the wire.
            EventKind::Accept { .. } | EventKind::Fault { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Fault;
    use anysock_core::embedded_io::ErrorType;
    use core::convert::Infallible;

    /// Counts and fingerprints what is written, with no buffer to fill.
    #[derive(Debug, Default, PartialEq, Eq)]
    struct Fingerprint {
        len: usize,
        hash: u64,
    }

    impl ErrorType for Fingerprint {
        type Error = Infallible;
    }

    impl Write for Fingerprint {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
            for &b in buf {
                self.hash = (self.hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
            self.len += buf.len();
            Ok(buf.len())
        }

        fn flush(&mut self) -> Result<(), Infallible> {
            Ok(())
        }
    }

    static PAYLOAD: [u8; 70_000] = [0x5a; 70_000];

    const ADDRS: [&str; 7] = [
        "10.0.0.1:1",
        "10.0.0.2:2",
        "[::ffff:10.0.0.2]:2",
        "[fd00::1]:3",
        "0.0.0.0:0",
        "[::]:0",
        "unix:/x",
    ];

    /// Any sequence of events, even one no network would produce (data before connect, a
    /// FIN after a reset, addresses of neither end), is written or counted, never a panic.
    fn garbage<const CONNS: usize>(seed: u64) -> (Fingerprint, Stats) {
        let mut pcap: PcapTracer<Fingerprint, CONNS> = PcapTracer::new(Fingerprint::default());
        let mut state = seed;
        let mut next = |bound: u64| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            isn(0, state as u32) as u64 % bound
        };
        for step in 0..1_500u64 {
            let addr = |i: u64| ADDRS[i as usize].parse::<SocketAddr>().unwrap();
            let (from, to) = (addr(next(7)), addr(next(7)));
            let conn = ConnId(next(6) as u32);
            let bytes = &PAYLOAD[..next(70_001) as usize];
            let kind = match next(8) {
                0 => EventKind::Connect {
                    conn,
                    client: from,
                    server: to,
                },
                1 => EventKind::Refused {
                    client: from,
                    server: to,
                },
                2 => EventKind::Accept { conn },
                3 => EventKind::Data {
                    conn,
                    from,
                    to,
                    bytes,
                },
                4 => EventKind::Fin { conn, from, to },
                5 => EventKind::Reset { conn, from, to },
                6 => EventKind::Datagram { from, to, bytes },
                _ => EventKind::Fault {
                    fault: Fault::Loss,
                    from,
                    to,
                },
            };
            let time = Duration::from_micros(step.wrapping_mul(next(u64::MAX)));
            pcap.record(&Event { time, kind });
        }
        let stats = pcap.stats();
        (pcap.finish().unwrap(), stats)
    }

    #[test]
    fn garbage_in_is_never_a_panic_and_always_the_same_file() {
        for seed in 0..4 {
            let (file, stats) = garbage::<2>(seed);
            assert!(stats.packets > 0 && stats.skipped > 0, "{stats:?}");
            assert_eq!(garbage::<2>(seed), (file, stats));
            garbage::<0>(seed);
            garbage::<64>(seed);
        }
    }
}
