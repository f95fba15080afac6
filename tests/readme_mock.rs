//! The README's section "Testing without a network: the mock", compiled and run: keep the two
//! in step (the code between the markers is the README's snippet, line for line).

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

/// The README shows the snippet above, unchanged.
#[test]
fn the_readme_shows_this_code() {
    let this = include_str!("readme_mock.rs");
    let readme = include_str!("../README.md");
    let snippet = this
        .split_once("// README snippet begins\n")
        .and_then(|(_, rest)| rest.split_once("// README snippet ends"))
        .map(|(code, _)| code);
    let snippet = snippet.expect("the markers are in this file");
    assert!(
        readme.contains(snippet),
        "README.md's mock section differs from tests/readme_mock.rs:\n{snippet}"
    );
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
