//! `cargo run --example tour`: the lecture's socket calls, run for real in one process over
//! loopback, one printed line per call: who makes it, the C call, the anysock call, and what
//! came back.
//!
//! Server and client share one thread. That works because the kernel completes a connection
//! while it waits in the listen backlog, so `connect` returns before `accept` is called, and
//! the few bytes exchanged fit in the socket buffers.
//!
//! Every flow is generic over [`Stack`], so the same functions would run on another backend.

mod cli;

use anysock::Endpoint as _;
use std::fmt::Display;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Duration;

use anysock::embedded_io::{Read, Write};
use anysock::opt::{NoDelay, RecvBufferSize};
use anysock::posix::Posix;
use anysock::{
    Datagram, Domain, ErrorKind, Interest, IoVec, IoVecMut, Listener, MsgFlags, MsgIo, PollFd,
    Pollable, RecvMsg, SendMsg, Shutdown, SockOpt, Socket, SocketAddr, Stack, Stream, Type,
    UnixAddr,
};

use cli::{Cli, Context};

const CLI: Cli = Cli::new("tour", "tour   (no arguments)");

/// What the clients send.
const GREETING: &[u8] = b"hola";

fn main() {
    let [] = CLI.args();
    CLI.exit(tour(&Posix));
}

/// The sections, in the lecture's order. The temporary directory goes when this returns.
fn tour<S: Stack>(stack: &S) -> Result<(), String> {
    println!(
        "anysock tour: each line is one call: who, the C call, the anysock call -> the result"
    );
    let v4 = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let v6 = SocketAddr::from((Ipv6Addr::LOCALHOST, 0));
    let dir = TempDir::new()?;

    section("TCP over IPv4: the lecture's server and client");
    stream_flow(stack, &v4)?;

    section("TCP over IPv6");
    match has_loopback(stack, &v6) {
        Ok(()) => stream_flow(stack, &v6)?,
        Err(e) => println!("  skipped: this host has no IPv6 loopback ({e})"),
    }

    section("Unix stream, a pathname in the filesystem");
    stream_flow(stack, &dir.addr("stream.sock")?)?;

    if cfg!(any(target_os = "linux", target_os = "android")) {
        section("Unix stream, an abstract name (Linux: no file at all)");
        let name = format!("anysock-tour-{}", std::process::id());
        let addr = UnixAddr::abstract_name(&name).context("abstract name")?;
        stream_flow(stack, &SocketAddr::Unix(addr))?;
    }

    section("UDP over IPv4: sendto and recvfrom");
    datagram_flow(stack, &v4, &v4)?;

    section("Unix datagram: the client binds too, or the server could not reply");
    datagram_flow(
        stack,
        &dir.addr("server.dgram")?,
        &dir.addr("client.dgram")?,
    )?;

    section("sendmsg and recvmsg: one datagram gathered from two buffers, scattered into two");
    msg_flow(stack, &v4)?;

    section("setsockopt and getsockopt");
    options(stack)?;

    section("Non-blocking accept, and poll");
    nonblocking_accept(stack, &v4)?;

    section("Errors: a kind to match on, and the errno");
    errors(stack, &dir.addr("nobody.sock")?)?;

    println!("\nremoving {}", dir.path.display());
    Ok(())
}

