//! [`Conn`]: one non-blocking stream with an input buffer and an output buffer of fixed size,
//! the way it is closed politely, and when it was last active.
//!
//! Closing: a reply that ends a connection (an error, `QUIT`, an HTTP response) is sent, then
//! the write side is shut down and what the peer still sends is read and dropped until it
//! closes too or [`LINGER`] passes. Closing at once with unread input would make the kernel
//! reset the connection, and a reset can destroy the reply before the peer reads it.
//!
//! A peer that closes its sending side (a half-close) still gets every reply: the connection
//! is over only once the peer has ended and all output is sent ([`Conn::is_done`]).
//!
//! Flow control: input is read only while the output has room for a reply (see
//! [`Conn::interest`]), so a peer that asks faster than it reads its replies is slowed down by
//! TCP itself, instead of making the node buffer more than it holds.
//!
//! Activity: a connection is active when it connects, when its peer completes a request (the
//! caller says so with [`Conn::touch`]: bytes that do not complete one do not count, so a
//! peer sending a byte now and then is idle all the same), and when its output moves (the peer
//! reads its replies). [`Conn::due`] says when it has been inactive too long.

use core::time::Duration;

use anysock_core::{ErrorKind, Instant, Interest, Pollable, Shutdown, Stream};

/// How long a closing connection may keep its slot while the peer reads the last reply.
pub const LINGER: Duration = Duration::from_secs(2);

/// The outcome of a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filled {
    /// Bytes were added to the input.
    Data,
    /// Nothing to read now.
    Empty,
    /// The input buffer is full: a line or request longer than the buffer.
    Full,
    /// The peer closed its sending side (end of stream); replies can still be sent.
    Ended,
    /// The connection failed (reset, or any other error): drop it.
    Gone,
}

/// Why a connection's time is up ([`Conn::due`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// It was closing and [`LINGER`] passed: the peer never closed its side.
    Linger,
    /// Its replies have not moved for the limit: the peer does not read them.
    Stalled,
    /// Its peer completed no request for the limit, and no reply waits.
    Idle,
}

/// A connection with `IN` bytes of input and `OUT` bytes of output buffer.
pub struct Conn<T, const IN: usize, const OUT: usize> {
    stream: T,
    input: [u8; IN],
    output: [u8; OUT],
    flow: Flow,
}

/// A connection's bookkeeping apart from its buffers. The code that reads and writes is
/// written over slices ([`fill`], [`send`], [`flush`]), so the firmware carries it once for
/// every buffer size.
struct Flow {
    /// Bytes of input read and not yet taken.
    used: usize,
    /// Bytes of output sent, of `queued`.
    sent: usize,
    queued: usize,
    /// Set once the connection is ending: the time after which it is dropped regardless.
    closing: Option<Instant>,
    shut: bool,
    /// The peer closed its sending side.
    ended: bool,
    /// When the connection was last active (see the module docs).
    active: Instant,
}

impl<T: Stream + Pollable, const IN: usize, const OUT: usize> Conn<T, IN, OUT> {
    /// Wraps a stream accepted at `now`, which the caller has made non-blocking.
    pub fn new(stream: T, now: Instant) -> Self {
        Conn {
            stream,
            input: [0; IN],
            output: [0; OUT],
            flow: Flow {
                used: 0,
                sent: 0,
                queued: 0,
                closing: None,
                shut: false,
                ended: false,
                active: now,
            },
        }
    }

    /// Gives the stream back, to close it another way; buffered bytes are dropped.
    pub fn into_stream(self) -> T {
        self.stream
    }

    /// The stream's handle, for `poll`.
    pub fn handle(&self) -> T::Handle {
        self.stream.handle()
    }

    /// What to poll for: writable while output waits; readable until the peer has ended, but
    /// (unless closing, when input is dropped) only while the output has room for `reply`
    /// more bytes. Not reading is how a peer that does not read its replies is held back; as
    /// output then waits, the writable interest wakes the node when the peer reads again, and
    /// `poll` reports a reset or hang-up whatever the interest.
    pub fn interest(&self, reply: usize) -> Interest {
        let f = &self.flow;
        let read = !f.ended && (f.closing.is_some() || self.room() >= reply);
        match (read, f.sent < f.queued) {
            (true, true) => Interest::BOTH,
            (true, false) => Interest::READABLE,
            (false, true) => Interest::WRITABLE,
            (false, false) => Interest::NONE,
        }
    }

    /// Free bytes of the output buffer.
    pub fn room(&self) -> usize {
        OUT - (self.flow.queued - self.flow.sent)
    }

    /// Whether the connection is over: closing, the peer has ended, and all output is sent.
    pub fn is_done(&self) -> bool {
        let f = &self.flow;
        f.closing.is_some() && f.ended && f.sent == f.queued
    }

