//! The mock tour, async: the same two hosts and faults as `mock_tour`, but the server and the
//! client are async tasks written on `anysock::asynch` (the code would run on the kernel with a
//! POSIX async stack), joined into one future and run by the mock's driver on the virtual clock:
//! the client finds the server by name, greets it over TCP, then pings it over UDP, each ping
//! given 100 ms before it counts as lost. It prints every event of the trace, writes the pcap
//! and ends with a hash of the trace: the same arguments give the same output, run after run.
//!
//! ```text
//! cargo run --example async_mock_tour -- [--seed N] [--loss PERCENT] [--latency-ms A..B] [--pcap FILE]
//! ```
//!
//! Defaults: seed 1, 25 % datagram loss, 5..40 ms latency, the pcap in the temporary directory.
//! Exit codes: 0 done, 1 a socket call failed, 2 a bad argument.

mod tour_trace;

use std::net::Ipv6Addr;
use std::process::ExitCode;
use std::time::Duration;

use anysock::asynch::{timeout, Datagram, Listener, Resolve, Stack, Stream};
use anysock::embedded_io_async::{Read, Write};
use anysock::{ErrorKind, Family, Shutdown, SocketAddr};
use embassy_futures::join::join3;

use tour_trace::{Args, TourNet};

const USAGE: &str =
    "usage: async_mock_tour [--seed N] [--loss PERCENT] [--latency-ms A..B] [--pcap FILE]";

/// How long the UDP server waits for the next ping before it stops.
const IDLE: Duration = Duration::from_secs(1);

/// Greets each TCP client back in capitals, until it ends its side.
async fn greeter<L>(listener: &mut L) -> anysock::Result<()>
where
    L: Listener,
    L::Stream: Stream,
{
    let (mut conn, peer) = listener.accept().await?;
    println!("# the server accepted {peer}");
    let mut buf = [0u8; 64];
    loop {
        match conn.read(&mut buf).await? {
            0 => return Ok(()), // end of stream
            n => conn.write_all(&buf[..n].to_ascii_uppercase()).await?,
        }
    }
}

/// Echoes datagrams until none has come for [`IDLE`].
async fn echo<S: Stack>(stack: &S, sock: &mut S::Datagram) -> anysock::Result<()> {
    let mut buf = [0u8; 64];
    loop {
        match timeout(stack, IDLE, sock.recv_from(&mut buf)).await {
            Ok(got) => {
                let (got, from) = got?;
                sock.send_to(&buf[..got.len], &from).await?;
            }
            Err(e) if e.kind() == ErrorKind::TimedOut => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

/// Finds the server by name, greets it, then pings it six times.
async fn client<S: Stack + Resolve>(stack: &S) -> anysock::Result<()> {
    let mut ip = [std::net::IpAddr::from([0, 0, 0, 0])];
    stack.resolve("server.test", Family::Inet, &mut ip).await?;
    println!("# server.test is {}", ip[0]);

    let mut conn = stack.connect(&SocketAddr::from((ip[0], 7000))).await?;
    conn.write_all(b"hello, server").await?;
    let mut buf = [0u8; 64];
    let n = conn.read(&mut buf).await?;
    println!("# the client read {:?}", String::from_utf8_lossy(&buf[..n]));
    conn.shutdown(Shutdown::Write)?;
    drop(conn);

    let mut pinger = stack.bind(&"0.0.0.0:0".parse()?)?;
    let server = SocketAddr::from((ip[0], 7001));
    for i in 0..6u8 {
        let ping = [b'p', b'i', b'n', b'g', b'0' + i];
        pinger.send_to(&ping, &server).await?;
        match timeout(stack, Duration::from_millis(100), pinger.recv(&mut buf)).await {
            Ok(got) => {
                got?;
                println!("# ping {i} came back at {:?}", stack.now()?.since_start());
            }
            Err(e) if e.kind() == ErrorKind::TimedOut => {
                println!("# ping {i} or its answer was lost")
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The story: three tasks at once on two hosts.
fn story(net: &TourNet<'_>, _args: &Args) -> anysock::Result<()> {
    let v6 = |last: u16| Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, last);
    let client_host = net.host([10, 0, 0, 1].into(), v6(1))?.asynch();
    let server_host = net.host([10, 0, 0, 2].into(), v6(2))?.asynch();
    net.name("server.test", server_host)?;
    let mut listener = server_host.listen(&"10.0.0.2:7000".parse()?, 4)?;
    let mut echoer = server_host.bind(&"10.0.0.2:7001".parse()?)?;
    let (greeted, echoed, asked) = net.run(join3(
        greeter(&mut listener),
        echo(&server_host, &mut echoer),
        client(&client_host),
    ))?;
    greeted?;
    echoed?;
    asked?;
    println!("# done at {:?}, no real time spent waiting", net.now());
    Ok(())
}

fn main() -> ExitCode {
    tour_trace::run("async_mock_tour", USAGE, story)
}