/// `socket`, `bind`, `listen`, `connect`, `accept`, then the exchange: the client sends and
/// shuts down its side, the server reads to end of stream, writes it back and closes.
fn stream_flow<S: Stack>(stack: &S, bind_to: &SocketAddr) -> Result<(), String> {
    let domain = bind_to.domain();
    let mut socket = stack.socket(domain, Type::Stream).context("socket")?;
    step(
        "server",
        format_args!("socket({domain}, SOCK_STREAM, 0)"),
        format_args!("stack.socket(Domain::{domain:?}, Type::Stream)"),
        format_args!("fd {:?}", socket.handle()),
    );
    socket.bind(bind_to).context("bind")?;
    let addr = socket.local_addr().context("getsockname")?;
    step(
        "server",
        format_args!("bind(fd, {bind_to})"),
        "socket.bind(&addr)",
        format_args!("bound to {addr}"),
    );
    let mut listener = socket.listen(3).context("listen")?;
    step("server", "listen(fd, 3)", "socket.listen(3)", "listening");

    let mut socket = stack.socket(domain, Type::Stream).context("socket")?;
    step(
        "client",
        format_args!("socket({domain}, SOCK_STREAM, 0)"),
        format_args!("stack.socket(Domain::{domain:?}, Type::Stream)"),
        format_args!("fd {:?}", socket.handle()),
    );
    socket.connect(&addr).context("connect")?;
    let mut client = socket.into_stream().context("into_stream")?;
    step(
        "client",
        format_args!("connect(fd, {addr})"),
        "socket.connect(&addr)",
        "connected, waiting in the backlog",
    );

    let (mut conn, peer) = listener.accept().context("accept")?;
    step(
        "server",
        "connfd = accept(fd, &addr, &len)",
        "listener.accept()",
        format_args!("fd {:?} from {}", conn.handle(), name(&peer)),
    );

    let mut rest = GREETING;
    while !rest.is_empty() {
        let n = client.send(rest, MsgFlags::NONE).context("send")?;
        step(
            "client",
            format_args!("send(fd, {}, {}, 0)", Text(rest), rest.len()),
            format_args!("client.send(b{}, MsgFlags::NONE)", Text(rest)),
            format_args!("{n} bytes"),
        );
        rest = &rest[n..];
    }
    client.shutdown(Shutdown::Write).context("shutdown")?;
    step(
        "client",
        "shutdown(fd, SHUT_WR)",
        "client.shutdown(Shutdown::Write)",
        "done sending",
    );

    let data = drain(
        "server",
        "read(connfd, buf, 64)",
        "conn.read(&mut buf)",
        |buf| conn.read(buf),
    )?;
    conn.write_all(&data).context("write")?;
    step(
        "server",
        format_args!("write(connfd, {}, {})", Text(&data), data.len()),
        "conn.write_all(&data)",
        format_args!("{} bytes", data.len()),
    );
    drop(conn);
    step("server", "close(connfd)", "drop(conn)", "closed");

    let echo = drain(
        "client",
        "recv(fd, buf, 64, 0)",
        "client.recv(&mut buf, MsgFlags::NONE)",
        |buf| client.recv(buf, MsgFlags::NONE),
    )?;
    if echo != GREETING {
        return Err(format!("echo differs: got {}", Text(&echo)));
    }
    drop(client);
    step("client", "close(fd)", "drop(client)", "closed");
    drop(listener);
    step("server", "close(fd)", "drop(listener)", "closed");
    Ok(())
}

/// Reads until end of stream, one printed step per call.
fn drain(
    who: &str,
    c_call: &str,
    rust_call: &str,
    mut read: impl FnMut(&mut [u8]) -> anysock::Result<usize>,
) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        let n = read(&mut buf).context(c_call)?;
        if n == 0 {
            step(who, c_call, rust_call, "0: end of stream");
            return Ok(data);
        }
        step(
            who,
            c_call,
            rust_call,
            format_args!("{n} bytes {}", Text(&buf[..n])),
        );
        data.extend_from_slice(&buf[..n]);
    }
}

