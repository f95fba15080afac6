//! Readiness that scales: sockets registered once with a [`Selector`], then waited on as a
//! whole, with a cost per wait that follows the number of ready sockets, not the number
//! registered (`epoll(7)` on Linux).
//!
//! [`crate::Stack::poll`] hands the kernel the whole set on every call, which is right for a
//! few sockets. A server with thousands of mostly idle connections registers each one here
//! with a [`Token`] of its choosing, and [`Selector::wait`] returns only the tokens of the
//! sockets that are ready, into a buffer the caller provides (no heap).
//!
//! A backend offers selectors by implementing [`ScalableReadiness`], a trait of its own rather
//! than a method of [`crate::Stack`], so a backend without one still is a complete `Stack`.
//!
//! ```no_run
//! use anysock_core::selector::{Event, ScalableReadiness, Selector, Token, Trigger};
//! use anysock_core::{Endpoint, Interest, Listener, Pollable};
//!
//! fn serve<S: ScalableReadiness>(stack: &S) -> anysock_core::Result<()> {
//!     let mut listener = stack.listen(&"127.0.0.1:7000".parse()?, 128)?;
//!     listener.set_nonblocking(true)?;
//!     let mut selector = stack.selector()?;
//!     selector.register(listener.handle(), Token(0), Interest::READABLE, Trigger::Level)?;
//!     let mut events = [Event::EMPTY; 64];
//!     loop {
//!         let n = selector.wait(&mut events, None)?;
//!         for event in &events[..n] {
//!             if event.token() == Token(0) {
//!                 let (_conn, _peer) = listener.accept()?;
//!                 // register `_conn` with a token of its own ...
//!             }
//!         }
//!     }
//! }
//! ```

use core::fmt::Debug;
use core::time::Duration;

use crate::error::Result;
use crate::poll::{Interest, Readiness};
use crate::stack::Stack;

/// The caller's name for a registered socket, handed back with each of its [`Event`]s
/// (`epoll_event.data`). The selector never interprets it: an index into a table of
/// connections is the usual choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Token(pub u64);

/// When a registered socket is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Trigger {
    /// Level-triggered, the default, as `poll(2)`: every [`Selector::wait`] reports the socket
    /// while it is ready as asked (data unread, room to write, a connection to accept).
    #[default]
    Level,
    /// Edge-triggered, with `EPOLLET` semantics: the socket is reported once each time its
    /// readiness changes (new data arrives, buffer space frees up, a connection comes in, an
    /// error or hang-up happens), and not again until the next change, whether or not the
    /// caller consumed what was reported. A caller using it reads (or writes, or accepts)
    /// until the call fails with [`crate::ErrorKind::WouldBlock`], or it may never hear of
    /// that socket again; so register only non-blocking sockets this way.
    Edge,
}

/// One ready socket, as [`Selector::wait`] found it: its [`Token`] and its [`Readiness`]
/// (`struct epoll_event`).
///
/// Errors and hang-ups are reported whatever the interest ([`Readiness::is_error`],
/// [`Readiness::is_hangup`]), as by `poll(2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[doc(alias = "epoll_event")]
pub struct Event {
    token: Token,
    ready: Readiness,
}

impl Event {
    /// An entry with nothing in it, to fill an events buffer with: `[Event::EMPTY; 64]`.
    pub const EMPTY: Event = Event {
        token: Token(0),
        ready: Readiness::from_bits(0),
    };

    /// The event of `token` with `ready`; backends call this from their `wait`.
    pub const fn new(token: Token, ready: Readiness) -> Self {
        Event { token, ready }
    }

    /// The token the socket was registered with.
    pub const fn token(&self) -> Token {
        self.token
    }

    /// What was found.
    pub const fn ready(&self) -> Readiness {
        self.ready
    }
}

/// A set of registered sockets and the interest in each (`epoll_create1` + `epoll_ctl`), and
/// a wait for the ready ones (`epoll_wait`).
///
/// A socket is named by its handle ([`crate::Pollable::handle`]) and can be registered once
/// per selector. Closing a registered socket removes it from the set: a handle number reused
/// by a later socket is not reported under the old token. (On POSIX a socket with a second
/// descriptor from `try_clone` stays registered until the last one is closed, as in
/// `epoll(7)`; deregister it first.)
///
/// Dropping the selector releases it; the sockets stay open.
#[doc(alias = "epoll")]
pub trait Selector {
    /// The handle type of the backend's sockets.
    type Handle: Copy + Eq + Debug;

    /// `epoll_ctl(EPOLL_CTL_ADD)`: starts watching the socket with `handle` for `interest`,
    /// reported as `trigger` says, under `token`.
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] if the handle is already registered here,
    /// [`crate::ErrorKind::BadDescriptor`] if it names no open socket.
    #[doc(alias = "epoll_ctl")]
    fn register(
        &mut self,
        handle: Self::Handle,
        token: Token,
        interest: Interest,
        trigger: Trigger,
    ) -> Result<()>;

    /// `epoll_ctl(EPOLL_CTL_MOD)`: replaces the token, interest and trigger of a registered
    /// socket. With [`Trigger::Edge`] it also re-arms the socket: one that is ready now is
    /// reported by the next wait.
    ///
    /// Errors: [`crate::ErrorKind::NotFound`] if the handle is not registered here.
    fn modify(
        &mut self,
        handle: Self::Handle,
        token: Token,
        interest: Interest,
        trigger: Trigger,
    ) -> Result<()>;

    /// `epoll_ctl(EPOLL_CTL_DEL)`: stops watching the socket; nothing about it is reported
    /// after this returns, not even events that were already pending.
    ///
    /// Errors: [`crate::ErrorKind::NotFound`] if the handle is not registered here.
    fn deregister(&mut self, handle: Self::Handle) -> Result<()>;

    /// `epoll_wait(events, timeout)`: waits until at least one registered socket is ready as
    /// asked, or the timeout passes (`None` waits without limit; `Some(ZERO)` only looks).
    /// Fills the front of `events` and returns how many it filled (0 on timeout); one socket
    /// appears at most once per call.
    ///
    /// When more sockets are ready than fit, the rest are reported by the next calls (a
    /// backend may also fill fewer entries than fit; the POSIX one at most 256 per call). A
    /// signal does not end the wait early: it is restarted with what is left of the timeout.
    ///
    /// Errors: [`crate::ErrorKind::InvalidInput`] if `events` is empty. A backend that cannot
    /// wait for other parties (the single-threaded mock) fails with
    /// [`crate::ErrorKind::WouldBlock`] when nothing can ever become ready and there is no
    /// timeout.
    #[doc(alias = "epoll_wait")]
    fn wait(&mut self, events: &mut [Event], timeout: Option<Duration>) -> Result<usize>;
}

/// A [`Stack`] whose sockets can be registered with a [`Selector`]. A backend implements it
/// only where it has one (the POSIX backend: on Linux and Android, with `epoll`), so code
/// that needs a selector does not compile elsewhere, rather than failing at run time; code
/// that can do without bounds itself by [`Stack`] and waits with [`Stack::poll`].
pub trait ScalableReadiness: Stack {
    /// The backend's selector (the POSIX backend: an `epoll` instance).
    type Selector: Selector<Handle = Self::Handle>;

    /// `epoll_create1(EPOLL_CLOEXEC)`: a new, empty selector.
    ///
    /// Errors: [`crate::ErrorKind::TooManyOpenFiles`] and the like, when the system cannot
    /// make one now.
    #[doc(alias = "epoll_create1")]
    fn selector(&self) -> Result<Self::Selector>;
}
