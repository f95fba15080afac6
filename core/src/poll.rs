//! Readiness: what `poll` is asked to wait for, and what it found.

use core::ops::BitOr;

/// What to wait for (`events` of a `struct pollfd`; see [`poll(2)`][poll(2)]). The bits are
/// the traditional `poll(2)` values (`POLLIN` = 1, `POLLOUT` = 4), so a POSIX backend hands a
/// [`PollFd`] slice to the kernel as it is.
///
/// [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(transparent)]
#[doc(alias = "POLLIN")]
#[doc(alias = "POLLOUT")]
pub struct Interest(i16);

impl Interest {
    /// Data to read, end of stream, or a connection to accept (`POLLIN`).
    pub const READABLE: Interest = Interest(0x1);
    /// Room to write, or a non-blocking `connect` finished (`POLLOUT`).
    pub const WRITABLE: Interest = Interest(0x4);
    /// Both.
    pub const BOTH: Interest = Interest(0x5);
    /// Nothing: errors and hang-ups are still reported.
    pub const NONE: Interest = Interest(0);

    /// The `poll(2)` event bits.
    pub const fn bits(self) -> i16 {
        self.0
    }

    /// Whether every interest of `other` is included.
    pub const fn contains(self, other: Interest) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for Interest {
    type Output = Interest;
    fn bitor(self, rhs: Interest) -> Interest {
        Interest(self.0 | rhs.0)
    }
}

/// What [`poll`][poll(2)] found for one socket (`revents`).
///
/// [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(transparent)]
#[doc(alias = "revents")]
#[doc(alias = "POLLHUP")]
#[doc(alias = "POLLERR")]
pub struct Readiness(i16);

impl Readiness {
    const IN: i16 = 0x1;
    const OUT: i16 = 0x4;
    const ERR: i16 = 0x8;
    const HUP: i16 = 0x10;
    const NVAL: i16 = 0x20;

    /// Nothing to report.
    pub const NONE: Readiness = Readiness(0);
    /// Data to read, end of stream, or a connection to accept (`POLLIN`).
    pub const READABLE: Readiness = Readiness(Self::IN);
    /// Room to write, or a non-blocking `connect` finished (`POLLOUT`).
    pub const WRITABLE: Readiness = Readiness(Self::OUT);
    /// A pending error (`POLLERR`).
    pub const ERROR: Readiness = Readiness(Self::ERR);
    /// Closed in both directions (`POLLHUP`).
    pub const HANGUP: Readiness = Readiness(Self::HUP);
    /// Not an open socket (`POLLNVAL`).
    pub const INVALID: Readiness = Readiness(Self::NVAL);

    /// What `poll(2)` reports of this readiness to an entry that asked for `interest`: the
    /// readiness asked for, and errors, hang-ups and invalid handles whatever was asked (the
    /// kernel never lets a caller miss those). A backend that computes readiness itself
    /// reports it through this, so it filters as the kernel does.
    #[must_use]
    pub const fn reported_for(self, interest: Interest) -> Readiness {
        Readiness(self.0 & (interest.0 | Self::ERR | Self::HUP | Self::NVAL))
    }

    /// Every readiness of `self` and of `other`.
    #[must_use]
    pub const fn union(self, other: Readiness) -> Readiness {
        Readiness(self.0 | other.0)
    }

    /// Whether every readiness of `other` is in `self`.
    pub const fn contains(self, other: Readiness) -> bool {
        self.0 & other.0 == other.0
    }

    /// Readiness from `poll(2)` `revents` bits.
    pub const fn from_bits(bits: i16) -> Self {
        Readiness(bits)
    }

    /// The `poll(2)` `revents` bits.
    pub const fn bits(self) -> i16 {
        self.0
    }

    /// A read (or `accept`) will not block: data, end of stream, a pending connection, or an
    /// error to collect.
    pub const fn is_readable(self) -> bool {
        self.0 & (Self::IN | Self::HUP | Self::ERR) != 0
    }

    /// A write will not block, or a non-blocking `connect` has finished (either way).
    pub const fn is_writable(self) -> bool {
        self.0 & (Self::OUT | Self::ERR) != 0
    }

    /// The socket has a pending error (`POLLERR`); read it with the `SocketError` option.
    pub const fn is_error(self) -> bool {
        self.0 & Self::ERR != 0
    }

    /// The connection is closed in both directions (`POLLHUP`).
    pub const fn is_hangup(self) -> bool {
        self.0 & Self::HUP != 0
    }

    /// The handle is not an open socket (`POLLNVAL`).
    pub const fn is_invalid(self) -> bool {
        self.0 & Self::NVAL != 0
    }

    /// Whether anything at all was reported.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl BitOr for Readiness {
    type Output = Readiness;
    fn bitor(self, rhs: Readiness) -> Readiness {
        self.union(rhs)
    }
}

impl core::ops::BitOrAssign for Readiness {
    fn bitor_assign(&mut self, rhs: Readiness) {
        *self = self.union(rhs);
    }
}

/// One entry of a [`poll`][poll(2)] set (`struct pollfd`): a socket's handle, what to wait for,
/// and, after the call, what was found.
///
/// For the POSIX backend it has the layout of `struct pollfd` (`H` is the descriptor).
///
/// [poll(2)]: https://man7.org/linux/man-pages/man2/poll.2.html
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
#[doc(alias = "pollfd")]
pub struct PollFd<H> {
    handle: H,
    interest: Interest,
    ready: Readiness,
}

impl<H: Copy> PollFd<H> {
    /// Wait for `interest` on the socket with `handle` (see [`crate::Pollable::handle`]).
    pub const fn new(handle: H, interest: Interest) -> Self {
        PollFd {
            handle,
            interest,
            ready: Readiness(0),
        }
    }

    /// The socket's handle.
    pub const fn handle(&self) -> H {
        self.handle
    }

    /// What is waited for.
    pub const fn interest(&self) -> Interest {
        self.interest
    }

    /// Changes what is waited for next time.
    pub fn set_interest(&mut self, interest: Interest) {
        self.interest = interest;
    }

    /// What the last `poll` found.
    pub const fn ready(&self) -> Readiness {
        self.ready
    }

    /// Records what a backend found; backends call this from their `poll`.
    pub fn set_ready(&mut self, ready: Readiness) {
        self.ready = ready;
    }
}

/// A socket that can take part in [`crate::Stack::poll`]: it has a handle, a small copyable
/// name the backend recognises (the descriptor, for POSIX).
pub trait Pollable {
    /// The backend's handle type.
    type Handle: Copy + Eq + core::fmt::Debug;
    /// This socket's handle (the descriptor, for POSIX). It names the socket only while the
    /// socket is open.
    fn handle(&self) -> Self::Handle;
}
