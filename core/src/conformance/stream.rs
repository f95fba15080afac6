//! Connected streams: bytes in order, end of stream, `shutdown`, reset, flags, full buffers,
//! and seqpacket boundaries.

use crate::Endpoint as _;
use core::time::Duration;

use crate::embedded_io::{Read, Write, WriteReady};
use crate::opt::Linger;
use crate::{
    Domain, ErrorKind, Interest, IoVec, IoVecMut, MsgFlags, MsgIo, PollFd, Pollable, RecvMsg,
    SendMsg, Shutdown, SockOpt, Socket, SocketAddr, Stack, Stream, Type, UnixAddr,
};

use super::{
    fill_pattern, pattern, recv_exact, recv_some, send_all, stream_socketpair, tcp_pair, unix_pair,
    wait, Failure, Harness, Outcome, Quirk, Stop, StreamOf, UnixHarness,
};

/// Moves `total` pattern bytes from `a` to `b` in one thread, writing while there is room and
/// reading what arrived, and checks every byte.
fn transfer<H: Harness>(h: &H, a: &mut StreamOf<H>, b: &mut StreamOf<H>, total: usize) -> Outcome {
    must!(a.set_nonblocking(true), "set_nonblocking");
    let (mut sent, mut received) = (0, 0);
    let mut chunk = [0u8; 1500];
    let mut buf = [0u8; 4096];
    let mut idle = 0;
    while received < total {
        let mut progressed = false;
        if sent < total {
            let n = chunk.len().min(total - sent);
            fill_pattern(&mut chunk[..n], sent);
            match a.write(&chunk[..n]) {
                Ok(k) => {
                    ensure!(k > 0, "write returned 0 for a non-empty buffer");
                    sent += k;
                    progressed = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => {
                    return Err(Stop::Failed(Failure {
                        line: line!(),
                        what: "write",
                        error: Some(e),
                    }))
                }
            }
        }
        let mut fds = [PollFd::new(b.handle(), Interest::READABLE)];
        let wait_for = if progressed {
            Duration::ZERO
        } else {
            h.patience()
        };
        if must!(h.stack().poll(&mut fds, Some(wait_for)), "poll") == 1 {
            let n = must!(b.read(&mut buf), "read");
            ensure!(n > 0, "end of stream before all the bytes arrived");
            for (i, &byte) in buf[..n].iter().enumerate() {
                ensure!(
                    byte == pattern(received + i),
                    "a byte arrived changed or out of order"
                );
            }
            received += n;
            progressed = true;
        }
        idle = if progressed { 0 } else { idle + 1 };
        ensure!(idle < 3, "the transfer stalled");
    }
    ensure!(sent == total, "more bytes were received than sent");
    Ok(())
}

pub(super) fn tcp_bytes_arrive_whole_and_in_order<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    transfer(h, &mut client, &mut server, 200_000)?;
    transfer(h, &mut server, &mut client, 50_000)
}

pub(super) fn unix_bytes_arrive_whole_and_in_order<H: UnixHarness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = unix_pair(h)?;
    transfer(h, &mut client, &mut server, 200_000)
}

pub(super) fn shutdown_write_gives_the_peer_end_of_stream_after_the_data<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    send_all(h, &mut client, b"last words")?;
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    let mut buf = [0u8; 10];
    recv_exact(h, &mut server, &mut buf)?;
    ensure!(&buf == b"last words", "the data before shutdown arrives");
    ensure!(
        recv_some(h, &mut server, &mut buf)? == 0,
        "then end of stream"
    );
    // The other direction still works.
    send_all(h, &mut server, b"reply")?;
    let mut reply = [0u8; 5];
    recv_exact(h, &mut client, &mut reply)?;
    ensure!(
        &reply == b"reply",
        "the peer can still answer after a half close"
    );
    Ok(())
}

