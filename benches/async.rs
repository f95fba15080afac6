//! The async stack's cost, against the reactors' own sockets, in one process.
//!
//! Workload: 64-byte TCP ping-pong over loopback, client and server in one task on one thread
//! (joined futures): the client writes 64 bytes, the server reads them and writes them back, the
//! client reads them. One operation = one round trip. `TCP_NODELAY` on every socket.
//!
//! Contenders, two pairs that share a reactor and an executor:
//! - `anysock/tokio`: `anysock::posix::asynch::Posix<Tokio>` streams (`AsyncFd`), on a
//!   current-thread tokio runtime;
//! - `tokio`: tokio's own `TcpStream` (`read_exact`/`write_all`), on the same kind of runtime;
//! - `anysock/async-io`: `Posix<AsyncIo>` streams, under `async_io::block_on`;
//! - `async-io`: raw `async_io::Async<std::net::TcpStream>` (`read_with`/`write_with`), under
//!   `async_io::block_on`.
//!
//! Then the simulators, the same 64-byte ping-pong between two simulated hosts: the mock
//! network's async stack (`anysock::mock::asynch`, both tasks joined under `Net::run`) against
//! turmoil's (its `TcpStream`s in a `Sim`), without latency and with 20 ms each way. The mock's
//! clock jumps to the next arrival; turmoil steps through every 1 ms tick.
//!
//! A shared machine is noisy, so the round trips are split into rounds and the contenders run
//! interleaved (each round runs all of them, the order rotating), after a warm-up; the tables
//! show the median round-trip time over the rounds, and the best round's. The last line is
//! `async ratio anysock/tokio=X.XX anysock/async-io=W.WW mock/turmoil=Y mock/turmoil@20ms=Z`:
//! anysock's median round trip over its reactor's own socket's, then how many times faster
//! the mock's round trip is than turmoil's, without and with latency.
//!
//! Environment:
//! - `ANYSOCK_BENCH_QUICK=1`: 1/50 of the default sizes, for a smoke test.
//! - `ANYSOCK_BENCH_ROUNDS=R`: `R` rounds (default 10).
//! - `ANYSOCK_BENCH_ONLY=async:C` with `ANYSOCK_BENCH_ITERS=N`: only contender `C`
//!   (`anysock-tokio`, `tokio`, `anysock-async-io`, `async-io`), `N` round trips, no output;
//!   for `benches/callgrind.sh async`, which counts instructions instead of timing.
//!   `ANYSOCK_BENCH_ONLY=sim:S` does the same for simulator `S` (`mock`, `turmoil`,
//!   `mock-latency`, `turmoil-latency`), for a profiler.

mod common;
// The modules live in a subfolder so that Cargo does not take them for benches of their own.
#[path = "mock/on_mock_async.rs"]
mod on_mock_async;
#[path = "mock/on_turmoil.rs"]
mod on_turmoil;

use std::future::Future;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::exit;
use std::time::{Duration, Instant};

use anysock::asynch::{Endpoint as _, Listener as _, Stack as _};
use anysock::embedded_io_async::{Read as _, Write as _};
use anysock::opt::NoDelay;
use anysock::posix::asynch::{AsyncIo, Posix, Reactor, Tokio};
use anysock::SockOpt as _;
use embassy_futures::join::join;

/// Bytes per message.
const MSG: usize = 64;
/// Round trips per round, per contender.
const TRIPS: usize = 20_000;

/// The latency of the second pair of simulator rows, each way: turmoil's default draws
/// 0..100 ms with a mean of 20 ms; both simulators get exactly this.
const LATENCY: Duration = Duration::from_millis(20);

/// The simulators' ping-pongs: the mock's async stack under its driver against turmoil's (a
/// tokio-based simulator, async by nature), without latency and with [`LATENCY`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Simulator {
    Mock,
    Turmoil,
    MockLatency,
    TurmoilLatency,
}

impl Simulator {
    const ALL: [Simulator; 4] = [
        Simulator::Mock,
        Simulator::Turmoil,
        Simulator::MockLatency,
        Simulator::TurmoilLatency,
    ];

