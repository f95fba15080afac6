//! The ring on anysock's mock network: one single-threaded `Net` sized at run time for the
//! ring, driven through the `Stack`, `Listener` and `Stream` calls a protocol crate makes.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use anysock::embedded_io::{Read, Write};
use anysock::mock::{Net, Stream};
use anysock::{Error, ErrorKind, Listener as _, SocketAddr, Stack as _};

use crate::{Ring, Schedule, MSG, PORT};

/// What one run measured.
pub struct Measured {
    /// The time of the message loop only.
    pub elapsed: Duration,
    /// All the network holds, built for exactly this ring.
    pub bytes: usize,
}

/// The `n`-th host's address (from 0): 10.x.y.z.
fn ipv4(n: usize) -> Ipv4Addr {
    Ipv4Addr::from(0x0a00_0001 + n as u32)
}

/// Runs the ring: builds a network of `ring.hosts` hosts with a socket for each listener and
/// each end of each connection, connects every host to its next `ring.k`, then sends
/// `messages` messages one at a time around it (see [`hop`]).
pub fn ring(ring: Ring, messages: u64) -> Result<Measured, Error> {
    let n = ring.hosts;
    let net: Net = Net::builder()
        .hosts(n)
        .sockets(n + 2 * ring.connections())
        .build()?;
    let hosts = (0..n)
        .map(|i| {
            let v6 = Ipv6Addr::from((0xfd00_u128 << 112) | (i as u128 + 1));
            net.host(ipv4(i), v6)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut listeners = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| h.listen(&SocketAddr::from((ipv4(i), PORT)), ring.k as u32))
        .collect::<Result<Vec<_>, _>>()?;
    // out[i * k + c]: host i's connection to host i + c + 1; inn[j * k + c]: its other end,
    // at j. One array each, so the loop finds a stream in one step.
    let mut out: Vec<Option<Stream<'_>>> = (0..ring.connections()).map(|_| None).collect();
    let mut inn: Vec<Option<Stream<'_>>> = (0..ring.connections()).map(|_| None).collect();
    for c in 0..ring.k {
        for i in 0..n {
            let j = (i + c + 1) % n;
            out[i * ring.k + c] = Some(hosts[i].connect(&SocketAddr::from((ipv4(j), PORT)))?);
            inn[j * ring.k + c] = Some(listeners[j].accept()?.0);
        }
    }
    let mut out: Vec<Stream<'_>> = out.into_iter().flatten().collect();
    let mut inn: Vec<Stream<'_>> = inn.into_iter().flatten().collect();
    let bytes = net.memory();
    let mut msg = [0x5a; MSG];
    let mut got = [0; MSG];
    let mut schedule = Schedule::new(ring);
    let start = Instant::now();
    for h in 0..messages {
        let (at, k, next) = schedule.hop();
        msg[..8].copy_from_slice(&h.to_le_bytes());
        out[at * ring.k + k].write_all(&msg)?;
        inn[next * ring.k + k].read_exact(&mut got)?;
    }
    let elapsed = start.elapsed();
    // A loop that moved nothing would be fast and wrong.
    if messages > 0 && got[..8] != (messages - 1).to_le_bytes() {
        return Err(ErrorKind::Other.into());
    }
    listeners.clear();
    Ok(Measured { elapsed, bytes })
}