pub(super) fn writing_after_shutdown_write_is_broken_pipe<H: UnixHarness>(h: &mut H) -> Outcome {
    let (mut client, _server) = unix_pair(h)?;
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    fails!(
        client.write(b"x"),
        ErrorKind::BrokenPipe,
        "write after shutdown(Write) (EPIPE)"
    );
    Ok(())
}

/// After `shutdown(Read)`, reads are end of stream.
fn reads_end_after_shutdown_read<H: Harness>(client: &mut StreamOf<H>) -> Outcome {
    must!(client.shutdown(Shutdown::Read), "shutdown(Read)");
    let mut buf = [0u8; 4];
    ensure!(
        must!(client.read(&mut buf), "read") == 0,
        "a read after shutdown(Read) is end of stream"
    );
    Ok(())
}

pub(super) fn shutdown_read_makes_reads_return_end_of_stream<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, _server) = tcp_pair(h)?;
    reads_end_after_shutdown_read::<H>(&mut client)
}

pub(super) fn shutdown_read_makes_unix_reads_return_end_of_stream<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut client, _server) = unix_pair(h)?;
    reads_end_after_shutdown_read::<H>(&mut client)
}

pub(super) fn shutdown_both_ends_both_directions<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    must!(client.shutdown(Shutdown::Both), "shutdown(Both)");
    let mut buf = [0u8; 4];
    ensure!(must!(client.read(&mut buf), "read") == 0, "no more reading");
    fails!(client.write(b"x"), ErrorKind::BrokenPipe, "no more writing");
    ensure!(
        recv_some(h, &mut server, &mut buf)? == 0,
        "the peer reads end of stream"
    );
    Ok(())
}

pub(super) fn reading_after_the_peer_closed_is_end_of_stream<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    send_all(h, &mut server, b"bye")?;
    drop(server);
    let mut buf = [0u8; 3];
    recv_exact(h, &mut client, &mut buf)?;
    ensure!(&buf == b"bye", "data sent before close arrives");
    ensure!(
        recv_some(h, &mut client, &mut buf)? == 0,
        "then end of stream"
    );
    ensure!(
        must!(client.read(&mut buf), "read") == 0,
        "and it stays at end of stream"
    );
    Ok(())
}

pub(super) fn peek_leaves_the_bytes_queued<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    send_all(h, &mut client, b"peekaboo")?;
    wait(h, &server, Interest::READABLE)?;
    let mut buf = [0u8; 4];
    ensure!(
        must!(server.recv(&mut buf, MsgFlags::PEEK), "recv(PEEK)") == 4,
        "peek fills the buffer"
    );
    ensure!(&buf == b"peek", "peek shows the first bytes");
    let mut all = [0u8; 8];
    recv_exact(h, &mut server, &mut all)?;
    ensure!(&all == b"peekaboo", "the peeked bytes are still there");
    Ok(())
}

pub(super) fn waitall_fills_the_whole_buffer<H: UnixHarness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = unix_pair(h)?;
    send_all(h, &mut client, b"one,")?;
    send_all(h, &mut client, b"two")?;
    wait(h, &server, Interest::READABLE)?;
    let mut buf = [0u8; 7];
    ensure!(
        must!(server.recv(&mut buf, MsgFlags::WAITALL), "recv(WAITALL)") == 7,
        "the whole buffer"
    );
    ensure!(&buf == b"one,two", "both writes' bytes, in order");
    Ok(())
}

pub(super) fn dontwait_on_an_empty_stream_would_block<H: Harness>(h: &mut H) -> Outcome {
    let (_client, mut server) = tcp_pair(h)?;
    let mut buf = [0u8; 4];
    fails!(
        server.recv(&mut buf, MsgFlags::DONTWAIT),
        ErrorKind::WouldBlock,
        "recv(DONTWAIT) with nothing queued"
    );
    Ok(())
}

pub(super) fn nonblocking_read_on_an_empty_stream_would_block<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (_client, mut server) = unix_pair(h)?;
    must!(server.set_nonblocking(true), "set_nonblocking");
    let mut buf = [0u8; 4];
    fails!(
        server.read(&mut buf),
        ErrorKind::WouldBlock,
        "a non-blocking read with nothing queued"
    );
    Ok(())
}

