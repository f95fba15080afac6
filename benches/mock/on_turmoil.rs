//! The same ping-pong on turmoil: a `Sim` with a server host running a TCP echo and a client
//! host doing the round trips, timed in wall time inside the simulation run.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use turmoil::net::{TcpListener, TcpStream};
use turmoil::Builder;

use crate::MSG;

const PORT: u16 = 7;

/// Echoes [`MSG`]-byte messages on one connection until the client closes it.
async fn echo() -> turmoil::Result {
    let listener = TcpListener::bind(("0.0.0.0", PORT)).await?;
    let (mut conn, _) = listener.accept().await?;
    let mut buf = [0; MSG];
    loop {
        match conn.read_exact(&mut buf).await {
            Ok(_) => conn.write_all(&buf).await?,
            // The client is done; a clean end of the host's software.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
}

/// `iters` round trips of [`MSG`] bytes between two turmoil hosts. Returns the wall time of
/// the client's loop only: building the simulation, starting the hosts and connecting come
/// first, and are not counted.
///
/// Every message takes exactly `latency` (turmoil's default is a random 0..100 ms). With zero,
/// turmoil does the least it can per message: one sent in a simulation step is delivered in
/// the next. Otherwise each step moves the simulated clock by one tick (1 ms), so a round trip
/// costs about `2 * latency / tick` steps, idle or not.
pub fn ping_pong(iters: u64, latency: Duration) -> Result<Duration, String> {
    // The default 10 s of simulated time would end the run early: allow each round trip its
    // two latencies and ten ticks more, and a minute for starting up.
    let round_trip = latency.saturating_mul(2) + Duration::from_millis(10);
    let rounds = u32::try_from(iters).unwrap_or(u32::MAX);
    let budget = Duration::from_secs(60).saturating_add(round_trip.saturating_mul(rounds));
    let mut sim = Builder::new()
        .min_message_latency(latency)
        .max_message_latency(latency)
        .simulation_duration(budget)
        .rng_seed(7)
        .build();
    sim.host("server", echo);
    let elapsed = Rc::new(Cell::new(None));
    let report = Rc::clone(&elapsed);
    sim.client("client", async move {
        let mut conn = TcpStream::connect(("server", PORT)).await?;
        let ping = [0x5a; MSG];
        let mut back = [0; MSG];
        let start = Instant::now();
        for _ in 0..iters {
            conn.write_all(&ping).await?;
            conn.read_exact(&mut back).await?;
        }
        report.set(Some(start.elapsed()));
        if iters > 0 && back != ping {
            return Err("the echo came back changed".into());
        }
        Ok(())
    });
    sim.run().map_err(|e| format!("turmoil: {e}"))?;
    elapsed
        .get()
        .ok_or_else(|| "turmoil: the client did not finish".to_owned())
}
