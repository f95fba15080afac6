//! `echo_client ADDR TEXT`: the lecture's client. It connects, sends TEXT, shuts down its
//! sending side, prints what comes back until the server closes, and exits 0.
//!
//! ```text
//! cargo run --example echo_client -- 127.0.0.1:7000 hola
//! cargo run --example echo_client -- unix:/tmp/echo.sock hola
//! ```

mod cli;

use std::os::unix::ffi::OsStrExt;

use anysock::embedded_io::{Read, Write};
use anysock::posix::Posix;
use anysock::{Shutdown, SocketAddr, Stack, Stream};

use cli::{Cli, Context};

const CLI: Cli = Cli::new("echo_client", "echo_client ADDR TEXT");

fn main() {
    let [addr, text] = CLI.args();
    let addr = CLI.addr(&addr);
    let outcome = exchange(&Posix, &addr, text.as_bytes()).and_then(|echoed| print(&echoed));
    CLI.exit(outcome);
}

/// `connect`, send all of `text`, `shutdown(SHUT_WR)`, then receive until end of stream.
///
/// Everything is sent before anything is read. That cannot stall here: TEXT comes from the
/// command line (at most 128 KiB on Linux), which the socket buffers of both ends hold while
/// the server echoes it back.
fn exchange<S: Stack>(stack: &S, addr: &SocketAddr, text: &[u8]) -> Result<Vec<u8>, String> {
    let mut conn = stack
        .connect(addr)
        .context(format_args!("connect to {addr}"))?;
    conn.write_all(text).context("send")?;
    // The server reads end of stream, finishes echoing and closes: our end of stream.
    conn.shutdown(Shutdown::Write).context("shutdown")?;
    let mut echoed = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4096];
    loop {
        match conn.read(&mut buf).context("recv")? {
            0 => return Ok(echoed),
            n => echoed.extend_from_slice(&buf[..n]),
        }
    }
}

/// The echo as it came, bytes and all, then a newline.
fn print(echoed: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(echoed)
        .and_then(|()| out.write_all(b"\n"))
        .context("write to stdout")
}
