//! The workloads, written once for every implementation: the traits an implementation fills in
//! with its own calls, and the measured loops over them.

use std::fmt::Debug;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

/// Bytes per message.
pub const MSG: usize = 64;
/// Datagrams per UDP burst.
pub const BURST: usize = 32;
/// How long a UDP receive waits before the bench gives up on a lost datagram.
pub const UDP_TIMEOUT: Duration = Duration::from_secs(5);

/// A connected stream, as each implementation sends and receives on it.
pub trait Conn: Send + 'static {
    type Error: Debug;
    fn send(&mut self, buf: &[u8]) -> Result<usize, Self::Error>;
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
}

/// A datagram socket, as each implementation sends to an address and receives with the sender's.
pub trait Dgram {
    type Addr;
    type Error: Debug;
    fn send_to(&mut self, buf: &[u8], to: &Self::Addr) -> Result<usize, Self::Error>;
    /// Receives one datagram; the sender's address is decoded, as a caller would use it.
    fn recv_from(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
}

/// One implementation: how it sets up the sockets of each workload, and its measured loops.
///
/// The loops are the generic ones below, instantiated under names of their own (say
/// `<overhead::via_libc::Libc as overhead::Sockets>::socketpair_loop`) so that a profile tells
/// them apart.
pub trait Sockets: 'static {
    type Local: Conn;
    type Tcp: Conn;
    type Udp: Dgram;

    /// A connected Unix stream socketpair.
    fn socketpair() -> (Self::Local, Self::Local);
    /// Both ends of a loopback TCP connection, client first, with `TCP_NODELAY`.
    fn tcp_pair() -> (Self::Tcp, Self::Tcp);
    /// Two UDP sockets on 127.0.0.1, sender first, and the receiver's address; the receiver
    /// gives up after [`UDP_TIMEOUT`].
    fn udp_pair() -> (Self::Udp, Self::Udp, <Self::Udp as Dgram>::Addr);

    fn socketpair_loop(a: &mut Self::Local, b: &mut Self::Local, iters: u64);
    fn tcp_client_loop(conn: &mut Self::Tcp, iters: u64);
    fn tcp_server_loop(conn: &mut Self::Tcp, iters: u64);
    fn udp_loop(tx: &mut Self::Udp, rx: &mut Self::Udp, to: &<Self::Udp as Dgram>::Addr, n: u64);
}

/// Names each implementation's copy of the measured loops (see [`Sockets`]).
macro_rules! measured_loops {
    () => {
        #[inline(never)]
        fn socketpair_loop(a: &mut Self::Local, b: &mut Self::Local, iters: u64) {
            crate::workloads::socketpair_loop(a, b, iters)
        }
        #[inline(never)]
        fn tcp_client_loop(conn: &mut Self::Tcp, iters: u64) {
            crate::workloads::tcp_client_loop(conn, iters)
        }
        #[inline(never)]
        fn tcp_server_loop(conn: &mut Self::Tcp, iters: u64) {
            crate::workloads::tcp_server_loop(conn, iters)
        }
        #[inline(never)]
        fn udp_loop(
            tx: &mut Self::Udp,
            rx: &mut Self::Udp,
            to: &<Self::Udp as Dgram>::Addr,
            n: u64,
        ) {
            crate::workloads::udp_loop(tx, rx, to, n)
        }
    };
}

/// Send 64 bytes on `a`, receive them on `b`.
#[inline(always)]
pub fn socketpair_loop<C: Conn>(a: &mut C, b: &mut C, iters: u64) {
    let msg = payload();
    let mut buf = [0u8; MSG];
    for _ in 0..iters {
        one_message("socketpair send", a.send(&msg));
        one_message("socketpair recv", b.recv(&mut buf));
    }
    check_payload(&buf);
}

/// Send 64 bytes, wait for them to come back.
#[inline(always)]
pub fn tcp_client_loop<C: Conn>(conn: &mut C, iters: u64) {
    let msg = payload();
    let mut buf = [0u8; MSG];
    for _ in 0..iters {
        send_all(conn, &msg);
        recv_all(conn, &mut buf);
    }
    check_payload(&buf);
}

/// Echo every 64 bytes.
#[inline(always)]
pub fn tcp_server_loop<C: Conn>(conn: &mut C, iters: u64) {
    let mut buf = [0u8; MSG];
    for _ in 0..iters {
        recv_all(conn, &mut buf);
        send_all(conn, &buf);
    }
}

/// Send a burst of datagrams to `to`, then receive them all on `rx`.
#[inline(always)]
pub fn udp_loop<D: Dgram>(tx: &mut D, rx: &mut D, to: &D::Addr, bursts: u64) {
    let msg = payload();
    let mut buf = [0u8; MSG];
    for _ in 0..bursts {
        for _ in 0..BURST {
            one_message("udp send_to", tx.send_to(&msg, to));
        }
        for _ in 0..BURST {
            one_message("udp recv_from", rx.recv_from(&mut buf));
        }
    }
    check_payload(&buf);
}

/// TCP may split a message; loopback hardly ever does, but the loop must not count on it.
#[inline(always)]
fn send_all<C: Conn>(conn: &mut C, msg: &[u8; MSG]) {
    let mut sent = 0;
    while sent < MSG {
        match conn.send(&msg[sent..]) {
            Ok(n) if n > 0 => sent += n,
            other => short_transfer("tcp send", other),
        }
    }
}

#[inline(always)]
fn recv_all<C: Conn>(conn: &mut C, buf: &mut [u8; MSG]) {
    let mut received = 0;
    while received < MSG {
        match conn.recv(&mut buf[received..]) {
            Ok(n) if n > 0 => received += n,
            other => short_transfer("tcp recv", other),
        }
    }
}

/// Each call must move exactly one whole message.
#[inline(always)]
fn one_message<E: Debug>(what: &str, moved: Result<usize, E>) {
    if !matches!(moved, Ok(MSG)) {
        short_transfer(what, moved);
    }
}

#[cold]
#[inline(never)]
fn short_transfer(what: &str, outcome: impl Debug) -> ! {
    panic!(
        "{what}: expected {MSG} bytes, got {outcome:?} (last OS error: {})",
        std::io::Error::last_os_error()
    );
}

/// The bytes that came out must be the bytes that went in.
#[inline(never)]
fn check_payload(buf: &[u8; MSG]) {
    assert!(buf == &payload(), "payload corrupted");
}

fn payload() -> [u8; MSG] {
    core::array::from_fn(|i| i as u8)
}

pub fn loopback() -> SocketAddrV4 {
    SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)
}
