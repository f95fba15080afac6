//! The bytes of a capture file: the pcap file and record headers, and the IPv4, IPv6, TCP and
//! UDP headers synthesized for each packet. Pure functions of their arguments, so each can be
//! checked on its own; [`super::PcapTracer`] only decides what to send.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::ops::BitOr;
use core::time::Duration;

use anysock_core::SocketAddr;

use super::checksum::{pseudo_header_v4, pseudo_header_v6, Checksum};

/// The classic pcap magic number, microsecond timestamps; written little-endian.
pub const MAGIC: u32 = 0xa1b2_c3d4;
/// The largest number of bytes stored per packet.
pub const SNAPLEN: u32 = 65_535;
/// Link type "raw IP": each record is an IPv4 or IPv6 packet, told apart by its version nibble.
pub const LINKTYPE_RAW: u32 = 101;
/// The length of the file header.
pub const FILE_HEADER_LEN: usize = 24;
/// The length of each record header.
pub const RECORD_HEADER_LEN: usize = 16;
/// IPv4 time to live and IPv6 hop limit: Linux's default.
pub const HOP_LIMIT: u8 = 64;
/// The TCP window every segment advertises (no window scaling).
pub const WINDOW: u16 = 65_535;
/// IP protocol number of TCP.
pub const PROTO_TCP: u8 = 6;
/// IP protocol number of UDP.
pub const PROTO_UDP: u8 = 17;
/// The length of a TCP header without options.
pub const TCP_HEADER_LEN: usize = 20;
/// The length of a UDP header.
pub const UDP_HEADER_LEN: usize = 8;

/// The 24-byte pcap file header: magic, version 2.4, zone 0, accuracy 0, [`SNAPLEN`],
/// [`LINKTYPE_RAW`], all little-endian.
///
/// ```
/// use anysock_mock::pcap::wire::file_header;
///
/// assert_eq!(&file_header()[..8], &[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
/// ```
pub fn file_header() -> [u8; FILE_HEADER_LEN] {
    let mut h = [0u8; FILE_HEADER_LEN];
    put(&mut h, 0, &MAGIC.to_le_bytes());
    put(&mut h, 4, &2u16.to_le_bytes());
    put(&mut h, 6, &4u16.to_le_bytes());
    // Bytes 8..16: time zone offset and timestamp accuracy, both zero by convention.
    put(&mut h, 16, &SNAPLEN.to_le_bytes());
    put(&mut h, 20, &LINKTYPE_RAW.to_le_bytes());
    h
}

/// The 16-byte record header of one packet: the time (seconds and microseconds), the bytes
/// stored and the packet's full length. Seconds beyond `u32::MAX` (136 years) stay at the
/// maximum.
///
/// ```
/// use core::time::Duration;
/// use anysock_mock::pcap::wire::record_header;
///
/// let h = record_header(Duration::from_micros(2_000_005), 60, 60);
/// assert_eq!(&h[..8], &[2, 0, 0, 0, 5, 0, 0, 0]);
/// ```
pub fn record_header(time: Duration, captured: u32, original: u32) -> [u8; RECORD_HEADER_LEN] {
    let secs = u32::try_from(time.as_secs()).unwrap_or(u32::MAX);
    let mut h = [0u8; RECORD_HEADER_LEN];
    put(&mut h, 0, &secs.to_le_bytes());
    put(&mut h, 4, &time.subsec_micros().to_le_bytes());
    put(&mut h, 8, &captured.to_le_bytes());
    put(&mut h, 12, &original.to_le_bytes());
    h
}

/// The two addresses of a packet, of one family by construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hosts {
    /// An IPv4 packet.
    V4 {
        /// Source.
        src: Ipv4Addr,
        /// Destination.
        dst: Ipv4Addr,
    },
    /// An IPv6 packet.
    V6 {
        /// Source.
        src: Ipv6Addr,
        /// Destination.
        dst: Ipv6Addr,
    },
}

/// One direction of a conversation: addresses and ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    /// The addresses.
    pub hosts: Hosts,
    /// The sender's port.
    pub src_port: u16,
    /// The receiver's port.
    pub dst_port: u16,
}

/// An address as it appears on the wire: an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what
/// a dual-stack socket reports for an IPv4 peer) is the IPv4 address it stands for.
pub fn wire_addr(addr: &SocketAddr) -> Option<core::net::SocketAddr> {
    let ip = match addr.as_inet()? {
        core::net::SocketAddr::V4(a) => IpAddr::V4(*a.ip()),
        core::net::SocketAddr::V6(a) => match a.ip().to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(*a.ip()),
        },
    };
    Some(core::net::SocketAddr::new(ip, addr.port().unwrap_or(0)))
}

