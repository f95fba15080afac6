//! [`Selector`]: registered interest in simulated sockets, waited on as a whole, with the
//! shape of `epoll(7)`: a token per socket, level or edge triggered, readiness computed from
//! the queues exactly as `poll` computes it, timeouts on the virtual clock.

use core::fmt;
use core::time::Duration;

use anysock_core::selector::{self, Event, ScalableReadiness, Token, Trigger};
use anysock_core::{Error, ErrorKind, Interest, Readiness, Result, Type};

use crate::base::handle::Handle;
use crate::base::table::Seq;
use crate::host::Host;
use crate::kernel::state::State;
use crate::kernel::table::wait::gave_up;
use crate::net::sharing::{Local, Sharing};
use crate::net::Net;
use crate::trace::plan::HostId;
use crate::trace::Tracer;

/// The sockets of one event loop on a simulated [`Host`], with the interest, trigger and
/// token of each (the mock's `epoll` instance), made by
/// [`Host::selector`](ScalableReadiness::selector).
///
/// - Readiness is what [`anysock_core::Stack::poll`] reports for the socket; errors and
///   hang-ups are reported whatever the interest.
/// - [`Trigger::Edge`] reports a socket once per change, as `EPOLLET` does: when a readiness
///   it is registered for appears, when more data (or another datagram, or another
///   connection) arrives, when the peer frees room by reading, or when the connection's
///   state changes (end of stream, reset, shutdown, an error). Between two waits, changes
///   add up to one report. Registering or [`modify`](selector::Selector::modify)ing re-arms
///   it: if ready, the next wait reports it.
/// - `wait` with nothing ready moves the virtual clock as `poll` does (to arriving bytes, a
///   `connect` timing out) until something is ready or the timeout ends; with no timeout and
///   nothing left that could happen it fails with [`ErrorKind::Deadlock`]
///   ([`anysock_core::Wait::Readiness`]; the crate's rule for waiting). On a shared network
///   it waits for other threads instead.
/// - When more sockets are ready than the events buffer holds, the next wait starts after
///   the last one reported, so every ready socket gets its turn.
/// - Capacity: without feature `alloc`, one entry per socket slot of the network (`S`), so
///   every socket can be registered and nothing is allocated; with it, the set grows as
///   sockets are registered (registering may allocate; waiting never does). A wait looks at
///   the registered sockets only. A socket that closes leaves the set; its slot's next socket
///   has another [`Handle`] and is not reported under the old token.
/// - Only the host's own sockets can be registered ([`ErrorKind::BadDescriptor`] for
///   another host's, as a descriptor of another process would be).
///
/// ```
/// use anysock_mock::Net;
/// use anysock_core::selector::{Event, ScalableReadiness, Selector, Token, Trigger};
/// use anysock_core::{Interest, Pollable, Socket, Stack, Type};
/// use anysock_core::embedded_io::Write;
/// use core::time::Duration;
///
/// let net: Net = Net::new();
/// let host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
/// let (a, b) = host.socketpair(Type::Stream)?;
/// let (mut a, b) = (a.into_stream()?, b.into_stream()?);
/// let mut selector = host.selector()?;
/// selector.register(b.handle(), Token(7), Interest::READABLE, Trigger::Edge)?;
/// a.write_all(b"ping")?;
/// let mut events = [Event::EMPTY; 8];
/// assert_eq!(selector.wait(&mut events, Some(Duration::from_secs(1)))?, 1);
/// assert_eq!(events[0].token(), Token(7));
/// // Reported once per change: the unread data alone is not reported again.
/// assert_eq!(selector.wait(&mut events, Some(Duration::from_secs(1)))?, 0);
/// # Ok::<(), anysock_core::Error>(())
/// ```
#[doc(alias = "epoll")]
pub struct Selector<
    'n,
    const S: usize = 32,
    const B: usize = 4096,
    const Q: usize = 8,
    T: Tracer = (),
    K: Sharing = Local,
    const H: usize = { crate::kernel::table::hosts::MAX_HOSTS },
> {
    net: &'n Net<S, B, Q, T, K, H>,
    host: usize,
    table: Table<S>,
}

/// The registrations, in slot order, found by binary search: a wait looks at the registered
/// sockets only, never at the whole socket table.
struct Table<const S: usize> {
    entries: Seq<Entry, S>,
    /// Where the next scan starts: the slot just after the last socket reported, so that a
    /// small events buffer still serves every ready socket in turn (as `epoll` moves a
    /// reported level-triggered socket to the end of its ready list).
    cursor: u32,
}

