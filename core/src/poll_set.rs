//! [`PollSet`]: the `struct pollfd` array a `poll(2)` loop keeps, as a fixed-capacity set with a
//! token per socket.

use core::fmt;
use core::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::poll::{Interest, PollFd, Readiness};
use crate::stack::Stack;

/// The array of `struct pollfd` a [`poll(2)`][poll(2)] loop keeps from one call to the next,
/// with a token of the caller's choosing beside each entry: up to `N` sockets (a const generic,
/// no heap), each inserted once under its token and removed by it.
///
/// [`PollSet::poll`] hands the entries to [`Stack::poll`] as one slice, as a C program hands its
/// array to the kernel; [`PollSet::next_ready`] then yields the token and readiness of each entry
/// that has something to report, in insertion order.
///
/// - A full set refuses an insert with [`ErrorKind::OutOfMemory`], a token already present with
///   [`ErrorKind::InvalidInput`], and an unknown token with [`ErrorKind::NotFound`] (the errors
///   `epoll_ctl` gives for a full watch table, a second `ADD` and a `DEL` of a stranger). Nothing
///   here panics.
/// - The set may change while its results are read: an entry removed after a `poll` is not
///   reported by [`PollSet::next_ready`], and one inserted after it waits for the next `poll`.
/// - The set only names sockets: it does not own them. Remove a socket's entry before closing
///   it, or its handle (the descriptor number, on POSIX) may come to name the next socket
///   opened (the POSIX backend reports a closed descriptor as [`Readiness::is_invalid`]).
///
/// Each entry costs a [`PollFd`] and a token. Finding a token (to insert, remove, or change an
/// interest) walks the set, as finding a descriptor in a `pollfd` array does, and `poll` hands
/// the kernel every entry; for thousands of sockets, see [`crate::selector`].
///
/// ```
/// use anysock_core::prelude::*;
/// use anysock_core::{Interest, PollSet};
/// use core::time::Duration;
///
/// # let net: anysock_mock::Net = anysock_mock::Net::new();
/// # let client_host = net.host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())?;
/// # let server_host = net.host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())?;
/// /// What each entry stands for: the caller's token.
/// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// enum Token {
///     Listener,
///     Client(usize),
/// }
///
/// let mut listener = server_host.listen(&"10.0.0.2:7".parse()?, 4)?;
/// listener.set_nonblocking(true)?;
/// let mut set = PollSet::<_, Token, 4>::new();
/// set.insert(Token::Listener, listener.handle(), Interest::READABLE)?;
///
/// let mut client = client_host.connect(&"10.0.0.2:7".parse()?)?;
/// client.write_all(b"ping")?;
///
/// // A connection to accept.
/// assert_eq!(set.poll(&server_host, Some(Duration::from_secs(1)))?, 1);
/// assert_eq!(set.next_ready().map(|(token, _)| token), Some(Token::Listener));
/// let (mut conn, _) = listener.accept()?;
/// set.insert(Token::Client(0), conn.handle(), Interest::READABLE)?;
///
/// // Its request: readable.
/// set.poll(&server_host, Some(Duration::from_secs(1)))?;
/// while let Some((token, ready)) = set.next_ready() {
///     if token == Token::Client(0) && ready.is_readable() {
///         let mut buf = [0u8; 4];
///         conn.read_exact(&mut buf)?;
///         conn.write_all(&buf)?;
///         set.remove(Token::Client(0))?; // before the close
///         drop(conn);
///         break;
///     }
/// }
/// assert_eq!(set.len(), 1);
/// assert!(set.remove(Token::Client(0)).is_err()); // gone already: NotFound
/// # Ok::<(), anysock_core::Error>(())
/// ```
///
/// [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
#[doc(alias = "pollfd")]
pub struct PollSet<H, T, const N: usize> {
    /// The entries, `[..len]` in use. Without a handle to fill it with, the table cannot exist
    /// before the first insert; after it, the entries past `len` are copies no call reads.
    table: Option<Table<H, T, N>>,
    len: usize,
    /// The next entry [`PollSet::next_ready`] looks at.
    next: usize,
}

struct Table<H, T, const N: usize> {
    fds: [PollFd<H>; N],
    tokens: [T; N],
}

impl<H: Copy, T: Copy + Eq, const N: usize> PollSet<H, T, N> {
    /// An empty set with room for `N` sockets.
    pub const fn new() -> Self {
        PollSet {
            table: None,
            len: 0,
            next: 0,
        }
    }

    /// How many sockets the set can hold: `N`.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// How many sockets the set holds.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the set holds no socket.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether an insert would fail for want of room.
    pub const fn is_full(&self) -> bool {
        self.len >= N
    }

