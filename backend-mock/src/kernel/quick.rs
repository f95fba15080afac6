//! The common case of a stream write and read, recognised in one look at the two sockets:
//! a connection both ends still use both ways, no link cut anywhere and no fault plan on it
//! but a latency, no tracer, no ancillary data, and room for some of the write. Then the
//! general calls (`stream.rs`) would do exactly this, past many checks that all come out the
//! same way; here the bytes move at once (and, with a latency, are noted on their way, as the
//! general write notes them). Anything else answers "not the common case" and takes the
//! general path, having changed nothing.
//!
//! Each knows what it changed, so it wakes the futures that wait for that change itself
//! (bytes that arrive at once wake the peer's readers; bytes taken wake whoever waits for
//! room), where the general calls list the sockets they touch and compare them when the
//! call ends (`State::settle`).

use core::time::Duration;

use anysock_core::{MsgFlags, Type};

use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::table::faults::Faults;
use crate::kernel::table::sock::{Bulk, Phase, ResetAfter, Sock, Stream};

/// Whether socket `s` is a byte stream in the common case: connected, nothing shut, reset
/// or pending on it, no reset armed.
// (Always inlined: left to itself, the compiler made this a call from the read, 15
// instructions a sim_scale message more.)
#[inline(always)]
fn clean<const B: usize, const Q: usize>(s: &Sock<B, Q>) -> bool {
    s.phase == Phase::Connected
        && s.ty == Type::Stream
        && s.stream == Stream::CLEAN
        && s.so_error.is_none()
        && s.reset_after == ResetAfter::NEVER
}

/// What a stream read got, here in the common case or in `stream.rs`: bytes copied, for a
/// seqpacket record whether it was cut, and whether `recvmsg` names the sender.
pub(crate) struct Read {
    pub(crate) len: usize,
    pub(crate) truncated: bool,
    /// Whether `recvmsg` looks for the sender's name: a stream or seqpacket read that took
    /// bytes (only a Unix sender has one: see [`State::sender_name`] and
    /// [`State::stream_recv`]).
    pub(crate) named: bool,
}

impl Read {
    /// Nothing read: end of stream, or an empty buffer.
    pub(crate) const NOTHING: Read = Read {
        len: 0,
        truncated: false,
        named: false,
    };
}

/// What a read in the common case found.
pub(crate) enum Quick {
    /// Bytes read.
    Got(Read),
    /// Nothing to read yet, but bytes on their way and nothing else to report: a blocking
    /// call waits for them (see [`State::wait_next_event`]), within its timeout; a
    /// nonblocking one would block.
    OnItsWay {
        blocking: bool,
        timeout: Option<Duration>,
    },
    /// Nothing to read and nothing on its way on a non-blocking socket: the call would block,
    /// waiting for data on its own socket (within `timeout`, for `Wait`'s sake), as the
    /// general path would find.
    Empty { timeout: Option<Duration> },
    /// Not the common case: nothing done, the general path answers.
    No,
}

/// A stream's latency, `min..max`, when it has one.
#[derive(Clone, Copy)]
struct Latency {
    min: Duration,
    max: Duration,
}

impl Latency {
    /// The latency of the bytes `s` sends (or, `incoming`, receives) when nothing else can
    /// touch them (no cut link anywhere, no cap on a read or write): `Some(None)` when they
    /// take none, `None` when something else can touch them. Unix streams are never faulted.
    /// (The hosts are looked up only when some plan is set: they live in another cache line.)
    #[inline]
    fn only<const B: usize, const Q: usize, const H: usize>(
        faults: &Faults<H>,
        s: &Sock<B, Q>,
        incoming: bool,
    ) -> Option<Option<Self>> {
        if faults.quiet() {
            return Some(None);
        }
        if !faults.uncut() {
            return None;
        }
        if !s.is_tcp() {
            return Some(None);
        }
        let (from, to) = if incoming {
            (s.peer_host, s.host)
        } else {
            (s.host, s.peer_host)
        };
        let plan = faults.plan(from, to);
        let some = plan.latency_max > plan.latency_min || !plan.latency_min.is_zero();
        plan.max_chunk.is_none().then_some(some.then_some(Latency {
            min: plan.latency_min,
            max: plan.latency_max,
        }))
    }
}

/// Whether a write from `s` to its peer `p` is the common case (if there is room for it: see
/// [`State::write_quick`]): if so, whether its bytes take a latency, and how many bytes may
/// wait at the peer.
#[inline]
fn writes_quick<const B: usize, const Q: usize, const H: usize>(
    faults: &Faults<H>,
    s: &Sock<B, Q>,
    p: &Sock<B, Q>,
) -> Option<(bool, usize)> {
    if !clean(s) || (p.stream.rd_shut && p.stream.wr_shut) {
        return None;
    }
    let limit = p.rx_limit().min(s.tx_limit());
    Some((Latency::only(faults, s, false)?.is_some(), limit))
}

