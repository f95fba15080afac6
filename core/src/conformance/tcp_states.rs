//! A TCP socket off the happy path: a `connect` that is refused (blocking or not) leaves a
//! socket that can connect again; `shutdown` before connecting is remembered though it fails;
//! a socket can connect to itself; a `connect` under way can be shut down.

use core::time::Duration;

use crate::embedded_io::{Read, Write};
use crate::opt::SocketError;
use crate::{
    Domain, Endpoint, ErrorKind, Interest, Listener, PollFd, Pollable, Readiness, Shutdown,
    SockOpt, Socket, SocketAddr, Stack, Stream, Type,
};

use super::{wait, Harness, Outcome, SocketOf, Stop};

/// An IPv4 address of this host whose TCP port nobody listens on (it was just bound and
/// closed).
fn closed_port<H: Harness>(h: &H) -> Result<SocketAddr, Stop> {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.bind(&h.ipv4()), "bind");
    Ok(must!(s.local_addr(), "local_addr"))
}

/// What `s` is ready for right now, asking for reading and writing.
fn now<H: Harness, P>(h: &H, s: &P) -> Result<Readiness, Stop>
where
    P: Pollable<Handle = <H::Stack as Stack>::Handle>,
{
    let mut fds = [PollFd::new(s.handle(), Interest::BOTH)];
    must!(h.stack().poll(&mut fds, Some(Duration::ZERO)), "poll");
    Ok(fds[0].ready())
}

/// The readiness bits of a socket that is unconnected: writable and hung up, nothing else.
fn is_unconnected(r: Readiness) -> bool {
    r.is_writable() && r.is_hangup() && !r.is_error() && r.bits() & 0x1 == 0
}

pub(super) fn a_refused_connect_leaves_a_socket_that_connects_again<H: Harness>(
    h: &mut H,
) -> Outcome {
    let closed = closed_port(h)?;
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    fails!(
        s.connect(&closed),
        ErrorKind::ConnectionRefused,
        "connect to a closed port"
    );
    let local = must!(s.local_addr(), "local_addr");
    ensure!(
        local.as_inet().is_some_and(|a| a.ip().is_unspecified()),
        "the address it did not bind goes back to the wildcard"
    );
    ensure!(
        is_unconnected(now(h, &s)?),
        "it polls as a socket that never connected"
    );
    let mut listener = must!(h.stack().listen(&h.ipv4(), 1), "listen");
    let target = must!(listener.local_addr(), "local_addr");
    must!(
        s.connect(&target),
        "a second connect, to a listener, connects"
    );
    wait(h, &listener, Interest::READABLE)?;
    let (_server, peer) = must!(listener.accept(), "accept");
    ensure!(
        peer == must!(s.local_addr(), "local_addr"),
        "the listener sees the socket's new address"
    );
    Ok(())
}

pub(super) fn a_refused_connect_is_unconnected_for_reads_and_writes<H: Harness>(
    h: &mut H,
) -> Outcome {
    let closed = closed_port(h)?;
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    fails!(s.connect(&closed), ErrorKind::ConnectionRefused, "connect");
    let mut s = must!(s.into_stream(), "into_stream");
    fails!(
        s.read(&mut [0u8; 4]),
        ErrorKind::NotConnected,
        "read after a refused connect"
    );
    fails!(
        s.write(b"x"),
        ErrorKind::BrokenPipe,
        "write after a refused connect"
    );
    fails!(
        s.peer_addr(),
        ErrorKind::NotConnected,
        "no peer after a refused connect"
    );
    Ok(())
}

pub(super) fn a_refused_connect_keeps_an_address_bound_explicitly<H: Harness>(
    h: &mut H,
) -> Outcome {
    let closed = closed_port(h)?;
    let listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    let target = must!(listener.local_addr(), "local_addr");
    // A port of its own, named in the bind (free: it was just bound and closed, unconnected).
    let port = closed_port(h)?;
    let mut pinned: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(pinned.bind(&port), "bind a named port");
    fails!(
        pinned.connect(&closed),
        ErrorKind::ConnectionRefused,
        "connect"
    );
    ensure!(
        must!(pinned.local_addr(), "local_addr") == port,
        "a named address and port stay"
    );
    must!(pinned.connect(&target), "connect again");
    ensure!(
        must!(pinned.local_addr(), "local_addr") == port,
        "and the next connection leaves from them"
    );
    // Bound to port 0: the address was named, the port was not.
    let mut any_port: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(any_port.bind(&h.ipv4()), "bind port 0");
    let first = must!(any_port.local_addr(), "local_addr");
    fails!(
        any_port.connect(&closed),
        ErrorKind::ConnectionRefused,
        "connect"
    );
    ensure!(
        must!(any_port.local_addr(), "local_addr") == first,
        "the address stays, and shows the port it had"
    );
    must!(any_port.connect(&target), "connect again");
    let now = must!(any_port.local_addr(), "local_addr");
    ensure!(
        now.with_port(0) == first.with_port(0),
        "the next connection leaves from the named address"
    );
    drop(listener);
    Ok(())
}

