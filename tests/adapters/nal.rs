//! embedded-nal code on anysock (`anysock::nal`, feature `nal`): functions written only against
//! embedded-nal's traits, run on the operating system's sockets (loopback) and on the mock
//! network, single-threaded and with threads. The kernel's stories hold `fd_check`, the
//! binary's lock, and leave no descriptor open.
#![cfg(feature = "nal")]

use std::fmt::Debug;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use anysock::mock::{Host, Net, SharedNet, Sharing};
use anysock::nal::embedded_nal::{
    nb, TcpClientStack, TcpError, TcpErrorKind, TcpFullStack, UdpClientStack, UdpFullStack,
};
use anysock::nal::{Nal, TcpSocket};
use anysock::posix::Posix;
use anysock::ErrorKind;

use crate::common::fd_check;
use crate::data::pattern;

/// How many times a step may say `WouldBlock` before a test gives up: every wait is bounded.
const TRIES: usize = 20_000;

type Outcome<T = ()> = Result<T, String>;

// ---- generic embedded-nal code: nothing below names anysock until the tests ----

/// Repeats a non-blocking step until it stops saying `WouldBlock`, calling `idle` in between
/// (a short sleep on a real network; nothing on the single-threaded mock, where progress
/// comes only from the other end's steps).
fn poll<T, E: Debug>(
    idle: &mut dyn FnMut(),
    mut step: impl FnMut() -> nb::Result<T, E>,
) -> Outcome<T> {
    for _ in 0..TRIES {
        match step() {
            Ok(v) => return Ok(v),
            Err(nb::Error::WouldBlock) => idle(),
            Err(nb::Error::Other(e)) => return Err(format!("{e:?}")),
        }
    }
    Err("gave up waiting".into())
}

/// A TCP server's socket: `socket`, `bind(port)`, `listen`.
fn tcp_listen<T: TcpFullStack>(stack: &mut T, port: u16) -> Result<T::TcpSocket, T::Error> {
    let mut socket = stack.socket()?;
    stack.bind(&mut socket, port)?;
    stack.listen(&mut socket)?;
    Ok(socket)
}

/// A TCP echo through two stacks, both ends driven from this thread one non-blocking call at a
/// time: the client connects and sends `msg`, the server accepts and echoes what it reads, the
/// client reads the echo back. Returns what the client got.
fn tcp_echo<C: TcpClientStack, Sv: TcpFullStack>(
    client: &mut C,
    server: &mut Sv,
    listener: &mut Sv::TcpSocket,
    to: SocketAddr,
    msg: &[u8],
    idle: &mut dyn FnMut(),
) -> Outcome<Vec<u8>> {
    let err = |e: &dyn Debug| format!("{e:?}");
    let mut sock = client.socket().map_err(|e| err(&e))?;
    let (mut connected, mut conn, mut sent) = (false, None, 0);
    let (mut pending, mut echoed) = (Vec::new(), Vec::new());
    let mut buf = [0u8; 1024];
    for _ in 0..TRIES {
        if !connected {
            match client.connect(&mut sock, to) {
                Ok(()) => connected = true,
                Err(nb::Error::WouldBlock) => {}
                Err(nb::Error::Other(e)) => return Err(err(&e)),
            }
        }
        if conn.is_none() {
            match server.accept(listener) {
                Ok((c, _peer)) => conn = Some(c),
                Err(nb::Error::WouldBlock) => {}
                Err(nb::Error::Other(e)) => return Err(err(&e)),
            }
        }
        if connected && sent < msg.len() {
            match client.send(&mut sock, &msg[sent..]) {
                Ok(n) => sent += n,
                Err(nb::Error::WouldBlock) => {}
                Err(nb::Error::Other(e)) => return Err(err(&e)),
            }
        }
        if let Some(c) = conn.as_mut() {
            // The server: read what came, send back what it has not sent yet.
            match server.receive(c, &mut buf) {
                Ok(n) => pending.extend_from_slice(&buf[..n]),
                Err(nb::Error::WouldBlock) => {}
                Err(nb::Error::Other(e)) => return Err(err(&e)),
            }
            if !pending.is_empty() {
                match server.send(c, &pending) {
                    Ok(n) => drop(pending.drain(..n)),
                    Err(nb::Error::WouldBlock) => {}
                    Err(nb::Error::Other(e)) => return Err(err(&e)),
                }
            }
        }
        if connected {
            match client.receive(&mut sock, &mut buf) {
                Ok(0) => return Err("end of stream before the echo".into()),
                Ok(n) => echoed.extend_from_slice(&buf[..n]),
                Err(nb::Error::WouldBlock) => {}
                Err(nb::Error::Other(e)) => return Err(err(&e)),
            }
        }
        if echoed.len() >= msg.len() {
            client.close(sock).map_err(|e| err(&e))?;
            if let Some(c) = conn {
                server.close(c).map_err(|e| err(&e))?;
            }
            return Ok(echoed);
        }
        idle();
    }
    Err(format!(
        "gave up: connected {connected}, sent {sent}, echoed {}",
        echoed.len()
    ))
}