impl Flow {
    /// The flow from `from` to `to`, or `None` when either is a Unix-domain address.
    ///
    /// Both ends IPv4 (plain or mapped, see [`wire_addr`]) give an IPv4 packet, as a dual-stack
    /// socket talking to an IPv4 peer sends IPv4 on the wire. A real IPv6 address on either
    /// end gives an IPv6 packet, the other end mapped if it is IPv4. The rule depends only on
    /// the two addresses, so every packet of a connection gets the same family.
    ///
    /// ```
    /// use anysock_mock::pcap::wire::{Flow, Hosts};
    ///
    /// let flow = Flow::new(&"[::ffff:10.0.0.1]:80".parse()?, &"10.0.0.2:4000".parse()?);
    /// assert!(matches!(flow.unwrap().hosts, Hosts::V4 { .. }));
    /// # Ok::<(), anysock_core::Error>(())
    /// ```
    pub fn new(from: &SocketAddr, to: &SocketAddr) -> Option<Flow> {
        Some(Flow::between(wire_addr(from)?, wire_addr(to)?))
    }

    /// The flow between two wire addresses (see [`Flow::new`] for the family rule).
    pub fn between(from: core::net::SocketAddr, to: core::net::SocketAddr) -> Flow {
        let hosts = match (from.ip(), to.ip()) {
            (IpAddr::V4(src), IpAddr::V4(dst)) => Hosts::V4 { src, dst },
            (src, dst) => Hosts::V6 {
                src: as_v6(src),
                dst: as_v6(dst),
            },
        };
        Flow {
            hosts,
            src_port: from.port(),
            dst_port: to.port(),
        }
    }

    /// The opposite direction.
    pub fn reversed(self) -> Flow {
        let hosts = match self.hosts {
            Hosts::V4 { src, dst } => Hosts::V4 { src: dst, dst: src },
            Hosts::V6 { src, dst } => Hosts::V6 { src: dst, dst: src },
        };
        Flow {
            hosts,
            src_port: self.dst_port,
            dst_port: self.src_port,
        }
    }

    /// The pseudo-header sum for a transport segment of `length` bytes (header and payload).
    fn pseudo_header(&self, protocol: u8, length: u16) -> Checksum {
        match self.hosts {
            Hosts::V4 { src, dst } => pseudo_header_v4(src, dst, protocol, length),
            Hosts::V6 { src, dst } => pseudo_header_v6(src, dst, protocol, u32::from(length)),
        }
    }
}

fn as_v6(ip: IpAddr) -> Ipv6Addr {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    }
}

/// An encoded IPv4 or IPv6 header.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IpHeader {
    /// 20 bytes, no options.
    V4([u8; 20]),
    /// 40 bytes, no extension headers.
    V6([u8; 40]),
}

impl IpHeader {
    /// The header for `transport_len` bytes of `protocol` on `flow`, or `None` when the packet
    /// would exceed the 65535 bytes the IPv4 total length (or IPv6 payload length) can say.
    ///
    /// IPv4: time to live [`HOP_LIMIT`], don't-fragment set (nothing is fragmented here),
    /// identification `id`, and a valid header checksum. IPv6: hop limit [`HOP_LIMIT`], flow
    /// label 0.
    ///
    /// ```
    /// use anysock_mock::pcap::checksum::checksum;
    /// use anysock_mock::pcap::wire::{Flow, IpHeader, PROTO_UDP};
    ///
    /// let flow = Flow::new(&"10.0.0.1:5000".parse()?, &"10.0.0.2:53".parse()?).unwrap();
    /// let header = IpHeader::new(&flow, 7, PROTO_UDP, 13).unwrap();
    /// assert_eq!(header.as_bytes().len(), 20);
    /// assert_eq!(checksum(header.as_bytes()), 0); // a valid header sums to zero
    /// # Ok::<(), anysock_core::Error>(())
    /// ```
    pub fn new(flow: &Flow, id: u16, protocol: u8, transport_len: u16) -> Option<IpHeader> {
        match flow.hosts {
            Hosts::V4 { src, dst } => {
                let total = transport_len.checked_add(20)?;
                let mut h = [0u8; 20];
                put(&mut h, 0, &[0x45, 0]); // version 4, 5 words, no TOS
                put(&mut h, 2, &total.to_be_bytes());
                put(&mut h, 4, &id.to_be_bytes());
                put(&mut h, 6, &0x4000u16.to_be_bytes()); // DF, fragment offset 0
                put(&mut h, 8, &[HOP_LIMIT, protocol]);
                put(&mut h, 12, &src.octets());
                put(&mut h, 16, &dst.octets());
                let sum = super::checksum::checksum(&h);
                put(&mut h, 10, &sum.to_be_bytes());
                Some(IpHeader::V4(h))
            }
            Hosts::V6 { src, dst } => {
                let mut h = [0u8; 40];
                put(&mut h, 0, &[0x60, 0, 0, 0]); // version 6, class 0, flow label 0
                put(&mut h, 4, &transport_len.to_be_bytes());
                put(&mut h, 6, &[protocol, HOP_LIMIT]);
                put(&mut h, 8, &src.octets());
                put(&mut h, 24, &dst.octets());
                Some(IpHeader::V6(h))
            }
        }
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            IpHeader::V4(h) => h,
            IpHeader::V6(h) => h,
        }
    }
}

