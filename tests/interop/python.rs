//! Interop with a socket stack that is not ours: Python's `socket` module (tests/support/peer.py)
//! as server for our client and as client for our server, over TCP (v4, v6), UDP (v4, v6), Unix
//! streams and Unix datagrams.
//!
//! Streams carry 64 KiB of patterned bytes each way, more than one read or write moves at once,
//! so partial reads and writes on both sides are exercised; both sides compare every byte.

use crate::common;
use crate::data::pattern;

use anysock::embedded_io::Write;
use anysock::posix::Posix;
use anysock::{Datagram as _, Endpoint, Listener as _, SocketAddr, Stack as _};

use common::{bounded, fd_check, read_to_end, write_and_finish, Peer, Place, TempDir};

const STREAM_LEN: usize = 64 * 1024;

/// Datagram sizes: empty, tiny, one Ethernet payload, jumbo, and the largest UDP payload.
const DGRAM_LENS: [usize; 5] = [0, 1, 1472, 9000, 65507];

/// The family argument of peer.py.
fn family(place: Place) -> &'static str {
    match place {
        Place::V4 => "inet",
        Place::V6 => "inet6",
        Place::UnixPath | Place::UnixAbstract => "unix",
    }
}

/// An address as peer.py reads it: "host,port" or a path.
fn peer_text(addr: &SocketAddr) -> String {
    match addr.as_inet() {
        Some(inet) => format!("{},{}", inet.ip(), inet.port()),
        None => {
            let path = addr.as_unix().and_then(|u| u.as_pathname());
            String::from_utf8(path.expect("a pathname").to_vec()).expect("UTF-8 temp path")
        }
    }
}

/// Starts a Python server of `role` at a fresh address of `place`; returns it and the address
/// it is reachable at (the port it printed, or the path it bound).
fn python_server(role: &str, place: Place, dir: &TempDir, extra: &[&str]) -> (Peer, SocketAddr) {
    let addr = place.addr(dir);
    let text = peer_text(&addr);
    let mut args = vec![role, family(place), &text];
    args.extend_from_slice(extra);
    let mut peer = Peer::spawn(&args);
    let addr = match place {
        Place::V4 | Place::V6 => addr.with_port(peer.port()),
        _ => {
            assert_eq!(peer.line(), "ready");
            addr
        }
    };
    (peer, addr)
}

/// Our client sends 64 KiB to a Python echo server, half-closes, and reads the echo back.
fn our_client_python_server(place: Place) {
    let _fds = fd_check();
    let dir = TempDir::new();
    let (peer, addr) = python_server("stream-server", place, &dir, &[]);

    let mut conn = Posix.connect(&addr).expect("connect to the Python server");
    bounded(&mut conn);
    let sent = pattern(0, STREAM_LEN);
    write_and_finish(&mut conn, &sent);
    let echoed = read_to_end(&mut conn);
    assert_eq!(echoed.len(), sent.len());
    assert!(echoed == sent, "the echo differs from what we sent");
    peer.expect_success();
}

/// A Python client sends 64 KiB to our server, which reads to end of stream and echoes it all.
/// The client checks the echo itself and exits 0 only if it matches.
fn python_client_our_server(place: Place) {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut listener = Posix.listen(&place.addr(&dir), 4).expect("listen");
    bounded(&mut listener);
    let addr = listener.local_addr().expect("listener address");
    let len = STREAM_LEN.to_string();
    let peer = Peer::spawn(&["stream-client", family(place), &peer_text(&addr), &len]);

    let (mut conn, _) = listener.accept().expect("accept the Python client");
    bounded(&mut conn);
    let received = read_to_end(&mut conn);
    assert!(
        received == pattern(0, STREAM_LEN),
        "the client's bytes differ"
    );
    conn.write_all(&received).expect("echo");
    drop(conn);
    peer.expect_success();
}

/// Our datagram socket sends each size to a Python echo server and expects it back whole, from
/// the server's address.
fn our_dgram_python_server(place: Place) {
    let _fds = fd_check();
    let dir = TempDir::new();
    let count = DGRAM_LENS.len().to_string();
    let (peer, server) = python_server("dgram-server", place, &dir, &[&count]);

    // A Unix datagram client needs a name of its own, or the server could not answer.
    let mut sock = Posix.bind(&place.addr(&dir)).expect("bind");
    bounded(&mut sock);
    let mut buf = vec![0u8; 65536];
    for (seed, &len) in DGRAM_LENS.iter().enumerate() {
        let sent = pattern(seed, len);
        assert_eq!(sock.send_to(&sent, &server).expect("send_to"), len);
        let (got, from) = sock.recv_from(&mut buf).expect("recv_from");
        assert_eq!(from, server, "the echo came from the server");
        assert!(!got.truncated);
        assert!(
            buf[..got.len] == sent[..],
            "datagram {seed} of {len} bytes differs"
        );
    }
    peer.expect_success();
}

/// A Python client sends each size to our socket, which echoes every datagram to its sender.
fn python_dgram_our_server(place: Place) {
    let _fds = fd_check();
    let dir = TempDir::new();
    let mut sock = Posix.bind(&place.addr(&dir)).expect("bind");
    bounded(&mut sock);
    let addr = sock.local_addr().expect("local address");
    let own = match place {
        Place::UnixPath => peer_text(&dir.sock("python-client.sock")),
        _ => "-".to_string(),
    };
    let lens: Vec<String> = DGRAM_LENS.iter().map(usize::to_string).collect();
    let to = peer_text(&addr);
    let mut args = vec!["dgram-client", family(place), &to, &own];
    args.extend(lens.iter().map(String::as_str));
    let peer = Peer::spawn(&args);

    let mut buf = vec![0u8; 65536];
    for (seed, &len) in DGRAM_LENS.iter().enumerate() {
        let (got, from) = sock
            .recv_from(&mut buf)
            .expect("recv_from the Python client");
        assert!(!got.truncated);
        assert!(
            buf[..got.len] == pattern(seed, len)[..],
            "datagram {seed} differs"
        );
        sock.send_to(&buf[..got.len], &from).expect("echo");
    }
    peer.expect_success();
}

#[test]
fn tcp_v4_our_client_python_server() {
    our_client_python_server(Place::V4);
}

#[test]
fn tcp_v6_our_client_python_server() {
    our_client_python_server(Place::V6);
}

#[test]
fn unix_stream_our_client_python_server() {
    our_client_python_server(Place::UnixPath);
}

#[test]
fn tcp_v4_python_client_our_server() {
    python_client_our_server(Place::V4);
}

#[test]
fn tcp_v6_python_client_our_server() {
    python_client_our_server(Place::V6);
}

#[test]
fn unix_stream_python_client_our_server() {
    python_client_our_server(Place::UnixPath);
}

#[test]
fn udp_v4_ours_to_python_server() {
    our_dgram_python_server(Place::V4);
}

#[test]
fn udp_v6_ours_to_python_server() {
    our_dgram_python_server(Place::V6);
}

#[test]
fn unix_datagram_ours_to_python_server() {
    our_dgram_python_server(Place::UnixPath);
}

#[test]
fn udp_v4_python_client_to_ours() {
    python_dgram_our_server(Place::V4);
}

#[test]
fn udp_v6_python_client_to_ours() {
    python_dgram_our_server(Place::V6);
}

#[test]
fn unix_datagram_python_client_to_ours() {
    python_dgram_our_server(Place::UnixPath);
}