/// A UDP request and reply: the client connects to `to` and sends `ping`; the server (bound
/// already) receives it and answers its sender with `send_to`; the client receives `pong` from
/// `to`.
fn udp_exchange<C: UdpClientStack, Sv: UdpFullStack>(
    client: &mut C,
    server: &mut Sv,
    bound: &mut Sv::UdpSocket,
    to: SocketAddr,
    idle: &mut dyn FnMut(),
) -> Outcome {
    let err = |e: &dyn Debug| format!("{e:?}");
    let mut sock = client.socket().map_err(|e| err(&e))?;
    client.connect(&mut sock, to).map_err(|e| err(&e))?;
    poll(idle, || client.send(&mut sock, b"ping"))?;

    let mut buf = [0u8; 64];
    let (n, from) = poll(idle, || server.receive(bound, &mut buf))?;
    assert_eq!(&buf[..n], b"ping");
    poll(idle, || server.send_to(bound, from, b"pong"))?;

    let (n, src) = poll(idle, || client.receive(&mut sock, &mut buf))?;
    assert_eq!((&buf[..n], src), (&b"pong"[..], to));
    client.close(sock).map_err(|e| err(&e))
}

/// A client alone, with `nb::block!`: connects, sends `msg`, reads until end of stream.
fn tcp_fetch<C: TcpClientStack>(stack: &mut C, to: SocketAddr, msg: &[u8]) -> Outcome<Vec<u8>> {
    let err = |e: &dyn Debug| format!("{e:?}");
    let mut sock = stack.socket().map_err(|e| err(&e))?;
    nb::block!(stack.connect(&mut sock, to)).map_err(|e| err(&e))?;
    let mut sent = 0;
    while sent < msg.len() {
        sent += nb::block!(stack.send(&mut sock, &msg[sent..])).map_err(|e| err(&e))?;
    }
    let (mut got, mut buf) = (Vec::new(), [0u8; 512]);
    loop {
        match nb::block!(stack.receive(&mut sock, &mut buf)).map_err(|e| err(&e))? {
            0 => break,
            n => got.extend_from_slice(&buf[..n]),
        }
    }
    stack.close(sock).map_err(|e| err(&e))?;
    Ok(got)
}

/// One round of [`reconnects_after_server_restarts`]: the client connects (or learns it still
/// is), the server accepts and says `hello N`, the client reads it. Returns the server's end.
fn hello_round<C: TcpClientStack, Sv: TcpFullStack>(
    (client, sock): (&mut C, &mut C::TcpSocket),
    (server, listener): (&mut Sv, &mut Sv::TcpSocket),
    remote: SocketAddr,
    n: u8,
    idle: &mut dyn FnMut(),
) -> Outcome<Sv::TcpSocket> {
    poll(idle, || client.connect(sock, remote))?;
    let (mut conn, _peer) = poll(idle, || server.accept(listener))?;
    let hello = [b'h', b'e', b'l', b'l', b'o', b' ', b'0' + n];
    poll(idle, || server.send(&mut conn, &hello))?;
    let mut buf = [0u8; 16];
    let got = poll(idle, || client.receive(sock, &mut buf))?;
    if buf[..got] != hello {
        return Err(format!("round {n}: got {:?}", &buf[..got]));
    }
    Ok(conn)
}

