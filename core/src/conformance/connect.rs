//! `listen`, `connect` and `accept`: connection queues as the kernel keeps them.
use core::time::Duration;

use crate::embedded_io::{Read, Write};
use crate::{
    Domain, Endpoint, ErrorKind, Interest, Listener, PollFd, Pollable, Socket, SocketAddr, Stack,
    Stream, Type,
};

use super::{connected, need, unix_socket, wait, Harness, Outcome, SocketOf, UnixHarness};
use crate::opt::{RecvTimeout, SendTimeout, SocketError};
use crate::SockOpt;

pub(super) fn listen_on_a_datagram_socket_is_unsupported<H: Harness>(h: &mut H) -> Outcome {
    let mut s = must!(h.stack().socket(Domain::Inet, Type::Datagram), "socket");
    must!(s.bind(&h.ipv4()), "bind");
    fails!(
        s.listen(4),
        ErrorKind::Unsupported,
        "listen on UDP must be Unsupported (EOPNOTSUPP)"
    );
    Ok(())
}

pub(super) fn connect_to_a_closed_port_is_refused<H: Harness>(h: &mut H) -> Outcome {
    // A port that was just in use and is free now: nobody listens there.
    let closed = {
        let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
        must!(s.bind(&h.ipv4()), "bind");
        must!(s.local_addr(), "local_addr")
    };
    fails!(
        h.stack().connect(&closed),
        ErrorKind::ConnectionRefused,
        "connect to a closed port"
    );
    Ok(())
}

pub(super) fn connect_to_a_missing_unix_path_is_not_found<H: UnixHarness>(h: &mut H) -> Outcome {
    let missing = SocketAddr::Unix(h.unix_path());
    fails!(
        h.stack().connect(&missing),
        ErrorKind::NotFound,
        "connect to a missing path (ENOENT)"
    );
    Ok(())
}

pub(super) fn connect_to_a_unix_path_nobody_listens_on_is_refused<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let path = SocketAddr::Unix(h.unix_path());
    let mut bound = must!(h.stack().socket(Domain::Unix, Type::Stream), "socket");
    must!(bound.bind(&path), "bind");
    fails!(
        h.stack().connect(&path),
        ErrorKind::ConnectionRefused,
        "connect to a bound but not listening Unix socket"
    );
    Ok(())
}

pub(super) fn connect_with_an_address_of_another_family_is_invalid_input<H: Harness>(
    h: &mut H,
) -> Outcome {
    let v6: SocketAddr = must!("[::1]:9".parse(), "parse");
    let mut t = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    fails!(
        t.connect(&v6),
        ErrorKind::InvalidInput,
        "an IPv6 address on an IPv4 socket"
    );
    Ok(())
}

pub(super) fn connect_across_unix_and_inet_is_invalid_input<H: UnixHarness>(h: &mut H) -> Outcome {
    let mut s = unix_socket(h, Type::Stream)?;
    fails!(
        s.connect(&h.ipv4()),
        ErrorKind::InvalidInput,
        "an IPv4 address on a Unix socket"
    );
    let path = SocketAddr::Unix(h.unix_path());
    let mut t = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    fails!(
        t.connect(&path),
        ErrorKind::InvalidInput,
        "a Unix address on an IPv4 socket"
    );
    Ok(())
}

pub(super) fn accept_reports_the_clients_address<H: Harness>(h: &mut H) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    let target = must!(listener.local_addr(), "local_addr");
    let client = must!(h.stack().connect(&target), "connect");
    wait(h, &listener, Interest::READABLE)?;
    let (server, peer) = must!(listener.accept(), "accept");
    ensure!(
        peer == must!(client.local_addr(), "client local_addr"),
        "accept's peer is the client"
    );
    ensure!(
        must!(client.peer_addr(), "peer_addr") == target,
        "the client's peer is the listener"
    );
    ensure!(
        must!(server.local_addr(), "local_addr") == target,
        "the server end has the listener's address"
    );
    ensure!(
        must!(server.peer_addr(), "peer_addr") == peer,
        "the server end's peer is the client"
    );
    Ok(())
}

