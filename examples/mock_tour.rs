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

mod tour_trace;

use std::net::Ipv6Addr;
use std::process::ExitCode;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::{Datagram, Interest, Listener, PollFd, Pollable, Shutdown, Stack, Stream};

use tour_trace::{Args, TourNet};

const USAGE: &str =
    "usage: mock_tour [--seed N] [--loss PERCENT] [--latency-ms A..B] [--pcap FILE]";

/// The story: a TCP greeting both ways, then pings over UDP that may be lost, each waited for
/// with `poll` on the virtual clock.
fn story(net: &TourNet<'_>, _args: &Args) -> anysock::Result<()> {
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
    tour_trace::run("mock_tour", USAGE, story)
}
