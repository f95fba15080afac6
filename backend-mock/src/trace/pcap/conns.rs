//! The TCP connections a capture follows: for each, the addresses it was set up with and the
//! next sequence number of each direction, in a fixed table (no heap).

use core::net::SocketAddr as WireAddr;

use super::wire::{Flow, TcpFlags, TcpSegment};
use crate::trace::ConnId;

/// One end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    /// The end that connected.
    Client,
    /// The end that accepted.
    Server,
}

impl Side {
    /// The other end.
    pub(super) fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    fn index(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }
}

/// An initial sequence number, a fixed function of `n` and `salt` so the same trace always
/// gives the same file. A real stack picks them at random; scattering them over the 32-bit
/// space the same way keeps the capture realistic (and exercises wrap-around in readers).
pub(super) fn isn(salt: u32, n: u32) -> u32 {
    // SplitMix64's finalizer: every input bit moves about half the output bits.
    let mut x = (u64::from(salt) << 32 | u64::from(n)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    // The low half of the mixed value; truncation is the point.
    x as u32
}

/// What the capture knows about one connection.
#[derive(Clone, Copy, Debug)]
pub(super) struct Conn {
    id: ConnId,
    client: WireAddr,
    server: WireAddr,
    /// The sequence number each side sends next, by [`Side::index`].
    next_seq: [u32; 2],
    /// Whether each side has sent its FIN.
    fin: [bool; 2],
    reset: bool,
    /// When the connection entered the table, to evict the oldest first.
    born: u64,
}

impl Conn {
    /// Which side sends a packet from `from` to `to`: matched on the sender first, then on
    /// the receiver, since one of the two may be written in another form than at connect
    /// (say, a listener's wildcard address).
    pub(super) fn sender(&self, from: WireAddr, to: WireAddr) -> Option<Side> {
        if from == self.client || (from != self.server && to == self.server) {
            Some(Side::Client)
        } else if from == self.server || to == self.client {
            Some(Side::Server)
        } else {
            None
        }
    }

    /// The direction from `side` to its peer, always from the addresses given at connect so
    /// every packet of the connection has the same addresses and IP family.
    pub(super) fn flow(&self, side: Side) -> Flow {
        match side {
            Side::Client => Flow::between(self.client, self.server),
            Side::Server => Flow::between(self.server, self.client),
        }
    }

    /// The sequence number `side` sends next.
    pub(super) fn next_seq(&self, side: Side) -> u32 {
        self.next_seq.get(side.index()).copied().unwrap_or(0)
    }

    /// The next segment from `side`: its next sequence number, acknowledging all the peer sent.
    pub(super) fn segment(&self, side: Side, flags: TcpFlags) -> TcpSegment {
        let (seq, ack) = (self.next_seq(side), self.next_seq(side.peer()));
        TcpSegment { seq, ack, flags }
    }

    /// Moves `side`'s sequence number past `len` bytes (or one SYN or FIN); TCP sequence
    /// numbers wrap around by definition.
    pub(super) fn advance(&mut self, side: Side, len: u32) {
        if let Some(seq) = self.next_seq.get_mut(side.index()) {
            *seq = seq.wrapping_add(len);
        }
    }

    /// Records `side`'s FIN.
    pub(super) fn set_fin(&mut self, side: Side) {
        if let Some(fin) = self.fin.get_mut(side.index()) {
            *fin = true;
        }
    }

    /// Records a reset by either side.
    pub(super) fn set_reset(&mut self) {
        self.reset = true;
    }

    /// No more packets are expected: reset, or closed both ways.
    fn finished(&self) -> bool {
        self.reset || self.fin == [true, true]
    }
}

/// How [`Conns::open`] placed a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Opened {
    /// In a free slot, or in place of an earlier connection of the same id.
    Fresh,
    /// In place of the oldest finished connection.
    Evicted,
    /// Not at all: every slot holds a connection still open.
    Full,
}

/// `N` connections at most.
#[derive(Debug)]
pub(super) struct Conns<const N: usize> {
    slots: [Option<Conn>; N],
    /// Counts connections opened, to order them by age.
    opened: u64,
}

impl<const N: usize> Conns<N> {
    pub(super) const fn new() -> Self {
        Conns {
            slots: [None; N],
            opened: 0,
        }
    }

    /// The connection `id`, if the table holds it.
    pub(super) fn get_mut(&mut self, id: ConnId) -> Option<&mut Conn> {
        self.slots.iter_mut().flatten().find(|c| c.id == id)
    }

