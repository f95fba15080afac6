//! `poll(2)` over a slice of [`PollFd`], restarted on `EINTR` with what is left of the timeout.

use core::mem::{align_of, size_of};
use core::time::Duration;

use libc::{c_int, pollfd};

use super::retry;
use anysock_core::{Error, ErrorKind, Interest, PollFd, Readiness, Result};

// `PollFd<c_int>` is `#[repr(C)] { handle: c_int, interest: i16, ready: i16 }`, which is
// `struct pollfd { int fd; short events; short revents; }` field for field.
const _: () = assert!(size_of::<PollFd<c_int>>() == size_of::<pollfd>());
const _: () = assert!(align_of::<PollFd<c_int>>() == align_of::<pollfd>());
// And core's bits are the platform's `POLL*` values, so the entries go to the kernel as they
// are and come back as they are.
const _: () = assert!(Interest::READABLE.bits() == libc::POLLIN);
const _: () = assert!(Interest::WRITABLE.bits() == libc::POLLOUT);
const _: () = assert!(Readiness::READABLE.bits() == libc::POLLIN);
const _: () = assert!(Readiness::WRITABLE.bits() == libc::POLLOUT);
const _: () = assert!(Readiness::ERROR.bits() == libc::POLLERR);
const _: () = assert!(Readiness::HANGUP.bits() == libc::POLLHUP);
const _: () = assert!(Readiness::INVALID.bits() == libc::POLLNVAL);

/// Milliseconds for `poll`, rounded up so that a short wait does not become a busy look; `-1`
/// for no limit.
pub(super) fn millis(timeout: Option<Duration>) -> c_int {
    match timeout {
        None => -1,
        Some(d) => {
            let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
            c_int::try_from(ms).unwrap_or(c_int::MAX)
        }
    }
}

/// `clock_gettime(CLOCK_MONOTONIC)`.
pub(super) fn now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a writable `timespec`; CLOCK_MONOTONIC exists everywhere we build.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Waits for readiness; returns how many entries report something (0 on timeout).
pub(crate) fn poll(fds: &mut [PollFd<c_int>], timeout: Option<Duration>) -> Result<usize> {
    let nfds =
        libc::nfds_t::try_from(fds.len()).map_err(|_| Error::new(ErrorKind::InvalidInput))?;
    let ptr = fds.as_mut_ptr().cast::<pollfd>();
    let deadline = timeout.map(|t| now().saturating_add(t));
    loop {
        let left = deadline.map(|d| d.saturating_sub(now()));
        // SAFETY: `PollFd<c_int>` has the layout of `pollfd` (asserted above), and `ptr` points
        // to `nfds` of them, writable for the call.
        let ret = unsafe { libc::poll(ptr, nfds, millis(left)) };
        if ret >= 0 {
            return Ok(ret as usize);
        }
        let code = super::errno::errno();
        if code != libc::EINTR {
            return Err(super::errno::from_errno(code));
        }
    }
}

/// Polls one descriptor without waiting; returns its `revents` bits.
pub(crate) fn poll_one_now(fd: c_int, events: i16) -> Result<i16> {
    let mut entry = pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: `entry` is one writable `pollfd`.
    retry(|| unsafe { libc::poll(&mut entry, 1, 0) })?;
    Ok(entry.revents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up() {
        assert_eq!(millis(None), -1);
        assert_eq!(millis(Some(Duration::ZERO)), 0);
        assert_eq!(millis(Some(Duration::from_micros(1))), 1);
        assert_eq!(millis(Some(Duration::from_millis(5))), 5);
        assert_eq!(millis(Some(Duration::from_secs(u64::MAX))), c_int::MAX);
    }
}
