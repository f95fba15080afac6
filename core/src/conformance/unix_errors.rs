//! Unix sockets given the wrong thing at the wrong time, and which error Linux says first: a
//! second `bind`, a `connect` from a socket already connected, a `sendmsg` that
//! names an address, a seqpacket socket that never connected, a path in a missing directory.

use crate::embedded_io::{Read, Write};
use crate::Endpoint as _;
use crate::{
    Datagram, ErrorKind, Interest, IoVec, IoVecMut, MsgFlags, MsgIo, RecvMsg, SendMsg, Socket,
    SocketAddr, Stack, Stream, Type, UnixAddr,
};

use super::{
    stream_socketpair, supported, unix_socket, wait, DatagramOf, Outcome, Quirk, Stop, UnixHarness,
};

/// A pathname in a directory that does not exist: a file under a fresh path.
fn in_a_missing_directory<H: UnixHarness>(h: &mut H) -> Result<SocketAddr, Stop> {
    let dir = h.unix_path();
    let mut path = [0u8; crate::unix_addr::MAX_PATH_LEN];
    let parent = dir.as_pathname().unwrap_or_default();
    let name = b"/sock";
    let len = parent.len() + name.len();
    ensure!(
        len <= path.len(),
        "the harness's paths leave room for a file name"
    );
    path[..parent.len()].copy_from_slice(parent);
    path[parent.len()..len].copy_from_slice(name);
    Ok(SocketAddr::Unix(must!(
        UnixAddr::pathname(&path[..len]),
        "a path"
    )))
}

pub(super) fn a_second_unix_bind_reports_a_taken_path_first<H: UnixHarness>(h: &mut H) -> Outcome {
    let (p, q) = (
        SocketAddr::Unix(h.unix_path()),
        SocketAddr::Unix(h.unix_path()),
    );
    let mut s = unix_socket(h, Type::Stream)?;
    must!(s.bind(&p), "bind");
    fails!(
        s.bind(&p),
        ErrorKind::AddrInUse,
        "binding the path it holds again: the file exists, said first"
    );
    fails!(
        s.bind(&q),
        ErrorKind::InvalidInput,
        "binding a free path: already bound"
    );
    let mut t = unix_socket(h, Type::Stream)?;
    must!(t.bind(&q), "the failed bind left no file behind");
    Ok(())
}

pub(super) fn a_second_abstract_bind_is_invalid_first<H: UnixHarness>(h: &mut H) -> Outcome {
    let name = SocketAddr::Unix(super::need(h.unix_abstract(), "no abstract Unix names")?);
    let mut s = unix_socket(h, Type::Datagram)?;
    must!(s.bind(&name), "bind");
    fails!(
        s.bind(&name),
        ErrorKind::InvalidInput,
        "an abstract bind checks the socket first, then the name"
    );
    Ok(())
}

pub(super) fn binding_a_bound_unix_socket_to_no_name_does_nothing<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let path = SocketAddr::Unix(h.unix_path());
    let mut s = unix_socket(h, Type::Stream)?;
    must!(s.bind(&path), "bind");
    must!(
        s.bind(&SocketAddr::Unix(UnixAddr::unnamed())),
        "autobind on a bound socket succeeds"
    );
    ensure!(
        must!(s.local_addr(), "local_addr") == path,
        "and leaves its name as it was"
    );
    Ok(())
}

pub(super) fn socketpair_ends_may_bind_a_name<H: UnixHarness>(h: &mut H) -> Outcome {
    let path = SocketAddr::Unix(h.unix_path());
    let (mut a, _b) = supported(
        h.stack().socketpair(Type::Datagram),
        "no socketpair",
        "socketpair",
    )?;
    must!(a.bind(&path), "a socketpair end is unbound: it may bind");
    ensure!(
        must!(a.local_addr(), "local_addr") == path,
        "and then has the name"
    );
    Ok(())
}

pub(super) fn a_connected_unix_socket_reports_a_bad_address_before_eisconn<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let path = SocketAddr::Unix(h.unix_path());
    let missing = SocketAddr::Unix(h.unix_path());
    let _listener = must!(h.stack().listen(&path, 4), "listen");
    let mut s = unix_socket(h, Type::Stream)?;
    must!(s.connect(&path), "connect");
    fails!(
        s.connect(&missing),
        ErrorKind::NotFound,
        "a missing path is said before EISCONN"
    );
    fails!(
        s.connect(&SocketAddr::Unix(UnixAddr::unnamed())),
        ErrorKind::InvalidInput,
        "so is the unnamed address"
    );
    fails!(
        s.connect(&path),
        ErrorKind::AlreadyConnected,
        "a good address gets EISCONN"
    );
    Ok(())
}