pub(super) fn empty_buffers_return_zero_at_once<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    // Blocking, and nothing to read: an empty buffer must still return at once.
    ensure!(
        must!(server.read(&mut []), "read([])") == 0,
        "read of an empty buffer is Ok(0)"
    );
    ensure!(
        must!(client.write(&[]), "write([])") == 0,
        "write of an empty buffer is Ok(0)"
    );
    Ok(())
}

/// `send(&[], flags)` answers as `write(&[])` does: `Ok(0)` at once, whatever the connection's
/// state (shut down for writing, the peer gone), once the flags are a send's. (`send(fd, "",
/// 0, 0)` on Linux would report `EPIPE` there, where `write` of nothing never reaches it.)
pub(super) fn sending_nothing_answers_as_writing_nothing<H: UnixHarness>(h: &mut H) -> Outcome {
    let (tcp, _tcp_peer) = tcp_pair(h)?;
    let (unix, _unix_peer) = unix_pair(h)?;
    for mut s in [tcp, unix] {
        ensure!(
            must!(s.send(&[], MsgFlags::NONE), "send([])") == 0,
            "send of nothing is Ok(0)"
        );
        ensure!(
            must!(s.send(&[], MsgFlags::DONTWAIT), "send([], DONTWAIT)") == 0,
            "send of nothing with DONTWAIT is Ok(0)"
        );
        fails!(
            s.send(&[], MsgFlags::PEEK),
            ErrorKind::InvalidInput,
            "send of nothing with a receive's flag"
        );
        must!(s.shutdown(Shutdown::Write), "shutdown(Write)");
        ensure!(
            must!(s.write(&[]), "write([]) after shutdown(Write)") == 0,
            "write of nothing after shutdown(Write) is Ok(0)"
        );
        ensure!(
            must!(
                s.send(&[], MsgFlags::NONE),
                "send([]) after shutdown(Write)"
            ) == 0,
            "send of nothing after shutdown(Write) is Ok(0), as write"
        );
    }
    let (mut client, server) = unix_pair(h)?;
    drop(server);
    ensure!(
        must!(
            client.send(&[], MsgFlags::NONE),
            "send([]) to a closed peer"
        ) == 0,
        "send of nothing to a closed peer is Ok(0), as write"
    );
    Ok(())
}

pub(super) fn writing_to_a_closed_unix_peer_is_broken_pipe<H: UnixHarness>(h: &mut H) -> Outcome {
    let (mut client, server) = unix_pair(h)?;
    drop(server);
    fails!(
        client.write(b"anyone?"),
        ErrorKind::BrokenPipe,
        "write to a closed Unix peer (EPIPE)"
    );
    Ok(())
}

pub(super) fn writing_to_a_closed_tcp_peer_fails_soon<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, server) = tcp_pair(h)?;
    drop(server);
    // TCP takes the first write (the peer answers it with a reset); later ones fail.
    for _ in 0..50 {
        match client.write(b"anyone?") {
            Ok(_) => {
                let mut fds = [PollFd::new(client.handle(), Interest::READABLE)];
                must!(
                    h.stack().poll(&mut fds, Some(Duration::from_millis(20))),
                    "poll"
                );
            }
            Err(e) if matches!(e.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset) => {
                return Ok(())
            }
            Err(e) => {
                return Err(Stop::Failed(Failure {
                    line: line!(),
                    what: "write to a closed TCP peer",
                    error: Some(e),
                }))
            }
        }
    }
    Err(Stop::Failed(Failure {
        line: line!(),
        what: "writes to a closed TCP peer kept succeeding",
        error: None,
    }))
}

