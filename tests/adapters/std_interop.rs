//! The POSIX backend with the standard library (feature `std`): descriptors in and out
//! (`AsFd`, `AsRawFd`, `FromRawFd`, `IntoRawFd`, `OwnedFd`), conversions with `std::net` and
//! `std::os::unix::net` both ways, and `std::io::Read`/`Write` on streams.
//!
//! No `unsafe` here: `FromRawFd` and `IntoRawFd` are exercised through the `OwnedFd`
//! conversions, which are built on them, and their presence is checked at compile time. Each
//! test holds `fd_check`, the binary's lock, and leaves no descriptor open.

use anysock::Endpoint as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr as StdAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

use anysock::posix::{Datagram, Listener, Posix, Socket, Stream};
use anysock::{Datagram as _, Domain, Listener as _, Socket as _, Stack, Stream as _, Type};

use crate::common::{fd_check, TempDir};

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// Every descriptor trait of std, and both `OwnedFd` conversions.
fn has_fd_traits<T>()
where
    T: AsFd + AsRawFd + FromRawFd + IntoRawFd + From<OwnedFd> + Into<OwnedFd>,
{
}

#[test]
fn every_socket_type_has_the_descriptor_traits() {
    let _fds = fd_check();
    has_fd_traits::<Socket>();
    has_fd_traits::<Listener>();
    has_fd_traits::<Stream>();
    has_fd_traits::<Datagram>();
}

/// `AsRawFd` and `AsFd` name the descriptor the socket polls with, still owned by it.
#[test]
fn as_fd_borrows_the_same_descriptor() -> Outcome {
    let _fds = fd_check();
    let socket = Posix.socket(Domain::Inet, Type::Stream)?;
    let listener = Posix.listen(&"127.0.0.1:0".parse()?, 1)?;
    let stream = Posix.connect(&listener.local_addr()?)?;
    let datagram = Posix.bind(&"127.0.0.1:0".parse()?)?;
    use anysock::Pollable;
    for (raw, borrowed, handle) in [
        (
            socket.as_raw_fd(),
            socket.as_fd().as_raw_fd(),
            socket.handle(),
        ),
        (
            listener.as_raw_fd(),
            listener.as_fd().as_raw_fd(),
            listener.handle(),
        ),
        (
            stream.as_raw_fd(),
            stream.as_fd().as_raw_fd(),
            stream.handle(),
        ),
        (
            datagram.as_raw_fd(),
            datagram.as_fd().as_raw_fd(),
            datagram.handle(),
        ),
    ] {
        assert_eq!((raw, borrowed), (handle, handle));
    }
    // A borrowed descriptor works with std's own calls (`try_clone_to_owned` is `dup`).
    let dup = stream.as_fd().try_clone_to_owned()?;
    assert_ne!(dup.as_raw_fd(), stream.as_raw_fd());
    Ok(())
}

/// Out to an `OwnedFd` (`into_raw_fd`) and back (`from_raw_fd`): the same descriptor, its
/// domain and type asked of the kernel again, still working.
#[test]
fn owned_fd_round_trips_keep_the_socket() -> Outcome {
    let _fds = fd_check();
    let mut socket = Posix.socket(Domain::Inet6, Type::Datagram).or_else(|_| {
        // No IPv6 on this machine: the round trip is the same on IPv4.
        Posix.socket(Domain::Inet, Type::Datagram)
    })?;
    let domain = socket.domain();
    let fd = socket.as_raw_fd();
    let owned = OwnedFd::from(socket);
    assert_eq!(
        owned.as_raw_fd(),
        fd,
        "into_raw_fd gives up the same descriptor"
    );
    socket = Socket::from(owned);
    assert_eq!(
        (socket.as_raw_fd(), socket.domain(), socket.socket_type()),
        (fd, domain, Type::Datagram)
    );

    let mut listener = Posix.listen(&"127.0.0.1:0".parse()?, 4)?;
    let addr = listener.local_addr()?;
    listener = Listener::from(OwnedFd::from(listener));
    assert_eq!(listener.local_addr()?, addr);
    let mut client = Stream::from(OwnedFd::from(Posix.connect(&addr)?));
    let (server, _) = listener.accept()?;
    let mut server = Stream::from(OwnedFd::from(server));
    client.write_all(b"still")?;
    let mut buf = [0u8; 5];
    server.read_exact(&mut buf)?;
    assert_eq!(&buf, b"still");

    let mut a = Datagram::from(OwnedFd::from(Posix.bind(&"127.0.0.1:0".parse()?)?));
    let b = Posix.bind(&"127.0.0.1:0".parse()?)?;
    let mut b = Datagram::from(OwnedFd::from(b));
    a.send_to(b"dgram", &b.local_addr()?)?;
    let (got, from) = b.recv_from(&mut buf)?;
    assert_eq!((&buf[..got.len], from), (&b"dgram"[..], a.local_addr()?));
    Ok(())
}

