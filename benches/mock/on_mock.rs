//! The workloads on anysock's mock network: one single-threaded `Net`, driven through the same
//! `Stack`, `Listener`, `Stream` and `Datagram` calls a protocol crate makes.

use std::hint::black_box;
use std::net::Ipv6Addr;
use std::time::{Duration, Instant};

use anysock::embedded_io::{Read, Write};
use anysock::mock::{FaultPlan, Host, Net};
use anysock::{Datagram as _, Error, ErrorKind, Listener as _, Stack as _};

use crate::MSG;

/// A network with two hosts, client first.
fn two_hosts(net: &Net) -> Result<(Host<'_>, Host<'_>), Error> {
    let v6 = |last| Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, last);
    let client = net.host([10, 0, 0, 1].into(), v6(1))?;
    let server = net.host([10, 0, 0, 2].into(), v6(2))?;
    Ok((client, server))
}

/// `iters` round trips of [`MSG`] bytes between a client and a server stream on one `Net`:
/// the client writes, the server reads and writes the bytes back, the client reads them.
/// Each write takes `latency` of virtual time to arrive (none when zero); a blocking read
/// moves the clock to the arrival. Returns the time of the loop only (the network and the
/// connection are set up first).
pub fn ping_pong(iters: u64, latency: Duration) -> Result<Duration, Error> {
    let net: Net = Net::new();
    let (client, server) = two_hosts(&net)?;
    if !latency.is_zero() {
        net.set_faults(FaultPlan::new().latency(latency..latency));
    }
    let addr = "10.0.0.2:7".parse()?;
    let mut listener = server.listen(&addr, 1)?;
    let mut conn = client.connect(&addr)?;
    let (mut peer, _) = listener.accept()?;
    let ping = [0x5a; MSG];
    let mut at_server = [0; MSG];
    let mut at_client = [0; MSG];
    let start = Instant::now();
    for _ in 0..iters {
        conn.write_all(black_box(&ping))?;
        peer.read_exact(&mut at_server)?;
        peer.write_all(&at_server)?;
        conn.read_exact(&mut at_client)?;
        black_box(&mut at_client);
    }
    let elapsed = start.elapsed();
    // A loop that moved nothing would be fast and wrong.
    if iters > 0 && at_client != ping {
        return Err(ErrorKind::Other.into());
    }
    Ok(elapsed)
}

/// `iters` datagrams of [`MSG`] bytes from one UDP socket to another on one `Net`, each sent
/// with `send_to` and received with `recv_from` (which reports the sender's address). Returns
/// the time of the loop only.
pub fn datagrams(iters: u64) -> Result<Duration, Error> {
    let net: Net = Net::new();
    let (client, server) = two_hosts(&net)?;
    let to = "10.0.0.2:53".parse()?;
    let mut rx = server.bind(&to)?;
    let mut tx = client.bind(&"10.0.0.1:0".parse()?)?;
    let datagram = [0xa5; MSG];
    let mut buf = [0; 2 * MSG];
    let mut received = 0;
    let start = Instant::now();
    for _ in 0..iters {
        tx.send_to(black_box(&datagram), &to)?;
        let (got, from) = rx.recv_from(&mut buf)?;
        received += got.len;
        black_box(from);
    }
    let elapsed = start.elapsed();
    if received as u64 != iters * MSG as u64 {
        return Err(ErrorKind::Other.into());
    }
    Ok(elapsed)
}
