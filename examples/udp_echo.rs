//! `udp_echo ADDR`: echoes every datagram back to its sender, on a UDP or Unix datagram
//! address, until killed.
//!
//! ```text
//! cargo run --example udp_echo -- 127.0.0.1:7001
//! cargo run --example udp_echo -- unix:/tmp/echo.dgram
//! ```

mod cli;
mod socket_file;

use anysock::posix::Posix;
use anysock::{Datagram, Endpoint, ErrorKind, SocketAddr, Stack, Type, UnixAddr};

use cli::{Cli, Context};
use socket_file::SocketFile;

const CLI: Cli = Cli::new("udp_echo", "udp_echo ADDR");

/// Holds the largest UDP payload (65,507 bytes over IPv4). A Unix datagram can be larger; it is
/// cut to this size, and the cut is reported.
const MAX_DATAGRAM: usize = 65_536;

fn main() {
    let [addr] = CLI.args();
    let addr = CLI.addr(&addr);
    CLI.exit(serve(&Posix, &addr));
}

/// `socket` + `bind`, then `recvfrom` and `sendto` back, one datagram at a time.
fn serve<S: Stack>(stack: &S, addr: &SocketAddr) -> Result<(), String> {
    socket_file::remove_stale(stack, addr, Type::Datagram)?;
    let mut sock = stack.bind(addr).context(format_args!("bind {addr}"))?;
    let _file = SocketFile::bound_at(addr);
    let local = sock.local_addr().context("getsockname")?;
    println!("echoing datagrams on {local}");
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let (got, from) = match sock.recv_from(&mut buf) {
            Ok(received) => received,
            // An error the network reported about an earlier reply (its sender was gone); it
            // concerns that sender only.
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset
                ) =>
            {
                println!("an earlier reply was not delivered: {e}");
                continue;
            }
            Err(e) => return Err(format!("recvfrom: {e}")),
        };
        if got.truncated {
            println!(
                "{from}: datagram longer than {MAX_DATAGRAM} bytes, truncated: the rest is lost"
            );
        }
        if from.as_unix().is_some_and(UnixAddr::is_unnamed) {
            println!(
                "{} bytes from an unnamed unix socket: no address to reply to (the sender must bind)",
                got.len
            );
            continue;
        }
        match sock.send_to(&buf[..got.len], &from) {
            Ok(n) => println!("{from}: echoed {n} bytes"),
            // The sender may be gone already (its socket file removed, say); serve the others.
            Err(e) => println!("{from}: sendto: {e}"),
        }
    }
}
