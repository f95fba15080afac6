//! The README's section "Testing without a network: the mock", its generic echo server and its
//! async example, compiled and run: keep them in step (the code between each pair of markers is the README's
//! snippet, line for line).

// README snippet begins
use anysock::embedded_io::{Read, Write};
use anysock::mock::{FaultPlan, Host, Net};
use anysock::{ErrorKind, Listener, Result, Stack};

/// The protocol crate's server, on any backend: reads one request up to `\n`, echoes it.
fn serve_one<S: Stack>(listener: &mut S::Listener) -> Result<()> {
    let (mut conn, _peer) = listener.accept()?;
    let (mut req, mut len) = ([0u8; 64], 0);
    while !req[..len].ends_with(b"\n") {
        match conn.read(&mut req[len..])? {
            0 => return Err(ErrorKind::InvalidInput.into()), // closed early, or too long
            n => len += n,
        }
    }
    conn.write_all(&req[..len])
}

#[test]
fn serves_a_request_that_arrives_byte_by_byte() -> Result<()> {
    let net: Net = Net::with_seed(7);
    net.set_faults(FaultPlan::new().max_chunk(1)); // every TCP read and write moves 1 byte
    let a = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
    let b = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
    let mut listener = b.listen(&"10.0.0.2:7".parse()?, 1)?;
    let mut client = a.connect(&"10.0.0.2:7".parse()?)?; // connected, waiting in the backlog
    client.write_all(b"hello\n")?;
    serve_one::<Host>(&mut listener)?; // in production: serve_one::<Posix>
    let mut echo = [0u8; 6];
    client.read_exact(&mut echo)?;
    assert_eq!(&echo, b"hello\n");
    Ok(())
}
// README snippet ends

mod generic {
    use anysock::embedded_io::{Read, Write};
    use anysock::{opt, Listener, SockOpt, SocketAddr, Stack};
    use std::time::Duration;

    // README generic snippet begins
    fn echo_one<S: Stack>(stack: &S, addr: &SocketAddr) -> anysock::Result<()> {
        let mut listener = stack.listen(addr, 16)?;
        let (mut conn, _peer) = listener.accept()?;
        conn.set(opt::RecvTimeout, Some(Duration::from_secs(30)))?; // an idle client is dropped
        conn.set(opt::NoDelay, true)?;
        let mut buf = [0u8; 512];
        loop {
            let n = conn.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            conn.write_all(&buf[..n])?;
        }
    }
    // README generic snippet ends

    /// The generic server, on the thread-safe mock: a client thread's bytes come back.
    #[test]
    fn the_generic_echo_server_runs_on_the_shared_mock() -> anysock::Result<()> {
        use anysock::mock::SharedNet;
        use anysock::{Shutdown, Stream as _};

        let net: SharedNet = SharedNet::new();
        let client_host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
        let server_host = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
        let addr: SocketAddr = "10.0.0.2:7".parse()?;
        std::thread::scope(|scope| {
            let server = scope.spawn(|| echo_one(&server_host, &addr));
            // Refused until the server thread listens; bounded.
            let mut client = (0..2000)
                .find_map(|_| {
                    let conn = client_host.connect(&addr).ok();
                    if conn.is_none() {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    conn
                })
                .expect("the server listens within two seconds");
            client.write_all(b"hola")?;
            client.shutdown(Shutdown::Write)?;
            let mut echo = [0u8; 4];
            client.read_exact(&mut echo)?;
            assert_eq!(&echo, b"hola");
            server.join().expect("the server thread ends")
        })
    }
}

/// The README's async example, run.
mod asynch {
    // README async snippet begins
    use anysock::asynch::{timeout, Listener as _, Stack as _};
    use anysock::embedded_io_async::{Read as _, Write as _};
    use anysock::mock::{FaultPlan, Net};
    use core::time::Duration;

    #[test]
    fn an_echo_over_latency_on_the_virtual_clock() -> anysock::Result<()> {
        let net: Net = Net::with_seed(7);
        net.set_faults(
            FaultPlan::new().latency(Duration::from_millis(5)..Duration::from_millis(30)),
        );
        let server = net
            .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?
            .asynch();
        let client = net
            .host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?
            .asynch();
        net.name("server.test", server)?; // for getaddrinfo, and embedded-nal-async's Dns
        let mut listener = server.listen(&"10.0.0.1:80".parse()?, 4)?;
        let serve = async {
            let (mut conn, _) = listener.accept().await?;
            let mut buf = [0u8; 4];
            conn.read_exact(&mut buf).await?;
            conn.write_all(&buf).await
        };
        let ask = async {
            let mut conn = client.connect(&"10.0.0.1:80".parse()?).await?;
            conn.write_all(b"ping").await?;
            let mut buf = [0u8; 4];
            timeout(&client, Duration::from_secs(1), conn.read_exact(&mut buf)).await??;
            Ok::<_, anysock::Error>(buf)
        };
        let (served, answer) = net.run(embassy_futures::join::join(serve, ask))?;
        served?;
        assert_eq!(&answer?, b"ping");
        let stuck = net.run(listener.accept()).map(drop).unwrap_err(); // nobody else will connect
        assert_eq!(stuck.waiting_for(), Some(anysock::Wait::Connection));
        Ok(())
    }
    // README async snippet ends
}

/// The code between `// README <name> begins` and `// README <name> ends` in this file.
fn snippet(name: &str) -> String {
    let this = include_str!("readme.rs");
    let code = this
        .split_once(&format!("// README {name} begins\n"))
        .and_then(|(_, rest)| rest.split_once(&format!("// README {name} ends")))
        .map(|(code, _)| code)
        .expect("the markers are in this file");
    // The generic snippet sits in a module here, one indent deeper than in the README.
    let indent = code.len() - code.trim_start().len();
    code.trim_end()
        .lines()
        .map(|line| line.get(indent..).unwrap_or(line.trim_start()))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The README shows the snippets above, unchanged.
#[test]
fn the_readme_shows_this_code() {
    let readme = include_str!("../../README.md");
    for name in ["snippet", "generic snippet", "async snippet"] {
        let code = snippet(name);
        assert!(
            readme.contains(&code),
            "README.md differs from tests/mock/readme.rs's {name}:\n{code}"
        );
    }
}

/// The server under test reports a request that never ends instead of overrunning its buffer.
#[test]
fn a_request_without_end_is_refused() -> Result<()> {
    let net: Net = Net::new();
    let a = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
    let b = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
    let mut listener = b.listen(&"10.0.0.2:7".parse()?, 1)?;
    let mut client = a.connect(&"10.0.0.2:7".parse()?)?;
    client.write_all(&[b'x'; 100])?;
    let refused = serve_one::<Host>(&mut listener).map_err(|e| e.kind());
    assert_eq!(refused, Err(ErrorKind::InvalidInput));
    Ok(())
}