/// `sendto` / `recvfrom` both ways, then a datagram too long for the buffer: cut, and said so.
fn datagram_flow<S: Stack>(
    stack: &S,
    server_at: &SocketAddr,
    client_at: &SocketAddr,
) -> Result<(), String> {
    let domain = server_at.domain();
    let mut socket = stack.socket(domain, Type::Datagram).context("socket")?;
    step(
        "server",
        format_args!("socket({domain}, SOCK_DGRAM, 0)"),
        format_args!("stack.socket(Domain::{domain:?}, Type::Datagram)"),
        format_args!("fd {:?}", socket.handle()),
    );
    socket.bind(server_at).context("bind")?;
    let mut server = socket.into_datagram().context("into_datagram")?;
    let server_addr = server.local_addr().context("getsockname")?;
    step(
        "server",
        format_args!("bind(fd, {server_at})"),
        "socket.bind(&addr); socket.into_datagram()",
        format_args!("bound to {server_addr}"),
    );
    let mut client = stack.bind(client_at).context("bind")?;
    step(
        "client",
        format_args!("socket + bind(fd, {client_at})"),
        "stack.bind(&addr)",
        format_args!("bound to {}", client.local_addr().context("getsockname")?),
    );

    let n = client.send_to(GREETING, &server_addr).context("sendto")?;
    step(
        "client",
        format_args!(
            "sendto(fd, {}, {}, 0, server)",
            Text(GREETING),
            GREETING.len()
        ),
        format_args!("client.send_to(b{}, &server)", Text(GREETING)),
        format_args!("{n} bytes, one datagram"),
    );
    let mut buf = [0u8; 64];
    let (got, from) = server.recv_from(&mut buf).context("recvfrom")?;
    step(
        "server",
        "recvfrom(fd, buf, 64, 0, &from, &len)",
        "server.recv_from(&mut buf)",
        format_args!("{} bytes {} from {from}", got.len, Text(&buf[..got.len])),
    );
    let n = server.send_to(&buf[..got.len], &from).context("sendto")?;
    step(
        "server",
        format_args!("sendto(fd, buf, {}, 0, from)", got.len),
        "server.send_to(&buf[..got.len], &from)",
        format_args!("{n} bytes"),
    );
    let (got, from) = client.recv_from(&mut buf).context("recvfrom")?;
    step(
        "client",
        "recvfrom(fd, buf, 64, 0, &from, &len)",
        "client.recv_from(&mut buf)",
        format_args!("{} bytes {} from {from}", got.len, Text(&buf[..got.len])),
    );

    let long = b"a datagram longer than eight bytes";
    client.send_to(long, &server_addr).context("sendto")?;
    step(
        "client",
        format_args!("sendto(fd, data, {}, 0, server)", long.len()),
        "client.send_to(long, &server)",
        format_args!("{} bytes", long.len()),
    );
    let (got, _) = server.recv_from(&mut buf[..8]).context("recvfrom")?;
    step(
        "server",
        "recvfrom(fd, buf, 8, 0, &from, &len)",
        "server.recv_from(&mut buf[..8])",
        format_args!(
            "{} bytes {}, truncated: {} (the rest is gone)",
            got.len,
            Text(&buf[..got.len]),
            got.truncated
        ),
    );
    drop((client, server));
    step("both", "close(fd)", "drop((client, server))", "closed");
    Ok(())
}

/// `sendmsg` gathers two buffers into one datagram; `recvmsg` scatters it over two buffers.
fn msg_flow<S: Stack>(stack: &S, at: &SocketAddr) -> Result<(), String> {
    let mut server = stack.bind(at).context("bind")?;
    let server_addr = server.local_addr().context("getsockname")?;
    let mut client = stack.bind(at).context("bind")?;
    step(
        "both",
        format_args!("socket + bind(fd, {at})"),
        "stack.bind(&addr)",
        format_args!("server at {server_addr}"),
    );

    let iov = IoVec::<2>::from_slices(&[b"head:", b"body"]).context("iovec")?;
    let msg = SendMsg::new(iov).to(&server_addr);
    let n = client.send_msg(&msg).context("sendmsg")?;
    step(
        "client",
        "sendmsg(fd, &msghdr, 0)",
        "client.send_msg(&msg)",
        format_args!("{n} bytes from iov [\"head:\", \"body\"]: one datagram"),
    );

    let (mut head, mut body) = ([0u8; 4], [0u8; 64]);
    let mut iov = IoVecMut::<2>::new();
    iov.push(&mut head).context("iovec")?;
    iov.push(&mut body).context("iovec")?;
    let mut msg = RecvMsg::new(iov);
    let meta = server.recv_msg(&mut msg).context("recvmsg")?;
    let in_head = meta.len.min(head.len());
    let from = meta.addr.map_or("?".to_string(), |a| a.to_string());
    step(
        "server",
        "recvmsg(fd, &msghdr, 0)",
        "server.recv_msg(&mut msg)",
        format_args!(
            "{} bytes from {from}: {} in iov[0] (4 bytes), {} in iov[1]",
            meta.len,
            Text(&head[..in_head]),
            Text(&body[..meta.len - in_head])
        ),
    );
    Ok(())
}

