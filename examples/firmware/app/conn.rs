//! [`Conn`]: one non-blocking stream with an input buffer and an output buffer of fixed size,
//! and the way it is closed politely.
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

use core::time::Duration;

use anysock_core::{ErrorKind, Interest, Pollable, Shutdown, Stream};

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

/// A connection with `IN` bytes of input and `OUT` bytes of output buffer.
pub struct Conn<T, const IN: usize, const OUT: usize> {
    stream: T,
    input: [u8; IN],
    used: usize,
    output: [u8; OUT],
    sent: usize,
    queued: usize,
    /// Set once the connection is ending: the time after which it is dropped regardless.
    closing: Option<Duration>,
    shut: bool,
    /// The peer closed its sending side.
    ended: bool,
}

impl<T: Stream + Pollable, const IN: usize, const OUT: usize> Conn<T, IN, OUT> {
    /// Wraps an accepted stream, which the caller has made non-blocking.
    pub fn new(stream: T) -> Self {
        Conn {
            stream,
            input: [0; IN],
            used: 0,
            output: [0; OUT],
            sent: 0,
            queued: 0,
            closing: None,
            shut: false,
            ended: false,
        }
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
        let read = !self.ended && (self.closing.is_some() || self.room() >= reply);
        match (read, self.sent < self.queued) {
            (true, true) => Interest::BOTH,
            (true, false) => Interest::READABLE,
            (false, true) => Interest::WRITABLE,
            (false, false) => Interest::NONE,
        }
    }

    /// Free bytes of the output buffer.
    pub fn room(&self) -> usize {
        OUT - (self.queued - self.sent)
    }

    /// Whether the connection is over: closing, the peer has ended, and all output is sent.
    pub fn is_done(&self) -> bool {
        self.closing.is_some() && self.ended && self.sent == self.queued
    }

    /// Whether the connection is ending.
    pub fn is_closing(&self) -> bool {
        self.closing.is_some()
    }

    /// When a closing connection is dropped at the latest.
    pub fn deadline(&self) -> Option<Duration> {
        self.closing
    }

    /// Reads once into the free part of the input buffer; while closing, reads and drops.
    /// After the end of the stream, reads nothing more and says [`Filled::Ended`] again.
    pub fn fill(&mut self) -> Filled {
        if self.ended {
            return Filled::Ended;
        }
        if self.closing.is_some() {
            self.used = 0;
        }
        let Some(room) = self.input.get_mut(self.used..).filter(|r| !r.is_empty()) else {
            return Filled::Full;
        };
        match self.stream.read(room) {
            Ok(0) => {
                self.ended = true;
                Filled::Ended
            }
            Ok(n) => {
                self.used = self.used.saturating_add(n).min(IN);
                Filled::Data
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
                Filled::Empty
            }
            Err(_) => Filled::Gone,
        }
    }

    /// What was read and not yet taken.
    pub fn input(&self) -> &[u8] {
        &self.input[..self.used]
    }

    /// Drops the first `n` bytes of the input (a line that was handled).
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.used);
        self.input.copy_within(n..self.used, 0);
        self.used -= n;
    }

    /// Queues `bytes` for sending and sends what the socket takes now. Returns false if the
    /// output buffer has no room (the caller checks [`Conn::room`] first) or the connection
    /// failed.
    #[must_use]
    pub fn send(&mut self, bytes: &[u8]) -> bool {
        if self.sent == self.queued {
            (self.sent, self.queued) = (0, 0);
        } else if self.queued.saturating_add(bytes.len()) > OUT {
            // Move what waits to the front, so the whole free room can be used.
            self.output.copy_within(self.sent..self.queued, 0);
            (self.sent, self.queued) = (0, self.queued - self.sent);
        }
        let end = self.queued.saturating_add(bytes.len());
        let Some(room) = self.output.get_mut(self.queued..end) else {
            return false;
        };
        room.copy_from_slice(bytes);
        self.queued = end;
        self.flush()
    }

    /// Sends queued output until the socket would block; then, if closing and all is sent,
    /// shuts down the write side. Returns false if the connection failed.
    pub fn flush(&mut self) -> bool {
        while self.sent < self.queued {
            match self.stream.write(&self.output[self.sent..self.queued]) {
                Ok(0) => return false,
                Ok(n) => self.sent += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
                    return true
                }
                Err(_) => return false,
            }
        }
        if self.closing.is_some() && !self.shut {
            self.shut = true;
            // The peer may be gone already; the slot is freed by the read side either way.
            let _ = self.stream.shutdown(Shutdown::Write);
        }
        true
    }

    /// Starts closing (see the module docs): no more input is handled.
    pub fn close(&mut self, now: Duration) -> bool {
        if self.closing.is_none() {
            self.closing = Some(now.saturating_add(LINGER));
        }
        self.used = 0;
        self.flush()
    }
}
