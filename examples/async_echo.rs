//! `async_echo`: the echo server and client of the lecture, async, on the kernel's sockets.
//!
//! ```text
//! cargo run --features async-io,tokio --example async_echo                      # both, in one task
//! cargo run --features async-io,tokio --example async_echo -- server 127.0.0.1:7000
//! cargo run --features async-io,tokio --example async_echo -- client 127.0.0.1:7000 hola
//! ANYSOCK_REACTOR=tokio cargo run --features async-io,tokio --example async_echo
//! ```
//!
//! The protocol code (`serve_one`, `echo_client`) is generic over
//! [`anysock::asynch::Stack`]: the same functions run on async-io's reactor (the default) or on
//! tokio's (`ANYSOCK_REACTOR=tokio`), and on any other async backend. Every wait is bounded by
//! a timeout on the stack's clock, so a silent peer ends in a `timed out` error, not a hang.
//!
//! With no arguments it runs a server and three clients concurrently in one task on one thread
//! (joined futures, no spawning), prints what each client got back, and exits 0.

mod cli;

use core::time::Duration;

use anysock::asynch::{timeout, Endpoint as _, Listener as _, Stack, Stream as _};
use anysock::embedded_io_async::{Read as _, Write as _};
use anysock::posix::asynch::{AsyncIo, Posix, Tokio};
use anysock::{Shutdown, SocketAddr};
use embassy_futures::join::{join, join3};

use cli::{Cli, Context};

const CLI: Cli = Cli::new(
    "async_echo",
    "async_echo [server ADDR | client ADDR TEXT]   (ANYSOCK_REACTOR=tokio for tokio's reactor)",
);

/// How long any one wait may last.
const PATIENCE: Duration = Duration::from_secs(10);

fn main() {
    let args = CLI.all_args();
    let args: Vec<&str> = args
        .iter()
        .map(|a| {
            a.to_str()
                .unwrap_or_else(|| CLI.usage_error("arguments must be UTF-8"))
        })
        .collect();
    let tokio = match std::env::var("ANYSOCK_REACTOR").as_deref() {
        Ok("tokio") => true,
        Ok("async-io") | Err(_) => false,
        Ok(other) => CLI.usage_error(format_args!("ANYSOCK_REACTOR={other}: tokio or async-io")),
    };
    let outcome = if tokio {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("start a tokio runtime");
        runtime.and_then(|rt| rt.block_on(run(&Posix::<Tokio>::new(), &args)))
    } else {
        async_io::block_on(run(&Posix::<AsyncIo>::new(), &args))
    };
    CLI.exit(outcome);
}

/// What the command line asks for, on `stack`.
async fn run<S: Stack>(stack: &S, args: &[&str]) -> Result<(), String> {
    match args {
        [] => demo(stack).await,
        ["server", addr] => serve(stack, &CLI.addr(addr.as_ref())).await,
        ["client", addr, text] => {
            let echoed = echo_client(stack, &CLI.addr(addr.as_ref()), text.as_bytes()).await?;
            println!("{}", String::from_utf8_lossy(&echoed));
            Ok(())
        }
        _ => CLI.usage_error("expected no arguments, `server ADDR` or `client ADDR TEXT`"),
    }
}

/// `listen`, then serve one client after another until killed.
async fn serve<S: Stack>(stack: &S, addr: &SocketAddr) -> Result<(), String> {
    let mut listener = stack
        .listen(addr, 16)
        .context(format_args!("listen on {addr}"))?;
    println!(
        "listening on {}",
        listener.local_addr().context("getsockname")?
    );
    loop {
        if let Err(e) = serve_one(stack, &mut listener).await {
            eprintln!("async_echo: {e}"); // one client's failure is not the server's
        }
    }
}

/// `accept` one client and write back every byte it sends, until it ends its side.
async fn serve_one<S: Stack>(stack: &S, listener: &mut S::Listener) -> Result<(), String> {
    let (mut conn, peer) = listener.accept().await.context("accept")?;
    let mut buf = [0u8; 1024];
    loop {
        let n = timeout(stack, PATIENCE, conn.read(&mut buf))
            .await
            .and_then(|r| r)
            .context(format_args!("read from {peer}"))?;
        if n == 0 {
            return Ok(()); // end of stream: the client is done
        }
        conn.write_all(&buf[..n])
            .await
            .context(format_args!("write to {peer}"))?;
    }
}

/// `connect`, send `text`, `shutdown(SHUT_WR)`, then read the echo until end of stream.
async fn echo_client<S: Stack>(
    stack: &S,
    addr: &SocketAddr,
    text: &[u8],
) -> Result<Vec<u8>, String> {
    let mut conn = timeout(stack, PATIENCE, stack.connect(addr))
        .await
        .and_then(|r| r)
        .context(format_args!("connect to {addr}"))?;
    conn.write_all(text).await.context("send")?;
    conn.shutdown(Shutdown::Write).context("shutdown")?;
    let mut echoed = Vec::with_capacity(text.len());
    let mut buf = [0u8; 1024];
    loop {
        let n = timeout(stack, PATIENCE, conn.read(&mut buf))
            .await
            .and_then(|r| r)
            .context("receive")?;
        if n == 0 {
            return Ok(echoed);
        }
        echoed.extend_from_slice(&buf[..n]);
    }
}

/// A server and three clients, concurrently, in this one task: the server takes the clients
/// one after another while they all wait in the listen queue.
async fn demo<S: Stack>(stack: &S) -> Result<(), String> {
    let mut listener = stack
        .listen(&"127.0.0.1:0".parse().unwrap(), 16)
        .context("listen")?;
    let addr = listener.local_addr().context("getsockname")?;
    let texts = ["hola", "bonjour", "hello"];
    let server = async {
        for _ in texts {
            serve_one(stack, &mut listener).await?;
        }
        Ok::<(), String>(())
    };
    let clients = async {
        let [a, b, c] = texts.map(|t| echo_client(stack, &addr, t.as_bytes()));
        let (a, b, c) = join3(a, b, c).await;
        [a, b, c]
    };
    let (served, echoed) = join(server, clients).await;
    served?;
    for (text, echoed) in texts.iter().zip(echoed) {
        let echoed = echoed?;
        println!("{text} -> {}", String::from_utf8_lossy(&echoed));
        if echoed != text.as_bytes() {
            return Err(format!("{text:?} came back as {echoed:?}"));
        }
    }
    Ok(())
}