impl fmt::Debug for IpHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IpHeader").field(&self.as_bytes()).finish()
    }
}

/// The control bits of a TCP header.
///
/// ```
/// use anysock_mock::pcap::wire::TcpFlags;
///
/// assert_eq!((TcpFlags::SYN | TcpFlags::ACK).bits(), 0x12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpFlags(u8);

impl TcpFlags {
    /// No more data from the sender.
    pub const FIN: TcpFlags = TcpFlags(0x01);
    /// Synchronize sequence numbers.
    pub const SYN: TcpFlags = TcpFlags(0x02);
    /// Reset the connection.
    pub const RST: TcpFlags = TcpFlags(0x04);
    /// Push the data to the application.
    pub const PSH: TcpFlags = TcpFlags(0x08);
    /// The acknowledgement number is valid.
    pub const ACK: TcpFlags = TcpFlags(0x10);

    /// The bits as they appear in the header's flags byte.
    pub const fn bits(self) -> u8 {
        self.0
    }
}

impl BitOr for TcpFlags {
    type Output = TcpFlags;
    fn bitor(self, rhs: TcpFlags) -> TcpFlags {
        TcpFlags(self.0 | rhs.0)
    }
}

/// The numbers and flags of one TCP segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpSegment {
    /// The sequence number of the first byte (or of the SYN or FIN).
    pub seq: u32,
    /// The acknowledgement number (meaningful with [`TcpFlags::ACK`]).
    pub ack: u32,
    /// The control bits.
    pub flags: TcpFlags,
}

/// A 20-byte TCP header for `segment` carrying `payload` on `flow`, window [`WINDOW`], no
/// options, with the checksum over the pseudo-header, header and payload. `None` when the
/// segment is too long for the IP length fields.
///
/// ```
/// use anysock_mock::pcap::wire::{tcp_header, Flow, TcpFlags, TcpSegment};
///
/// let flow = Flow::new(&"10.0.0.1:49152".parse()?, &"10.0.0.2:80".parse()?).unwrap();
/// let syn = TcpSegment { seq: 1000, ack: 0, flags: TcpFlags::SYN };
/// let h = tcp_header(&flow, syn, &[]).unwrap();
/// assert_eq!(&h[..4], &[0xc0, 0x00, 0x00, 80]); // ports 49152 -> 80
/// # Ok::<(), anysock_core::Error>(())
/// ```
pub fn tcp_header(flow: &Flow, segment: TcpSegment, payload: &[u8]) -> Option<[u8; 20]> {
    let length = transport_len(TCP_HEADER_LEN, payload)?;
    let mut h = [0u8; TCP_HEADER_LEN];
    put(&mut h, 0, &flow.src_port.to_be_bytes());
    put(&mut h, 2, &flow.dst_port.to_be_bytes());
    put(&mut h, 4, &segment.seq.to_be_bytes());
    put(&mut h, 8, &segment.ack.to_be_bytes());
    put(&mut h, 12, &[5 << 4, segment.flags.bits()]); // 5 words, no options
    put(&mut h, 14, &WINDOW.to_be_bytes());
    // Bytes 16..20: checksum (below) and urgent pointer 0.
    let mut sum = flow.pseudo_header(PROTO_TCP, length);
    sum.add(&h);
    sum.add(payload);
    put(&mut h, 16, &sum.finish().to_be_bytes());
    Some(h)
}

/// An 8-byte UDP header for `payload` on `flow`, with the checksum over the pseudo-header,
/// header and payload; a computed zero is sent as `0xffff`, since zero means "no checksum"
/// (and is not allowed over IPv6). `None` when the datagram is too long for the length field.
///
/// ```
/// use anysock_mock::pcap::wire::{udp_header, Flow};
///
/// let flow = Flow::new(&"[fd00::1]:5000".parse()?, &"[fd00::2]:53".parse()?).unwrap();
/// let h = udp_header(&flow, b"query").unwrap();
/// assert_eq!(&h[4..6], &[0, 13]); // length: 8 + 5
/// # Ok::<(), anysock_core::Error>(())
/// ```
pub fn udp_header(flow: &Flow, payload: &[u8]) -> Option<[u8; 8]> {
    let length = transport_len(UDP_HEADER_LEN, payload)?;
    let mut h = [0u8; UDP_HEADER_LEN];
    put(&mut h, 0, &flow.src_port.to_be_bytes());
    put(&mut h, 2, &flow.dst_port.to_be_bytes());
    put(&mut h, 4, &length.to_be_bytes());
    let mut sum = flow.pseudo_header(PROTO_UDP, length);
    sum.add(&h);
    sum.add(payload);
    let checksum = match sum.finish() {
        0 => 0xffff,
        other => other,
    };
    put(&mut h, 6, &checksum.to_be_bytes());
    Some(h)
}