/// Typed options: the option names its value type, and a backend that lacks one fails to
/// compile. These two are in the set every stack's fresh socket has
/// (`anysock::opt::SocketOptions`), so `S: Stack` is bound enough.
fn options<S: Stack>(stack: &S) -> Result<(), String> {
    let mut socket = stack.socket(Domain::Inet, Type::Stream).context("socket")?;
    step(
        "client",
        "socket(AF_INET, SOCK_STREAM, 0)",
        "stack.socket(Domain::Inet, Type::Stream)",
        format_args!("fd {:?}", socket.handle()),
    );
    socket.set(NoDelay, true).context("setsockopt")?;
    step(
        "client",
        "setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)",
        "socket.set(NoDelay, true)",
        "ok",
    );
    let on = socket.get(NoDelay).context("getsockopt")?;
    step(
        "client",
        "getsockopt(fd, IPPROTO_TCP, TCP_NODELAY)",
        "socket.get(NoDelay)",
        on,
    );
    socket.set(RecvBufferSize, 65_536).context("setsockopt")?;
    step(
        "client",
        "setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 65536)",
        "socket.set(RecvBufferSize, 65_536)",
        "ok",
    );
    let size = socket.get(RecvBufferSize).context("getsockopt")?;
    let note = if size == 2 * 65_536 {
        " (Linux doubles what was set, for its bookkeeping)"
    } else {
        ""
    };
    step(
        "client",
        "getsockopt(fd, SOL_SOCKET, SO_RCVBUF)",
        "socket.get(RecvBufferSize)",
        format_args!("{size}{note}"),
    );
    Ok(())
}

/// A non-blocking `accept` with nobody waiting fails with `WouldBlock` instead of waiting;
/// `poll` says when it is worth calling again.
fn nonblocking_accept<S: Stack>(stack: &S, at: &SocketAddr) -> Result<(), String> {
    let mut listener = stack.listen(at, 3).context("listen")?;
    let addr = listener.local_addr().context("getsockname")?;
    step(
        "server",
        "socket + bind + listen(fd, 3)",
        "stack.listen(&addr, 3)",
        format_args!("listening on {addr}"),
    );
    listener.set_nonblocking(true).context("set_nonblocking")?;
    step(
        "server",
        "fcntl(fd, F_SETFL, O_NONBLOCK)",
        "listener.set_nonblocking(true)",
        "ok",
    );
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => step(
            "server",
            "accept(fd, &addr, &len)",
            "listener.accept()",
            "Err(WouldBlock): nobody is waiting, and it did not wait",
        ),
        Err(e) => return Err(format!("accept: {e}")),
        Ok(_) => return Err("accept: a connection nobody made".to_string()),
    }
    let mut fds = [PollFd::new(listener.handle(), Interest::READABLE)];
    let n = stack.poll(&mut fds, Some(Duration::ZERO)).context("poll")?;
    step(
        "server",
        "poll([{fd, POLLIN}], 1, 0)",
        "stack.poll(&mut fds, Some(Duration::ZERO))",
        format_args!("{n} ready"),
    );
    let client = stack.connect(&addr).context("connect")?;
    step(
        "client",
        format_args!("socket + connect(fd, {addr})"),
        "stack.connect(&addr)",
        "connected",
    );
    let one_second = Duration::from_secs(1);
    let n = stack.poll(&mut fds, Some(one_second)).context("poll")?;
    step(
        "server",
        "poll([{fd, POLLIN}], 1, 1000)",
        "stack.poll(&mut fds, Some(one_second))",
        format_args!("{n} ready, readable: {}", fds[0].ready().is_readable()),
    );
    let (conn, peer) = listener.accept().context("accept")?;
    step(
        "server",
        "connfd = accept(fd, &addr, &len)",
        "listener.accept()",
        format_args!("fd {:?} from {peer}", conn.handle()),
    );
    drop((conn, client, listener));
    step(
        "both",
        "close(fd)",
        "drop((conn, client, listener))",
        "closed",
    );
    Ok(())
}

