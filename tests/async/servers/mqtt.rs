//! A small MQTT 5 broker, enough for a client: CONNECT/CONNACK, SUBSCRIBE/SUBACK,
//! UNSUBSCRIBE/UNSUBACK, PUBLISH at QoS 0 and 1 (PUBACK both ways), PINGREQ/PINGRESP and
//! DISCONNECT. One session at a time: a client's publications go to its own subscriptions.
//! Packets are parsed with checked reads; a malformed one ends the session with a DISCONNECT
//! (`0x81`, malformed packet), never a panic.

use core::cell::Cell;

use anysock::asynch::{Listener, Stack};
use anysock::embedded_io_async::{Read, Write};
use anysock::{Error, ErrorKind};

/// The longest packet body it takes (the client's default maximum is larger; ours is enough).
const MAX_PACKET: usize = 16 * 1024;

/// What the broker saw, for the tests to check.
#[derive(Debug, Default)]
pub struct Stats {
    pub sessions: Cell<u32>,
    pub published: Cell<u32>,
    pub delivered: Cell<u32>,
    pub pings: Cell<u32>,
    pub disconnects: Cell<u32>,
}

fn bump(c: &Cell<u32>) {
    c.set(c.get() + 1);
}

/// Serves one session after another on `listener` until accepting fails (its host crashed,
/// say); a session that ends badly ends only itself.
pub async fn serve<S: Stack>(listener: &mut S::Listener, stats: &Stats) -> anysock::Result<()> {
    loop {
        let (mut conn, _) = listener.accept().await?;
        bump(&stats.sessions);
        match session(&mut conn, stats).await {
            Ok(()) => {}
            // Closed under us (a crash, a reset): the broker is gone with its host.
            Err(e) if e.kind() == ErrorKind::BadDescriptor => return Err(e),
            Err(_) => {}
        }
    }
}

/// One packet: its type (the fixed header's high four bits), flags (the low four) and body.
struct Packet {
    kind: u8,
    flags: u8,
    body: Vec<u8>,
}

fn malformed() -> Error {
    Error::new(ErrorKind::InvalidInput)
}

/// The next packet, or `None` at a clean end of stream between packets.
async fn read_packet<C: Read<Error = Error>>(conn: &mut C) -> anysock::Result<Option<Packet>> {
    let mut first = [0u8; 1];
    if conn.read(&mut first).await? == 0 {
        return Ok(None);
    }
    let mut len = 0usize;
    for i in 0..4 {
        let mut byte = [0u8; 1];
        conn.read_exact(&mut byte).await?;
        len |= usize::from(byte[0] & 0x7f) << (7 * i);
        if byte[0] & 0x80 == 0 {
            if len > MAX_PACKET {
                return Err(malformed());
            }
            let mut body = vec![0u8; len];
            conn.read_exact(&mut body).await?;
            return Ok(Some(Packet {
                kind: first[0] >> 4,
                flags: first[0] & 0x0f,
                body,
            }));
        }
    }
    Err(malformed()) // a length of more than four bytes
}

/// Checked reads from a packet body.
struct Body<'a> {
    buf: &'a [u8],
}

impl<'a> Body<'a> {
    fn take(&mut self, n: usize) -> anysock::Result<&'a [u8]> {
        if n > self.buf.len() {
            return Err(malformed());
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn u8(&mut self) -> anysock::Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> anysock::Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn string(&mut self) -> anysock::Result<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }

    fn varint(&mut self) -> anysock::Result<usize> {
        let mut v = 0usize;
        for i in 0..4 {
            let b = self.u8()?;
            v |= usize::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(malformed())
    }

    /// Skips a property list (the broker uses none of the client's properties).
    fn skip_properties(&mut self) -> anysock::Result<()> {
        let n = self.varint()?;
        self.take(n).map(drop)
    }
}

/// A packet with `body` under fixed header byte `first`.
fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    let mut len = body.len();
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(body);
    out
}