/// A descriptor made elsewhere (by std) is adopted with the domain and type it really has.
#[test]
fn adopted_descriptors_are_identified() -> Outcome {
    let _fds = fd_check();
    let (unix, _peer) = UnixStream::pair()?;
    let s = Socket::from(OwnedFd::from(unix));
    assert_eq!((s.domain(), s.socket_type()), (Domain::Unix, Type::Stream));
    let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    let s = Socket::from(OwnedFd::from(udp));
    assert_eq!(
        (s.domain(), s.socket_type()),
        (Domain::Inet, Type::Datagram)
    );
    Ok(())
}

#[test]
fn tcp_both_ways() -> Outcome {
    let _fds = fd_check();
    // std listener -> ours; std client -> ours; ours -> std.
    let std_listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let addr = std_listener.local_addr()?;
    let mut listener = Listener::from(std_listener);
    assert_eq!(listener.local_addr()?, addr.into());
    let mut client = Stream::from(TcpStream::connect(addr)?);
    let (server, peer) = listener.accept()?;
    assert_eq!(peer, client.local_addr()?);
    let mut server = TcpStream::try_from(server).map_err(|_| "a TCP stream is a TcpStream")?;
    client.write_all(b"to std")?;
    let mut buf = [0u8; 6];
    server.read_exact(&mut buf)?;
    assert_eq!(&buf, b"to std");
    server.write_all(b"back")?;
    let mut buf = [0u8; 4];
    Read::read_exact(&mut client, &mut buf)?;
    assert_eq!(&buf, b"back");

    let back = TcpListener::try_from(listener).map_err(|_| "a TCP listener is a TcpListener")?;
    assert_eq!(back.local_addr()?, addr);
    Ok(())
}

#[test]
fn udp_both_ways() -> Outcome {
    let _fds = fd_check();
    let std_socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    let to = std_socket.local_addr()?;
    let mut ours = Datagram::from(std_socket);
    let peer = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    peer.send_to(b"hi", to)?;
    let mut buf = [0u8; 8];
    let (got, from) = ours.recv_from(&mut buf)?;
    assert_eq!(
        (&buf[..got.len], from),
        (&b"hi"[..], peer.local_addr()?.into())
    );
    let back = UdpSocket::try_from(ours).map_err(|_| "a UDP socket is a UdpSocket")?;
    back.send_to(b"ok", peer.local_addr()?)?;
    let (n, from) = peer.recv_from(&mut buf)?;
    assert_eq!((&buf[..n], from), (&b"ok"[..], to));
    Ok(())
}

#[test]
fn unix_both_ways() -> Outcome {
    let _fds = fd_check();
    let dir = TempDir::new();
    let path = dir.path().join("interop.sock");
    let mut listener = Listener::from(UnixListener::bind(&path)?);
    let mut client = Stream::from(UnixStream::connect(&path)?);
    let (server, _) = listener.accept()?;
    let mut server = UnixStream::try_from(server).map_err(|_| "a Unix stream is a UnixStream")?;
    client.write_all(b"unix")?;
    let mut buf = [0u8; 4];
    server.read_exact(&mut buf)?;
    assert_eq!(&buf, b"unix");
    let back = UnixListener::try_from(listener).map_err(|_| "a Unix listener")?;
    assert_eq!(back.local_addr()?.as_pathname(), Some(path.as_path()));

    let (a, b) = UnixDatagram::pair()?;
    let mut a = Datagram::from(a);
    anysock::Datagram::send(&mut a, b"dgram")?;
    let mut buf = [0u8; 8];
    assert_eq!(b.recv(&mut buf)?, 5);
    let a = UnixDatagram::try_from(a).map_err(|_| "a Unix datagram socket")?;
    b.send(b"back")?;
    assert_eq!(a.recv(&mut buf)?, 4);
    Ok(())
}