pub(super) fn accept_is_first_in_first_out<H: Harness>(h: &mut H) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 8), "listen");
    let target = must!(listener.local_addr(), "local_addr");
    let a = must!(h.stack().connect(&target), "connect a");
    let b = must!(h.stack().connect(&target), "connect b");
    let c = must!(h.stack().connect(&target), "connect c");
    for client in [&a, &b, &c] {
        wait(h, &listener, Interest::READABLE)?;
        let (_server, peer) = must!(listener.accept(), "accept");
        ensure!(
            peer == must!(client.local_addr(), "local_addr"),
            "connections are accepted in order"
        );
    }
    Ok(())
}

pub(super) fn a_wildcard_listener_takes_loopback_connections<H: Harness>(h: &mut H) -> Outcome {
    let wildcard = SocketAddr::unspecified(Domain::Inet);
    let listener = must!(h.stack().listen(&wildcard, 4), "listen on 0.0.0.0:0");
    let port = must!(listener.local_addr(), "local_addr")
        .port()
        .unwrap_or(0);
    let mut listener = listener;
    let _client = must!(
        h.stack().connect(&h.ipv4().with_port(port)),
        "connect to this host's address"
    );
    wait(h, &listener, Interest::READABLE)?;
    must!(listener.accept(), "accept");
    Ok(())
}

pub(super) fn ipv6_connections_are_accepted<H: Harness>(h: &mut H) -> Outcome {
    let addr = need(h.ipv6(), "no IPv6 loopback")?;
    let (_listener, client, server) = connected(h, &addr)?;
    ensure!(
        must!(server.peer_addr(), "peer_addr").domain() == Domain::Inet6,
        "an IPv6 peer"
    );
    ensure!(
        must!(client.local_addr(), "local_addr") == must!(server.peer_addr(), "peer_addr"),
        "addresses mirror"
    );
    Ok(())
}

pub(super) fn abstract_unix_connections_are_accepted<H: UnixHarness>(h: &mut H) -> Outcome {
    let name = need(h.unix_abstract(), "no abstract Unix names")?;
    let addr = SocketAddr::Unix(name);
    let (_listener, client, _server) = connected(h, &addr)?;
    ensure!(
        must!(client.peer_addr(), "peer_addr") == addr,
        "the client's peer is the abstract name"
    );
    Ok(())
}

pub(super) fn nonblocking_accept_with_nothing_pending_would_block<H: Harness>(
    h: &mut H,
) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    must!(listener.set_nonblocking(true), "set_nonblocking");
    fails!(
        listener.accept(),
        ErrorKind::WouldBlock,
        "accept with nothing pending"
    );
    let target = must!(listener.local_addr(), "local_addr");
    let _client = must!(h.stack().connect(&target), "connect");
    wait(h, &listener, Interest::READABLE)?;
    must!(listener.accept(), "accept once a connection is pending");
    fails!(
        listener.accept(),
        ErrorKind::WouldBlock,
        "accept after the queue is empty again"
    );
    Ok(())
}