/// What an MQTT client does when its broker restarts, over any embedded-nal stack: it keeps
/// one socket value and calls `connect` on it to learn whether it is still connected. The
/// server on `127.0.0.1:port` says `hello 1`, stops (its connection closed, its listener too)
/// and comes back on the same port at once; the client, having read the end of stream, calls
/// `connect` and is talking to the new server (`hello 2`). The server stops again, this time
/// resetting the connection (it closes with the client's bytes unread), and stays away: the
/// client's `connect` drops the broken connection and is refused; once the server is back,
/// the same socket connects again (`hello 3`).
fn reconnects_after_server_restarts<C: TcpClientStack, Sv: TcpFullStack>(
    client: &mut C,
    server: &mut Sv,
    port: u16,
    idle: &mut dyn FnMut(),
) -> Outcome {
    let err = |e: &dyn Debug| format!("{e:?}");
    let remote = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut sock = client.socket().map_err(|e| err(&e))?;

    let mut listener = tcp_listen(server, port).map_err(|e| err(&e))?;
    let conn = hello_round(
        (client, &mut sock),
        (server, &mut listener),
        remote,
        1,
        idle,
    )?;
    // The server stops and starts again on the same port.
    server.close(conn).map_err(|e| err(&e))?;
    server.close(listener).map_err(|e| err(&e))?;
    let mut listener = tcp_listen(server, port).map_err(|e| err(&e))?;
    let mut buf = [0u8; 16];
    let eof = poll(idle, || client.receive(&mut sock, &mut buf))?;
    if eof != 0 {
        return Err(format!("expected the end of stream, got {eof} bytes"));
    }
    let conn = hello_round(
        (client, &mut sock),
        (server, &mut listener),
        remote,
        2,
        idle,
    )?;

    // The server stops with the client's bytes unread (a reset), and stays away a while.
    poll(idle, || client.send(&mut sock, b"unread"))?;
    for _ in 0..50 {
        idle(); // the bytes reach the server before it closes
    }
    server.close(conn).map_err(|e| err(&e))?;
    server.close(listener).map_err(|e| err(&e))?;
    match poll(idle, || client.connect(&mut sock, remote)) {
        Err(e) if e.contains("ConnectionRefused") => {}
        other => return Err(format!("with the server away: {other:?}")),
    }
    let mut listener = tcp_listen(server, port).map_err(|e| err(&e))?;
    let conn = hello_round(
        (client, &mut sock),
        (server, &mut listener),
        remote,
        3,
        idle,
    )?;
    server.close(conn).map_err(|e| err(&e))?;
    client.close(sock).map_err(|e| err(&e))
}

// ---- the tests: the generic code on each backend ----

fn nap() {
    std::thread::sleep(Duration::from_micros(200));
}

/// A host of a mock network with the default capacities, through embedded-nal.
type MockNal<'n, K> = Nal<Host<'n, 32, 4096, 8, (), K>>;

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