/// One registered socket.
#[derive(Clone, Copy, Debug)]
struct Entry {
    handle: Handle,
    token: Token,
    interest: Interest,
    trigger: Trigger,
    /// Edge-triggered: what the last wait saw, so that the next reports only a change.
    seen: Snapshot,
}

/// What an edge-triggered socket's readiness depends on, as counters that move on each
/// event, so "more data came" is seen even when the socket was readable all along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Snapshot {
    /// What `poll` reports.
    ready: Readiness,
    /// Data that has arrived, ever: stream bytes, datagram or seqpacket records, or (for a
    /// listener) the arrival number of its newest waiting connection.
    arrived: u64,
    /// What the peer has taken out of its queue, ever: room freed for this side's writes.
    freed: u64,
    /// The connection's state flags (end of stream, reset, shutdowns, a pending error).
    state: u8,
}

impl Snapshot {
    /// Before the first wait: anything ready counts as new.
    const NOTHING: Snapshot = Snapshot {
        ready: Readiness::NONE,
        arrived: 0,
        freed: 0,
        state: 0,
    };

    /// Whether `self`, found now with `ready` (the readiness asked for), is a change from
    /// `seen`.
    fn is_news(&self, seen: &Snapshot, ready: Readiness) -> bool {
        !seen.ready.contains(ready)
            || (ready.contains(Readiness::READABLE) && self.arrived != seen.arrived)
            || (ready.contains(Readiness::WRITABLE) && self.freed != seen.freed)
            || self.state != seen.state
    }
}

impl<const S: usize> Table<S> {
    /// Where `handle`'s slot is (or would be) in the list.
    fn position(&self, index: u32) -> usize {
        self.entries.partition_point(|e| e.handle.index < index)
    }

    /// The position of the entry of exactly `handle` (not of an earlier socket of its slot).
    fn find(&self, handle: Handle) -> Result<usize> {
        let at = self.position(handle.index);
        match self.entries.get(at) {
            Some(e) if e.handle == handle => Ok(at),
            _ => Err(Error::new(ErrorKind::NotFound)),
        }
    }

    /// Registers `entry`, replacing what a closed socket of its slot left.
    fn insert(&mut self, entry: Entry) -> Result<()> {
        let at = self.position(entry.handle.index);
        if let Some(e) = self.entries.get_mut(at) {
            if e.handle.index == entry.handle.index {
                *e = entry;
                return Ok(());
            }
        }
        self.entries
            .insert(at, entry)
            .map_err(|_| Error::new(ErrorKind::OutOfMemory))
    }

