//! The capture file as it is written: one record per packet, the counters of what was and was
//! not written, and the first write error (after which nothing more is written).

use core::fmt;
use core::time::Duration;

use anysock_core::embedded_io::{self, Write};

use super::wire::{
    record_header, tcp_header, udp_header, Flow, Hosts, IpHeader, TcpSegment, PROTO_TCP, PROTO_UDP,
    SNAPLEN,
};

/// Why a capture could not be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PcapError<E> {
    /// The writer failed.
    Write(E),
    /// The writer accepted no bytes of a non-empty buffer (`Ok(0)`): it is full.
    WriteZero,
}

impl<E: fmt::Display> fmt::Display for PcapError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcapError::Write(e) => write!(f, "writing the capture failed: {e}"),
            PcapError::WriteZero => f.write_str("writing the capture failed: the writer is full"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for PcapError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            PcapError::Write(e) => Some(e),
            PcapError::WriteZero => None,
        }
    }
}

/// So a capture error passes through `?` in code that speaks `embedded_io`.
impl<E: embedded_io::Error + 'static> embedded_io::Error for PcapError<E> {
    fn kind(&self) -> embedded_io::ErrorKind {
        match self {
            PcapError::Write(e) => e.kind(),
            PcapError::WriteZero => embedded_io::ErrorKind::WriteZero,
        }
    }
}

/// What a capture wrote and what it could not.
///
/// A capture with [`Stats::complete`] false is still a valid file, but a reader does not see
/// everything the trace said; the counters say what is missing and why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Packet records written.
    pub packets: u64,
    /// Events that should have become packets but did not: those of a connection the table
    /// had no room for (or had evicted), of an unknown connection, with addresses that match
    /// neither end of their connection, or datagrams too long for an IP packet.
    pub skipped: u64,
    /// Connections not followed because every slot of the table held an open connection.
    pub untracked: u64,
    /// Finished connections dropped from the table to make room for new ones.
    pub evicted: u64,
    /// Packets longer than the snapshot length, stored cut short (the record says so).
    pub truncated: u64,
}

impl Stats {
    /// Every event that means a packet was written whole.
    pub fn complete(&self) -> bool {
        self.skipped == 0 && self.truncated == 0
    }
}

/// The writer with its state.
#[derive(Debug)]
pub(super) struct File<W: Write> {
    writer: W,
    error: Option<PcapError<W::Error>>,
    /// The IPv4 identification of the next packet.
    ip_id: u16,
    pub(super) stats: Stats,
}

impl<W: Write> File<W> {
    pub(super) fn new(writer: W) -> Self {
        File {
            writer,
            error: None,
            ip_id: 0,
            stats: Stats::default(),
        }
    }

    pub(super) fn failed(&self) -> bool {
        self.error.is_some()
    }

    pub(super) fn writer(&self) -> &W {
        &self.writer
    }

    /// The writer, flushed, or the first error.
    pub(super) fn finish(mut self) -> Result<W, PcapError<W::Error>> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.writer.flush().map_err(PcapError::Write)?;
        Ok(self.writer)
    }

    /// Counts an event that could not be written.
    pub(super) fn skip(&mut self) {
        self.stats.skipped = self.stats.skipped.saturating_add(1);
    }

    /// Writes all of `bytes`, unless an earlier write failed. `embedded_io`'s `write_all`
    /// panics when a writer returns `Ok(0)`; this loop reports it as an error instead.
    pub(super) fn put(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() && self.error.is_none() {
            match self.writer.write(rest) {
                Ok(0) => self.error = Some(PcapError::WriteZero),
                Ok(n) => rest = rest.get(n..).unwrap_or_default(),
                Err(e) => self.error = Some(PcapError::Write(e)),
            }
        }
    }

    /// A TCP segment on `flow`.
    pub(super) fn tcp(&mut self, time: Duration, flow: &Flow, seg: TcpSegment, payload: &[u8]) {
        match tcp_header(flow, seg, payload) {
            Some(header) => self.packet(time, flow, PROTO_TCP, &header, payload),
            None => self.skip(),
        }
    }

    /// A UDP datagram on `flow`.
    pub(super) fn udp(&mut self, time: Duration, flow: &Flow, payload: &[u8]) {
        match udp_header(flow, payload) {
            Some(header) => self.packet(time, flow, PROTO_UDP, &header, payload),
            None => self.skip(),
        }
    }

    /// One record: the record header, the IP header, `header` and `payload`, cut at
    /// [`SNAPLEN`]. The parts are written one after another rather than assembled, so no
    /// packet-sized buffer is needed.
    fn packet(&mut self, time: Duration, flow: &Flow, protocol: u8, header: &[u8], payload: &[u8]) {
        let transport_len = header.len().checked_add(payload.len());
        let Some(transport_len) = transport_len.and_then(|n| u16::try_from(n).ok()) else {
            return self.skip();
        };
        let Some(ip) = IpHeader::new(flow, self.ip_id, protocol, transport_len) else {
            return self.skip();
        };
        if let Hosts::V4 { .. } = flow.hosts {
            // Only IPv4 has an identification field; like Linux, count it per packet sent.
            self.ip_id = self.ip_id.wrapping_add(1);
        }
        let ip = ip.as_bytes();
        // At most 40 + 65535 bytes, so neither sum nor conversion can fail.
        let original = u32::try_from(ip.len()).unwrap_or(u32::MAX);
        let original = original.saturating_add(u32::from(transport_len));
        let captured = original.min(SNAPLEN);
        if captured < original {
            self.stats.truncated = self.stats.truncated.saturating_add(1);
        }
        let payload_room = usize::try_from(captured)
            .unwrap_or(usize::MAX)
            .saturating_sub(ip.len())
            .saturating_sub(header.len());
        self.put(&record_header(time, captured, original));
        self.put(ip);
        self.put(header);
        self.put(payload.get(..payload_room).unwrap_or(payload));
        if !self.failed() {
            self.stats.packets = self.stats.packets.saturating_add(1);
        }
    }
}