pub(super) fn a_unix_stream_sendmsg_naming_an_address_is_refused<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let somewhere = SocketAddr::Unix(h.unix_path());
    let iov = must!(IoVec::<1>::from_slices(&[b"x"]), "iovec");
    let (mut a, _b) = stream_socketpair(h, Type::Stream)?;
    fails!(
        a.send_msg(&SendMsg::new(iov).to(&somewhere)),
        ErrorKind::AlreadyConnected,
        "a connected Unix stream refuses an address (EISCONN)"
    );
    let lone = unix_socket(h, Type::Stream)?;
    let mut lone = must!(lone.into_stream(), "into_stream");
    fails!(
        lone.send_msg(&SendMsg::new(iov).to(&somewhere)),
        ErrorKind::Unsupported,
        "an unconnected one too (EOPNOTSUPP)"
    );
    Ok(())
}

pub(super) fn a_seqpacket_sendmsg_ignores_its_address<H: UnixHarness>(h: &mut H) -> Outcome {
    let somewhere = SocketAddr::Unix(h.unix_path());
    let (mut a, mut b) = stream_socketpair(h, Type::SeqPacket)?;
    let iov = must!(IoVec::<1>::from_slices(&[b"rec"]), "iovec");
    ensure!(
        must!(a.send_msg(&SendMsg::new(iov).to(&somewhere)), "send_msg") == 3,
        "a connected seqpacket socket sends to its peer whatever address is named"
    );
    wait(h, &b, Interest::READABLE)?;
    let mut buf = [0u8; 8];
    ensure!(
        must!(b.read(&mut buf), "read") == 3,
        "and the peer gets the record"
    );
    Ok(())
}

pub(super) fn an_unconnected_seqpacket_socket_is_not_connected<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let s = unix_socket(h, Type::SeqPacket)?;
    let mut s = must!(s.into_stream(), "into_stream");
    fails!(
        s.read(&mut [0u8; 4]),
        ErrorKind::NotConnected,
        "read (a Unix stream says InvalidInput here)"
    );
    fails!(s.write(b"x"), ErrorKind::NotConnected, "write");
    fails!(
        s.recv(&mut [0u8; 4], MsgFlags::OOB),
        ErrorKind::NotConnected,
        "ENOTCONN before anything else"
    );
    Ok(())
}

pub(super) fn a_datagram_from_an_unbound_unix_sender_names_nobody<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (a, b) = supported(
        h.stack().socketpair(Type::Datagram),
        "no socketpair",
        "socketpair",
    )?;
    let (mut a, mut b) = (
        must!(a.into_datagram(), "into_datagram"),
        must!(b.into_datagram(), "into_datagram"),
    );
    must!(a.send(b"hi"), "send");
    wait(h, &b, Interest::READABLE)?;
    let mut buf = [0u8; 4];
    let mut iov = IoVecMut::<1>::new();
    must!(iov.push(&mut buf), "push");
    let got = must!(b.recv_msg(&mut RecvMsg::new(iov)), "recv_msg");
    ensure!(
        got.len == 2 && got.addr.is_none(),
        "recv_msg names no sender for an unbound one"
    );
    Ok(())
}

pub(super) fn binding_in_a_missing_directory_is_not_found<H: UnixHarness>(h: &mut H) -> Outcome {
    let path = in_a_missing_directory(h)?;
    let mut s = unix_socket(h, Type::Stream)?;
    if h.quirk(Quirk::NoDirectories) {
        // The documented difference: no directories, so nothing is missing.
        must!(s.bind(&path), "bind anywhere");
        return Ok(());
    }
    fails!(
        s.bind(&path),
        ErrorKind::NotFound,
        "a directory on the path is missing (ENOENT)"
    );
    Ok(())
}

pub(super) fn a_seqpacket_peer_that_closed_with_records_unread_resets_first<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::SeqPacket)?;
    must!(a.write(b"unread"), "write a record b never reads");
    must!(b.write(b"for a"), "write a record for a");
    drop(b);
    wait(h, &a, Interest::READABLE)?;
    let mut buf = [0u8; 8];
    fails!(
        a.read(&mut buf),
        ErrorKind::ConnectionReset,
        "the reset comes before the record queued"
    );
    ensure!(
        must!(a.read(&mut buf), "read") == 5 && &buf[..5] == b"for a",
        "then the record"
    );
    Ok(())
}

pub(super) fn abstract_names_are_per_socket_type<H: UnixHarness>(h: &mut H) -> Outcome {
    let name = SocketAddr::Unix(super::need(h.unix_abstract(), "no abstract Unix names")?);
    let mut stream = unix_socket(h, Type::Stream)?;
    must!(stream.bind(&name), "a stream socket binds the name");
    let mut dgram = unix_socket(h, Type::Datagram)?;
    must!(
        dgram.bind(&name),
        "a datagram socket binds the same name: Linux keeps them apart by type"
    );
    let mut other = unix_socket(h, Type::SeqPacket)?;
    fails!(
        other.connect(&name),
        ErrorKind::ConnectionRefused,
        "to a seqpacket socket, nobody holds the name"
    );
    let path = SocketAddr::Unix(h.unix_path());
    let mut holder = unix_socket(h, Type::Stream)?;
    must!(holder.bind(&path), "bind a path");
    let wrong = unix_socket(h, Type::Datagram)?;
    let mut wrong_dgram = must!(wrong.into_datagram(), "into_datagram");
    fails!(
        wrong_dgram.send_to(b"x", &path),
        ErrorKind::Unsupported,
        "a path held by a socket of another type is EPROTOTYPE"
    );
    Ok(())
}