/// The server closes with the client's bytes unread: the client reads a reset.
fn close_with_unread_data<H: Harness>(
    h: &H,
    mut client: StreamOf<H>,
    server: StreamOf<H>,
) -> Outcome {
    send_all(h, &mut client, b"unread")?;
    wait(h, &server, Interest::READABLE)?;
    drop(server);
    wait(h, &client, Interest::READABLE)?;
    let mut buf = [0u8; 4];
    fails!(
        client.read(&mut buf),
        ErrorKind::ConnectionReset,
        "the peer closed with unread data"
    );
    Ok(())
}

pub(super) fn closing_with_unread_data_resets_the_peer<H: Harness>(h: &mut H) -> Outcome {
    let (client, server) = tcp_pair(h)?;
    close_with_unread_data(h, client, server)
}

pub(super) fn closing_a_unix_stream_with_unread_data_resets_the_peer<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (client, server) = unix_pair(h)?;
    close_with_unread_data(h, client, server)
}

pub(super) fn linger_zero_resets_the_peer<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    must!(server.set(Linger, Some(Duration::ZERO)), "SO_LINGER 0");
    drop(server);
    wait(h, &client, Interest::READABLE)?;
    let mut buf = [0u8; 4];
    fails!(
        client.read(&mut buf),
        ErrorKind::ConnectionReset,
        "close with linger 0 resets"
    );
    Ok(())
}

pub(super) fn a_full_buffer_takes_a_partial_write_then_would_block<H: Harness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::Stream)?;
    must!(a.set_nonblocking(true), "set_nonblocking");
    let mut chunk = [0u8; 8192];
    let mut sent = 0;
    loop {
        fill_pattern(&mut chunk, sent);
        match a.write(&chunk) {
            Ok(n) => {
                ensure!(n > 0, "write returned 0 for a non-empty buffer");
                sent += n;
                ensure!(sent < 64 << 20, "64 MiB went into a peer that never reads");
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => {
                return Err(Stop::Failed(Failure {
                    line: line!(),
                    what: "write",
                    error: Some(e),
                }))
            }
        }
    }
    ensure!(sent > 0, "nothing fit in an empty buffer");
    ensure!(
        !must!(a.write_ready(), "write_ready"),
        "a full buffer is not write-ready"
    );
    let mut buf = [0u8; 8192];
    let mut received = 0;
    while received < sent {
        let n = recv_some(h, &mut b, &mut buf)?;
        ensure!(n > 0, "end of stream too early");
        for (i, &byte) in buf[..n].iter().enumerate() {
            ensure!(byte == pattern(received + i), "a byte changed");
        }
        received += n;
    }
    ensure!(
        must!(a.write_ready(), "write_ready"),
        "room again once the peer read"
    );
    Ok(())
}

pub(super) fn seqpacket_keeps_message_boundaries<H: UnixHarness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::SeqPacket)?;
    for msg in [&b"first"[..], b"2", b"the third one"] {
        send_all(h, &mut a, msg)?;
    }
    let mut buf = [0u8; 32];
    for msg in [&b"first"[..], b"2", b"the third one"] {
        let n = recv_some(h, &mut b, &mut buf)?;
        ensure!(&buf[..n] == msg, "each read takes exactly one message");
    }
    Ok(())
}

pub(super) fn seqpacket_read_into_a_short_buffer_is_message_too_long<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::SeqPacket)?;
    send_all(h, &mut a, b"too long for four")?;
    send_all(h, &mut a, b"next")?;
    wait(h, &b, Interest::READABLE)?;
    let mut buf = [0u8; 4];
    fails!(
        b.read(&mut buf),
        ErrorKind::MessageTooLong,
        "a cut message is reported, not silent"
    );
    ensure!(
        &buf == b"too ",
        "the start of the cut message is in the buffer"
    );
    ensure!(
        recv_some(h, &mut b, &mut buf)? == 4 && &buf == b"next",
        "the next message is whole"
    );
    Ok(())
}

