//! The same ring on turmoil: one `Sim` with a client host per node, each running the same
//! schedule, timed in wall time inside the simulation run.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use turmoil::net::{TcpListener, TcpStream};
use turmoil::Builder;

use crate::{hop, Ring, MSG, PORT};

/// What one run measured.
pub struct Measured {
    /// The time of the message loop only: from the first message sent (once every node is
    /// connected) to the last one read.
    pub elapsed: Duration,
    /// Heap bytes live once every node was connected, over those before the simulation.
    pub bytes: usize,
}

/// What the nodes share, to time the run and measure it (the simulation runs on this thread).
#[derive(Default)]
struct Shared {
    connected: Cell<usize>,
    bytes: Cell<usize>,
    start: Cell<Option<Instant>>,
    end: Cell<Option<Instant>>,
}

fn name(i: usize) -> String {
    format!("node{i}")
}

/// Runs the ring on turmoil with zero latency (turmoil at its fastest: a message sent in one
/// step arrives in the next); `live` reads the heap bytes in use.
pub fn ring(ring: Ring, messages: u64, live: fn() -> usize) -> Result<Measured, String> {
    let before = live();
    let mut sim = Builder::new()
        .min_message_latency(Duration::ZERO)
        .max_message_latency(Duration::ZERO)
        // One step is one tick of simulated time, and a message takes about one: allow them
        // all, and a minute for starting up.
        .simulation_duration(Duration::from_secs(60 + 4 * messages / 1_000 + 60))
        .rng_seed(7)
        .build();
    let shared = Rc::new(Shared::default());
    for i in 0..ring.hosts {
        let shared = Rc::clone(&shared);
        sim.client(name(i), node(ring, i, messages, shared, live, before));
    }
    sim.run().map_err(|e| format!("turmoil: {e}"))?;
    match (shared.start.get(), shared.end.get()) {
        (Some(start), Some(end)) => Ok(Measured {
            elapsed: end - start,
            bytes: shared.bytes.get(),
        }),
        _ => Err("turmoil: the ring did not finish".to_owned()),
    }
}

/// Node `i`: listens, connects to its next `ring.k` nodes (saying which of their neighbours
/// it is), accepts its previous `ring.k`, then plays its part of the schedule.
async fn node(
    ring: Ring,
    i: usize,
    messages: u64,
    shared: Rc<Shared>,
    live: fn() -> usize,
    before: usize,
) -> turmoil::Result {
    let listener = TcpListener::bind(("0.0.0.0", PORT)).await?;
    // Turmoil answers a connect when the listener accepts it: connect and accept at once.
    let connect = async {
        let mut out = Vec::new();
        for k in 0..ring.k {
            let j = (i + k + 1) % ring.hosts;
            let mut conn = loop {
                // The neighbour may not listen yet.
                match TcpStream::connect((name(j), PORT)).await {
                    Ok(conn) => break conn,
                    Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
                }
            };
            conn.write_all(&[k as u8]).await?;
            out.push(conn);
        }
        Ok::<_, std::io::Error>(out)
    };
    let accept = async {
        let mut inn: Vec<Option<TcpStream>> = (0..ring.k).map(|_| None).collect();
        for _ in 0..ring.k {
            let (mut conn, _) = listener.accept().await?;
            let mut k = [0u8];
            conn.read_exact(&mut k).await?;
            if let Some(slot) = inn.get_mut(usize::from(k[0])) {
                *slot = Some(conn);
            }
        }
        Ok::<_, std::io::Error>(inn)
    };
    let (out, inn) = tokio::join!(connect, accept);
    let (mut out, mut inn) = (out?, inn?);
    shared.connected.set(shared.connected.get() + 1);
    if shared.connected.get() == ring.hosts {
        shared.bytes.set(live().saturating_sub(before));
    }
    if i == 0 {
        while shared.connected.get() < ring.hosts {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        shared.start.set(Some(Instant::now()));
    }
    let mut msg = [0x5a; MSG];
    let mut got = [0; MSG];
    let mut at = 0;
    for h in 0..messages {
        let (k, next) = hop(ring, h, at);
        if at == i {
            msg[..8].copy_from_slice(&h.to_le_bytes());
            out[k].write_all(&msg).await?;
        }
        if next == i {
            let conn = inn[k].as_mut().ok_or("a connection is missing")?;
            conn.read_exact(&mut got).await?;
            if got[..8] != h.to_le_bytes() {
                return Err("a message came out of order".into());
            }
            if h + 1 == messages {
                shared.end.set(Some(Instant::now()));
            }
        }
        at = next;
    }
    Ok(())
}
