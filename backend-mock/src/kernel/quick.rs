//! The common case of a stream write and read, recognised in one look at the two sockets:
//! a connection both ends still use both ways, no fault plan or cut link anywhere, no tracer,
//! nothing in flight, no ancillary data, and room for the whole write. Then the general calls
//! (`stream.rs`) would do exactly this, past many checks that all come out the same way; here
//! the bytes move at once. Anything else answers `None` and takes the general path, having
//! changed nothing.

use anysock_core::{Domain, MsgFlags, Type};

use crate::base::handle::Handle;
use crate::kernel::state::State;
use crate::kernel::stream::Read;
use crate::kernel::table::rights::Landed;
use crate::kernel::table::sock::{Phase, Sock, Stream};

/// Whether socket `s` is a byte stream in the common case: connected, nothing shut, reset
/// or pending on it, no reset armed.
fn clean<const B: usize, const Q: usize>(s: &Sock<B, Q>) -> bool {
    s.phase == Phase::Connected
        && s.ty == Type::Stream
        && s.stream == Stream::CLEAN
        && s.so_error.is_none()
        && s.reset_after.is_none()
}

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// `write(h, buf)` in the common case (see the module docs): all of `buf` fits in the
    /// peer's queue, and the peer has not shut down both ways (new data would make it abort
    /// the connection). `None`: not the common case, nothing done.
    pub(crate) fn write_quick(
        &mut self,
        h: Handle,
        bufs: &[&[u8]],
        flags: MsgFlags,
    ) -> Option<usize> {
        let [buf] = bufs else { return None };
        if flags != MsgFlags::NONE || buf.is_empty() || self.outbox.on || !self.faults.quiet() {
            return None;
        }
        let s = self.slots.get(h).filter(|s| clean(s))?;
        let (peer, tx_limit) = (s.peer?, s.tx_limit());
        let p = self.slots.get(peer)?;
        let limit = p.rx_limit().min(tx_limit);
        let aborts = p.stream.rd_shut && p.stream.wr_shut;
        if aborts || !p.flights.is_empty() || p.rx.room(limit) < buf.len() {
            return None;
        }
        // Both ends change, as the general path's would: their waiters see it.
        self.touch(h);
        self.touch(peer);
        let (p, bulk) = self.slots.with_bulk_mut(peer)?;
        // Where these bytes start in the peer's stream, for descriptors passed with them.
        let pos = p.rx_head.saturating_add(p.rx.len() as u64);
        let done = p.rx.push(Sock::bytes(&mut p.front, bulk), buf, limit);
        let s = self.slots.get_mut(h)?;
        s.sent = s.sent.saturating_add(done as u64);
        self.landed = Some(Landed::Bytes {
            holder: peer,
            pos,
            len: done,
        });
        Some(done)
    }

    /// `read(h, buf)` in the common case (see the module docs), with bytes to read and no
    /// control data to give (no sockets passed anywhere, no credentials asked for), so a
    /// control buffer, if any, stays empty. `None`: not the common case, nothing done.
    pub(crate) fn read_quick(
        &mut self,
        h: Handle,
        buf: &mut [u8],
        flags: MsgFlags,
    ) -> Option<Read> {
        if flags != MsgFlags::NONE
            || buf.is_empty()
            || !self.faults.quiet()
            || !self.rights.is_empty()
        {
            return None;
        }
        let s = self.slots.get(h)?;
        let unix = s.domain == Domain::Unix;
        if !clean(s) || (unix && s.opts.pass_cred) || !s.flights.is_empty() || s.rx.is_empty() {
            return None;
        }
        self.touch(h);
        let (s, bulk) = self.slots.with_bulk_mut(h)?;
        let n = s.rx.len().min(buf.len());
        let len = s.rx.peek_at(s.bytes_ref(bulk), 0, buf.get_mut(..n)?);
        s.rx.consume(len);
        s.rx_head = s.rx_head.saturating_add(len as u64);
        Some(Read {
            len,
            truncated: false,
            from: if unix { self.sender_name(h) } else { None },
        })
    }
}
