//! Parked wakers: a fixed number of entries, each owned by one waiting future until it is woken
//! or gives up, so a future that is dropped takes its own entry back and nobody else's.

use core::task::Waker;

/// A waiter's claim on its entry: which entry, and which use of it (an entry's generation
/// moves on each time it is freed, so a claim on a woken entry is recognised as stale).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ticket {
    index: u8,
    generation: u32,
}

/// At most `N` (at most 256) parked wakers. Each waiting future holds the [`Ticket`] of its
/// own entry: parking again updates it in place, [`Wakers::unpark`] frees it, and waking
/// frees it too (the woken future parks anew if it still has to wait).
///
/// A freed entry keeps its waker: a future that parks again, as most do, finds its own
/// there and neither clones nor drops one (each would be an atomic count on most
/// executors' wakers). It goes when another waker takes the entry or the socket closes.
/// `repr(C)`, the count first: a socket's state looks at it on every change (see the
/// kernel's `Sock`).
#[derive(Debug)]
#[repr(C)]
pub(crate) struct Wakers<const N: usize> {
    parked: u16,
    /// Which entries a waiter owns now.
    busy: [bool; N],
    generations: [u32; N],
    entries: [Option<Waker>; N],
}

impl<const N: usize> Wakers<N> {
    pub(crate) const fn new() -> Self {
        Wakers {
            entries: [const { None }; N],
            generations: [0; N],
            busy: [false; N],
            parked: 0,
        }
    }

    /// How many waiters are parked.
    pub(crate) const fn len(&self) -> usize {
        self.parked as usize
    }

    /// Whether the entry `ticket` names is still that waiter's.
    #[inline]
    fn owns(&self, ticket: Ticket) -> bool {
        let i = usize::from(ticket.index);
        self.generations.get(i) == Some(&ticket.generation) && self.busy.get(i) == Some(&true)
    }

    /// Puts `waker` in entry `i`, unless the entry holds one that wakes the same task.
    #[inline]
    fn keep(&mut self, i: usize, waker: &Waker) {
        match self.entries.get_mut(i) {
            Some(Some(kept)) if kept.will_wake(waker) => {}
            Some(Some(kept)) => kept.clone_from(waker),
            Some(slot) => *slot = Some(waker.clone()),
            None => {}
        }
    }

    /// Parks `waker` for the waiter holding `ticket` (its entry, updated in place, when it is
    /// still parked; else a free one). `None` when all `N` entries belong to other waiters.
    #[inline]
    pub(crate) fn park(&mut self, waker: &Waker, ticket: Option<Ticket>) -> Option<Ticket> {
        if let Some(t) = ticket.filter(|&t| self.still_parked(waker, t)) {
            return Some(t);
        }
        let index = self.busy.iter().position(|&b| !b)?;
        let ticket = Ticket {
            index: u8::try_from(index).ok()?,
            generation: self.generations.get(index).copied().unwrap_or(0),
        };
        self.keep(index, waker);
        if let Some(b) = self.busy.get_mut(index) {
            *b = true;
        }
        self.parked = self.parked.saturating_add(1);
        Some(ticket)
    }

    /// Whether the waiter holding `ticket` is still parked (not woken since it parked): then
    /// its entry takes `waker`, should the waiter's task have moved.
    #[inline]
    pub(crate) fn still_parked(&mut self, waker: &Waker, ticket: Ticket) -> bool {
        if !self.owns(ticket) {
            return false;
        }
        self.keep(usize::from(ticket.index), waker);
        true
    }

    /// Frees the entry of `ticket` if its waiter is still parked there (a future given up
    /// before it was woken); a stale ticket changes nothing. `true` if it freed one.
    pub(crate) fn unpark(&mut self, ticket: Ticket) -> bool {
        self.owns(ticket) && self.free(usize::from(ticket.index))
    }