    /// Adds the socket with `handle` (see [`crate::Pollable::handle`]) under `token`, waiting for
    /// `interest`. It is reported from the next [`PollSet::poll`] on.
    ///
    /// Errors: [`ErrorKind::OutOfMemory`] when the set is full; [`ErrorKind::InvalidInput`] when
    /// `token` is in the set already. The set is unchanged either way.
    pub fn insert(&mut self, token: T, handle: H, interest: Interest) -> Result<()> {
        if self.is_full() {
            return Err(Error::new(ErrorKind::OutOfMemory));
        }
        if self.contains(token) {
            return Err(Error::new(ErrorKind::InvalidInput));
        }
        let fd = PollFd::new(handle, interest);
        let table = self.table.get_or_insert(Table {
            fds: [fd; N],
            tokens: [token; N],
        });
        let (Some(slot), Some(name)) =
            (table.fds.get_mut(self.len), table.tokens.get_mut(self.len))
        else {
            return Err(Error::new(ErrorKind::OutOfMemory));
        };
        (*slot, *name) = (fd, token);
        self.len += 1;
        Ok(())
    }

    /// Removes the entry of `token`. The others keep their order, their interest and what the
    /// last `poll` found for them.
    ///
    /// Errors: [`ErrorKind::NotFound`] when `token` is not in the set.
    pub fn remove(&mut self, token: T) -> Result<()> {
        let i = self
            .position(token)
            .ok_or(Error::new(ErrorKind::NotFound))?;
        let Some(table) = &mut self.table else {
            return Err(Error::new(ErrorKind::NotFound));
        };
        table.fds.copy_within(i + 1..self.len, i);
        table.tokens.copy_within(i + 1..self.len, i);
        self.len -= 1;
        if i < self.next {
            self.next -= 1;
        }
        Ok(())
    }

    /// Whether `token` is in the set.
    pub fn contains(&self, token: T) -> bool {
        self.position(token).is_some()
    }

    /// The entry of `token`: its handle, interest, and what the last `poll` found.
    pub fn get(&self, token: T) -> Option<&PollFd<H>> {
        let i = self.position(token)?;
        self.table.as_ref()?.fds.get(i)
    }

    /// Changes what is waited for on the socket of `token`, from the next `poll` on.
    ///
    /// Errors: [`ErrorKind::NotFound`] when `token` is not in the set.
    pub fn set_interest(&mut self, token: T, interest: Interest) -> Result<()> {
        let i = self
            .position(token)
            .ok_or(Error::new(ErrorKind::NotFound))?;
        let fd = self.table.as_mut().and_then(|t| t.fds.get_mut(i));
        fd.ok_or(Error::new(ErrorKind::NotFound))?
            .set_interest(interest);
        Ok(())
    }

    /// Every entry with its token, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (T, &PollFd<H>)> + '_ {
        let (fds, tokens) = match &self.table {
            Some(t) => (t.fds.get(..self.len), t.tokens.get(..self.len)),
            None => (None, None),
        };
        let tokens = tokens.unwrap_or_default().iter().copied();
        tokens.zip(fds.unwrap_or_default())
    }

    /// Every entry with its token, in insertion order, to change interests in one pass
    /// ([`PollFd::set_interest`]) rather than looking each token up.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (T, &mut PollFd<H>)> + '_ {
        let (fds, tokens) = match &mut self.table {
            Some(t) => (t.fds.get_mut(..self.len), t.tokens.get(..self.len)),
            None => (None, None),
        };
        let tokens = tokens.unwrap_or_default().iter().copied();
        tokens.zip(fds.unwrap_or_default())
    }

    /// [`poll(fds, nfds, timeout)`][poll(2)] on the whole set through [`Stack::poll`]: waits
    /// until a socket is ready as asked or `timeout` passes (`None` waits without limit,
    /// `Some(ZERO)` only looks), and returns how many entries have something to report (0 on
    /// timeout). What was found is read with [`PollSet::next_ready`] or [`PollSet::ready`];
    /// it replaces what the previous call found.
    ///
    /// Errors: those of [`Stack::poll`].
    ///
    /// [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
    pub fn poll<S>(&mut self, stack: &S, timeout: Option<Duration>) -> Result<usize>
    where
        S: Stack<Handle = H>,
    {
        self.next = 0;
        let fds = match &mut self.table {
            Some(t) => t.fds.get_mut(..self.len).unwrap_or_default(),
            None => &mut [],
        };
        for fd in fds.iter_mut() {
            fd.set_ready(Readiness::default());
        }
        stack.poll(fds, timeout)
    }

    /// The next entry the last [`PollSet::poll`] found something for, with its token; `None`
    /// once every one was handed out. The set may be changed between calls (see the type's
    /// docs): no entry is handed out twice, none removed since is handed out at all.
    pub fn next_ready(&mut self) -> Option<(T, Readiness)> {
        let table = self.table.as_ref()?;
        while self.next < self.len {
            let i = self.next;
            self.next += 1;
            let (fd, token) = (table.fds.get(i)?, table.tokens.get(i)?);
            if !fd.ready().is_empty() {
                return Some((*token, fd.ready()));
            }
        }
        None
    }

    /// Every entry the last [`PollSet::poll`] found something for, with its token, in
    /// insertion order, whether or not [`PollSet::next_ready`] handed it out already.
    pub fn ready(&self) -> impl Iterator<Item = (T, Readiness)> + '_ {
        self.iter()
            .filter(|(_, fd)| !fd.ready().is_empty())
            .map(|(token, fd)| (token, fd.ready()))
    }

    fn position(&self, token: T) -> Option<usize> {
        let table = self.table.as_ref()?;
        table
            .tokens
            .get(..self.len)?
            .iter()
            .position(|&t| t == token)
    }
}

