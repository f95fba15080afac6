//! What both mock tours share (`mock_tour`, `async_mock_tour`): their command line, a tracer
//! that prints every event, hashes the trace and writes it as pcap, and the end of the run.
//!
//! Each example compiles this module on its own.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anysock::mock::pcap::PcapTracer;
use anysock::mock::trace::{Event, Tracer};
use anysock::mock::{FaultPlan, Net};

/// The network a tour runs on: the default sizes, traced by [`Tour`].
pub type TourNet<'t> = Net<32, 4096, 8, &'t mut Tour>;

/// What the command line asks for.
pub struct Args {
    pub seed: u64,
    pub loss_percent: u32,
    pub latency_ms: (u64, u64),
    pub pcap: PathBuf,
}

fn parse_args(pcap_name: &str) -> Result<Args, String> {
    let mut args = Args {
        seed: 1,
        loss_percent: 25,
        latency_ms: (5, 40),
        pcap: std::env::temp_dir().join(pcap_name),
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

/// Prints each event, folds it into a hash (FNV-1a over the printed lines), and hands it to
/// the pcap writer: tracers are ordinary values, so one can feed another.
pub struct Tour {
    /// The pcap file's bytes, growing in memory until the tour ends.
    pcap: PcapTracer<Vec<u8>>,
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

impl Args {
    /// The faults the command line asks for: datagram loss, latency on everything.
    pub fn faults(&self) -> FaultPlan {
        let (lo, hi) = self.latency_ms;
        FaultPlan::new()
            .loss(self.loss_percent * 10_000)
            .latency(Duration::from_millis(lo)..Duration::from_millis(hi))
    }
}

/// Runs a tour: reads the command line (`name` and its usage for errors), makes the traced
/// network, runs `story` on it, and ends with the pcap file and `trace-hash HEX` as the last
/// line. Exit codes: 0 done, 1 a socket call failed, 2 a bad argument.
pub fn run(
    name: &str,
    usage: &str,
    story: impl FnOnce(&TourNet<'_>, &Args) -> anysock::Result<()>,
) -> ExitCode {
    let args = match parse_args(&format!("anysock-{name}.pcap").replace('_', "-")) {
        Ok(args) => args,
        Err(why) if why.is_empty() => {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("{name}: {why}\n{usage}");
            return ExitCode::from(2);
        }
    };
    let mut tour = Tour {
        pcap: PcapTracer::new(Vec::new()),
        hash: 0xcbf2_9ce4_8422_2325,
    };
    {
        let net: TourNet<'_> = Net::with_tracer(&mut tour);
        net.set_seed(args.seed);
        net.set_faults(args.faults());
        if let Err(e) = story(&net, &args) {
            eprintln!("{name}: {e}");
            return ExitCode::from(1);
        }
    }
    let hash = tour.hash;
    // The capture lives in memory, whose writes cannot fail.
    let bytes = match tour.pcap.finish() {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::write(&args.pcap, bytes) {
        eprintln!("{name}: writing {}: {e}", args.pcap.display());
        return ExitCode::from(1);
    }
    println!("pcap {}", args.pcap.display());
    println!("trace-hash {hash:016x}");
    ExitCode::SUCCESS
}