#[test]
fn tcp_echo_on_posix_loopback() -> Outcome {
    let _fds = fd_check();
    let (mut client, mut server) = (Nal::new(Posix), Nal::new(Posix));
    let mut listener = tcp_listen(&mut server, 0).map_err(|e| format!("{e:?}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    // More than a socket buffer's worth, so sends and receives meet `WouldBlock` on the way.
    let msg = pattern(0, 300_000);
    let echoed = tcp_echo(
        &mut client,
        &mut server,
        &mut listener,
        loopback(port),
        &msg,
        &mut nap,
    )?;
    assert!(echoed == msg, "the echo differs");
    Ok(())
}

/// Two hosts of `net` seen through embedded-nal: the client `10.0.0.1` and the server
/// `10.0.0.2`.
fn two_hosts<K: Sharing>(
    net: &Net<32, 4096, 8, (), K>,
) -> Outcome<(MockNal<'_, K>, MockNal<'_, K>)> {
    let host = |v4: [u8; 4], v6: &str| {
        let v6 = v6.parse().map_err(|e| format!("bad address {v6}: {e}"))?;
        net.host(v4.into(), v6)
            .map(Nal::new)
            .map_err(|e| e.to_string())
    };
    Ok((
        host([10, 0, 0, 1], "fd00::1")?,
        host([10, 0, 0, 2], "fd00::2")?,
    ))
}

#[test]
fn tcp_echo_on_the_mock() -> Outcome {
    let net: Net = Net::new();
    let (mut client, server) = two_hosts(&net)?;
    // A short queue of pending connections is enough for one client.
    let mut server = server.with_backlog(2);
    let mut listener = tcp_listen(&mut server, 7).map_err(|e| format!("{e:?}"))?;
    // Bigger than the mock's 4 KiB receive queues: the client must wait for the server.
    let msg = pattern(0, 20_000);
    let to = "10.0.0.2:7".parse().unwrap();
    let echoed = tcp_echo(
        &mut client,
        &mut server,
        &mut listener,
        to,
        &msg,
        &mut || {},
    )?;
    assert!(echoed == msg, "the echo differs");
    Ok(())
}

#[test]
fn a_client_reconnects_after_its_server_restarts_on_posix_loopback() -> Outcome {
    let _fds = fd_check();
    let mut server = Nal::new(Posix).with_local_ip(Ipv4Addr::LOCALHOST.into());
    // A free port, then the story on it.
    let port = {
        let probe = tcp_listen(&mut server, 0).map_err(|e| format!("{e:?}"))?;
        probe.local_addr().map_err(|e| e.to_string())?.port()
    };
    reconnects_after_server_restarts(&mut Nal::new(Posix), &mut server, port, &mut nap)
}

#[test]
fn a_client_reconnects_after_its_server_restarts_on_the_mock() -> Outcome {
    let net: Net = Net::new();
    let h = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap());
    let h = h.map_err(|e| e.to_string())?;
    let (mut client, mut server) = (Nal::new(h), Nal::new(h));
    reconnects_after_server_restarts(&mut client, &mut server, 1883, &mut || {})
}

#[test]
fn udp_exchange_on_posix_loopback() -> Outcome {
    let _fds = fd_check();
    let (mut client, mut server) = (Nal::new(Posix), Nal::new(Posix));
    let mut bound = UdpClientStack::socket(&mut server).map_err(|e| e.to_string())?;
    UdpFullStack::bind(&mut server, &mut bound, 0).map_err(|e| e.to_string())?;
    let port = bound.local_addr().map_err(|e| e.to_string())?.port();
    udp_exchange(
        &mut client,
        &mut server,
        &mut bound,
        loopback(port),
        &mut nap,
    )
}

#[test]
fn udp_exchange_on_the_mock() -> Outcome {
    let net: Net = Net::new();
    let (mut client, mut server) = two_hosts(&net)?;
    let mut bound = UdpClientStack::socket(&mut server).map_err(|e| e.to_string())?;
    UdpFullStack::bind(&mut server, &mut bound, 53).map_err(|e| e.to_string())?;
    udp_exchange(
        &mut client,
        &mut server,
        &mut bound,
        "10.0.0.2:53".parse().unwrap(),
        &mut || {},
    )
}

/// With threads, each side blocks in `nb::block!` while the other acts: on the kernel, a
/// std::net echo server in a thread answers the generic client.
#[test]
fn nb_block_client_against_a_std_server() -> Outcome {
    let _fds = fd_check();
    let listener = std::net::TcpListener::bind(loopback(0)).map_err(|e| e.to_string())?;
    let to = listener.local_addr().map_err(|e| e.to_string())?;
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        use std::io::{Read, Write};
        let (mut conn, _) = listener.accept()?;
        let mut buf = [0u8; 5];
        conn.read_exact(&mut buf)?;
        conn.write_all(&buf)?;
        conn.write_all(b" back")
    });
    let got = tcp_fetch(&mut Nal::new(Posix), to, b"hello")?;
    server
        .join()
        .map_err(|_| "server panicked")?
        .map_err(|e| e.to_string())?;
    assert_eq!(got, b"hello back");
    Ok(())
}

/// The same generic client on the thread-safe mock, against an embedded-nal server thread.
#[test]
fn nb_block_on_the_shared_mock() -> Outcome {
    let net: SharedNet = SharedNet::new();
    let (mut client, mut server) = two_hosts(&net)?;
    let mut listener = tcp_listen(&mut server, 80).map_err(|e| format!("{e:?}"))?;
    std::thread::scope(|s| {
        let served = s.spawn(move || -> Outcome {
            let err = |e: &dyn Debug| format!("{e:?}");
            let (mut conn, _) = nb::block!(server.accept(&mut listener)).map_err(|e| err(&e))?;
            let mut buf = [0u8; 4];
            let mut got = 0;
            while got < buf.len() {
                got += nb::block!(TcpClientStack::receive(
                    &mut server,
                    &mut conn,
                    &mut buf[got..]
                ))
                .map_err(|e| err(&e))?;
            }
            nb::block!(TcpClientStack::send(&mut server, &mut conn, b"pong"))
                .map_err(|e| err(&e))?;
            TcpClientStack::close(&mut server, conn).map_err(|e| err(&e))
        });
        let got = tcp_fetch(&mut client, "10.0.0.2:80".parse().unwrap(), b"ping")?;
        served.join().map_err(|_| "server panicked")??;
        assert_eq!(got, b"pong");
        Ok(())
    })
}

