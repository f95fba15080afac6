//! Sockets passed in messages (`SCM_RIGHTS`): who holds a simulated socket, and when it closes.
//!
//! As on Linux, a passed socket is the same open socket on both sides: the sender's handle
//! keeps working and the receiver gets another one. Each socket counts its `owners` (objects
//! that close it when dropped) and the messages `inflight` that carry it; it closes when the
//! last owner is gone and no message carries it any more. A message carrying sockets is an
//! entry of a fixed table ([`MAX_IN_FLIGHT`](crate::base::cmsg::MAX_IN_FLIGHT)) until it is received or its receiver closes.
//!
//! A socket can also be kept alive only by messages queued at sockets nobody holds any more
//! (passed over itself, or in a cycle of such sockets). Linux finds those with its garbage
//! collector for Unix sockets; here [`State::reap`] marks every socket an owner can still
//! reach through queued messages and closes the rest, so nothing stays open unreachable.

use crate::base::cmsg::MAX_RIGHTS;
use crate::base::handle::Handle;
use crate::base::list::next;
use crate::base::queue::Tag;
use crate::kernel::state::State;
use crate::kernel::table::rights::{At, Entry, Landed};

impl<const S: usize, const B: usize, const Q: usize, const H: usize> State<S, B, Q, H> {
    /// Records that `handles` travel in the message that just `landed`: each gains a message
    /// in flight. The caller checked there is room and that each handle is open.
    pub(crate) fn attach_rights(&mut self, landed: Landed, handles: &[Handle]) {
        let n = handles.len().min(MAX_RIGHTS);
        let mut held = [Handle::NOTHING; MAX_RIGHTS];
        held[..n].copy_from_slice(&handles[..n]);
        // Ids only tell entries apart; 0 is skipped so a fresh table never matches one.
        self.rights.next_id = self.rights.next_id.wrapping_add(1).max(1);
        let id = self.rights.next_id;
        let (holder, at) = match landed {
            Landed::Record { holder, index } => {
                let Ok((s, bulk)) = self.sock_bulk_mut(holder) else {
                    return;
                };
                let Some(record) = s.dgrams.get_mut(&mut bulk.records, index) else {
                    return;
                };
                record.tag = Tag::Rights(id);
                (holder, At::Record)
            }
            Landed::Bytes { holder, pos, len } => (holder, At::Bytes { pos, len }),
        };
        let entry = Entry {
            id,
            holder,
            at,
            handles: held,
            n,
        };
        if !self.rights.insert(entry) {
            return;
        }
        for &h in &held[..n] {
            if let Ok(s) = self.sock_mut(h) {
                s.inflight = s.inflight.saturating_add(1);
            }
        }
    }

    /// The message `id` leaves its queue, received or thrown away: it leaves the table and its
    /// sockets leave flight (a receiver takes an owner's hold on those it delivers, before
    /// this; those nobody holds close with the next `reap`).
    pub(crate) fn land_rights(&mut self, id: u32) {
        if let Some(e) = self.rights.remove(id) {
            self.leave_flight(&e);
        }
    }

    fn leave_flight(&mut self, e: &Entry) {
        for &h in e.handles() {
            if let Ok(s) = self.sock_mut(h) {
                s.inflight = s.inflight.saturating_sub(1);
            }
        }
    }

    /// One more owner of `h`: a handle the receiver of a passed socket now holds.
    pub(crate) fn add_owner(&mut self, h: Handle) {
        if let Ok(s) = self.sock_mut(h) {
            s.owners = s.owners.saturating_add(1);
            self.own(h);
        }
    }

    /// An owner of `h` dropped its handle (`close(fd)`): the socket closes when that was the
    /// last handle and no message carries it; then whatever only it kept alive closes too.
    pub(crate) fn drop_owner(&mut self, h: Handle) {
        let Ok(s) = self.sock_mut(h) else { return };
        s.owners = s.owners.saturating_sub(1);
        if s.owners > 0 {
            return;
        }
        if s.inflight == 0 {
            self.close_as(h, false);
        } else {
            self.disown(h);
        }
        self.reap();
    }

    /// Releases the messages queued at sockets that closed, then closes every socket no owner
    /// can reach, one at a time (each close may release more), until none is left. Bounded:
    /// each round closes a socket or ends.
    pub(crate) fn reap(&mut self) {
        loop {
            if !self.rights.is_empty() {
                let slots = &self.slots;
                let gone = self.rights.remove_where(|e| slots.get(e.holder).is_none());
                for e in gone.iter().flatten() {
                    self.leave_flight(e);
                }
            }
            match self.unreachable() {
                Some(h) => self.close_as(h, false),
                None => return,
            }
        }
    }

    /// An open socket that no owner holds and no message queued at a held socket carries
    /// (the lowest slot, if several). Only sockets without an owner can be one, so only they
    /// and the messages in flight are looked at.
    fn unreachable(&mut self) -> Option<Handle> {
        if self.unowned.is_empty() {
            return None;
        }
        let mut at = self.unowned.front();
        while let Some(i) = at {
            at = next(&self.slots.links.unowned, i);
            if let Some(s) = self.slots.handle_at(i).and_then(|h| self.slots.get_mut(h)) {
                s.reached = false;
            }
        }
        // Marks spread through queued messages until nothing changes: at most once per
        // socket without an owner.
        loop {
            let mut changed = false;
            for e in self.rights.iter() {
                let holder = self.slots.get(e.holder);
                if !holder.is_some_and(|s| s.owners > 0 || s.reached) {
                    continue;
                }
                for &h in e.handles() {
                    if let Some(s) = self.slots.get_mut(h) {
                        if s.owners == 0 && !s.reached {
                            s.reached = true;
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        self.unowned()
            .filter(|&h| self.slots.get(h).is_some_and(|s| !s.reached))
            .min_by_key(|h| h.index)
    }
}