    /// Starts following connection `id` from `client` to `server` with the given initial
    /// sequence numbers (the SYNs already counted).
    ///
    /// When the table is full, the oldest finished connection makes room: its later events,
    /// if any came, could no longer be numbered and would be skipped. When none is finished,
    /// the new connection is not followed; the caller counts what it cannot write.
    pub(super) fn open(
        &mut self,
        id: ConnId,
        client: WireAddr,
        server: WireAddr,
        next_seq: [u32; 2],
    ) -> Opened {
        let born = self.opened;
        self.opened = self.opened.wrapping_add(1);
        let conn = Conn {
            id,
            client,
            server,
            next_seq,
            fin: [false; 2],
            reset: false,
            born,
        };
        // The same id again replaces its entry, so an id never appears twice.
        let same = self
            .slots
            .iter()
            .position(|s| s.is_some_and(|c| c.id == id));
        let (slot, how) =
            if let Some(i) = same.or_else(|| self.slots.iter().position(Option::is_none)) {
                (i, Opened::Fresh)
            } else if let Some(i) = self.oldest_finished() {
                (i, Opened::Evicted)
            } else {
                return Opened::Full;
            };
        match self.slots.get_mut(slot) {
            Some(s) => {
                *s = Some(conn);
                how
            }
            None => Opened::Full,
        }
    }

    fn oldest_finished(&self) -> Option<usize> {
        let finished = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().filter(|c| c.finished()).map(|c| (c.born, i)));
        finished.min().map(|(_, i)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> WireAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_full_table_evicts_the_oldest_finished_connection() {
        let mut conns = Conns::<2>::new();
        let (c, s) = (addr("10.0.0.1:1000"), addr("10.0.0.2:80"));
        assert_eq!(conns.open(ConnId(0), c, s, [1, 1]), Opened::Fresh);
        assert_eq!(conns.open(ConnId(1), c, s, [1, 1]), Opened::Fresh);
        assert_eq!(conns.open(ConnId(2), c, s, [1, 1]), Opened::Full);
        assert!(conns.get_mut(ConnId(2)).is_none());

        conns.get_mut(ConnId(1)).unwrap().set_reset();
        let first = conns.get_mut(ConnId(0)).unwrap();
        first.set_fin(Side::Client);
        first.set_fin(Side::Server);
        assert_eq!(conns.open(ConnId(3), c, s, [1, 1]), Opened::Evicted);
        assert!(
            conns.get_mut(ConnId(0)).is_none(),
            "the oldest finished one goes"
        );
        assert!(conns.get_mut(ConnId(1)).is_some());
    }

    #[test]
    fn the_same_id_replaces_its_entry() {
        let mut conns = Conns::<1>::new();
        let (c, s) = (addr("10.0.0.1:1000"), addr("10.0.0.2:80"));
        assert_eq!(conns.open(ConnId(5), c, s, [1, 1]), Opened::Fresh);
        assert_eq!(conns.open(ConnId(5), c, s, [7, 9]), Opened::Fresh);
        assert_eq!(conns.get_mut(ConnId(5)).unwrap().next_seq(Side::Server), 9);
    }

    #[test]
    fn a_table_of_nothing_follows_nothing() {
        let mut conns = Conns::<0>::new();
        let (c, s) = (addr("10.0.0.1:1000"), addr("10.0.0.2:80"));
        assert_eq!(conns.open(ConnId(0), c, s, [1, 1]), Opened::Full);
    }

    #[test]
    fn the_sender_is_found_by_either_address() {
        let mut conns = Conns::<1>::new();
        let (c, s) = (addr("10.0.0.1:1000"), addr("10.0.0.2:80"));
        conns.open(ConnId(0), c, s, [1, 1]);
        let conn = conns.get_mut(ConnId(0)).unwrap();
        assert_eq!(conn.sender(c, s), Some(Side::Client));
        assert_eq!(conn.sender(s, c), Some(Side::Server));
        assert_eq!(conn.sender(addr("0.0.0.0:80"), c), Some(Side::Server));
        assert_eq!(conn.sender(addr("9.9.9.9:9"), addr("8.8.8.8:8")), None);
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut conns = Conns::<1>::new();
        let (c, s) = (addr("10.0.0.1:1000"), addr("10.0.0.2:80"));
        conns.open(ConnId(0), c, s, [u32::MAX, 0]);
        let conn = conns.get_mut(ConnId(0)).unwrap();
        conn.advance(Side::Client, 2);
        assert_eq!(conn.next_seq(Side::Client), 1);
    }

    #[test]
    fn isns_differ_and_repeat() {
        assert_eq!(isn(0, 1), isn(0, 1));
        assert_ne!(isn(0, 1), isn(1, 1));
        assert_ne!(isn(0, 1), isn(0, 2));
    }
}