    /// Fills the front of `events` with the sockets to report now, starting at the cursor;
    /// returns how many. Closed sockets leave the table here.
    fn scan<const B: usize, const Q: usize, const H: usize>(
        &mut self,
        st: &State<S, B, Q, H>,
        events: &mut [Event],
    ) -> usize {
        // Closed sockets leave first.
        let mut i = 0;
        while let Some(e) = self.entries.get(i) {
            if st.sock(e.handle).is_err() {
                self.entries.remove(i);
            } else {
                i += 1;
            }
        }
        let len = self.entries.len();
        let start = self.position(self.cursor);
        let mut n = 0;
        for k in 0..len {
            let i = start.wrapping_add(k).checked_rem(len).unwrap_or(0);
            let Some(e) = self.entries.get_mut(i) else {
                break;
            };
            let all = st.readiness(e.handle);
            let ready = all.reported_for(e.interest);
            let (report, seen) = match e.trigger {
                Trigger::Level => (!ready.is_empty(), e.seen),
                Trigger::Edge => {
                    let now = st.snapshot(e.handle, all);
                    (!ready.is_empty() && now.is_news(&e.seen, ready), now)
                }
            };
            if report {
                let Some(out) = events.get_mut(n) else {
                    // No room: this one stays as it was and goes first next time.
                    self.cursor = e.handle.index;
                    return n;
                };
                *out = Event::new(e.token, ready);
                n += 1;
                self.cursor = e.handle.index.wrapping_add(1);
            }
            e.seen = seen;
        }
        n
    }
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// The counters an edge-triggered registration of `h` compares, with what `poll` reports.
    fn snapshot(&self, h: Handle, ready: Readiness) -> Snapshot {
        let Ok((s, bulk)) = self.sock_bulk(h) else {
            return Snapshot::NOTHING;
        };
        let now = self.clock.now();
        let arrived = if s.is_listening() {
            // Connections queue in arrival order, each numbered later than the last.
            s.accepts
                .back()
                .and_then(|i| self.slots.handle_at(i))
                .and_then(|c| self.sock(c).ok())
                .map_or(0, |c| c.seq)
        } else if s.ty == Type::Stream {
            s.rx_head().wrapping_add(s.readable(bulk, now) as u64)
        } else {
            let here = s.dgrams.iter(&bulk.records).filter(|r| r.at <= now).count();
            s.dgrams.popped().wrapping_add(here as u64)
        };
        let freed = s
            .peer
            .and_then(|p| self.sock(p).ok())
            .map_or(0, |p| p.rx_head().wrapping_add(p.dgrams.popped()));
        let st = s.stream;
        let flags = [
            st.fin,
            st.closed,
            st.peer_gone,
            st.rd_shut,
            st.wr_shut,
            st.peer_rd_shut,
            s.so_error.is_some(),
        ];
        let state = flags
            .iter()
            .enumerate()
            .fold(0u8, |acc, (i, &f)| acc | (u8::from(f) << i));
        Snapshot {
            ready,
            arrived,
            freed,
            state,
        }
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    Selector<'_, S, B, Q, T, K, H>
{
    /// Checks that `handle` names an open socket of this selector's host.
    fn check_open(&self, handle: Handle) -> Result<()> {
        let st = self.net.state();
        match st.sock(handle) {
            Ok(s) if s.host == self.host => Ok(()),
            _ => Err(Error::new(ErrorKind::BadDescriptor)),
        }
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    selector::Selector for Selector<'_, S, B, Q, T, K, H>
{
    type Handle = Handle;

    fn register(
        &mut self,
        handle: Handle,
        token: Token,
        interest: Interest,
        trigger: Trigger,
    ) -> Result<()> {
        self.check_open(handle)?;
        if self.table.find(handle).is_ok() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        // A registration left in the slot belongs to a socket that has closed since.
        self.table.insert(Entry {
            handle,
            token,
            interest,
            trigger,
            seen: Snapshot::NOTHING,
        })
    }

    fn modify(
        &mut self,
        handle: Handle,
        token: Token,
        interest: Interest,
        trigger: Trigger,
    ) -> Result<()> {
        self.check_open(handle)?;
        let at = self.table.find(handle)?;
        if let Some(e) = self.table.entries.get_mut(at) {
            *e = Entry {
                handle,
                token,
                interest,
                trigger,
                seen: Snapshot::NOTHING,
            };
        }
        Ok(())
    }

    fn deregister(&mut self, handle: Handle) -> Result<()> {
        self.check_open(handle)?;
        let at = self.table.find(handle)?;
        self.table.entries.remove(at);
        Ok(())
    }

    fn wait(&mut self, events: &mut [Event], timeout: Option<Duration>) -> Result<usize> {
        if events.is_empty() {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let table = &mut self.table;
        // As `poll`: a shared network waits for other threads; a wait with a timeout that
        // runs out returns 0 (even when the network's bound ends it first), one without fails.
        self.net.blocking(
            |st| st.wait_until(timeout, |st| table.scan(st, events)),
            |last, why| match timeout {
                Some(_) => last,
                None => gave_up(last, why),
            },
        )
    }
}

impl<'n, const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    ScalableReadiness for Host<'n, S, B, Q, T, K, H>
{
    type Selector = Selector<'n, S, B, Q, T, K, H>;

    /// A new, empty [`Selector`] for this host's sockets. Never fails.
    fn selector(&self) -> Result<Self::Selector> {
        Ok(Selector {
            net: self.net(),
            host: HostId::from(self).0,
            table: Table {
                entries: Seq::try_with_room(0).map_err(|_| Error::new(ErrorKind::OutOfMemory))?,
                cursor: 0,
            },
        })
    }
}

impl<const S: usize, const B: usize, const Q: usize, T: Tracer, K: Sharing, const H: usize>
    fmt::Debug for Selector<'_, S, B, Q, T, K, H>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let registered = self.table.entries.len();
        f.debug_struct("Selector")
            .field("host", &self.host)
            .field("registered", &registered)
            .finish()
    }
}
