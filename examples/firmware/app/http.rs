//! `GET /status` over HTTP/1.1: one request per connection, answered, then closed.
//!
//! The request's head must fit [`REQUEST_MAX`] bytes; its body, if any, is ignored. Replies:
//! `200` with a JSON status for `GET /status` (and `GET /status?...`), `404` for other paths,
//! `405` for other methods, `400` for a request line that is not HTTP/1.x, `431` for a head
//! too long, `408` for a head not complete within [`HEAD_TIME`] (or the idle limit, when
//! shorter), `503` when every connection slot is taken. Every reply says `Connection: close`.

use core::fmt::Write as _;
use core::time::Duration;

use anysock_core::Instant;

use super::console::{sensor, State};
use super::text::{millis, Text};

/// Room for a request's head (request line and headers).
pub const REQUEST_MAX: usize = 1024;
/// Room for a response, head and body.
pub const RESPONSE_MAX: usize = 512;
/// How long a connection may take to send its request head: a client sends it at once, so
/// a connection still without one after a few seconds is holding the slot, not using it.
pub const HEAD_TIME: Duration = Duration::from_secs(5);

/// Where the head of a request ends, just after its blank line, if it has arrived.
pub fn head_end(input: &[u8]) -> Option<usize> {
    input
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| input.windows(2).position(|w| w == b"\n\n").map(|i| i + 2))
}

/// The response to a request whose head is `head`.
pub fn respond(head: &[u8], state: &State, now: Instant, out: &mut Text<RESPONSE_MAX>) {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(b"");
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut parts = line.split(|&b| b == b' ');
    let (method, target, version) = (parts.next(), parts.next(), parts.next());
    let well_formed = parts.next().is_none()
        && version.is_some_and(|v| v == b"HTTP/1.1" || v == b"HTTP/1.0")
        && target.is_some_and(|t| t.starts_with(b"/"));
    let path = target.map(|t| t.split(|&b| b == b'?').next().unwrap_or(t));
    match (well_formed, method, path) {
        (false, ..) => error(out, "400 Bad Request"),
        (true, Some(b"GET"), Some(b"/status")) => status(state, now, out),
        (true, Some(b"GET"), _) => error(out, "404 Not Found"),
        _ => error(out, "405 Method Not Allowed"),
    }
}

/// The reply to a request head longer than [`REQUEST_MAX`].
pub fn too_large(out: &mut Text<RESPONSE_MAX>) {
    error(out, "431 Request Header Fields Too Large");
}

/// The reply to a connection whose request head did not come in time.
pub fn timed_out(out: &mut Text<RESPONSE_MAX>) {
    error(out, "408 Request Timeout");
}

/// `200 OK` with the node's status as JSON.
fn status(state: &State, now: Instant, out: &mut Text<RESPONSE_MAX>) {
    let uptime = now - state.started;
    let s = state.stats;
    let reading = |name: &str| sensor(name.as_bytes(), uptime).unwrap_or_default();
    let mut body = Text::<256>::new();
    let written = writeln!(
        body,
        "{{\"uptime_ms\":{},\"interval_ms\":{},\"temperature\":{},\"humidity\":{},\
         \"clients\":{},\"commands\":{},\"telemetry\":{},\"rejected\":{},\"http\":{},\
         \"timeouts\":{}}}",
        millis(uptime),
        millis(state.interval),
        reading("temperature"),
        reading("humidity"),
        s.clients,
        s.commands,
        s.telemetry,
        s.rejected,
        s.http,
        s.timeouts,
    );
    if written.is_err() {
        return error(out, "500 Internal Server Error");
    }
    head(out, "200 OK", "application/json", body.as_bytes().len());
    if out.push(body.as_bytes()).is_err() {
        error(out, "500 Internal Server Error");
    }
}

/// An error status with its reason as a plain-text body.
fn error(out: &mut Text<RESPONSE_MAX>, status: &str) {
    let reason = status.split_once(' ').map_or(status, |(_, r)| r);
    head(out, status, "text/plain", reason.len() + 1);
    // The longest status and its head fit RESPONSE_MAX with room to spare.
    let _ = writeln!(out, "{reason}");
}

fn head(out: &mut Text<RESPONSE_MAX>, status: &str, kind: &str, len: usize) {
    out.clear();
    let _ = write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len}\r\n\
         Connection: close\r\nServer: anysock-firmware\r\n\r\n"
    );
}

/// The reply to a connection beyond the limit.
pub fn unavailable(out: &mut Text<RESPONSE_MAX>) {
    error(out, "503 Service Unavailable");
}