    /// Whether the connection is ending.
    pub fn is_closing(&self) -> bool {
        self.flow.closing.is_some()
    }

    /// The peer completed a request at `now`: the connection is active.
    pub fn touch(&mut self, now: Instant) {
        self.flow.active = now;
    }

    /// When the connection's time is up: when closing, once [`LINGER`] has passed; otherwise
    /// after `limit` without activity.
    pub fn deadline(&self, limit: Duration) -> Instant {
        self.flow.closing.unwrap_or(self.flow.active + limit)
    }

    /// Whether, and why, the connection's time is up at `now` (see [`Conn::deadline`]).
    pub fn due(&self, now: Instant, limit: Duration) -> Option<Due> {
        if now < self.deadline(limit) {
            None
        } else if self.flow.closing.is_some() {
            Some(Due::Linger)
        } else if self.flow.sent < self.flow.queued {
            Some(Due::Stalled)
        } else {
            Some(Due::Idle)
        }
    }

    /// Reads once into the free part of the input buffer; while closing, reads and drops.
    /// After the end of the stream, reads nothing more and says [`Filled::Ended`] again.
    pub fn fill(&mut self) -> Filled {
        fill(&mut self.stream, &mut self.input, &mut self.flow)
    }

    /// What was read and not yet taken.
    pub fn input(&self) -> &[u8] {
        self.input.get(..self.flow.used).unwrap_or_default()
    }

    /// Drops the first `n` bytes of the input (a line that was handled).
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.flow.used);
        self.input.copy_within(n..self.flow.used, 0);
        self.flow.used -= n;
    }

    /// Queues `bytes` for sending and sends what the socket takes now. Returns false if the
    /// output buffer has no room (the caller checks [`Conn::room`] first) or the connection
    /// failed.
    #[must_use]
    pub fn send(&mut self, bytes: &[u8], now: Instant) -> bool {
        send(
            &mut self.stream,
            &mut self.output,
            &mut self.flow,
            bytes,
            now,
        )
    }

    /// Sends queued output until the socket would block; then, if closing and all is sent,
    /// shuts down the write side. Returns false if the connection failed.
    pub fn flush(&mut self, now: Instant) -> bool {
        flush(&mut self.stream, &self.output, &mut self.flow, now)
    }

    /// Starts closing (see the module docs): no more input is handled.
    pub fn close(&mut self, now: Instant) -> bool {
        if self.flow.closing.is_none() {
            self.flow.closing = Some(now + LINGER);
        }
        self.flow.used = 0;
        self.flush(now)
    }
}

/// [`Conn::fill`] over the input buffer `input`.
fn fill<T: Stream>(stream: &mut T, input: &mut [u8], flow: &mut Flow) -> Filled {
    if flow.ended {
        return Filled::Ended;
    }
    if flow.closing.is_some() {
        flow.used = 0;
    }
    let Some(room) = input.get_mut(flow.used..).filter(|r| !r.is_empty()) else {
        return Filled::Full;
    };
    match stream.read(room) {
        Ok(0) => {
            flow.ended = true;
            Filled::Ended
        }
        Ok(n) => {
            flow.used = flow.used.saturating_add(n).min(input.len());
            Filled::Data
        }
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
            Filled::Empty
        }
        Err(_) => Filled::Gone,
    }
}

/// [`Conn::send`] over the output buffer `output`.
fn send<T: Stream>(
    stream: &mut T,
    output: &mut [u8],
    flow: &mut Flow,
    bytes: &[u8],
    now: Instant,
) -> bool {
    if flow.sent == flow.queued {
        (flow.sent, flow.queued) = (0, 0);
    } else if flow.queued.saturating_add(bytes.len()) > output.len() {
        // Move what waits to the front, so the whole free room can be used.
        output.copy_within(flow.sent..flow.queued, 0);
        (flow.sent, flow.queued) = (0, flow.queued - flow.sent);
    }
    let end = flow.queued.saturating_add(bytes.len());
    let Some(room) = output.get_mut(flow.queued..end) else {
        return false;
    };
    room.copy_from_slice(bytes);
    flow.queued = end;
    flush(stream, output, flow, now)
}

/// [`Conn::flush`] over the output buffer `output`.
fn flush<T: Stream>(stream: &mut T, output: &[u8], flow: &mut Flow, now: Instant) -> bool {
    while let Some(waiting) = output.get(flow.sent..flow.queued).filter(|w| !w.is_empty()) {
        match stream.write(waiting) {
            Ok(0) => return false,
            Ok(n) => {
                flow.sent += n;
                flow.active = now;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
                return true
            }
            Err(_) => return false,
        }
    }
    if flow.closing.is_some() && !flow.shut {
        flow.shut = true;
        // The peer may be gone already; the slot is freed by the read side either way.
        let _ = stream.shutdown(Shutdown::Write);
    }
    true
}