/// Failures come back as an `ErrorKind` to match on, with the raw `errno` kept.
fn errors<S: Stack>(stack: &S, nowhere: &SocketAddr) -> Result<(), String> {
    match stack.connect(nowhere) {
        Err(e) => step(
            "client",
            format_args!("connect(fd, {nowhere})"),
            "stack.connect(&addr)",
            format_args!("Err: ErrorKind::{:?}, {e}", e.kind()),
        ),
        Ok(_) => {
            return Err(format!(
                "connect to {nowhere}: nobody is there, yet it worked"
            ))
        }
    }
    let mut unix = stack.socket(Domain::Unix, Type::Stream).context("socket")?;
    let outcome = match unix.set(NoDelay, true) {
        Err(e) => format!("Err: ErrorKind::{:?}, {e}", e.kind()),
        Ok(()) => "ok".to_string(),
    };
    step(
        "client",
        "setsockopt(ufd, IPPROTO_TCP, TCP_NODELAY, 1)",
        "unix.set(NoDelay, true)",
        outcome,
    );
    Ok(())
}

/// `Ok` when a socket of `addr`'s domain can bind it: IPv6 may be off on a host.
fn has_loopback<S: Stack>(stack: &S, addr: &SocketAddr) -> anysock::Result<()> {
    stack.socket(addr.domain(), Type::Stream)?.bind(addr)
}

/// A directory of its own for the tour's socket files, removed with them when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> Result<Self, String> {
        let path = std::env::temp_dir().join(format!("anysock-tour-{}", std::process::id()));
        std::fs::create_dir(&path).context(format_args!("create {}", path.display()))?;
        Ok(TempDir { path })
    }

    /// The address of a socket file named `name` in the directory.
    fn addr(&self, name: &str) -> Result<SocketAddr, String> {
        let path = self.path.join(name);
        UnixAddr::pathname(path.as_os_str().as_bytes())
            .map(SocketAddr::Unix)
            .context(format_args!("socket path {}", path.display()))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: nothing is left to report it to, and the directory is in the temp dir.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn section(title: &str) {
    println!("\n{title}");
}

/// The width of the C column.
const C_WIDTH: usize = 44;

/// One call: who makes it, the C call of the lecture, the anysock call, and what came back.
fn step(who: &str, c_call: impl Display, rust_call: impl Display, outcome: impl Display) {
    // `format_args!` values ignore width, so pad their text.
    let (c_call, rust_call) = (c_call.to_string(), rust_call.to_string());
    if c_call.len() > C_WIDTH {
        // A long Unix path: the C call gets a line of its own, to keep the columns.
        println!("  {who:<6}  {c_call}");
        println!("  {:<6}  {:C_WIDTH$} {rust_call:<42} -> {outcome}", "", "");
    } else {
        println!("  {who:<6}  {c_call:<C_WIDTH$} {rust_call:<42} -> {outcome}");
    }
}

/// A peer's address; a Unix client that never bound has none to show.
fn name(peer: &SocketAddr) -> String {
    if peer.as_unix().is_some_and(UnixAddr::is_unnamed) {
        "an unnamed unix socket".to_string()
    } else {
        peer.to_string()
    }
}

/// Bytes shown as a quoted string, escaped where not printable.
struct Text<'a>(&'a [u8]);

impl Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}