pub(super) fn a_unix_datagram_connect_to_a_socket_connected_elsewhere_is_eperm<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (a, _b) = supported(
        h.stack().socketpair(Type::Datagram),
        "no socketpair",
        "socketpair",
    )?;
    let mut a = a;
    let name = SocketAddr::Unix(h.unix_path());
    must!(a.bind(&name), "bind one end of a pair");
    let c = unix_socket(h, Type::Datagram)?;
    let mut c = must!(c.into_datagram(), "into_datagram");
    fails!(
        c.connect(&name),
        ErrorKind::PermissionDenied,
        "it is connected to its pair: nobody else may connect to it (EPERM)"
    );
    Ok(())
}

pub(super) fn a_socketpair_peer_is_named_as_it_is_now<H: UnixHarness>(h: &mut H) -> Outcome {
    let (a, mut b) = supported(
        h.stack().socketpair(Type::Datagram),
        "no socketpair",
        "socketpair",
    )?;
    let a = must!(a.into_datagram(), "into_datagram");
    ensure!(
        must!(a.peer_addr(), "peer_addr") == SocketAddr::Unix(UnixAddr::unnamed()),
        "the peer is unnamed"
    );
    let name = SocketAddr::Unix(h.unix_path());
    must!(b.bind(&name), "the peer binds a name");
    ensure!(
        must!(a.peer_addr(), "peer_addr") == name,
        "getpeername names it as it is now"
    );
    Ok(())
}

/// A connected Unix datagram `socketpair`.
fn datagram_pair<H: UnixHarness>(h: &H) -> Result<(DatagramOf<H>, DatagramOf<H>), Stop> {
    let (a, b) = supported(
        h.stack().socketpair(Type::Datagram),
        "no socketpair",
        "socketpair",
    )?;
    Ok((
        must!(a.into_datagram(), "into_datagram"),
        must!(b.into_datagram(), "into_datagram"),
    ))
}

pub(super) fn a_unix_datagram_socket_leaving_its_peer_drops_what_it_had_queued<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = datagram_pair(h)?;
    must!(a.send(b"queued at b"), "send");
    let elsewhere = SocketAddr::Unix(h.unix_path());
    let _other = must!(h.stack().bind(&elsewhere), "bind another datagram socket");
    must!(b.connect(&elsewhere), "b connects elsewhere");
    must!(b.set_nonblocking(true), "set_nonblocking");
    fails!(
        b.recv(&mut [0u8; 16]),
        ErrorKind::WouldBlock,
        "what a had sent b is gone with the connection"
    );
    fails!(
        a.send(b"more"),
        ErrorKind::ConnectionReset,
        "and a, still connected to b, hears of it"
    );
    Ok(())
}

pub(super) fn a_unix_datagram_socket_finding_its_peer_closed_drops_what_it_had<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut c, mut d) = datagram_pair(h)?;
    must!(c.send(b"for d"), "send");
    drop(c);
    fails!(
        d.send(b"anyone?"),
        ErrorKind::ConnectionRefused,
        "the peer closed"
    );
    must!(d.set_nonblocking(true), "set_nonblocking");
    fails!(
        d.recv(&mut [0u8; 8]),
        ErrorKind::WouldBlock,
        "finding it closed dropped what it had sent"
    );
    Ok(())
}

pub(super) fn a_closed_unix_peer_keeps_the_name_it_had<H: UnixHarness>(h: &mut H) -> Outcome {
    let (a, mut b) = supported(
        h.stack().socketpair(Type::Datagram),
        "no socketpair",
        "socketpair",
    )?;
    let a = must!(a.into_datagram(), "into_datagram");
    let name = SocketAddr::Unix(h.unix_path());
    must!(b.bind(&name), "the peer binds a name");
    drop(b);
    ensure!(
        must!(a.peer_addr(), "peer_addr") == name,
        "getpeername still names the closed peer as it was"
    );
    Ok(())
}

pub(super) fn a_unix_waitall_read_short_of_its_bytes_takes_the_pending_reset<H: UnixHarness>(
    h: &mut H,
) -> Outcome {
    let (mut a, mut b) = stream_socketpair(h, Type::Stream)?;
    must!(a.write(b"unread by b"), "write");
    must!(b.write(b"abc"), "write");
    drop(b);
    wait(h, &a, Interest::READABLE)?;
    let mut buf = [0u8; 16];
    ensure!(
        must!(a.recv(&mut buf, MsgFlags::WAITALL), "recv(WAITALL)") == 3,
        "the bytes there are returned"
    );
    ensure!(
        must!(a.read(&mut buf), "read") == 0,
        "and the reset went with the wait for more: end of stream, no error"
    );
    Ok(())
}
