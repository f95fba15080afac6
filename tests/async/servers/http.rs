//! A small HTTP/1.1 server: `GET` of a fixed set of pages, one request per connection
//! (`Connection: close`), each answer with its `Content-Length`.

use anysock::asynch::{Listener, Stack};

/// The longest request head it reads; a longer one is answered `431`.
const MAX_HEAD: usize = 8 * 1024;

/// Serves `pages` (path, body) to one connection after another, until accepting fails (then
/// that error), counting the requests it answered in `served`.
pub async fn serve<S: Stack>(
    listener: &mut S::Listener,
    pages: &[(&str, &[u8])],
    served: &core::cell::Cell<u32>,
) -> anysock::Result<()> {
    loop {
        let (mut conn, _) = listener.accept().await?;
        // A client that goes away mid-request is its own business, not the server's end.
        if answer(&mut conn, pages).await.is_ok() {
            served.set(served.get() + 1);
        }
    }
}

/// Reads one request head (however the bytes come) and writes the answer.
async fn answer<C: anysock::asynch::Stream>(
    conn: &mut C,
    pages: &[(&str, &[u8])],
) -> anysock::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 512];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return respond(conn, "431 Request Header Fields Too Large", b"").await;
        }
        match conn.read(&mut buf).await? {
            0 => return Ok(()), // gone before asking
            n => head.extend_from_slice(&buf[..n]),
        }
    }
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let mut words = line.split(|&b| b == b' ');
    let (method, path) = (words.next(), words.next());
    if method != Some(b"GET") {
        return respond(conn, "405 Method Not Allowed", b"").await;
    }
    match pages.iter().find(|(p, _)| Some(p.as_bytes()) == path) {
        Some((_, body)) => respond(conn, "200 OK", body).await,
        None => respond(conn, "404 Not Found", b"not found\n").await,
    }
}

async fn respond<C: anysock::asynch::Stream>(
    conn: &mut C,
    status: &str,
    body: &[u8],
) -> anysock::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await?;
    conn.write_all(body).await?;
    conn.flush().await
}
