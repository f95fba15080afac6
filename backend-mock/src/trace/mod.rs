// The trace layer: what the network reports and what it is told to break. The events and the
// `Tracer` (here), the outbox that holds events until the tracer takes them, pcap files made
// from them, and the fault plans and scripts (`plan.rs`).
//
// May import: `base/`.

//! The trace: every event of the simulated network, handed as it happens to a [`Tracer`] the
//! network owns. Nothing is stored by the network itself, so tracing costs no memory there; a
//! tracer keeps, prints or encodes what it needs (see [`crate::pcap`] for a capture file).

use core::fmt;
use core::time::Duration;

use anysock_core::SocketAddr;

pub(crate) mod outbox;
#[doc(hidden)]
pub mod pcap;
pub(crate) mod plan;

/// Names one stream connection for the life of the network: connections are numbered in the
/// order they are set up, from 0, so the same program numbers them the same way every run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub u32);

/// A fault the network applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// A datagram was lost on the way.
    Loss,
    /// A datagram was delivered twice.
    Duplicate,
    /// A datagram overtook one sent before it.
    Reorder,
    /// A datagram or stream chunk was held back for `Duration` of virtual time.
    Latency(Duration),
    /// A read or write moved fewer bytes than it could have.
    ShortIo,
    /// A connection was reset after a set number of bytes.
    ResetAfterBytes,
    /// Traffic between two hosts was cut.
    Partition,
    /// A host crashed: every socket on it was reset.
    Crash,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind<'a> {
    /// A stream connection was set up (on TCP: the SYN, SYN-ACK, ACK exchange).
    Connect {
        /// The connection.
        conn: ConnId,
        /// The connecting end's address.
        client: SocketAddr,
        /// The listening end's address.
        server: SocketAddr,
    },
    /// A connection attempt was refused (on TCP: a SYN answered with RST).
    Refused {
        /// The connecting end's address.
        client: SocketAddr,
        /// The address nobody listened on.
        server: SocketAddr,
    },
    /// A listener handed a connection to `accept`.
    Accept {
        /// The connection.
        conn: ConnId,
    },
    /// Stream bytes went from one end of a connection to the other.
    Data {
        /// The connection.
        conn: ConnId,
        /// The sending end.
        from: SocketAddr,
        /// The receiving end.
        to: SocketAddr,
        /// The bytes, in order after everything sent before on this connection and direction.
        bytes: &'a [u8],
    },
    /// One end of a connection finished sending (on TCP: a FIN).
    Fin {
        /// The connection.
        conn: ConnId,
        /// The end that finished.
        from: SocketAddr,
        /// The other end.
        to: SocketAddr,
    },
    /// One end reset the connection (on TCP: an RST).
    Reset {
        /// The connection.
        conn: ConnId,
        /// The end that reset.
        from: SocketAddr,
        /// The other end.
        to: SocketAddr,
    },
    /// A datagram was sent.
    Datagram {
        /// The sender.
        from: SocketAddr,
        /// The destination.
        to: SocketAddr,
        /// The payload.
        bytes: &'a [u8],
    },
    /// The network applied a fault to the traffic from `from` to `to`.
    Fault {
        /// What it did.
        fault: Fault,
        /// The sender of the traffic it hit (or the crashed host's address).
        from: SocketAddr,
        /// Where the traffic was going (or the crashed host's address).
        to: SocketAddr,
    },
}

/// One event, at a time on the virtual clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// When, on the network's virtual clock.
    pub time: Duration,
    /// What.
    pub kind: EventKind<'a>,
}

/// Receives every event of a network, in order.
pub trait Tracer {
    /// Called once per event, as it happens.
    fn record(&mut self, event: &Event<'_>);
}

/// The tracer that keeps nothing: the default.
impl Tracer for () {
    fn record(&mut self, _event: &Event<'_>) {}
}

impl<T: Tracer + ?Sized> Tracer for &mut T {
    fn record(&mut self, event: &Event<'_>) {
        T::record(self, event);
    }
}

impl fmt::Display for Event<'_> {
    /// One line per event, stable across runs: a readable log to compare two runs with.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.time;
        write!(f, "{:>6}.{:06} ", t.as_secs(), t.subsec_micros())?;
        match self.kind {
            EventKind::Connect {
                conn,
                client,
                server,
            } => {
                write!(f, "connect #{} {client} -> {server}", conn.0)
            }
            EventKind::Refused { client, server } => write!(f, "refused {client} -> {server}"),
            EventKind::Accept { conn } => write!(f, "accept #{}", conn.0),
            EventKind::Data {
                conn,
                from,
                to,
                bytes,
            } => {
                write!(f, "data #{} {from} -> {to} {} bytes", conn.0, bytes.len())
            }
            EventKind::Fin { conn, from, to } => write!(f, "fin #{} {from} -> {to}", conn.0),
            EventKind::Reset { conn, from, to } => write!(f, "reset #{} {from} -> {to}", conn.0),
            EventKind::Datagram { from, to, bytes } => {
                write!(f, "datagram {from} -> {to} {} bytes", bytes.len())
            }
            EventKind::Fault { fault, from, to } => write!(f, "fault {fault:?} {from} -> {to}"),
        }
    }
}