// ---- what the adapter reports ----

#[test]
fn refused_connect_is_an_error_and_the_socket_can_retry() -> Outcome {
    let net: Net = Net::new();
    let (mut nal, mut server) = two_hosts(&net)?;
    let mut sock = TcpClientStack::socket(&mut nal).map_err(|e| e.to_string())?;
    let to = "10.0.0.2:9".parse().unwrap();
    let refused = poll(&mut || {}, || {
        TcpClientStack::connect(&mut nal, &mut sock, to)
    });
    assert!(refused.is_err_and(|e| e.contains("ConnectionRefused")));
    assert!(matches!(sock, TcpSocket::Unopened), "{sock:?}");

    // Once someone listens, retrying needs nothing but another connect.
    let _listener = tcp_listen(&mut server, 9).map_err(|e| format!("{e:?}"))?;
    poll(&mut || {}, || {
        TcpClientStack::connect(&mut nal, &mut sock, to)
    })?;
    assert!(matches!(sock, TcpSocket::Connected(_)), "{sock:?}");
    // Connecting again to the same peer is `Ok`, to another an error.
    poll(&mut || {}, || {
        TcpClientStack::connect(&mut nal, &mut sock, to)
    })?;
    let elsewhere = "10.0.0.2:10".parse().unwrap();
    let other = TcpClientStack::connect(&mut nal, &mut sock, elsewhere);
    let kind = match other {
        Err(nb::Error::Other(e)) => Some(e.socket_error().kind()),
        _ => None,
    };
    assert_eq!(kind, Some(ErrorKind::AlreadyConnected));
    Ok(())
}

#[test]
fn end_of_stream_is_ok_zero_and_a_gone_peer_is_pipe_closed() -> Outcome {
    let _fds = fd_check();
    let (mut client, mut server) = (Nal::new(Posix), Nal::new(Posix));
    let mut listener = tcp_listen(&mut server, 0).map_err(|e| format!("{e:?}"))?;
    let to = loopback(listener.local_addr().map_err(|e| e.to_string())?.port());
    let mut sock = TcpClientStack::socket(&mut client).map_err(|e| e.to_string())?;
    poll(&mut nap, || {
        TcpClientStack::connect(&mut client, &mut sock, to)
    })?;
    let (conn, _) = poll(&mut nap, || server.accept(&mut listener))?;
    TcpClientStack::close(&mut server, conn).map_err(|e| e.to_string())?;

    let mut buf = [0u8; 8];
    assert_eq!(
        poll(&mut nap, || TcpClientStack::receive(
            &mut client,
            &mut sock,
            &mut buf
        ))?,
        0
    );
    // The peer is gone: sends fail (reset, then broken pipe), and the kind says so.
    let mut failure = None;
    for _ in 0..TRIES {
        match TcpClientStack::send(&mut client, &mut sock, b"anyone?") {
            Ok(_) | Err(nb::Error::WouldBlock) => nap(),
            Err(nb::Error::Other(e)) => {
                failure = Some(e);
                break;
            }
        }
    }
    let e = failure.ok_or("sends to a closed peer kept succeeding")?;
    assert_eq!(e.kind(), TcpErrorKind::PipeClosed, "{e:?}");
    Ok(())
}

