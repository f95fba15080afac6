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
/// `repr(C)`, the count first: a socket's state looks at it on every change (see the
/// kernel's `Sock`).
#[derive(Debug)]
#[repr(C)]
pub(crate) struct Wakers<const N: usize> {
    parked: u16,
    generations: [u32; N],
    entries: [Option<Waker>; N],
}

impl<const N: usize> Wakers<N> {
    pub(crate) const fn new() -> Self {
        Wakers {
            entries: [const { None }; N],
            generations: [0; N],
            parked: 0,
        }
    }

    /// How many waiters are parked.
    pub(crate) const fn len(&self) -> usize {
        self.parked as usize
    }

    /// Whether the entry `ticket` names is still that waiter's.
    fn owns(&self, ticket: Ticket) -> bool {
        let i = usize::from(ticket.index);
        self.generations.get(i) == Some(&ticket.generation)
            && self.entries.get(i).is_some_and(Option::is_some)
    }

    /// Parks `waker` for the waiter holding `ticket` (its entry, updated in place, when it is
    /// still parked; else a free one). `None` when all `N` entries belong to other waiters.
    pub(crate) fn park(&mut self, waker: &Waker, ticket: Option<Ticket>) -> Option<Ticket> {
        if let Some(t) = ticket.filter(|&t| self.owns(t)) {
            if let Some(Some(parked)) = self.entries.get_mut(usize::from(t.index)) {
                if !parked.will_wake(waker) {
                    parked.clone_from(waker);
                }
            }
            return Some(t);
        }
        let index = self.entries.iter().position(Option::is_none)?;
        let slot = self.entries.get_mut(index)?;
        *slot = Some(waker.clone());
        self.parked = self.parked.saturating_add(1);
        Some(Ticket {
            index: u8::try_from(index).ok()?,
            generation: self.generations.get(index).copied().unwrap_or(0),
        })
    }

    /// Whether the waiter holding `ticket` is still parked (not woken since it parked): then
    /// its entry takes `waker`, should the waiter's task have moved.
    pub(crate) fn still_parked(&mut self, waker: &Waker, ticket: Ticket) -> bool {
        if !self.owns(ticket) {
            return false;
        }
        if let Some(Some(parked)) = self.entries.get_mut(usize::from(ticket.index)) {
            if !parked.will_wake(waker) {
                parked.clone_from(waker);
            }
        }
        true
    }

    /// Frees the entry of `ticket` if its waiter is still parked there (a future given up
    /// before it was woken); a stale ticket changes nothing.
    pub(crate) fn unpark(&mut self, ticket: Ticket) {
        if self.owns(ticket) {
            self.take(usize::from(ticket.index));
        }
    }

    /// Frees entry `i` and hands back its waker.
    fn take(&mut self, i: usize) -> Option<Waker> {
        let waker = self.entries.get_mut(i)?.take()?;
        if let Some(g) = self.generations.get_mut(i) {
            *g = g.wrapping_add(1);
        }
        self.parked = self.parked.saturating_sub(1);
        Some(waker)
    }

    /// Wakes the waiter of entry `i`, if one is parked there; `true` if one was.
    pub(crate) fn wake(&mut self, i: usize) -> bool {
        match self.take(i) {
            Some(w) => {
                w.wake();
                true
            }
            None => false,
        }
    }

    /// Wakes every parked waiter; returns how many there were.
    pub(crate) fn wake_all(&mut self) -> u32 {
        if self.parked == 0 {
            return 0;
        }
        let mut n = 0;
        for i in 0..N {
            if self.parked == 0 {
                break;
            }
            n += u32::from(self.wake(i));
        }
        n
    }

    /// The indices of the entries in use, in order.
    pub(crate) fn parked(&self) -> impl Iterator<Item = usize> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_some())
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
        assert_eq!(w.wake_all(), 1);
        assert_eq!(a_count.0.load(Ordering::Relaxed), 1);
        assert_eq!(b_count.0.load(Ordering::Relaxed), 0);
        // A woken waiter's ticket is stale: unparking it frees nobody else's entry.
        let tb2 = w.park(&b, Some(ta)).unwrap();
        w.unpark(ta);
        assert_eq!(w.len(), 1);
        w.unpark(tb2);
        assert_eq!(w.len(), 0);
        assert_eq!(w.wake_all(), 0);
    }
}
