//! `poll`: readiness for reading, writing, accepting, end of stream and errors, over one socket
//! or several, and the `ReadReady`/`WriteReady` views of it.

use crate::Endpoint as _;
use core::time::Duration;

use crate::embedded_io::{Read, ReadReady, Write, WriteReady};
use crate::{
    Datagram, ErrorKind, Interest, Listener, PollFd, Pollable, Readiness, Shutdown, Stack, Stream,
    Type,
};

use super::{
    recv_exact, recv_some, send_all, stream_socketpair, tcp_pair, udp_pair, wait, Failure, Harness,
    Outcome, Stop, StreamOf, UnixHarness,
};

/// Polls one socket for `interest` without waiting: what it is ready for right now.
fn now<H: Harness, P>(h: &H, socket: &P, interest: Interest) -> Result<Readiness, Stop>
where
    P: Pollable<Handle = <H::Stack as Stack>::Handle>,
{
    let mut fds = [PollFd::new(socket.handle(), interest)];
    let n = must!(h.stack().poll(&mut fds, Some(Duration::ZERO)), "poll");
    ensure!(
        n == usize::from(!fds[0].ready().is_empty()),
        "poll counts the entries with something to report"
    );
    Ok(fds[0].ready())
}

/// Makes `s` non-blocking and writes to it until it is full (the peer reads nothing). Returns
/// how many bytes it took.
pub(super) fn fill<H: Harness>(s: &mut StreamOf<H>) -> Result<usize, Stop> {
    must!(s.set_nonblocking(true), "set_nonblocking");
    let chunk = [0x33u8; 1024];
    let mut sent = 0;
    // A bound (16 MiB, beyond any default buffer), so that a stream that never fills fails the
    // case instead of looping for ever.
    for _ in 0..16 * 1024 {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(sent),
            Err(e) => {
                return Err(Stop::Failed(Failure {
                    line: line!(),
                    what: "write to a stream nobody reads",
                    error: Some(e),
                }))
            }
        }
    }
    Err(Stop::Failed(Failure {
        line: line!(),
        what: "a stream nobody reads fills up",
        error: None,
    }))
}

/// A short wait, for cases that expect nothing to happen.
const A_MOMENT: Duration = Duration::from_millis(10);

pub(super) fn a_fresh_stream_is_writable_and_not_readable<H: Harness>(h: &mut H) -> Outcome {
    let (client, _server) = tcp_pair(h)?;
    let mut fds = [PollFd::new(client.handle(), Interest::READABLE)];
    let n = must!(h.stack().poll(&mut fds, Some(Duration::ZERO)), "poll");
    ensure!(n == 0, "a stream with nothing to read is not readable");
    ensure!(fds[0].ready().is_empty(), "nothing is reported for it");
    let ready = now(h, &client, Interest::BOTH)?;
    ensure!(ready.is_writable(), "a fresh connected stream is writable");
    ensure!(!ready.is_readable(), "and still not readable");
    ensure!(
        !ready.is_error() && !ready.is_hangup(),
        "a healthy stream reports no error or hangup"
    );
    Ok(())
}

pub(super) fn a_stream_is_readable_once_data_arrives_and_until_it_is_read<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    send_all(h, &mut client, b"knock")?;
    let ready = wait(h, &server, Interest::BOTH)?;
    ensure!(
        ready.is_readable() && ready.is_writable(),
        "one entry reports readable and writable together"
    );
    // Readiness is level-triggered: it stays until the data is read.
    ensure!(
        now(h, &server, Interest::READABLE)?.is_readable(),
        "a stream stays readable while data is queued"
    );
    let mut buf = [0u8; 5];
    recv_exact(h, &mut server, &mut buf)?;
    ensure!(&buf == b"knock", "the data read is the data sent");
    ensure!(
        now(h, &server, Interest::READABLE)?.is_empty(),
        "once everything is read the stream is not readable"
    );
    Ok(())
}

pub(super) fn end_of_stream_is_readable_and_read_returns_zero<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    let ready = wait(h, &server, Interest::READABLE)?;
    ensure!(ready.is_readable(), "end of stream makes a stream readable");
    // A half-closed TCP connection is not hung up: this side may still write.
    ensure!(!ready.is_hangup(), "a half-close is not a hangup");
    let mut buf = [0u8; 8];
    ensure!(
        must!(server.read(&mut buf), "read at end of stream") == 0,
        "read at end of stream returns Ok(0)"
    );
    ensure!(
        now(h, &server, Interest::READABLE)?.is_readable(),
        "end of stream stays readable"
    );
    send_all(h, &mut server, b"still")?;
    Ok(())
}