    /// The simulator's name in `ANYSOCK_BENCH_ONLY`.
    fn key(self) -> &'static str {
        match self {
            Simulator::Mock => "mock",
            Simulator::Turmoil => "turmoil",
            Simulator::MockLatency => "mock-latency",
            Simulator::TurmoilLatency => "turmoil-latency",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Simulator::Mock => "mock async",
            Simulator::Turmoil => "turmoil",
            Simulator::MockLatency => "mock async, 20 ms latency",
            Simulator::TurmoilLatency => "turmoil, 20 ms latency",
        }
    }

    /// Round trips per round, so that each takes a fraction of a second here (turmoil steps
    /// through every 1 ms tick of a 20 ms latency; the mock jumps to the arrival).
    fn trips(self) -> usize {
        match self {
            Simulator::Mock | Simulator::MockLatency => 200_000,
            Simulator::Turmoil => 20_000,
            Simulator::TurmoilLatency => 500,
        }
    }

    /// Microseconds per round trip over `trips` of them.
    fn run(self, trips: usize) -> f64 {
        let took = match self {
            Simulator::Mock => on_mock_async::ping_pong(trips, Duration::ZERO)
                .unwrap_or_else(|e| panic!("mock: {e}")),
            Simulator::MockLatency => {
                on_mock_async::ping_pong(trips, LATENCY).unwrap_or_else(|e| panic!("mock: {e}"))
            }
            Simulator::Turmoil => on_turmoil::ping_pong(trips as u64, Duration::ZERO)
                .unwrap_or_else(|e| panic!("{e}")),
            Simulator::TurmoilLatency => {
                on_turmoil::ping_pong(trips as u64, LATENCY).unwrap_or_else(|e| panic!("{e}"))
            }
        };
        took.as_secs_f64() * 1e6 / trips as f64
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Contender {
    AnysockTokio,
    Tokio,
    AnysockAsyncIo,
    AsyncIo,
}

impl Contender {
    const ALL: [Contender; 4] = [
        Contender::AnysockTokio,
        Contender::Tokio,
        Contender::AnysockAsyncIo,
        Contender::AsyncIo,
    ];

    /// The contender's name in `ANYSOCK_BENCH_ONLY`.
    fn key(self) -> &'static str {
        match self {
            Contender::AnysockTokio => "anysock-tokio",
            Contender::Tokio => "tokio",
            Contender::AnysockAsyncIo => "anysock-async-io",
            Contender::AsyncIo => "async-io",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Contender::AnysockTokio => "anysock/tokio",
            Contender::Tokio => "tokio TcpStream",
            Contender::AnysockAsyncIo => "anysock/async-io",
            Contender::AsyncIo => "async-io Async<TcpStream>",
        }
    }

    /// Seconds for `trips` round trips on a fresh connection (set-up not timed).
    fn run(self, trips: usize) -> f64 {
        match self {
            Contender::AnysockTokio => tokio_runtime().block_on(anysock_pingpong::<Tokio>(trips)),
            Contender::Tokio => tokio_runtime().block_on(tokio_pingpong(trips)),
            Contender::AnysockAsyncIo => async_io::block_on(anysock_pingpong::<AsyncIo>(trips)),
            Contender::AsyncIo => async_io::block_on(async_io_pingpong(trips)),
        }
    }
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Times `trips` round trips between two streams with `write_all` and `read_exact` methods
/// (embedded-io-async's for anysock, tokio's `AsyncWriteExt`/`AsyncReadExt` for tokio): the
/// same loop, text for text, on both.
macro_rules! ping_pong {
    ($client:ident, $server:ident, $trips:expr) => {{
        let ping = async {
            let mut buf = [7u8; MSG];
            for _ in 0..$trips {
                $client.write_all(&buf).await.unwrap();
                $client.read_exact(&mut buf).await.unwrap();
            }
        };
        let pong = async {
            let mut buf = [0u8; MSG];
            for _ in 0..$trips {
                $server.read_exact(&mut buf).await.unwrap();
                $server.write_all(&buf).await.unwrap();
            }
        };
        timed(ping, pong).await
    }};
}

/// Times `client` and `server` run together in this task until both are done.
async fn timed(client: impl Future<Output = ()>, server: impl Future<Output = ()>) -> f64 {
    let start = Instant::now();
    join(client, server).await;
    start.elapsed().as_secs_f64()
}

async fn anysock_pingpong<R: Reactor>(trips: usize) -> f64 {
    let stack = Posix::<R>::new();
    let mut listener = stack.listen(&"127.0.0.1:0".parse().unwrap(), 1).unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) = join(stack.connect(&addr), listener.accept()).await;
    let (mut client, (mut server, _)) = (client.unwrap(), accepted.unwrap());
    client.set(NoDelay, true).unwrap();
    server.set(NoDelay, true).unwrap();
    ping_pong!(client, server, trips)
}

async fn tokio_pingpong(trips: usize) -> f64 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) = join(tokio::net::TcpStream::connect(addr), listener.accept()).await;
    let (mut client, (mut server, _)) = (client.unwrap(), accepted.unwrap());
    client.set_nodelay(true).unwrap();
    server.set_nodelay(true).unwrap();
    ping_pong!(client, server, trips)
}

/// `read_exact` on async-io's own primitive: `read_with` until the buffer is full.
async fn read_exact(s: &async_io::Async<TcpStream>, mut buf: &mut [u8]) {
    while !buf.is_empty() {
        let n = s.read_with(|s| (&*s).read(buf)).await.unwrap();
        assert!(n > 0, "end of stream");
        buf = &mut buf[n..];
    }
}

/// `write_all` on async-io's own primitive: `write_with` until everything is taken.
async fn write_all(s: &async_io::Async<TcpStream>, mut buf: &[u8]) {
    while !buf.is_empty() {
        let n = s.write_with(|s| (&*s).write(buf)).await.unwrap();
        buf = &buf[n..];
    }
}