impl<H: Copy, T: Copy + Eq, const N: usize> Default for PollSet<H, T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<H, T, const N: usize> fmt::Debug for PollSet<H, T, N>
where
    H: Copy + fmt::Debug,
    T: Copy + Eq + fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    #[test]
    fn a_full_set_and_a_second_insert_of_a_token_are_errors_and_change_nothing() {
        let mut set = PollSet::<u32, char, 2>::new();
        assert_eq!(set.capacity(), 2);
        set.insert('a', 10, Interest::READABLE).unwrap();
        let twice = set.insert('a', 11, Interest::READABLE).unwrap_err();
        assert_eq!(twice.kind(), ErrorKind::InvalidInput);
        set.insert('b', 11, Interest::WRITABLE).unwrap();
        assert!(set.is_full());
        let full = set.insert('c', 12, Interest::READABLE).unwrap_err();
        assert_eq!(full.kind(), ErrorKind::OutOfMemory);
        let entries: Vec<_> = set.iter().map(|(t, fd)| (t, fd.handle())).collect();
        assert_eq!(entries, [('a', 10), ('b', 11)]);
    }

    #[test]
    fn a_set_of_no_capacity_refuses_every_insert() {
        let mut set = PollSet::<u32, char, 0>::new();
        let full = set.insert('a', 1, Interest::READABLE).unwrap_err();
        assert_eq!(full.kind(), ErrorKind::OutOfMemory);
        assert!(set.is_empty() && set.iter().next().is_none());
    }

    #[test]
    fn removing_keeps_the_others_in_order_and_an_unknown_token_is_not_found() {
        let mut set = PollSet::<u32, u8, 4>::new();
        for t in 0..4 {
            set.insert(t, u32::from(t) + 100, Interest::READABLE)
                .unwrap();
        }
        set.remove(1).unwrap();
        assert_eq!(set.remove(1).unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(set.remove(9).unwrap_err().kind(), ErrorKind::NotFound);
        let left: Vec<_> = set.iter().map(|(t, fd)| (t, fd.handle())).collect();
        assert_eq!(left, [(0, 100), (2, 102), (3, 103)]);
        // The freed slot takes the next socket.
        set.insert(7, 107, Interest::WRITABLE).unwrap();
        assert_eq!(set.get(7).map(PollFd::interest), Some(Interest::WRITABLE));
        set.set_interest(7, Interest::NONE).unwrap();
        assert_eq!(set.get(7).map(PollFd::interest), Some(Interest::NONE));
        let unknown = set.set_interest(9, Interest::NONE).unwrap_err();
        assert_eq!(unknown.kind(), ErrorKind::NotFound);
        for (_, fd) in set.iter_mut() {
            fd.set_interest(Interest::BOTH);
        }
        assert!(set.iter().all(|(_, fd)| fd.interest() == Interest::BOTH));
    }

    /// Marks the entries whose handle is in `ready` as a `poll` that found them readable would.
    fn found(set: &mut PollSet<u32, u8, 8>, ready: &[u32]) {
        set.next = 0;
        for (_, fd) in set.iter_mut() {
            let bits = if ready.contains(&fd.handle()) { 1 } else { 0 };
            fd.set_ready(Readiness::from_bits(bits));
        }
    }

    #[test]
    fn next_ready_hands_out_each_ready_entry_once_while_the_set_changes() {
        let mut set = PollSet::<u32, u8, 8>::new();
        for t in 0..5 {
            set.insert(t, u32::from(t), Interest::READABLE).unwrap();
        }
        found(&mut set, &[0, 2, 3, 4]);
        assert_eq!(
            set.ready().map(|(t, _)| t).collect::<Vec<_>>(),
            [0, 2, 3, 4]
        );
        assert_eq!(set.next_ready().map(|(t, _)| t), Some(0));
        assert_eq!(set.next_ready().map(|(t, _)| t), Some(2));
        // While 2 is served: 0 (handed out) and 3 (not yet) close, and a new socket comes.
        set.remove(0).unwrap();
        set.remove(3).unwrap();
        set.insert(9, 9, Interest::READABLE).unwrap();
        // 4 is still reported, once; 3 never; 9 waits for the next poll.
        assert_eq!(set.next_ready().map(|(t, _)| t), Some(4));
        assert_eq!(set.next_ready(), None);
        assert_eq!(set.next_ready(), None);
        assert_eq!(set.ready().map(|(t, _)| t).collect::<Vec<_>>(), [2, 4]);
    }
}