pub(super) fn tcp_hangup_is_reported_once_both_directions_are_closed<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    let ready = wait(h, &server, Interest::READABLE)?;
    ensure!(!ready.is_hangup(), "one direction closed is not a hangup");
    must!(
        server.shutdown(Shutdown::Write),
        "shutdown(Write) of the other side"
    );
    // Linux reports POLLHUP when this side has shut down writing and the peer's FIN arrived.
    ensure!(
        now(h, &server, Interest::READABLE)?.is_hangup(),
        "both directions closed is a hangup"
    );
    let ready = wait(h, &client, Interest::NONE)?;
    ensure!(
        ready.is_hangup(),
        "the other side sees the hangup too once the FIN arrives"
    );
    Ok(())
}

pub(super) fn a_unix_stream_whose_peer_closed_is_hung_up<H: UnixHarness>(h: &mut H) -> Outcome {
    // Unlike TCP, closing one end of a Unix stream closes both directions of the other at once:
    // it reports a hangup, reads end of stream, and writing is a broken pipe (no first write
    // is accepted as on TCP).
    let (mut a, b) = stream_socketpair(h, Type::Stream)?;
    drop(b);
    let ready = now(h, &a, Interest::NONE)?;
    ensure!(
        ready.is_hangup(),
        "a Unix stream whose peer closed is hung up"
    );
    let mut buf = [0u8; 4];
    ensure!(
        recv_some(h, &mut a, &mut buf)? == 0,
        "a Unix stream whose peer closed reads end of stream"
    );
    fails!(
        a.write(b"x"),
        ErrorKind::BrokenPipe,
        "writing to a Unix stream whose peer closed must be BrokenPipe"
    );
    Ok(())
}

pub(super) fn a_listener_is_readable_when_a_connection_is_pending<H: Harness>(
    h: &mut H,
) -> Outcome {
    let mut listener = must!(h.stack().listen(&h.ipv4(), 4), "listen");
    ensure!(
        now(h, &listener, Interest::READABLE)?.is_empty(),
        "a listener with nobody waiting is not readable"
    );
    let target = must!(listener.local_addr(), "local_addr");
    let _client = must!(h.stack().connect(&target), "connect");
    let ready = wait(h, &listener, Interest::READABLE)?;
    ensure!(
        ready.is_readable(),
        "a pending connection makes a listener readable"
    );
    must!(listener.accept(), "accept the pending connection");
    ensure!(
        now(h, &listener, Interest::READABLE)?.is_empty(),
        "once the queue is empty the listener is not readable"
    );
    Ok(())
}

pub(super) fn poll_with_nothing_ready_times_out_with_zero<H: Harness>(h: &mut H) -> Outcome {
    let (a, _b) = udp_pair(h)?;
    let mut fds = [PollFd::new(a.handle(), Interest::READABLE)];
    let n = must!(h.stack().poll(&mut fds, Some(A_MOMENT)), "poll");
    ensure!(n == 0, "poll with nothing ready returns 0 at its timeout");
    ensure!(
        fds[0].ready().is_empty(),
        "and reports nothing for the socket"
    );
    // No interest at all: only errors and hangups would be reported, and there are none.
    let mut fds = [PollFd::new(a.handle(), Interest::NONE)];
    let n = must!(h.stack().poll(&mut fds, Some(Duration::ZERO)), "poll");
    ensure!(
        n == 0,
        "a healthy socket polled for nothing reports nothing"
    );
    Ok(())
}

pub(super) fn poll_of_no_sockets_times_out_with_zero<H: Harness>(h: &mut H) -> Outcome {
    let n = must!(
        h.stack().poll(&mut [], Some(A_MOMENT)),
        "poll of an empty set"
    );
    ensure!(n == 0, "poll of no sockets returns 0 at its timeout");
    Ok(())
}

pub(super) fn the_clock_runs_forward_through_a_poll_timeout<H: Harness>(h: &mut H) -> Outcome {
    let before = must!(h.stack().now(), "now");
    let n = must!(h.stack().poll(&mut [], Some(A_MOMENT)), "poll");
    ensure!(n == 0, "poll of no sockets returns 0 at its timeout");
    let after = must!(h.stack().now(), "now");
    ensure!(after >= before, "the clock never goes backwards");
    ensure!(
        after - before >= A_MOMENT,
        "a poll that timed out took at least its timeout on the stack's clock"
    );
    Ok(())
}