async fn async_io_pingpong(trips: usize) -> f64 {
    let listener = async_io::Async::<TcpListener>::bind(([127, 0, 0, 1], 0)).unwrap();
    let addr = listener.get_ref().local_addr().unwrap();
    let (client, accepted) = join(
        async_io::Async::<TcpStream>::connect(addr),
        listener.accept(),
    )
    .await;
    let (client, (server, _)) = (client.unwrap(), accepted.unwrap());
    client.get_ref().set_nodelay(true).unwrap();
    server.get_ref().set_nodelay(true).unwrap();
    let ping = async {
        let mut buf = [7u8; MSG];
        for _ in 0..trips {
            write_all(&client, &buf).await;
            read_exact(&client, &mut buf).await;
        }
    };
    let pong = async {
        let mut buf = [0u8; MSG];
        for _ in 0..trips {
            read_exact(&server, &mut buf).await;
            write_all(&server, &buf).await;
        }
    };
    timed(ping, pong).await
}

/// What `ANYSOCK_BENCH_ONLY` names to run alone.
enum Only {
    Contender(Contender),
    Simulator(Simulator),
}

/// `ANYSOCK_BENCH_ONLY=async:C` or `sim:S`: the contender or simulator to run alone, with its
/// round trips.
fn only() -> Result<Option<(Only, usize)>, String> {
    let Some(only) = common::var("ANYSOCK_BENCH_ONLY") else {
        return Ok(None);
    };
    let which = if let Some(key) = only.strip_prefix("sim:") {
        Simulator::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .map(|s| (Only::Simulator(s), s.trips()))
    } else {
        let key = only.strip_prefix("async:").unwrap_or(&only);
        Contender::ALL
            .into_iter()
            .find(|c| c.key() == key)
            .map(|c| (Only::Contender(c), TRIPS))
    };
    let (which, trips) = which.ok_or(format!(
        "ANYSOCK_BENCH_ONLY={only}: expected async:<contender> or sim:<simulator>"
    ))?;
    let iters = common::positive("ANYSOCK_BENCH_ITERS")?.unwrap_or(trips as u64);
    Ok(Some((which, iters as usize)))
}

fn main() {
    match only() {
        Ok(Some((Only::Contender(c), trips))) => {
            c.run(trips);
            return;
        }
        Ok(Some((Only::Simulator(s), trips))) => {
            s.run(trips);
            return;
        }
        Ok(None) => {}
        Err(e) => {
            eprintln!("{e}");
            exit(2)
        }
    }
    let rounds = common::rounds(10).unwrap_or_else(|e| {
        eprintln!("{e}");
        exit(2)
    });
    let trips = if common::quick() { TRIPS / 50 } else { TRIPS };
    println!(
        "async ping-pong: {MSG}-byte TCP round trips over loopback, client and server in one \
         task on one thread; {rounds} rounds of {trips}, median (and best) microseconds per \
         round trip"
    );
    for c in Contender::ALL {
        c.run(trips / 10); // warm-up: the reactors started, the code paged in
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); Contender::ALL.len()];
    for k in common::interleaved(rounds, Contender::ALL.len()) {
        let secs = Contender::ALL[k].run(trips);
        times[k].push(secs * 1e6 / trips as f64);
    }
    let median = |c: Contender| common::median(&times[c as usize]);
    for c in Contender::ALL {
        println!(
            "{:<28} {:>8.2} us  (best {:.2})",
            c.name(),
            median(c),
            common::min(&times[c as usize])
        );
    }

    let quick = |trips: usize| if common::quick() { trips / 50 } else { trips }.max(1);
    println!(
        "simulated async ping-pong: {MSG}-byte TCP round trips between two simulated hosts, \
         client and server tasks in one thread; {rounds} rounds, median (and best) microseconds \
         per round trip"
    );
    for s in Simulator::ALL {
        s.run(quick(s.trips()) / 10 + 1); // warm-up
    }
    let mut sim: Vec<Vec<f64>> = vec![Vec::new(); Simulator::ALL.len()];
    for k in common::interleaved(rounds, Simulator::ALL.len()) {
        let s = Simulator::ALL[k];
        sim[k].push(s.run(quick(s.trips())));
    }
    let sim_median = |s: Simulator| common::median(&sim[s as usize]);
    for s in Simulator::ALL {
        println!(
            "{:<28} {:>8.3} us  (best {:.3})",
            s.name(),
            sim_median(s),
            common::min(&sim[s as usize])
        );
    }

    let tokio_ratio = median(Contender::AnysockTokio) / median(Contender::Tokio);
    let async_io_ratio = median(Contender::AnysockAsyncIo) / median(Contender::AsyncIo);
    // How many times faster the mock's round trip is than turmoil's.
    let mock_ratio = sim_median(Simulator::Turmoil) / sim_median(Simulator::Mock);
    let mock_latency_ratio =
        sim_median(Simulator::TurmoilLatency) / sim_median(Simulator::MockLatency);
    println!(
        "async ratio anysock/tokio={tokio_ratio:.2} anysock/async-io={async_io_ratio:.2} \
         mock/turmoil={mock_ratio:.1} mock/turmoil@20ms={mock_latency_ratio:.0}"
    );
}