pub(super) fn socketpair_ends_are_unnamed_and_connected<H: UnixHarness>(h: &mut H) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::Stream)?;
    let unnamed = SocketAddr::Unix(UnixAddr::unnamed());
    ensure!(
        must!(a.local_addr(), "local_addr") == unnamed,
        "a socketpair end is unnamed"
    );
    ensure!(
        must!(a.peer_addr(), "peer_addr") == unnamed,
        "and so is its peer"
    );
    send_all(h, &mut b, b"pair")?;
    let mut buf = [0u8; 4];
    recv_exact(h, &mut a, &mut buf)?;
    ensure!(&buf == b"pair", "the pair is connected");
    Ok(())
}

pub(super) fn sends_of_nothing_return_zero_in_every_state<H: Harness>(h: &mut H) -> Outcome {
    let unconnected = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    let mut unconnected = must!(unconnected.into_stream(), "into_stream");
    let (mut client, _server) = tcp_pair(h)?;
    must!(client.shutdown(Shutdown::Write), "shutdown(Write)");
    for s in [&mut unconnected, &mut client] {
        ensure!(
            must!(s.write(&[]), "write([])") == 0,
            "write of nothing is Ok(0)"
        );
        ensure!(
            must!(s.send(&[], MsgFlags::NONE), "send([])") == 0,
            "send of nothing is Ok(0), as write"
        );
        let iov = must!(IoVec::<1>::from_slices(&[&[]]), "iovec");
        ensure!(
            must!(s.send_msg(&SendMsg::new(iov)), "send_msg([])") == 0,
            "send_msg of nothing is Ok(0), as write"
        );
        fails!(
            s.send(&[], MsgFlags::PEEK),
            ErrorKind::InvalidInput,
            "the flags are still checked"
        );
    }
    Ok(())
}

pub(super) fn receives_into_nothing_return_zero_in_every_state<H: Harness>(h: &mut H) -> Outcome {
    let unconnected = must!(h.stack().socket(Domain::Inet, Type::Stream), "socket");
    let mut unconnected = must!(unconnected.into_stream(), "into_stream");
    let (_client, mut server) = tcp_pair(h)?;
    for s in [&mut unconnected, &mut server] {
        ensure!(
            must!(s.read(&mut []), "read([])") == 0,
            "read into nothing is Ok(0)"
        );
        ensure!(
            must!(s.recv(&mut [], MsgFlags::NONE), "recv([])") == 0,
            "recv into nothing is Ok(0)"
        );
        let mut msg = RecvMsg::new(IoVecMut::<1>::new());
        ensure!(
            must!(s.recv_msg(&mut msg), "recv_msg([])").len == 0,
            "recv_msg into nothing is Ok(0)"
        );
        fails!(
            s.recv(&mut [], MsgFlags::EOR),
            ErrorKind::InvalidInput,
            "the flags are still checked"
        );
    }
    Ok(())
}

pub(super) fn oob_is_urgent_data_on_tcp<H: Harness>(h: &mut H) -> Outcome {
    let (mut client, mut server) = tcp_pair(h)?;
    let mut buf = [0u8; 4];
    if h.quirk(Quirk::NoOutOfBand) {
        // The documented difference: no urgent data, said so.
        fails!(
            client.send(b"a!", MsgFlags::OOB),
            ErrorKind::Unsupported,
            "send(OOB) without out-of-band data is Unsupported"
        );
        fails!(
            server.recv(&mut buf, MsgFlags::OOB),
            ErrorKind::Unsupported,
            "recv(OOB) without out-of-band data is Unsupported"
        );
        return Ok(());
    }
    // The last byte of a send with MSG_OOB is the urgent one; the others are ordinary data.
    ensure!(
        must!(client.send(b"a!", MsgFlags::OOB), "send(OOB)") == 2,
        "send(OOB) takes the whole buffer"
    );
    wait(h, &server, Interest::READABLE)?;
    ensure!(
        must!(server.recv(&mut buf, MsgFlags::OOB), "recv(OOB)") == 1 && buf[0] == b'!',
        "recv(OOB) gets the urgent byte"
    );
    ensure!(
        must!(server.read(&mut buf), "read") == 1 && buf[0] == b'a',
        "the rest is ordinary data"
    );
    Ok(())
}