pub(super) fn a_nonblocking_refused_connect_reports_once_then_comes_apart<H: Harness>(
    h: &mut H,
) -> Outcome {
    let closed = closed_port(h)?;
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set_nonblocking(true), "set_nonblocking");
    fails!(
        s.connect(&closed),
        ErrorKind::InProgress,
        "a non-blocking connect"
    );
    let ready = wait(h, &s, Interest::WRITABLE)?;
    ensure!(
        ready.is_error() && ready.is_hangup(),
        "the refusal is an error and a hang-up"
    );
    ensure!(
        must!(s.get(SocketError), "SO_ERROR").map(|e| e.kind())
            == Some(ErrorKind::ConnectionRefused),
        "SO_ERROR says refused"
    );
    fails!(
        s.connect(&closed),
        ErrorKind::ConnectionAborted,
        "the next connect reports the failure once more (its error already read)"
    );
    ensure!(
        is_unconnected(now(h, &s)?),
        "and takes the connection apart"
    );
    let listener = must!(h.stack().listen(&h.ipv4(), 1), "listen");
    fails!(
        s.connect(&must!(listener.local_addr(), "local_addr")),
        ErrorKind::InProgress,
        "then it connects anew"
    );
    Ok(())
}

pub(super) fn a_nonblocking_refused_connect_reads_its_error_then_end_of_stream<H: Harness>(
    h: &mut H,
) -> Outcome {
    let closed = closed_port(h)?;
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set_nonblocking(true), "set_nonblocking");
    fails!(s.connect(&closed), ErrorKind::InProgress, "connect");
    wait(h, &s, Interest::WRITABLE)?;
    let mut s = must!(s.into_stream(), "into_stream");
    let mut buf = [0u8; 4];
    fails!(
        s.read(&mut buf),
        ErrorKind::ConnectionRefused,
        "the first read reports the refusal"
    );
    ensure!(
        must!(s.read(&mut buf), "read") == 0,
        "then the closed connection reads end of stream"
    );
    fails!(s.write(b"x"), ErrorKind::BrokenPipe, "and writes fail");
    Ok(())
}

pub(super) fn shutdown_before_connecting_fails_but_is_remembered<H: Harness>(h: &mut H) -> Outcome {
    let s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    let mut s = must!(s.into_stream(), "into_stream");
    fails!(
        s.shutdown(Shutdown::Read),
        ErrorKind::NotConnected,
        "shutdown of an unconnected TCP socket"
    );
    let ready = now(h, &s)?;
    ensure!(
        ready.bits() & 0x1 != 0 && ready.is_hangup(),
        "yet it is recorded: the socket polls readable (and hung up)"
    );
    ensure!(
        must!(s.read(&mut [0u8; 4]), "read") == 0,
        "and reads end of stream instead of NotConnected"
    );
    Ok(())
}

pub(super) fn a_tcp_socket_can_connect_to_itself<H: Harness>(h: &mut H) -> Outcome {
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.bind(&h.ipv4()), "bind");
    let me = must!(s.local_addr(), "local_addr");
    // Its SYN meets itself: a simultaneous open with one socket.
    must!(s.connect(&me), "connect to its own address");
    let mut s = must!(s.into_stream(), "into_stream");
    ensure!(
        must!(s.peer_addr(), "peer_addr") == me,
        "its peer is itself"
    );
    ensure!(must!(s.write(b"echo"), "write") == 4, "it writes to itself");
    wait(h, &s, Interest::READABLE)?;
    let mut buf = [0u8; 8];
    let n = must!(s.read(&mut buf), "read");
    ensure!(&buf[..n] == b"echo", "and reads what it wrote");
    Ok(())
}