/// `accept4(.., SOCK_NONBLOCK)`: the stream comes out non-blocking, whatever the listener's
/// mode; plain `accept` hands out a blocking one, whatever the listener's mode. Whether a
/// read waited is told by the stack's clock, against a receive timeout the accepted streams
/// inherit from the listener (so a wrong mode gives up instead of hanging).
pub(super) fn accept_nonblocking_hands_out_a_nonblocking_stream<H: Harness>(h: &mut H) -> Outcome {
    let limit = Duration::from_millis(200);
    let mut listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    must!(listener.set(RecvTimeout, Some(limit)), "set RecvTimeout");
    let target = must!(listener.local_addr(), "local_addr");
    let mut client = must!(h.stack().connect(&target), "connect");
    wait(h, &listener, Interest::READABLE)?;
    let (mut server, peer) = must!(listener.accept_nonblocking(), "accept_nonblocking");
    ensure!(
        peer == must!(client.local_addr(), "local_addr"),
        "accept_nonblocking reports the client's address"
    );
    let mut buf = [0u8; 4];
    let before = must!(h.stack().now(), "now");
    fails!(
        server.read(&mut buf),
        ErrorKind::WouldBlock,
        "a read of the accepted stream with nothing sent"
    );
    ensure!(
        must!(h.stack().now(), "now").saturating_duration_since(before) < limit / 2,
        "the stream accept_nonblocking hands out does not wait"
    );
    must!(client.write_all(b"hola"), "write");
    wait(h, &server, Interest::READABLE)?;
    ensure!(
        must!(server.read(&mut buf), "read") == 4 && &buf == b"hola",
        "the accepted stream carries the client's bytes"
    );

    must!(listener.set_nonblocking(true), "set_nonblocking");
    fails!(
        listener.accept_nonblocking(),
        ErrorKind::WouldBlock,
        "accept_nonblocking on a non-blocking listener with nothing pending"
    );
    let _second = must!(h.stack().connect(&target), "connect again");
    wait(h, &listener, Interest::READABLE)?;
    let (mut blocking, _) = must!(listener.accept(), "accept");
    let before = must!(h.stack().now(), "now");
    fails!(
        blocking.read(&mut buf),
        ErrorKind::WouldBlock,
        "a read of a plainly accepted stream gives up after the inherited RecvTimeout"
    );
    ensure!(
        must!(h.stack().now(), "now").saturating_duration_since(before) >= limit / 2,
        "plain accept hands out a blocking stream, even from a non-blocking listener"
    );
    Ok(())
}

pub(super) fn nonblocking_tcp_connect_is_in_progress_then_completes<H: Harness>(
    h: &mut H,
) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    let target = must!(listener.local_addr(), "local_addr");
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(s.set_nonblocking(true), "set_nonblocking");
    // Linux answers EINPROGRESS even on loopback: the handshake is not finished inside connect.
    fails!(
        s.connect(&target),
        ErrorKind::InProgress,
        "a non-blocking TCP connect is in progress"
    );
    let ready = wait(h, &s, Interest::WRITABLE)?;
    ensure!(
        ready.is_writable(),
        "the socket becomes writable when connected"
    );
    ensure!(
        must!(s.get(SocketError), "SO_ERROR").is_none(),
        "SO_ERROR says the connect succeeded"
    );
    let stream = must!(s.into_stream(), "into_stream");
    ensure!(
        must!(stream.peer_addr(), "peer_addr") == target,
        "connected to the listener"
    );
    wait(h, &listener, Interest::READABLE)?;
    must!(listener.accept(), "accept");
    Ok(())
}

/// Connects non-blocking clients to `target` until one does not get through at once, up to 16;
/// returns how many got through.
fn fill_unix_queue<H: Harness>(
    h: &H,
    target: &SocketAddr,
    clients: &mut [Option<SocketOf<H>>],
) -> Result<usize, super::Stop> {
    for (n, slot) in clients.iter_mut().enumerate() {
        let mut s = must!(h.stack().socket(Domain::Unix, Type::Stream), "socket");
        must!(s.set_nonblocking(true), "set_nonblocking");
        match s.connect(target) {
            Ok(()) => *slot = Some(s),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(n),
            Err(e) => {
                return Err(super::Stop::Failed(super::Failure {
                    line: line!(),
                    what: "connect to a full queue",
                    error: Some(e),
                }))
            }
        }
    }
    Ok(clients.len())
}

pub(super) fn unix_backlog_bounds_pending_connections<H: UnixHarness>(h: &mut H) -> Outcome {
    let addr = SocketAddr::Unix(h.unix_path());
    let mut listener = must!(h.stack().listen(&addr, 2), "listen(2)");
    let mut clients: [Option<SocketOf<H>>; 16] = Default::default();
    // Linux queues one more than the backlog: the queue is full when it holds more than it.
    let queued = fill_unix_queue(h, &addr, &mut clients)?;
    ensure!(
        queued == 3,
        "listen(2) lets exactly 3 Unix connections wait"
    );
    must!(listener.accept(), "accept one");
    let mut more: [Option<SocketOf<H>>; 2] = Default::default();
    ensure!(
        fill_unix_queue(h, &addr, &mut more)? == 1,
        "accepting one makes room for one more"
    );
    Ok(())
}