/// Header plus payload length, if it fits the 16-bit length fields.
fn transport_len(header: usize, payload: &[u8]) -> Option<u16> {
    u16::try_from(header.checked_add(payload.len())?).ok()
}

/// Copies `bytes` into `buf` at `at`. The offsets are constants within the fixed-size headers
/// above; an out-of-range copy would be a bug here, and is skipped rather than panicking.
fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
    let end = at.saturating_add(bytes.len());
    if let Some(dst) = buf.get_mut(at..end) {
        dst.copy_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::super::checksum::checksum;
    use super::*;

    fn flow(from: &str, to: &str) -> Flow {
        Flow::new(&from.parse().unwrap(), &to.parse().unwrap()).unwrap()
    }

    #[test]
    fn mapped_addresses_pair_as_ipv4() {
        let f = flow("[::ffff:10.0.0.1]:1", "[::ffff:10.0.0.2]:2");
        assert_eq!(
            f.hosts,
            Hosts::V4 {
                src: Ipv4Addr::new(10, 0, 0, 1),
                dst: Ipv4Addr::new(10, 0, 0, 2)
            }
        );
        let g = flow("10.0.0.1:1", "[fd00::2]:2");
        assert_eq!(
            g.hosts,
            Hosts::V6 {
                src: "::ffff:10.0.0.1".parse().unwrap(),
                dst: "fd00::2".parse().unwrap()
            }
        );
        assert_eq!(g.reversed().reversed(), g);
        assert_eq!(g.reversed().src_port, 2);
    }

    #[test]
    fn unix_addresses_have_no_flow() {
        let unix: SocketAddr = "unix:/run/x.sock".parse().unwrap();
        let inet: SocketAddr = "10.0.0.1:1".parse().unwrap();
        assert_eq!(Flow::new(&unix, &inet), None);
    }

    #[test]
    fn ipv4_header_limits() {
        let f = flow("10.0.0.1:1", "10.0.0.2:2");
        assert!(IpHeader::new(&f, 0, PROTO_UDP, 65_515).is_some());
        assert_eq!(IpHeader::new(&f, 0, PROTO_UDP, 65_516), None);
        let h = IpHeader::new(&f, 0x1234, PROTO_TCP, 40).unwrap();
        assert_eq!(checksum(h.as_bytes()), 0);
        assert_eq!(&h.as_bytes()[2..10], &[0, 60, 0x12, 0x34, 0x40, 0, 64, 6]);
    }

    #[test]
    fn ipv6_header_fields() {
        let f = flow("[fd00::1]:1", "[fd00::2]:2");
        let h = IpHeader::new(&f, 0, PROTO_TCP, 65_535).unwrap();
        assert_eq!(&h.as_bytes()[..8], &[0x60, 0, 0, 0, 0xff, 0xff, 6, 64]);
    }

    #[test]
    fn transport_checksums_verify() {
        // Summing pseudo-header, header (with its checksum) and payload gives ffff, i.e. a
        // finished checksum of zero: what a receiver checks.
        for f in [
            flow("10.0.0.1:1000", "10.0.0.2:80"),
            flow("[fd00::1]:1000", "[fd00::2]:80"),
        ] {
            let payload = b"odd-length payload";
            let seg = TcpSegment {
                seq: 1,
                ack: 2,
                flags: TcpFlags::PSH | TcpFlags::ACK,
            };
            let tcp = tcp_header(&f, seg, payload).unwrap();
            let mut sum = f.pseudo_header(PROTO_TCP, 38);
            sum.add(&tcp);
            sum.add(payload);
            assert_eq!(sum.finish(), 0);
            let udp = udp_header(&f, payload).unwrap();
            let mut sum = f.pseudo_header(PROTO_UDP, 26);
            sum.add(&udp);
            sum.add(payload);
            assert_eq!(sum.finish(), 0);
        }
    }

    #[test]
    fn too_long_for_a_length_field() {
        let f = flow("10.0.0.1:1", "10.0.0.2:2");
        let big = [0u8; 65_528];
        assert_eq!(udp_header(&f, &big), None);
        assert!(udp_header(&f, &big[..65_527]).is_some());
    }

    #[test]
    fn timestamps_saturate() {
        let h = record_header(Duration::from_secs(u64::MAX), 1, 1);
        assert_eq!(&h[..4], &[0xff; 4]);
    }
}