pub(super) fn shutdown_of_a_connect_under_way_takes_it_apart<H: Harness>(h: &mut H) -> Outcome {
    let listener = must!(h.stack().listen(&h.ipv4(), 0), "listen(0)");
    let target = must!(listener.local_addr(), "local_addr");
    // listen(0) holds one connection; the next SYN is dropped and the connect stays under way.
    let _first = must!(h.stack().connect(&target), "the first connection fits");
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set_nonblocking(true), "set_nonblocking");
    fails!(s.connect(&target), ErrorKind::InProgress, "connect");
    let mut s = must!(s.into_stream(), "into_stream");
    must!(
        s.shutdown(Shutdown::Both),
        "shutdown of a connect under way succeeds"
    );
    ensure!(
        must!(s.get(SocketError), "SO_ERROR").map(|e| e.kind()) == Some(ErrorKind::ConnectionReset),
        "and the connect ends in a reset"
    );
    ensure!(is_unconnected(now(h, &s)?), "leaving an unconnected socket");
    drop(listener);
    Ok(())
}

pub(super) fn a_socket_whose_connect_failed_cannot_listen<H: Harness>(h: &mut H) -> Outcome {
    let closed = closed_port(h)?;
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.bind(&h.ipv4()), "bind");
    fails!(s.connect(&closed), ErrorKind::ConnectionRefused, "connect");
    fails!(
        s.listen(1),
        ErrorKind::InvalidInput,
        "Linux lets it connect again, never listen"
    );
    Ok(())
}

pub(super) fn a_tcp_connection_closed_both_ways_is_over<H: Harness>(h: &mut H) -> Outcome {
    let (_listener, mut client, mut server) = super::connected(h, &h.ipv4())?;
    must!(client.shutdown(Shutdown::Write), "client shutdown(Write)");
    wait(h, &server, Interest::READABLE)?;
    must!(server.shutdown(Shutdown::Write), "server shutdown(Write)");
    wait(h, &client, Interest::READABLE)?;
    for s in [&mut client, &mut server] {
        fails!(
            s.peer_addr(),
            ErrorKind::NotConnected,
            "both FINs out and acknowledged: no peer any more"
        );
        fails!(
            s.shutdown(Shutdown::Read),
            ErrorKind::NotConnected,
            "and shutdown says so"
        );
    }
    Ok(())
}

pub(super) fn a_socket_connected_to_itself_closes_with_one_shutdown<H: Harness>(
    h: &mut H,
) -> Outcome {
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.bind(&h.ipv4()), "bind");
    let me = must!(s.local_addr(), "local_addr");
    must!(s.connect(&me), "connect to itself");
    let mut s = must!(s.into_stream(), "into_stream");
    must!(s.shutdown(Shutdown::Write), "shutdown(Write)");
    wait(h, &s, Interest::READABLE)?;
    ensure!(
        must!(s.read(&mut [0u8; 4]), "read") == 0,
        "its own FIN is its end of stream"
    );
    fails!(
        s.peer_addr(),
        ErrorKind::NotConnected,
        "and, both FINs done, the connection is over"
    );
    Ok(())
}

pub(super) fn a_syn_dropped_for_a_full_queue_waits_for_its_retry<H: Harness>(h: &mut H) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 0), "listen(0)");
    let target = must!(listener.local_addr(), "local_addr");
    let _first = must!(h.stack().connect(&target), "the first connection fits");
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set_nonblocking(true), "set_nonblocking");
    fails!(
        s.connect(&target),
        ErrorKind::InProgress,
        "connect to a full queue"
    );
    must!(listener.set_nonblocking(true), "set_nonblocking");
    wait(h, &listener, Interest::READABLE)?;
    must!(listener.accept(), "accept the first: room for one more");
    if h.quirk(super::Quirk::SynRetriedAtOnce) {
        // The documented difference: the waiting SYN gets in at once.
        must!(listener.accept(), "the dropped SYN's connection, at once");
        return Ok(());
    }
    fails!(
        listener.accept(),
        ErrorKind::WouldBlock,
        "the dropped SYN is not there until it is sent again"
    );
    // Retransmitted a second after the first: within the suite's patience.
    wait(h, &listener, Interest::READABLE)?;
    must!(listener.accept(), "then it gets in");
    Ok(())
}

