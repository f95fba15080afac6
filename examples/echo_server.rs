//! `echo_server ADDR`: the lecture's server. It listens on a TCP or Unix stream address and
//! serves one client after another until killed, writing back every byte it reads.
//!
//! ```text
//! cargo run --example echo_server -- 127.0.0.1:7000
//! cargo run --example echo_server -- unix:/tmp/echo.sock
//! ```

mod cli;
mod socket_file;

use anysock::posix::Posix;
use anysock::{Endpoint, Error, ErrorKind, Listener, SocketAddr, Stack, Stream, Type, UnixAddr};

use cli::{Cli, Context};
use socket_file::SocketFile;

const CLI: Cli = Cli::new("echo_server", "echo_server ADDR");

fn main() {
    let [addr] = CLI.args();
    let addr = CLI.addr(&addr);
    CLI.exit(serve(&Posix, &addr));
}

/// `socket` + `bind` + `listen`, then `accept` and echo each client in turn.
fn serve<S: Stack>(stack: &S, addr: &SocketAddr) -> Result<(), String> {
    socket_file::remove_stale(stack, addr, Type::Stream)?;
    let mut listener = stack
        .listen(addr, 16)
        .context(format_args!("listen on {addr}"))?;
    let _file = SocketFile::bound_at(addr);
    let local = listener.local_addr().context("getsockname")?;
    println!("listening on {local}");
    loop {
        let (mut conn, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            // That client gave up while it waited in the queue; the next one is unaffected.
            Err(e) if e.kind() == ErrorKind::ConnectionAborted => continue,
            Err(e) => return Err(format!("accept: {e}")),
        };
        let peer = name(&peer);
        println!("accepted {peer}");
        // One client's failure (a reset, say) ends that client, not the server.
        if let Err(e) = echo(&mut conn) {
            println!("{peer}: {e}");
        }
    }
}

/// `read` then `write` until the client shuts down its side: the lecture's exchange, in a loop.
/// The connection closes when the caller drops it.
fn echo<T: Stream>(conn: &mut T) -> Result<(), Error> {
    let mut buf = [0u8; 4096];
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        conn.write_all(&buf[..n])?;
    }
}

/// A peer's address for the log; a Unix client that never bound has none to show.
fn name(peer: &SocketAddr) -> String {
    if peer.as_unix().is_some_and(UnixAddr::is_unnamed) {
        "an unnamed unix client".to_string()
    } else {
        peer.to_string()
    }
}
