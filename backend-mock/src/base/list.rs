//! Intrusive lists over a table: the items are numbered (a socket's slot, a host), each list
//! is a head ([`List`]) and each item has one [`Link`] per kind of list, in a table of links
//! beside the items. Joining, leaving and taking the front are O(1) and need no memory, so the
//! kernel keeps "the sockets of this host", "the connections waiting for this listener" and
//! the like without ever scanning every socket.

/// No item.
const NIL: u32 = u32::MAX;
/// In no list.
const OFF: u32 = u32::MAX - 1;

/// An item's place in one list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    prev: u32,
    next: u32,
}

impl Link {
    /// In no list.
    pub(crate) const OFF: Link = Link {
        prev: NIL,
        next: OFF,
    };

    pub(crate) fn is_linked(&self) -> bool {
        self.next != OFF
    }
}

/// A list: its first and last item, and how many there are, in the order they joined (or
/// were put in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct List {
    head: u32,
    tail: u32,
    len: u32,
}

impl List {
    pub(crate) const EMPTY: List = List {
        head: NIL,
        tail: NIL,
        len: 0,
    };

    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn front(&self) -> Option<u32> {
        (self.head != NIL).then_some(self.head)
    }

    pub(crate) fn back(&self) -> Option<u32> {
        (self.tail != NIL).then_some(self.tail)
    }

    /// Appends item `i`, which must be in no list of this kind (else nothing happens).
    pub(crate) fn push_back(&mut self, links: &mut [Link], i: u32) {
        self.insert_before(links, None, i);
    }

    /// Puts item `i` before item `at` (`None`: at the end); `i` must be in no list of this
    /// kind and `at` in this one (else nothing happens).
    pub(crate) fn insert_before(&mut self, links: &mut [Link], at: Option<u32>, i: u32) {
        if links.get(i as usize).is_none_or(Link::is_linked) {
            return;
        }
        let prev = match at {
            Some(at) => match links.get(at as usize) {
                Some(l) if l.is_linked() => l.prev,
                _ => return,
            },
            None => self.tail,
        };
        let next = at.unwrap_or(NIL);
        if let Some(l) = links.get_mut(i as usize) {
            *l = Link { prev, next };
        }
        match links.get_mut(prev as usize) {
            Some(p) => p.next = i,
            None => self.head = i,
        }
        match links.get_mut(next as usize) {
            Some(n) => n.prev = i,
            None => self.tail = i,
        }
        self.len += 1;
    }

    /// Takes item `i` out of this list; `false` when it was in none.
    pub(crate) fn remove(&mut self, links: &mut [Link], i: u32) -> bool {
        let Some(&Link { prev, next }) = links.get(i as usize).filter(|l| l.is_linked()) else {
            return false;
        };
        match links.get_mut(prev as usize) {
            Some(p) => p.next = next,
            None => self.head = next,
        }
        match links.get_mut(next as usize) {
            Some(n) => n.prev = prev,
            None => self.tail = prev,
        }
        if let Some(l) = links.get_mut(i as usize) {
            *l = Link::OFF;
        }
        self.len = self.len.saturating_sub(1);
        true
    }

    /// Takes out and returns the first item.
    pub(crate) fn pop_front(&mut self, links: &mut [Link]) -> Option<u32> {
        let i = self.front()?;
        self.remove(links, i);
        Some(i)
    }

    /// The items, first to last.
    pub(crate) fn iter<'a>(&self, links: &'a [Link]) -> Iter<'a> {
        Iter {
            links,
            at: self.head,
            left: self.len,
        }
    }
}

/// The items of a [`List`], first to last.
#[derive(Debug)]
pub(crate) struct Iter<'a> {
    links: &'a [Link],
    at: u32,
    /// Bounds the walk even if the links were broken.
    left: u32,
}

impl Iterator for Iter<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.at == NIL || self.left == 0 {
            return None;
        }
        let i = self.at;
        self.at = self.links.get(i as usize).map_or(NIL, |l| l.next);
        self.left -= 1;
        Some(i)
    }
}

/// The item before `i` in its list.
pub(crate) fn prev(links: &[Link], i: u32) -> Option<u32> {
    links
        .get(i as usize)
        .filter(|l| l.is_linked() && l.prev != NIL)
        .map(|l| l.prev)
}

/// The item after `i` in its list.
pub(crate) fn next(links: &[Link], i: u32) -> Option<u32> {
    links
        .get(i as usize)
        .filter(|l| l.is_linked() && l.next != NIL)
        .map(|l| l.next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(list: &List, links: &[Link]) -> [u32; 4] {
        let mut out = [NIL; 4];
        for (o, i) in out.iter_mut().zip(list.iter(links)) {
            *o = i;
        }
        out
    }

    #[test]
    fn joins_leaves_and_keeps_order() {
        let mut links = [Link::OFF; 4];
        let mut l = List::EMPTY;
        l.push_back(&mut links, 2);
        l.push_back(&mut links, 0);
        l.push_back(&mut links, 0); // already in: nothing
        l.insert_before(&mut links, Some(0), 3);
        assert_eq!(items(&l, &links), [2, 3, 0, NIL]);
        assert_eq!(l.len(), 3);
        assert!(l.remove(&mut links, 3));
        assert!(!l.remove(&mut links, 3));
        assert_eq!(next(&links, 2), Some(0));
        assert_eq!(l.pop_front(&mut links), Some(2));
        assert_eq!(l.pop_front(&mut links), Some(0));
        assert_eq!(l.pop_front(&mut links), None);
        assert!(l.is_empty() && l.back().is_none());
        assert!(!links[0].is_linked());
    }
}