pub(super) fn a_small_write_waits_on_a_socket_connected_to_itself<H: Harness>(
    h: &mut H,
) -> Outcome {
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.bind(&h.ipv4()), "bind");
    let me = must!(s.local_addr(), "local_addr");
    must!(s.connect(&me), "connect to itself");
    let mut s = must!(s.into_stream(), "into_stream");
    must!(s.set_nonblocking(true), "set_nonblocking");
    must!(s.write(b"abcdefgh"), "write");
    must!(s.write(b"xyz"), "write");
    wait(h, &s, Interest::READABLE)?;
    let mut buf = [0u8; 16];
    ensure!(
        must!(s.read(&mut buf), "read") == 11,
        "the first writes arrive together"
    );
    must!(s.write(b"qrs"), "a small write");
    if h.quirk(super::Quirk::NoNagle) {
        // The documented difference: nothing is held back.
        ensure!(
            must!(s.read(&mut buf), "read") == 3,
            "the small write arrives at once"
        );
        return Ok(());
    }
    fails!(
        s.read(&mut buf),
        ErrorKind::WouldBlock,
        "Nagle holds the small write until the earlier bytes are acknowledged"
    );
    wait(h, &s, Interest::READABLE)?;
    ensure!(
        must!(s.read(&mut buf), "read") == 3,
        "then it arrives (the delayed acknowledgement came)"
    );
    Ok(())
}

pub(super) fn the_port_of_an_actively_closed_connection_is_held<H: Harness>(h: &mut H) -> Outcome {
    let (_listener, mut client, mut server) = super::connected(h, &h.ipv4())?;
    let port = must!(client.local_addr(), "local_addr");
    must!(client.shutdown(Shutdown::Write), "the client closes first");
    wait(h, &server, Interest::READABLE)?;
    must!(server.shutdown(Shutdown::Write), "then the server");
    wait(h, &client, Interest::READABLE)?;
    drop((client, server));
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    if h.quirk(super::Quirk::NoTimeWait) {
        // The documented difference: the port is free at once.
        must!(s.bind(&port), "bind the closed connection's port");
        return Ok(());
    }
    fails!(
        s.bind(&port),
        ErrorKind::AddrInUse,
        "the side that closed first keeps its port in TIME_WAIT"
    );
    Ok(())
}

/// New data for a socket that shut down both ways (FIN_WAIT, reading shut) aborts its
/// connection, as RFC 1122 asks: it keeps the bytes it had queued, then reads `ECONNRESET`,
/// then end of stream; its reset finds the writer in CLOSE_WAIT (the write itself succeeded;
/// `EPIPE` is pending). Both are over, and say so to `poll`.
pub(super) fn data_for_a_socket_shut_both_ways_resets_the_connection<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (_listener, mut client, mut server) = super::connected(h, &h.ipv4())?;
    must!(client.write(b"early"), "write before the shutdown");
    wait(h, &server, Interest::READABLE)?;
    must!(server.shutdown(Shutdown::Both), "shutdown(Both)");
    wait(h, &client, Interest::READABLE)?;
    ensure!(
        must!(client.write(b"late"), "write after the peer shut down") == 4,
        "the write itself succeeds: the bytes left"
    );
    let over = Readiness::READABLE
        .union(Readiness::WRITABLE)
        .union(Readiness::ERROR)
        .union(Readiness::HANGUP);
    ensure!(now(h, &client)? == over, "the writer: reset, over");
    ensure!(now(h, &server)? == over, "the reader: reset, over");
    let mut buf = [0u8; 16];
    ensure!(
        must!(server.read(&mut buf), "read what was queued") == 5,
        "the bytes queued before the shutdown stay"
    );
    fails!(
        server.read(&mut buf),
        ErrorKind::ConnectionReset,
        "then the reset"
    );
    ensure!(
        must!(server.read(&mut buf), "read after the reset") == 0,
        "then end of stream"
    );
    ensure!(
        must!(client.get(SocketError), "SO_ERROR").map(|e| e.kind()) == Some(ErrorKind::BrokenPipe),
        "the writer was in CLOSE_WAIT: EPIPE"
    );
    ensure!(
        must!(client.read(&mut buf), "the writer reads") == 0,
        "the writer had the peer's FIN: end of stream"
    );
    fails!(
        client.write(b"x"),
        ErrorKind::BrokenPipe,
        "the writer's connection is over"
    );
    for s in [&mut client, &mut server] {
        fails!(s.peer_addr(), ErrorKind::NotConnected, "no peer any more");
    }
    Ok(())
}
