//! Events waiting to be handed to the tracer. The network records an event while its state is
//! borrowed and hands it out once the borrow is released, so a tracer's `record` never runs
//! inside the network (it may even call into it).

use core::time::Duration;

use crate::base::ring::{Bytes, BytesRef, Ring, FRONT};
use crate::base::table::{NoMemory, Table};
use crate::trace::{Event, EventKind};

/// Events one call can leave beyond one per socket (a datagram and the faults applied to each
/// host's copy of a broadcast, a write and its faults).
const EXTRA: usize = 64;

/// An event with its payload (if any) in the outbox's byte ring.
#[derive(Clone, Copy, Debug)]
struct Pending {
    time: Duration,
    kind: EventKind<'static>,
    payload: usize,
}

/// At most one event per socket of the network, and 64 more, and `B` payload bytes, oldest first. One call of the network
/// leaves at most one event per socket plus a few, and at most one payload (a write or a
/// datagram moves at most `B` bytes), so nothing is dropped unless a tracer calls into the
/// network from `record` and piles up more than that.
#[derive(Debug)]
pub(crate) struct Outbox<const S: usize, const B: usize> {
    /// Whether anyone listens: a network without a tracer records nothing.
    pub(crate) on: bool,
    /// One place per socket the network holds (none when nobody listens).
    slots: Table<Option<Pending>, S>,
    extra: [Option<Pending>; EXTRA],
    head: usize,
    len: usize,
    /// The payloads, one after another.
    ring: Ring<B>,
    front: [u8; FRONT],
    bytes: [u8; B],
}

impl<const S: usize, const B: usize> Outbox<S, B> {
    /// An outbox for a network of `sockets` sockets; `on` when a tracer takes the events.
    pub(crate) fn try_new(sockets: usize, on: bool) -> Result<Self, NoMemory> {
        Ok(Outbox {
            on,
            slots: Table::try_new(if on { sockets } else { 0 }, |_| None)?,
            extra: [None; EXTRA],
            head: 0,
            len: 0,
            ring: Ring::new(),
            front: [0; FRONT],
            bytes: [0; B],
        })
    }

    /// Bytes held outside the owner.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.heap_bytes()
    }

    /// Places in all.
    fn capacity(&self) -> usize {
        self.slots.len() + EXTRA
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn slot(&mut self, i: usize) -> Option<&mut Option<Pending>> {
        let i = i.checked_rem(self.capacity()).unwrap_or(0);
        match i.checked_sub(self.slots.len()) {
            None => self.slots.get_mut(i),
            Some(j) => self.extra.get_mut(j),
        }
    }

    /// Queues `kind` at `time`; the bytes of a `Data` or `Datagram` event are the first
    /// `len` bytes of `bufs`, copied (as many as fit).
    pub(crate) fn push(&mut self, time: Duration, kind: EventKind<'_>, bufs: &[&[u8]], len: usize) {
        if !self.on || self.len >= self.capacity() {
            return;
        }
        let mut payload = 0;
        if matches!(kind, EventKind::Data { .. } | EventKind::Datagram { .. }) {
            for buf in bufs {
                let want = buf.len().min(len.saturating_sub(payload));
                let bytes = Bytes {
                    front: &mut self.front,
                    rest: &mut self.bytes,
                };
                let n = self
                    .ring
                    .push(bytes, buf.get(..want).unwrap_or_default(), B);
                payload += n;
                if n < want || payload >= len {
                    break;
                }
            }
        }
        let pending = Pending {
            time,
            kind: with_bytes(kind, &[]),
            payload,
        };
        let at = self.head + self.len;
        if let Some(slot) = self.slot(at) {
            *slot = Some(pending);
            self.len += 1;
        }
    }

    /// Takes the oldest event, its payload copied into `spill` (which holds `B` bytes).
    pub(crate) fn pop(
        &mut self,
        spill: &mut [u8],
    ) -> Option<(Duration, EventKind<'static>, usize)> {
        if self.len == 0 {
            return None;
        }
        let head = self.head;
        let pending = self.slot(head).and_then(Option::take)?;
        self.head = (head + 1).checked_rem(self.capacity()).unwrap_or(0);
        self.len -= 1;
        let bytes = BytesRef {
            front: &self.front,
            rest: &self.bytes,
        };
        let n = self.ring.peek_at(
            bytes,
            0,
            spill.get_mut(..pending.payload).unwrap_or_default(),
        );
        self.ring.consume(pending.payload);
        Some((pending.time, pending.kind, n))
    }
}

/// `kind` with `bytes` as its payload, if it is an event that carries one.
pub(crate) fn with_bytes<'a>(kind: EventKind<'_>, bytes: &'a [u8]) -> EventKind<'a> {
    match kind {
        EventKind::Connect {
            conn,
            client,
            server,
        } => EventKind::Connect {
            conn,
            client,
            server,
        },
        EventKind::Refused { client, server } => EventKind::Refused { client, server },
        EventKind::Accept { conn } => EventKind::Accept { conn },
        EventKind::Data { conn, from, to, .. } => EventKind::Data {
            conn,
            from,
            to,
            bytes,
        },
        EventKind::Fin { conn, from, to } => EventKind::Fin { conn, from, to },
        EventKind::Reset { conn, from, to } => EventKind::Reset { conn, from, to },
        EventKind::Datagram { from, to, .. } => EventKind::Datagram { from, to, bytes },
        EventKind::Fault { fault, from, to } => EventKind::Fault { fault, from, to },
    }
}

/// An event handed out of the outbox.
pub(crate) fn event<'a>(time: Duration, kind: EventKind<'_>, bytes: &'a [u8]) -> Event<'a> {
    Event {
        time,
        kind: with_bytes(kind, bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::ConnId;
    use anysock_core::{Domain, SocketAddr};

    #[test]
    fn keeps_order_and_payloads() {
        let a = SocketAddr::unspecified(Domain::Inet);
        let mut o = Outbox::<2, 16>::try_new(2, true).unwrap();
        let data = EventKind::Data {
            conn: ConnId(0),
            from: a,
            to: a,
            bytes: &[],
        };
        o.push(Duration::ZERO, data, &[b"ab", b"cdef"], 5);
        o.push(
            Duration::from_secs(1),
            EventKind::Accept { conn: ConnId(0) },
            &[],
            0,
        );
        let mut spill = [0u8; 16];
        let (t, k, n) = o.pop(&mut spill).unwrap();
        assert_eq!((t, n), (Duration::ZERO, 5));
        assert_eq!(&spill[..n], b"abcde");
        assert!(matches!(k, EventKind::Data { .. }));
        let (t, k, n) = o.pop(&mut spill).unwrap();
        assert_eq!(
            (t, k, n),
            (
                Duration::from_secs(1),
                EventKind::Accept { conn: ConnId(0) },
                0
            )
        );
        assert!(o.pop(&mut spill).is_none());
        let mut off = Outbox::<2, 16>::try_new(2, false).unwrap();
        off.push(
            Duration::ZERO,
            EventKind::Accept { conn: ConnId(0) },
            &[],
            0,
        );
        assert!(off.is_empty());
    }
}
