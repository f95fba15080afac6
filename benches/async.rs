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
//! A shared machine is noisy, so the round trips are split into rounds and the contenders run
//! interleaved (each round runs all of them, the order rotating), after a warm-up; the table
//! shows the median round-trip time over the rounds, and the best round's. The last line is
//! `async ratio anysock/tokio=X.XX anysock/async-io=W.WW`: anysock's median round trip over
//! its reactor's own socket's.
//!
//! Environment:
//! - `ANYSOCK_BENCH_QUICK=1`: 1/50 of the default sizes, for a smoke test.
//! - `ANYSOCK_BENCH_ROUNDS=R`: `R` rounds (default 10).
//! - `ANYSOCK_BENCH_ONLY=async:C` with `ANYSOCK_BENCH_ITERS=N`: only contender `C`
//!   (`anysock-tokio`, `tokio`, `anysock-async-io`, `async-io`), `N` round trips, no output;
//!   for `benches/callgrind.sh async`, which counts instructions instead of timing.

mod common;

use std::future::Future;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::exit;
use std::time::Instant;

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

/// `ANYSOCK_BENCH_ONLY=async:C`: the contender to run alone, with its round trips.
fn only() -> Result<Option<(Contender, usize)>, String> {
    let Some(only) = common::var("ANYSOCK_BENCH_ONLY") else {
        return Ok(None);
    };
    let key = only.strip_prefix("async:").unwrap_or(&only);
    let c = Contender::ALL
        .into_iter()
        .find(|c| c.key() == key)
        .ok_or(format!(
            "ANYSOCK_BENCH_ONLY={only}: expected async:<contender>"
        ))?;
    let iters = common::positive("ANYSOCK_BENCH_ITERS")?.unwrap_or(TRIPS as u64);
    Ok(Some((c, iters as usize)))
}

fn main() {
    match only() {
        Ok(Some((c, trips))) => {
            c.run(trips);
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

    // ---- mock vs turmoil (async) -------------------------------------------------------
    // The mock's async driver against turmoil goes here: its rows, and its two ratios
    // (`mock/turmoil=Y mock/turmoil@20ms=Z`) appended to the last line below.
    // ---------------------------------------------------------------------------------------

    let tokio_ratio = median(Contender::AnysockTokio) / median(Contender::Tokio);
    let async_io_ratio = median(Contender::AnysockAsyncIo) / median(Contender::AsyncIo);
    println!("async ratio anysock/tokio={tokio_ratio:.2} anysock/async-io={async_io_ratio:.2}");
}
