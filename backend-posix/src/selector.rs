//! [`Selector`]: `epoll(7)` as an anysock [`selector::Selector`].

use core::time::Duration;

use anysock_core::selector::{self, Event, ScalableReadiness, Token, Trigger};
use anysock_core::{Interest, Result};

use crate::stack::Posix;
use crate::sys::epoll::Epoll;

/// An [`epoll`][epoll(7)] instance: the registered sockets of one event loop, with the interest,
/// trigger and token of each. Level-triggered unless a socket is registered with [`Trigger::Edge`]
/// (`EPOLLET`). The descriptor is close-on-exec and closed when the selector is dropped.
///
/// Linux and Android only: elsewhere neither this type nor `Posix`'s [`ScalableReadiness`]
/// exists, so code that needs a selector does not compile there (use
/// [`anysock_core::Stack::poll`]).
///
/// ```
/// use anysock_core::selector::{Event, ScalableReadiness, Selector, Token, Trigger};
/// use anysock_core::{Interest, Pollable, Socket, Stack, Type};
/// use anysock_core::embedded_io::Write;
/// use anysock_posix::Posix;
/// use core::time::Duration;
///
/// let (a, b) = Posix.socketpair(Type::Stream)?;
/// let (mut a, b) = (a.into_stream()?, b.into_stream()?);
/// let mut selector = Posix.selector()?;
/// selector.register(b.handle(), Token(7), Interest::READABLE, Trigger::Level)?;
/// a.write_all(b"ping")?;
/// let mut events = [Event::EMPTY; 8];
/// let n = selector.wait(&mut events, Some(Duration::from_secs(5)))?;
/// assert_eq!(n, 1);
/// assert_eq!(events[0].token(), Token(7));
/// assert!(events[0].ready().is_readable());
/// # Ok::<(), anysock_core::Error>(())
/// ```
///
/// [epoll(7)]: https://man7.org/linux/man-pages/man7/epoll.7.html
#[derive(Debug)]
#[doc(alias = "epoll")]
#[doc(alias = "epoll_wait")]
#[doc(alias = "epoll_ctl")]
pub struct Selector {
    epoll: Epoll,
}

impl selector::Selector for Selector {
    type Handle = i32;

    fn register(
        &mut self,
        fd: i32,
        token: Token,
        interest: Interest,
        trigger: Trigger,
    ) -> Result<()> {
        self.epoll.add(fd, token, interest, trigger)
    }

    fn modify(
        &mut self,
        fd: i32,
        token: Token,
        interest: Interest,
        trigger: Trigger,
    ) -> Result<()> {
        self.epoll.modify(fd, token, interest, trigger)
    }

    fn deregister(&mut self, fd: i32) -> Result<()> {
        self.epoll.delete(fd)
    }

    fn wait(&mut self, events: &mut [Event], timeout: Option<Duration>) -> Result<usize> {
        self.epoll.wait(events, timeout)
    }
}

impl ScalableReadiness for Posix {
    type Selector = Selector;

    fn selector(&self) -> Result<Selector> {
        Ok(Selector {
            epoll: Epoll::new()?,
        })
    }
}