#[test]
fn calls_in_the_wrong_state_fail_cleanly() -> Outcome {
    let _fds = fd_check();
    let mut nal = Nal::new(Posix);
    let mut tcp = TcpClientStack::socket(&mut nal).map_err(|e| e.to_string())?;
    let kind = |r: nb::Result<usize, anysock::nal::Error>| match r {
        Err(nb::Error::Other(e)) => Some(e.socket_error().kind()),
        _ => None,
    };
    assert_eq!(
        kind(TcpClientStack::send(&mut nal, &mut tcp, b"x")),
        Some(ErrorKind::NotConnected)
    );
    assert_eq!(
        kind(TcpClientStack::receive(&mut nal, &mut tcp, &mut [0; 4])),
        Some(ErrorKind::NotConnected)
    );
    assert!(nal.accept(&mut tcp).is_err());
    TcpFullStack::bind(&mut nal, &mut tcp, 0).map_err(|e| e.to_string())?;
    assert!(
        TcpFullStack::bind(&mut nal, &mut tcp, 0).is_err(),
        "bound twice"
    );
    TcpFullStack::listen(&mut nal, &mut tcp).map_err(|e| e.to_string())?;
    TcpFullStack::listen(&mut nal, &mut tcp).map_err(|e| e.to_string())?;
    assert!(matches!(nal.accept(&mut tcp), Err(nb::Error::WouldBlock)));

    let mut udp = UdpClientStack::socket(&mut nal).map_err(|e| e.to_string())?;
    assert!(UdpClientStack::send(&mut nal, &mut udp, b"x").is_err());
    assert!(UdpClientStack::receive(&mut nal, &mut udp, &mut [0; 4]).is_err());
    assert!(udp.local_addr().is_err());
    UdpFullStack::bind(&mut nal, &mut udp, 0).map_err(|e| e.to_string())?;
    assert!(
        UdpFullStack::bind(&mut nal, &mut udp, 0).is_err(),
        "bound twice"
    );
    assert!(matches!(
        UdpClientStack::receive(&mut nal, &mut udp, &mut [0; 4]),
        Err(nb::Error::WouldBlock)
    ));
    Ok(())
}

#[test]
fn a_datagram_longer_than_the_buffer_is_reported() -> Outcome {
    let _fds = fd_check();
    let mut nal = Nal::new(Posix).with_local_ip(Ipv4Addr::LOCALHOST.into());
    let mut server = UdpClientStack::socket(&mut nal).map_err(|e| e.to_string())?;
    UdpFullStack::bind(&mut nal, &mut server, 0).map_err(|e| e.to_string())?;
    let to = server.local_addr().map_err(|e| e.to_string())?;
    assert_eq!(to.ip(), Ipv4Addr::LOCALHOST);
    let mut client = UdpClientStack::socket(&mut nal).map_err(|e| e.to_string())?;
    poll(&mut nap, || nal.send_to(&mut client, to, b"0123456789"))?;
    // `send` goes where the last `send_to` went.
    poll(&mut nap, || {
        UdpClientStack::send(&mut nal, &mut client, b"ab")
    })?;

    let mut small = [0u8; 4];
    let cut = poll(&mut nap, || {
        UdpClientStack::receive(&mut nal, &mut server, &mut small)
    });
    assert!(cut.is_err_and(|e| e.contains("MessageTooLong")));
    let (n, from) = poll(&mut nap, || {
        UdpClientStack::receive(&mut nal, &mut server, &mut small)
    })?;
    // The client was bound to the wildcard on its first `send_to`: the port tells it apart.
    let client_port = client.local_addr().map_err(|e| e.to_string())?.port();
    assert_eq!((&small[..n], from.port()), (&b"ab"[..], client_port));
    Ok(())
}

#[test]
fn ipv6_sockets_follow_the_remote_and_the_local_ip() -> Outcome {
    let _fds = fd_check();
    let mut nal = Nal::new(Posix).with_local_ip("::1".parse().unwrap());
    let mut server = UdpClientStack::socket(&mut nal).map_err(|e| e.to_string())?;
    if UdpFullStack::bind(&mut nal, &mut server, 0).is_err() {
        return Ok(()); // no IPv6 on this machine
    }
    let to = server.local_addr().map_err(|e| e.to_string())?;
    assert!(to.is_ipv6());
    let mut client = Nal::new(Posix);
    udp_exchange(&mut client, &mut nal, &mut server, to, &mut nap)
}

#[test]
fn dns_resolves_through_the_system_resolver() {
    use anysock::nal::embedded_nal::{AddrType, Dns};
    let _fds = fd_check();
    let mut nal = Nal::new(Posix);
    let ip = Dns::get_host_by_name(&mut nal, "localhost", AddrType::IPv4).unwrap();
    assert_eq!(ip, std::net::IpAddr::from([127, 0, 0, 1]));
    let missing = Dns::get_host_by_name(&mut nal, "no-such-host.invalid", AddrType::Either);
    let Err(nb::Error::Other(e)) = missing else {
        panic!("a name that does not exist: {missing:?}");
    };
    assert_eq!(e.socket_error().kind(), anysock::ErrorKind::HostNotFound);
}