pub(super) fn tcp_backlog_bounds_pending_connections<H: Harness>(h: &mut H) -> Outcome {
    let listener = must!(h.stack().listen(&h.ipv4(), 1), "listen(1)");
    let target = must!(listener.local_addr(), "local_addr");
    let mut clients: [Option<SocketOf<H>>; 4] = Default::default();
    for slot in clients.iter_mut() {
        let mut s = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
        must!(s.set_nonblocking(true), "set_nonblocking");
        fails!(
            s.connect(&target),
            ErrorKind::InProgress,
            "a non-blocking connect is in progress"
        );
        *slot = Some(s);
    }
    // Give the handshakes time, then count the connected ones: Linux completes backlog + 1 and
    // drops the other SYNs (retried only after a second).
    let mut fds: [PollFd<<H::Stack as Stack>::Handle>; 4] =
        [PollFd::new(listener.handle(), Interest::NONE); 4];
    for (fd, c) in fds.iter_mut().zip(clients.iter().flatten()) {
        *fd = PollFd::new(c.handle(), Interest::WRITABLE);
    }
    let settle = Duration::from_millis(100);
    let mut connected = 0;
    for _ in 0..3 {
        connected = must!(h.stack().poll(&mut fds, Some(settle)), "poll");
        if connected >= 2 {
            break;
        }
    }
    ensure!(
        connected == 2,
        "listen(1) completes exactly 2 TCP connections (backlog + 1)"
    );
    Ok(())
}

/// A connection left in the queue of a listener on `addr` is reset when the listener closes.
fn closing_a_listener_resets_its_queue<H: Harness>(h: &H, addr: &SocketAddr) -> Outcome {
    let listener = must!(h.stack().listen(addr, 4), "listen");
    let target = must!(listener.local_addr(), "local_addr");
    let mut client = must!(h.stack().connect(&target), "connect");
    wait(h, &listener, Interest::READABLE)?;
    drop(listener);
    wait(h, &client, Interest::READABLE)?;
    let mut buf = [0u8; 8];
    fails!(
        crate::embedded_io::Read::read(&mut client, &mut buf),
        ErrorKind::ConnectionReset,
        "a connection left in the queue of a closed listener is reset"
    );
    Ok(())
}

pub(super) fn closing_a_listener_resets_its_pending_connections<H: Harness>(h: &mut H) -> Outcome {
    closing_a_listener_resets_its_queue(h, &h.ipv4())
}

pub(super) fn closing_a_unix_listener_resets_its_pending_connections<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let addr = SocketAddr::Unix(h.unix_path());
    closing_a_listener_resets_its_queue(h, &addr)
}

pub(super) fn a_blocking_connect_to_a_full_queue_gives_up_after_the_send_timeout<H: Harness>(
    h: &mut H,
) -> Outcome {
    let listener = must!(h.stack().listen(&h.ipv4(), 0), "listen(0)");
    let target = must!(listener.local_addr(), "local_addr");
    // listen(0) queues one connection (backlog + 1); the next SYN is dropped and retried.
    let _first = must!(
        h.stack().connect(&target),
        "the first connection fits the queue"
    );
    let mut s: SocketOf<H> = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    must!(
        s.set(SendTimeout, Some(Duration::from_millis(50))),
        "SO_SNDTIMEO"
    );
    // Linux bounds a blocking connect by SO_SNDTIMEO and then says EINPROGRESS: the kernel
    // goes on trying in the background.
    fails!(
        s.connect(&target),
        ErrorKind::InProgress,
        "a connect that timed out waiting"
    );
    drop(listener);
    Ok(())
}
