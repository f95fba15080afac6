//! `console_std`: the firmware's line console written the ordinary way, with `std::net` and a
//! thread per client, for comparison with the firmware (`benches/firmware_size.sh` builds both
//! and prints their sizes side by side).
//!
//! ```text
//! cargo run --example console_std -- --console 127.0.0.1:7000
//! ```
//!
//! The commands and replies are the firmware's own (the same `console` module): `GET
//! <sensor>`, `SET interval <ms>`, `STATS`, `QUIT`, `SHUTDOWN`; at most 8 clients; lines of at
//! most 128 bytes. Only the console: no HTTP, telemetry or control socket, so the difference
//! in size is what the standard library and its runtime cost, not more features.

#[allow(
    dead_code,
    reason = "the firmware's module, of which only part is used here"
)]
#[path = "firmware/app/console.rs"]
mod console;
#[allow(
    dead_code,
    reason = "the firmware's module, of which only part is used here"
)]
#[path = "firmware/app/text.rs"]
mod text;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use std::{env, process, thread};

use console::{After, State, Stats, REPLY_MAX};
use text::Text;

/// Console clients served at once, as in the firmware.
const CLIENTS: u32 = 8;
/// Bytes of one command line, newline included, as in the firmware.
const LINE_MAX: usize = 128;

/// What every client's thread shares.
struct Shared {
    state: Mutex<State>,
    started: Instant,
}

fn main() {
    let mut args = env::args().skip(1);
    let addr = match (args.next().as_deref(), args.next(), args.next()) {
        (Some("--console"), Some(addr), None) => addr,
        _ => {
            eprintln!("usage: console_std --console ADDR");
            process::exit(2);
        }
    };
    let listener = TcpListener::bind(&addr).unwrap_or_else(|e| {
        eprintln!("console_std: {addr}: {e}");
        process::exit(1);
    });
    match listener.local_addr() {
        Ok(local) => println!("console {local}"),
        Err(_) => println!("console ?"),
    }
    println!("ready");
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            // The console's clock: time since `Shared::started`.
            started: anysock::Instant::ZERO,
            interval: Duration::from_secs(1),
            next_telemetry: anysock::Instant::from_since_start(Duration::from_secs(1)),
            stats: Stats::default(),
        }),
        started: Instant::now(),
    });
    for stream in listener.incoming() {
        // A failed accept (a client that gave up, no descriptors left) ends only that client.
        let Ok(mut stream) = stream else { continue };
        let admitted = {
            let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
            let stats = &mut state.stats;
            let admitted = stats.clients < CLIENTS;
            if admitted {
                stats.clients += 1;
            } else {
                stats.rejected += 1;
            }
            admitted
        };
        if !admitted {
            let _ = stream.write_all(b"ERR too many clients\n");
            continue;
        }
        let shared = Arc::clone(&shared);
        thread::spawn(move || {
            // A client that fails (reset, vanished) just ends.
            let _ = serve(stream, &shared);
            let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.stats.clients = state.stats.clients.saturating_sub(1);
        });
    }
}

/// Answers one client's lines until it quits, goes, or sends a line too long.
fn serve(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = Vec::with_capacity(LINE_MAX);
    let mut reply = Text::<REPLY_MAX>::new();
    loop {
        line.clear();
        let n = (&mut reader)
            .take(LINE_MAX as u64)
            .read_until(b'\n', &mut line)?;
        let Some(command) = line.strip_suffix(b"\n") else {
            if n == LINE_MAX {
                writer.write_all(b"ERR line too long\n")?;
            }
            // Too long, or the end of the stream (in the middle of a line or not).
            return Ok(());
        };
        let after = {
            let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
            let now = anysock::Instant::from_since_start(shared.started.elapsed());
            console::execute(command, &mut state, now, &mut reply)
        };
        writer.write_all(reply.as_bytes())?;
        match after {
            After::Keep => {}
            After::Close => return Ok(()),
            After::Shutdown => process::exit(0),
        }
    }
}