pub(super) fn poll_reports_exactly_the_ready_sockets<H: Harness>(h: &mut H) -> Outcome {
    let (mut sender, first) = udp_pair(h)?;
    let second = must!(h.stack().bind(&h.ipv4()), "bind");
    let third = must!(h.stack().bind(&h.ipv4()), "bind");
    must!(
        sender.send_to(b"you", &must!(second.local_addr(), "local_addr")),
        "send_to the second socket"
    );
    let mut fds = [
        PollFd::new(first.handle(), Interest::READABLE),
        PollFd::new(second.handle(), Interest::READABLE),
        PollFd::new(third.handle(), Interest::READABLE),
    ];
    let n = must!(h.stack().poll(&mut fds, Some(h.patience())), "poll");
    ensure!(n == 1, "poll counts exactly one ready socket");
    ensure!(
        fds[1].ready().is_readable(),
        "the socket with data is reported readable"
    );
    ensure!(
        fds[0].ready().is_empty() && fds[2].ready().is_empty(),
        "the sockets without data report nothing"
    );
    ensure!(
        fds[1].handle() == second.handle() && fds[1].interest() == Interest::READABLE,
        "poll leaves handles and interests as they were"
    );
    Ok(())
}

pub(super) fn a_udp_socket_is_writable_at_once<H: Harness>(h: &mut H) -> Outcome {
    let (a, _b) = udp_pair(h)?;
    let ready = now(h, &a, Interest::BOTH)?;
    ensure!(ready.is_writable(), "a fresh UDP socket is writable");
    ensure!(!ready.is_readable(), "and not readable");
    Ok(())
}

pub(super) fn an_empty_datagram_makes_a_socket_readable<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = udp_pair(h)?;
    must!(
        a.send_to(&[], &must!(b.local_addr(), "local_addr")),
        "send_to"
    );
    wait(h, &b, Interest::READABLE)?;
    let mut buf = [0u8; 4];
    let (got, _) = must!(b.recv_from(&mut buf), "recv_from");
    ensure!(got.len == 0, "the readiness was the empty datagram");
    ensure!(
        now(h, &b, Interest::READABLE)?.is_empty(),
        "receiving it leaves nothing to read"
    );
    Ok(())
}

pub(super) fn after_the_peer_closes_a_write_fails_and_poll_reports_it<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut client, server) = tcp_pair(h)?;
    drop(server);
    let mut buf = [0u8; 4];
    ensure!(
        recv_some(h, &mut client, &mut buf)? == 0,
        "a closed peer reads as end of stream"
    );
    // The FIN alone cannot tell a close from a half-close, so Linux takes the first write; the
    // closed peer answers it with a reset.
    must!(
        client.write(b"first"),
        "the first write after the peer's FIN is accepted"
    );
    let ready = wait(h, &client, Interest::NONE)?;
    ensure!(
        ready.is_error() || ready.is_hangup(),
        "after the reset poll reports an error or hangup"
    );
    ensure!(
        now(h, &client, Interest::READABLE)?.is_readable(),
        "a reset stream is readable (the error is there to collect)"
    );
    fails!(
        client.write(b"second"),
        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset,
        "a write after the peer's reset must fail with BrokenPipe or ConnectionReset"
    );
    Ok(())
}

pub(super) fn a_full_stream_is_not_writable_until_the_peer_reads<H: Harness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::Stream)?;
    let mut sent = fill::<H>(&mut a)?;
    ensure!(
        now(h, &a, Interest::WRITABLE)?.is_empty(),
        "a full stream is not writable"
    );
    let mut buf = [0u8; 1024];
    while sent > 0 {
        let n = recv_some(h, &mut b, &mut buf)?;
        ensure!(n > 0, "end of stream before the data was read");
        sent -= n;
    }
    wait(h, &a, Interest::WRITABLE)?;
    Ok(())
}

pub(super) fn read_ready_and_write_ready_agree_with_poll<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    ensure!(
        !must!(server.read_ready(), "read_ready"),
        "read_ready is false with nothing to read"
    );
    ensure!(
        must!(server.write_ready(), "write_ready"),
        "write_ready is true on a fresh stream"
    );
    send_all(h, &mut client, b"ready")?;
    wait(h, &server, Interest::READABLE)?;
    ensure!(
        must!(server.read_ready(), "read_ready"),
        "read_ready is true when poll says readable"
    );
    let mut buf = [0u8; 5];
    recv_exact(h, &mut server, &mut buf)?;
    ensure!(
        !must!(server.read_ready(), "read_ready"),
        "read_ready is false again once everything is read"
    );
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    wait(h, &server, Interest::READABLE)?;
    ensure!(
        must!(server.read_ready(), "read_ready"),
        "read_ready is true at end of stream: read returns at once"
    );
    Ok(())
}

pub(super) fn a_hangup_is_reported_without_interest<H: Harness>(h: &mut H) -> Outcome {
    let (a, b) = stream_socketpair(h, Type::Stream)?;
    ensure!(
        now(h, &b, Interest::NONE)?.is_empty(),
        "nothing to report before the peer closes"
    );
    drop(a);
    let ready = wait(h, &b, Interest::NONE)?;
    ensure!(
        ready.is_hangup(),
        "the peer's close is a hang-up, though nothing was asked for"
    );
    Ok(())
}
