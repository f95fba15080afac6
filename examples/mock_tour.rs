//! A tour of the mock network: two hosts, a server and a client exchanging messages under loss
//! and latency, all on one thread and a virtual clock. It prints every event of the trace,
//! writes the conversation as a pcap file (open it in Wireshark, or `tshark -r FILE`) and ends
//! with a hash of the trace: the same arguments give the same output, run after run.
//!
//! ```text
//! cargo run --example mock_tour -- [--seed N] [--loss PERCENT] [--latency-ms A..B] [--pcap FILE]
//! ```
//!
//! Defaults: seed 1, 25 % datagram loss, 5..40 ms latency, the pcap in the temporary directory.
//! Exit codes: 0 done, 1 a socket call failed, 2 a bad argument.

use std::convert::Infallible;
use std::net::Ipv6Addr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anysock::embedded_io::{ErrorType, Read, Write};
use anysock::mock::pcap::PcapTracer;
use anysock::mock::trace::{Event, Tracer};
use anysock::mock::{FaultPlan, Net};
use anysock::{Datagram, Interest, Listener, PollFd, Pollable, Shutdown, Stack, Stream};

const USAGE: &str =
    "usage: mock_tour [--seed N] [--loss PERCENT] [--latency-ms A..B] [--pcap FILE]";

/// What the command line asks for.
struct Args {
    seed: u64,
    loss_percent: u32,
    latency_ms: (u64, u64),
    pcap: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seed: 1,
        loss_percent: 25,
        latency_ms: (5, 40),
        pcap: std::env::temp_dir().join("anysock-mock-tour.pcap"),
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(flag) = it.next() {
        let flag = flag.to_string_lossy().into_owned();
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        if flag == "--pcap" {
            args.pcap = PathBuf::from(value);
            continue;
        }
        let value = value.to_string_lossy().into_owned();
        let bad = || format!("bad value for {flag}: {value:?}");
        // A number that does not parse says why (`invalid digit found in string`).
        let unparsed = |e: std::num::ParseIntError| format!("{} ({e})", bad());
        match flag.as_str() {
            "--seed" => args.seed = value.parse().map_err(unparsed)?,
            "--loss" => {
                args.loss_percent = value.parse().map_err(unparsed)?;
                if args.loss_percent > 100 {
                    return Err(bad());
                }
            }
            "--latency-ms" => {
                let (a, b) = value.split_once("..").ok_or_else(bad)?;
                let (a, b) = (a.parse().map_err(unparsed)?, b.parse().map_err(unparsed)?);
                if a >= b {
                    return Err(bad());
                }
                args.latency_ms = (a, b);
            }
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(args)
}

/// The pcap file's bytes, growing in memory until the tour ends.
#[derive(Default)]
struct Capture(Vec<u8>);

impl ErrorType for Capture {
    type Error = Infallible;
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// Prints each event, folds it into a hash (FNV-1a over the printed lines), and hands it to
/// the pcap writer: tracers are ordinary values, so one can feed another.
struct Tour {
    pcap: PcapTracer<Capture>,
    hash: u64,
}

impl Tracer for Tour {
    fn record(&mut self, event: &Event<'_>) {
        let line = event.to_string();
        println!("{line}");
        for b in line.bytes().chain([b'\n']) {
            self.hash = (self.hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.pcap.record(event);
    }
}

/// The story: a TCP greeting both ways, then pings over UDP that may be lost, each waited for
/// with `poll` on the virtual clock.
fn story(net: &Net<32, 4096, 8, &mut Tour>, args: &Args) -> anysock::Result<()> {
    let (lo, hi) = args.latency_ms;
    let latency = Duration::from_millis(lo)..Duration::from_millis(hi);
    net.set_faults(
        FaultPlan::new()
            .loss(args.loss_percent * 10_000)
            .latency(latency),
    );
    let v6 = |last: u16| Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, last);
    let client = net.host([10, 0, 0, 1].into(), v6(1))?;
    let server = net.host([10, 0, 0, 2].into(), v6(2))?;

    let mut listener = server.listen(&"10.0.0.2:7000".parse()?, 4)?;
    let mut conn = client.connect(&"10.0.0.2:7000".parse()?)?;
    let (mut served, peer) = listener.accept()?;
    println!("# the server accepted {peer}");
    conn.write_all(b"hello, server")?;
    let mut buf = [0u8; 64];
    // A blocking read waits, on the virtual clock, for bytes that are on their way.
    let n = served.read(&mut buf)?;
    served.write_all(&buf[..n].to_ascii_uppercase())?;
    let n = conn.read(&mut buf)?;
    println!("# the client read {:?}", String::from_utf8_lossy(&buf[..n]));
    conn.shutdown(Shutdown::Write)?;
    let _ = served.read(&mut buf)?; // end of stream
    drop((conn, served, listener));

    let mut pinger = client.bind(&"10.0.0.1:0".parse()?)?;
    let mut echo = server.bind(&"10.0.0.2:7001".parse()?)?;
    for i in 0..6u8 {
        let ping = [b'p', b'i', b'n', b'g', b'0' + i];
        pinger.send_to(&ping, &"10.0.0.2:7001".parse()?)?;
        let mut fds = [PollFd::new(echo.handle(), Interest::READABLE)];
        if server.poll(&mut fds, Some(Duration::from_millis(100)))? == 0 {
            println!("# ping {i} was lost");
            continue;
        }
        let (got, from) = echo.recv_from(&mut buf)?;
        echo.send_to(&buf[..got.len], &from)?;
        let mut fds = [PollFd::new(pinger.handle(), Interest::READABLE)];
        if client.poll(&mut fds, Some(Duration::from_millis(100)))? == 0 {
            println!("# the answer to ping {i} was lost");
            continue;
        }
        pinger.recv(&mut buf)?;
        println!("# ping {i} came back at {:?}", net.now());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(why) if why.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("mock_tour: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut tour = Tour {
        pcap: PcapTracer::new(Capture::default()),
        hash: 0xcbf2_9ce4_8422_2325,
    };
    {
        let net: Net<32, 4096, 8, &mut Tour> = Net::with_tracer(&mut tour);
        net.set_seed(args.seed);
        if let Err(e) = story(&net, &args) {
            eprintln!("mock_tour: {e}");
            return ExitCode::from(1);
        }
    }
    let hash = tour.hash;
    // The capture lives in memory, whose writes cannot fail.
    let bytes = match tour.pcap.finish() {
        Ok(Capture(bytes)) => bytes,
        Err(e) => {
            eprintln!("mock_tour: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::write(&args.pcap, bytes) {
        eprintln!("mock_tour: writing {}: {e}", args.pcap.display());
        return ExitCode::from(1);
    }
    println!("pcap {}", args.pcap.display());
    println!("trace-hash {hash:016x}");
    ExitCode::SUCCESS
}