/// How many bytes a read on `s` in the common case finds at `now` (more than none), else
/// [`Quick::OnItsWay`], [`Quick::Empty`] or [`Quick::No`].
#[inline]
fn reads_quick<const B: usize, const Q: usize, const H: usize>(
    faults: &Faults<H>,
    s: &Sock<B, Q>,
    bulk: &Bulk<B, Q>,
    now: Duration,
) -> Result<usize, Quick> {
    // (`SO_PASSCRED` is set on Unix sockets only.)
    if !clean(s) || s.pass_cred {
        return Err(Quick::No);
    }
    if s.rx.is_empty() {
        // A clean connection with nothing queued: no end of stream, no error and nothing on
        // its way (bytes on their way sit in the queue). A blocking call may have to move
        // the clock, which is the general path's to do.
        return Err(if s.nonblocking {
            Quick::Empty {
                timeout: s.opts.recv_timeout,
            }
        } else {
            Quick::No
        });
    }
    // Reads are cut short by no plan (a latency only delays the bytes).
    if Latency::only(faults, s, true).is_none() {
        return Err(Quick::No);
    }
    let readable = if s.flights.is_empty() {
        s.rx.len()
    } else {
        s.readable(bulk, now)
    };
    if readable == 0 {
        return Err(Quick::OnItsWay {
            blocking: !s.nonblocking,
            timeout: s.opts.recv_timeout,
        });
    }
    Ok(readable)
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// `write(h, buf)` in the common case (see the module docs): what fits of `buf` in the
    /// peer's queue, when something does and the peer has not shut down both ways (new data
    /// would make it abort the connection). `None`: not the common case, nothing done.
    #[inline]
    pub(crate) fn write_quick(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        flags: MsgFlags,
    ) -> Option<usize> {
        let [buf] = bufs else { return None };
        if flags != MsgFlags::NONE || buf.is_empty() || self.outbox.on {
            return None;
        }
        let (s, p, bulk) = self.slots.with_peer_mut(h)?;
        let (delayed, limit) = writes_quick(&self.faults, s, p)?;
        let done = p.rx.push(Sock::bytes(&mut p.front, bulk), buf, limit);
        if done == 0 {
            // No room: the general path waits for it, or says the call would block.
            return None;
        }
        p.received = p.received.saturating_add(done as u64);
        let later = delayed || !p.flights.is_empty();
        let watched = self.parked != 0 && p.watched();
        if later || watched {
            self.after_write(h, delayed, later, watched, done);
        }
        Some(done)
    }

    /// What [`State::write_quick`] leaves to do off its path: its `done` bytes noted on their
    /// way when they arrive `later`, and the peer's readers woken when they arrived now and
    /// somebody is `watched`. (The peer is looked up again here, rather than carried through
    /// the common path.)
    #[inline(never)]
    fn after_write(&mut self, h: Handle, delayed: bool, later: bool, watched: bool, done: usize) {
        let Some(peer) = self.slots.get(h).and_then(|s| s.peer) else {
            return;
        };
        let now = !later || self.on_their_way(h, peer, delayed, done);
        if now && watched {
            // The peer's readers see the bytes. (The writer's own socket shows nothing new.)
            self.wake(peer);
        }
    }

    /// The `done` bytes [`State::write_quick`] just queued at `peer` arrive after the
    /// latency of `h`'s bytes (drawn now) when `delayed`, or after the bytes before them still
    /// on their way; `true` when that is now after all (a latency drawn as zero). (The latency
    /// is looked up again here, off the common path, rather than carried through it.)
    fn on_their_way(&mut self, h: Handle, peer: Handle, delayed: bool, done: usize) -> bool {
        let now = self.clock.now();
        let latency = match (delayed, self.slots.get(h)) {
            (true, Some(s)) => Latency::only(&self.faults, s, false).flatten(),
            _ => None,
        };
        let at = match latency {
            Some(l) => self.stream_delay(h, l.min, l.max),
            None => now,
        };
        let Some((p, bulk)) = self.slots.with_bulk_mut(peer) else {
            return false;
        };
        p.flights.add(&mut bulk.chunks, now, done, at);
        if at > now {
            // The peer's next event: these bytes, unless earlier ones arrive first (filed
            // already, as a stream's bytes arrive in order). Nothing filed: nothing else
            // comes to a connected stream by itself.
            let connected = p.phase == Phase::Connected;
            match self.timers.key(peer.index) {
                Some(next) if next <= at => {}
                None if connected => self.timers.set(peer.index, at),
                _ => self.rearm(peer),
            }
        }
        at <= now
    }

    /// `read(h, buf)` in the common case (see the module docs), with no control data to give
    /// (no sockets passed anywhere, no credentials asked for), so a control buffer, if any,
    /// stays empty: the bytes that have arrived, or [`Quick::OnItsWay`] when all of them are
    /// still on their way.
    #[inline]
    pub(crate) fn read_quick(&mut self, h: Handle, buf: &mut [u8], flags: MsgFlags) -> Quick {
        if flags != MsgFlags::NONE || buf.is_empty() || !self.rights.is_empty() {
            return Quick::No;
        }
        let now = self.clock.now();
        let Some((s, bulk)) = self.slots.with_bulk_mut(h) else {
            return Quick::No;
        };
        let readable = match reads_quick(&self.faults, s, bulk, now) {
            Ok(readable) => readable,
            Err(other) => return other,
        };
        let n = readable.min(buf.len());
        let Some(into) = buf.get_mut(..n) else {
            return Quick::No;
        };
        let len = s.rx.peek_at(s.bytes_ref(bulk), 0, into);
        s.rx.consume(len);
        if self.parked != 0 && s.watched() {
            // Room made: a peer's writer waiting for it (and any other reader) looks again.
            self.wake(h);
        }
        Quick::Got(Read {
            len,
            truncated: false,
            named: true,
        })
    }
}
