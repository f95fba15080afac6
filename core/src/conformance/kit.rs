//! Setups many cases share: connected pairs in each domain, and reading and writing that wait
//! for readiness first so no case blocks on the kernel or hangs a simulation.

use crate::embedded_io::{Read, Write};
use crate::{
    Datagram, Domain, Endpoint, Interest, Listener, Received, Socket, SocketAddr, Stack, Type,
};

use super::{supported, wait, Harness, Stop, UnixHarness};

/// The stack's listener type, for a harness.
pub type ListenerOf<H> = <<H as Harness>::Stack as Stack>::Listener;
/// The stack's stream type, for a harness.
pub type StreamOf<H> = <<H as Harness>::Stack as Stack>::Stream;
/// The stack's datagram type, for a harness.
pub type DatagramOf<H> = <<H as Harness>::Stack as Stack>::Datagram;
/// The sockets of a [`crate::cmsg::Cmsg::Rights`] message received on the stack's datagram
/// socket, for a harness.
pub type PassedOf<'c, H> = <DatagramOf<H> as crate::cmsg::Ancillary>::ReceivedFds<'c>;
/// The stack's fresh-socket type, for a harness.
pub type SocketOf<H> = <<H as Harness>::Stack as Stack>::Socket;

/// A listener, a client connected to it, and the accepted end.
pub type Connected<H> = (ListenerOf<H>, StreamOf<H>, StreamOf<H>);

/// A listener on `addr` (port 0 allowed), a client connected to it, and the accepted end:
/// `(listener, client, server)`.
pub fn connected<H: Harness>(h: &H, addr: &SocketAddr) -> Result<Connected<H>, Stop> {
    let mut listener = must!(h.stack().listen(addr, 8), "listen");
    let target = must!(listener.local_addr(), "the listener's local_addr");
    let client = must!(h.stack().connect(&target), "connect to the listener");
    wait(h, &listener, Interest::READABLE)?;
    let (server, _peer) = must!(listener.accept(), "accept");
    Ok((listener, client, server))
}

/// A connected TCP pair over IPv4 loopback: `(client, server)`.
pub fn tcp_pair<H: Harness>(h: &mut H) -> Result<(StreamOf<H>, StreamOf<H>), Stop> {
    let addr = h.ipv4();
    let (_listener, client, server) = connected(h, &addr)?;
    Ok((client, server))
}

/// A connected Unix stream pair through a pathname: `(client, server)`.
pub fn unix_pair<H: UnixHarness>(h: &mut H) -> Result<(StreamOf<H>, StreamOf<H>), Stop> {
    let addr = SocketAddr::Unix(h.unix_path());
    let (_listener, client, server) = connected(h, &addr)?;
    Ok((client, server))
}

/// A `socketpair` of streams of type `ty` (stream or seqpacket). A backend without it (no
/// Unix sockets) skips the case.
pub fn stream_socketpair<H: Harness>(h: &H, ty: Type) -> Result<(StreamOf<H>, StreamOf<H>), Stop> {
    let (a, b) = supported(h.stack().socketpair(ty), "no socketpair", "socketpair")?;
    Ok((
        must!(a.into_stream(), "into_stream"),
        must!(b.into_stream(), "into_stream"),
    ))
}

/// A fresh Unix socket of type `ty`. A backend without Unix sockets skips the case.
pub fn unix_socket<H: Harness>(h: &H, ty: Type) -> Result<SocketOf<H>, Stop> {
    supported(
        h.stack().socket(Domain::Unix, ty),
        "no Unix sockets",
        "socket(AF_UNIX)",
    )
}

/// Two UDP sockets bound to this host's IPv4 address: `(a, b)`.
pub fn udp_pair<H: Harness>(h: &H) -> Result<(DatagramOf<H>, DatagramOf<H>), Stop> {
    let addr = h.ipv4();
    let a = must!(h.stack().bind(&addr), "bind a UDP socket");
    let b = must!(h.stack().bind(&addr), "bind a second UDP socket");
    Ok((a, b))
}

/// Writes all of `data`, waiting for room before each write.
pub fn send_all<H: Harness>(h: &H, s: &mut StreamOf<H>, mut data: &[u8]) -> Result<(), Stop> {
    while !data.is_empty() {
        wait(h, s, Interest::WRITABLE)?;
        let n = must!(s.write(data), "write");
        ensure!(n > 0, "write returned 0 for a non-empty buffer");
        data = &data[n..];
    }
    Ok(())
}

/// Fills `buf` exactly, waiting for data before each read; fails on an early end of stream.
pub fn recv_exact<H: Harness>(h: &H, s: &mut StreamOf<H>, buf: &mut [u8]) -> Result<(), Stop> {
    let mut filled = 0;
    while filled < buf.len() {
        wait(h, s, Interest::READABLE)?;
        let n = must!(s.read(&mut buf[filled..]), "read");
        ensure!(n > 0, "end of stream before all the bytes arrived");
        filled += n;
    }
    Ok(())
}

/// Waits for data (or end of stream) and reads once.
pub fn recv_some<H: Harness>(h: &H, s: &mut StreamOf<H>, buf: &mut [u8]) -> Result<usize, Stop> {
    wait(h, s, Interest::READABLE)?;
    Ok(must!(s.read(buf), "read"))
}

/// Waits for a datagram and receives it with its sender.
pub fn recv_datagram<H: Harness>(
    h: &H,
    s: &mut DatagramOf<H>,
    buf: &mut [u8],
) -> Result<(Received, SocketAddr), Stop> {
    wait(h, s, Interest::READABLE)?;
    Ok(must!(s.recv_from(buf), "recv_from"))
}

/// Byte `i` of the suite's test pattern: not periodic in any small power of two, so a
/// reordered or repeated chunk shows.
pub fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

/// Fills `buf` with the pattern starting at offset `start`.
pub fn fill_pattern(buf: &mut [u8], start: usize) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = pattern(start + i);
    }
}
