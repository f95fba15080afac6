//! `epoll(7)` on Linux and Android: one descriptor holding the registered interest, and a wait
//! that returns only the ready sockets.
//!
//! Other systems have no `epoll`, and `kqueue` is not wrapped yet: there this module, and the
//! backend's `Selector` and `ScalableReadiness` with it, do not exist, so code that needs a
//! selector does not compile rather than failing at run time. A `poll(2)` fallback was not
//! chosen: it would bring back the cost per registered socket this API exists to avoid, and it
//! cannot honour edge triggering.

use anysock_core::selector::{Event, Token, Trigger};
use anysock_core::Interest;

pub(crate) use linux::Epoll;

/// Events asked of the kernel per `wait`, on the stack: at most this many are reported by one
/// call. One call per wait, because a second `epoll_wait` in the same wait could report a
/// level-triggered socket twice.
const BATCH: usize = 256;

mod linux {
    use core::time::Duration;

    use libc::{c_int, epoll_event};

    use super::{Event, Interest, Token, Trigger, BATCH};
    use crate::sys::poll::{millis, now};
    use crate::sys::{errno, retry, Fd};
    use anysock_core::{Error, ErrorKind, Readiness, Result};

    /// An `epoll` instance, closed when dropped.
    #[derive(Debug)]
    pub(crate) struct Epoll(Fd);

    /// The `epoll_ctl` events for an interest and a trigger. `EPOLLERR` and `EPOLLHUP` need
    /// not be asked for: the kernel always reports them.
    fn events(interest: Interest, trigger: Trigger) -> u32 {
        let mut bits = 0;
        if interest.contains(Interest::READABLE) {
            bits |= libc::EPOLLIN as u32;
        }
        if interest.contains(Interest::WRITABLE) {
            bits |= libc::EPOLLOUT as u32;
        }
        if trigger == Trigger::Edge {
            bits |= libc::EPOLLET as u32;
        }
        bits
    }

    /// The kernel's `epoll` bits as core's [`Readiness`], named one by one rather than
    /// assumed equal to the `poll(2)` ones.
    fn readiness(bits: u32) -> Readiness {
        const TABLE: [(c_int, Readiness); 4] = [
            (libc::EPOLLIN, Readiness::READABLE),
            (libc::EPOLLOUT, Readiness::WRITABLE),
            (libc::EPOLLERR, Readiness::ERROR),
            (libc::EPOLLHUP, Readiness::HANGUP),
        ];
        let mut out = Readiness::NONE;
        for (epoll, ready) in TABLE {
            if bits & epoll as u32 != 0 {
                out |= ready;
            }
        }
        out
    }

    /// `EEXIST` has no kind of its own: registering twice is a mistake in the input.
    fn ctl_error(e: Error) -> Error {
        match e.raw_os_error() {
            Some(code @ libc::EEXIST) => Error::from_os(ErrorKind::InvalidInput, code),
            _ => e,
        }
    }

    impl Epoll {
        /// `epoll_create1(EPOLL_CLOEXEC)`.
        pub(crate) fn new() -> Result<Epoll> {
            // SAFETY: `epoll_create1` reads no memory.
            let fd = retry(|| unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
            // SAFETY: `epoll_create1` just returned this descriptor; nothing else owns it.
            Ok(Epoll(unsafe { Fd::from_raw(fd) }))
        }

        /// `epoll_ctl(op, fd, {events, token})`.
        fn ctl(&self, op: c_int, fd: c_int, events: u32, token: Token) -> Result<()> {
            let mut event = epoll_event {
                events,
                u64: token.0,
            };
            // SAFETY: `event` is a valid `epoll_event` for the call (the kernel only reads it;
            // for `EPOLL_CTL_DEL` it is ignored); `self.0` is an open epoll descriptor.
            retry(|| unsafe { libc::epoll_ctl(self.0.raw(), op, fd, &mut event) })
                .map(drop)
                .map_err(ctl_error)
        }

        /// `EPOLL_CTL_ADD`.
        pub(crate) fn add(&self, fd: c_int, t: Token, i: Interest, tr: Trigger) -> Result<()> {
            self.ctl(libc::EPOLL_CTL_ADD, fd, events(i, tr), t)
        }

        /// `EPOLL_CTL_MOD`.
        pub(crate) fn modify(&self, fd: c_int, t: Token, i: Interest, tr: Trigger) -> Result<()> {
            self.ctl(libc::EPOLL_CTL_MOD, fd, events(i, tr), t)
        }

        /// `EPOLL_CTL_DEL`.
        pub(crate) fn delete(&self, fd: c_int) -> Result<()> {
            self.ctl(libc::EPOLL_CTL_DEL, fd, 0, Token(0))
        }

        /// `epoll_wait` into `out`, restarted on `EINTR` with what is left of the timeout.
        pub(crate) fn wait(&self, out: &mut [Event], timeout: Option<Duration>) -> Result<usize> {
            if out.is_empty() {
                return Err(Error::new(ErrorKind::InvalidInput));
            }
            let mut batch = [epoll_event { events: 0, u64: 0 }; BATCH];
            let max = out.len().min(BATCH);
            let deadline = timeout.map(|t| now().saturating_add(t));
            let got = loop {
                let left = deadline.map(|d| d.saturating_sub(now()));
                // SAFETY: `batch` has room for `max` (<= BATCH) events, writable for the call;
                // `max` fits a `c_int` because BATCH does; `self.0` is an open epoll descriptor.
                let ret = unsafe {
                    libc::epoll_wait(self.0.raw(), batch.as_mut_ptr(), max as c_int, millis(left))
                };
                if ret >= 0 {
                    break ret as usize;
                }
                let code = errno::errno();
                if code != libc::EINTR {
                    return Err(errno::from_errno(code));
                }
            };
            for (slot, event) in out.iter_mut().zip(&batch[..got]) {
                // Copied out of the (packed, on x86-64) struct before use.
                let (bits, token) = (event.events, event.u64);
                *slot = Event::new(Token(token), readiness(bits));
            }
            Ok(got)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn interest_and_trigger_become_epoll_bits() {
            assert_eq!(events(Interest::NONE, Trigger::Level), 0);
            assert_eq!(
                events(Interest::BOTH, Trigger::Edge),
                (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLET) as u32
            );
        }

        #[test]
        fn epoll_bits_become_readiness() {
            let r = readiness((libc::EPOLLIN | libc::EPOLLHUP | libc::EPOLLRDHUP) as u32);
            assert!(r.is_readable() && r.is_hangup() && !r.is_error());
            assert!(readiness(libc::EPOLLERR as u32).is_error());
            assert!(readiness(libc::EPOLLOUT as u32).is_writable());
        }
    }
}