/// Into std, the socket must be of the std type's domain and type; when it is not, it comes
/// back unchanged.
#[test]
fn conversions_to_the_wrong_std_type_give_the_socket_back() -> Outcome {
    let _fds = fd_check();
    let (a, _b) = Posix.socketpair(Type::Stream)?;
    let unix = a.into_stream()?;
    let fd = unix.as_raw_fd();
    let unix = TcpStream::try_from(unix)
        .err()
        .ok_or("a Unix stream is no TcpStream")?;
    assert_eq!(unix.as_raw_fd(), fd);

    let (a, _b) = Posix.socketpair(Type::SeqPacket)?;
    let seqpacket = a.into_stream()?;
    assert!(
        UnixStream::try_from(seqpacket).is_err(),
        "seqpacket is no UnixStream"
    );

    let tcp = Posix.listen(&"127.0.0.1:0".parse()?, 1)?;
    assert!(UnixListener::try_from(tcp).is_err());
    let udp = Posix.bind(&"127.0.0.1:0".parse()?)?;
    assert!(UnixDatagram::try_from(udp).is_err());
    let (a, _b) = Posix.socketpair(Type::Datagram)?;
    assert!(UdpSocket::try_from(a.into_datagram()?).is_err());

    // A descriptor adopted as a `Datagram` that is really a TCP listener: the type is checked,
    // not only the domain.
    let listener = Posix.listen(&"127.0.0.1:0".parse()?, 1)?;
    let adopted = anysock::posix::Datagram::from(OwnedFd::from(listener));
    assert!(
        UdpSocket::try_from(adopted).is_err(),
        "a TCP socket is no UdpSocket"
    );
    let (a, _b) = Posix.socketpair(Type::Stream)?;
    let adopted = anysock::posix::Datagram::from(OwnedFd::from(a));
    assert!(
        UnixDatagram::try_from(adopted).is_err(),
        "a Unix stream is no UnixDatagram"
    );
    Ok(())
}

#[test]
fn streams_are_std_readers_and_writers() -> Outcome {
    let _fds = fd_check();
    let mut listener = Posix.listen(&"127.0.0.1:0".parse()?, 1)?;
    let mut client = Posix.connect(&listener.local_addr()?)?;
    let (mut server, _) = listener.accept()?;

    // std's helpers that take any `Write` / `Read`.
    write!(client, "line one\nline {}\n", 2)?;
    io::copy(&mut &b"from a reader\n"[..], &mut client)?;
    client.shutdown(anysock::Shutdown::Write)?;
    let mut lines = BufReader::new(&mut server).lines();
    assert_eq!(lines.next().transpose()?.as_deref(), Some("line one"));
    assert_eq!(lines.next().transpose()?.as_deref(), Some("line 2"));
    assert_eq!(lines.next().transpose()?.as_deref(), Some("from a reader"));
    assert!(lines.next().is_none(), "end of stream ends the lines");

    let mut rest = Vec::new();
    assert_eq!(server.read_to_end(&mut rest)?, 0);
    server.flush()?;
    Ok(())
}

/// Errors cross into `std::io::Error` with their kind and OS code.
#[test]
fn errors_become_io_errors() -> Outcome {
    let _fds = fd_check();
    let (a, _b) = Posix.socketpair(Type::Stream)?;
    let mut a = a.into_stream()?;
    anysock::Endpoint::set_nonblocking(&mut a, true)?;
    let e = Read::read(&mut a, &mut [0u8; 4])
        .err()
        .ok_or("nothing to read")?;
    assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
    assert!(e.raw_os_error().is_some(), "the errno survives");

    let refused = Posix.connect(&StdAddr::from((Ipv4Addr::LOCALHOST, 1)).into());
    let e = io::Error::from(refused.err().ok_or("nobody listens on port 1")?);
    assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);
    Ok(())
}