    /// Frees entry `i` if a waiter owns it; `true` if one did.
    #[inline]
    fn free(&mut self, i: usize) -> bool {
        match self.busy.get_mut(i) {
            Some(b) if *b => *b = false,
            _ => return false,
        }
        if let Some(g) = self.generations.get_mut(i) {
            *g = g.wrapping_add(1);
        }
        self.parked = self.parked.saturating_sub(1);
        true
    }

    /// Wakes the waiter of entry `i`, if one is parked there; `true` if one was. Its waker is
    /// not called when it wakes the same task as `counted`, whose owner counts the wakes
    /// itself.
    #[inline]
    pub(crate) fn wake(&mut self, i: usize, counted: Option<&Waker>) -> bool {
        if !self.free(i) {
            return false;
        }
        if let Some(Some(w)) = self.entries.get(i) {
            if !counted.is_some_and(|c| w.will_wake(c)) {
                w.wake_by_ref();
            }
        }
        true
    }

    /// Wakes every parked waiter (as [`Wakers::wake`]); returns how many there were.
    #[inline]
    pub(crate) fn wake_all(&mut self, counted: Option<&Waker>) -> u32 {
        let mut n = 0;
        for i in 0..N {
            if self.parked == 0 {
                break;
            }
            n += u32::from(self.wake(i, counted));
        }
        n
    }

    /// The indices of the entries in use, in order.
    pub(crate) fn parked(&self) -> impl Iterator<Item = usize> + '_ {
        self.busy
            .iter()
            .enumerate()
            .filter(|(_, &b)| b)
            .map(|(i, _)| i)
    }

    /// The entry a ticket names (valid or not), for a table that keeps more per entry.
    pub(crate) fn index(ticket: Ticket) -> usize {
        usize::from(ticket.index)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn counter() -> (Arc<Count>, Waker) {
        let c = Arc::new(Count(AtomicUsize::new(0)));
        (Arc::clone(&c), Waker::from(Arc::clone(&c)))
    }

    #[test]
    fn each_waiter_owns_its_entry_until_woken_or_gone() {
        let mut w = Wakers::<2>::new();
        let (a_count, a) = counter();
        let (b_count, b) = counter();
        let ta = w.park(&a, None).unwrap();
        assert_eq!(
            w.park(&a, Some(ta)),
            Some(ta),
            "parking again keeps the entry"
        );
        let tb = w.park(&b, None).unwrap();
        assert_eq!(w.park(&b, None), None, "full");
        w.unpark(tb);
        assert_eq!(w.len(), 1);
        assert_eq!(w.wake_all(None), 1);
        assert_eq!(a_count.0.load(Ordering::Relaxed), 1);
        assert_eq!(b_count.0.load(Ordering::Relaxed), 0);
        // A woken waiter's ticket is stale: unparking it frees nobody else's entry.
        let tb2 = w.park(&b, Some(ta)).unwrap();
        w.unpark(ta);
        assert_eq!(w.len(), 1);
        w.unpark(tb2);
        assert_eq!(w.len(), 0);
        assert_eq!(w.wake_all(None), 0);
    }

    #[test]
    fn a_woken_waiter_parking_again_reuses_its_waker() {
        let mut w = Wakers::<2>::new();
        let (count, a) = counter();
        let first = w.park(&a, None).unwrap();
        let held = Arc::strong_count(&count);
        assert_eq!(w.wake_all(None), 1);
        assert_eq!(count.0.load(Ordering::Relaxed), 1);
        let again = w.park(&a, None).unwrap();
        assert_ne!(first, again, "a new claim: the old ticket is stale");
        assert_eq!(
            Arc::strong_count(&count),
            held,
            "the kept waker, not a clone"
        );
        w.unpark(first);
        assert_eq!(w.len(), 1, "a stale ticket frees nothing");
        let (_, b) = counter();
        w.unpark(again);
        let other = w.park(&b, None).unwrap();
        assert_eq!(
            Arc::strong_count(&count),
            held - 1,
            "another task's waker replaced it"
        );
        w.unpark(other);
        assert_eq!(w.len(), 0);
    }
}
