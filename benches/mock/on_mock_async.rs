//! The ping-pong on the mock network's async stack: a client task and a server task joined into
//! one future, run by `Net::run` on the virtual clock, through the same `asynch` calls (and
//! `embedded_io_async` helpers) a protocol crate makes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anysock::asynch::{Listener as _, Stack as _};
use anysock::embedded_io_async::{Read as _, Write as _};
use anysock::mock::{FaultPlan, Net};
use embassy_futures::join::join;

use crate::MSG;

/// `trips` round trips of [`MSG`] bytes between a client and a server stream of two hosts on
/// one `Net`, each write taking `latency` of virtual time to arrive (none when zero). Returns
/// the wall time of the round trips only (the network and the connection are set up first).
pub fn ping_pong(trips: usize, latency: Duration) -> Result<Duration, anysock::Error> {
    let net: Net = Net::new();
    let v6 = |n: &str| n.parse().unwrap();
    let client = net.host([10, 0, 0, 1].into(), v6("fd00::1"))?.asynch();
    let server = net.host([10, 0, 0, 2].into(), v6("fd00::2"))?.asynch();
    if !latency.is_zero() {
        net.set_faults(FaultPlan::new().latency(latency..latency));
    }
    let addr = "10.0.0.2:7".parse()?;
    let mut listener = server.listen(&addr, 1)?;
    let (conn, accepted) = net.run(join(client.connect(&addr), listener.accept()))?;
    let (mut conn, (mut peer, _)) = (conn?, accepted?);
    let ping = async {
        let mut buf = [0x5a; MSG];
        for _ in 0..trips {
            conn.write_all(black_box(&buf)).await?;
            conn.read_exact(&mut buf).await?;
        }
        Ok::<_, anysock::Error>(buf)
    };
    let pong = async {
        let mut buf = [0; MSG];
        for _ in 0..trips {
            peer.read_exact(&mut buf).await?;
            peer.write_all(&buf).await?;
        }
        Ok::<_, anysock::Error>(())
    };
    let start = Instant::now();
    let (back, served) = net.run(join(ping, pong))?;
    let elapsed = start.elapsed();
    served?;
    // A loop that moved nothing would be fast and wrong.
    if back? != [0x5a; MSG] {
        return Err(anysock::ErrorKind::Other.into());
    }
    Ok(elapsed)
}