/// Whether `topic` matches subscription `filter` (`+` one level, `#` the rest).
fn matches(filter: &[u8], topic: &[u8]) -> bool {
    let mut f = filter.split(|&b| b == b'/');
    let mut t = topic.split(|&b| b == b'/');
    loop {
        match (f.next(), t.next()) {
            (Some(b"#"), _) => return true,
            (Some(b"+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// One client's session, from CONNECT to DISCONNECT (or the end of the connection).
async fn session<C>(conn: &mut C, stats: &Stats) -> anysock::Result<()>
where
    C: Read<Error = Error> + Write<Error = Error>,
{
    let Some(connect) = read_packet(conn).await? else {
        return Ok(());
    };
    let mut body = Body { buf: &connect.body };
    if connect.kind != 1 || body.string()? != b"MQTT" || body.u8()? != 5 {
        // Not MQTT 5: "unsupported protocol version", then goodbye.
        conn.write_all(&packet(0x20, &[0x00, 0x84, 0x00])).await?;
        return Ok(());
    }
    conn.write_all(&packet(0x20, &[0x00, 0x00, 0x00])).await?; // CONNACK: success
    let mut subscriptions: Vec<(Vec<u8>, u8)> = Vec::new();
    let mut next_id: u16 = 0;
    loop {
        let Some(p) = read_packet(conn).await? else {
            return Ok(()); // the client went away without a DISCONNECT
        };
        let answer = handle(&p, &mut subscriptions, &mut next_id, stats);
        match answer {
            Ok(Some(bytes)) => conn.write_all(&bytes).await?,
            Ok(None) => return Ok(()),
            Err(e) => {
                conn.write_all(&packet(0xe0, &[0x81, 0x00])).await?; // malformed packet
                return Err(e);
            }
        }
    }
}

/// What the broker sends back for `p` (possibly nothing); `None` when the session ends.
fn handle(
    p: &Packet,
    subscriptions: &mut Vec<(Vec<u8>, u8)>,
    next_id: &mut u16,
    stats: &Stats,
) -> anysock::Result<Option<Vec<u8>>> {
    let mut body = Body { buf: &p.body };
    let mut out = Vec::new();
    match (p.kind, p.flags) {
        (3, flags) => {
            // PUBLISH
            let qos = (flags >> 1) & 0b11;
            let topic = body.string()?.to_vec();
            if qos > 1 {
                return Err(malformed()); // QoS 2 is not offered (no PUBREC here)
            }
            let id = if qos == 1 { Some(body.u16()?) } else { None };
            body.skip_properties()?;
            let payload = body.buf;
            bump(&stats.published);
            if let Some(id) = id {
                out.extend(packet(0x40, &id.to_be_bytes())); // PUBACK
            }
            for (filter, granted) in subscriptions.iter() {
                if !matches(filter, &topic) {
                    continue;
                }
                let qos = qos.min(*granted);
                let mut fwd = Vec::new();
                fwd.extend_from_slice(&(topic.len() as u16).to_be_bytes());
                fwd.extend_from_slice(&topic);
                if qos == 1 {
                    *next_id = next_id.wrapping_add(1).max(1);
                    fwd.extend_from_slice(&next_id.to_be_bytes());
                }
                fwd.push(0); // no properties
                fwd.extend_from_slice(payload);
                out.extend(packet(0x30 | (qos << 1), &fwd));
                bump(&stats.delivered);
            }
        }
        (4, 0) => {} // PUBACK of a delivery
        (8, 0b0010) => {
            // SUBSCRIBE
            let id = body.u16()?;
            body.skip_properties()?;
            let mut ack = id.to_be_bytes().to_vec();
            ack.push(0); // no properties
            while !body.buf.is_empty() {
                let filter = body.string()?.to_vec();
                let granted = (body.u8()? & 0b11).min(1);
                subscriptions.retain(|(f, _)| *f != filter);
                subscriptions.push((filter, granted));
                ack.push(granted);
            }
            out = packet(0x90, &ack);
        }
        (10, 0b0010) => {
            // UNSUBSCRIBE
            let id = body.u16()?;
            body.skip_properties()?;
            let mut ack = id.to_be_bytes().to_vec();
            ack.push(0);
            while !body.buf.is_empty() {
                let filter = body.string()?;
                let before = subscriptions.len();
                subscriptions.retain(|(f, _)| f != filter);
                ack.push(if subscriptions.len() < before {
                    0x00
                } else {
                    0x11
                });
            }
            out = packet(0xb0, &ack);
        }
        (12, 0) => {
            bump(&stats.pings);
            out = packet(0xd0, &[]);
        }
        (14, 0) => {
            bump(&stats.disconnects);
            return Ok(None);
        }
        _ => return Err(malformed()),
    }
    Ok(Some(out))
}

#[test]
fn topic_filters_match_as_mqtt_says() {
    assert!(matches(b"a/b", b"a/b"));
    assert!(matches(b"a/+", b"a/b"));
    assert!(matches(b"a/#", b"a/b/c"));
    assert!(matches(b"#", b"a"));
    assert!(!matches(b"a/+", b"a/b/c"));
    assert!(!matches(b"a/b", b"a"));
}
