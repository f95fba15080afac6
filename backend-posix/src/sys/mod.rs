//! The only place that calls libc's functions and the only place with `unsafe`: one thin
//! wrapper per syscall, turning `-1`/`errno` into [`anysock_core::Error`], with the C layouts
//! the calls need (addresses, control messages, plain values: `pod`). It imports nothing from
//! the rest of the crate; the public types and the code without `unsafe` (the option table,
//! batch bookkeeping) are above it. The calls' platform differences are chosen here, with
//! `cfg-if`.
//!
//! # EINTR
//!
//! One policy for every call: a call interrupted by a signal before it transferred anything is
//! restarted here, so [`anysock_core::ErrorKind::Interrupted`] never reaches the caller. `poll`
//! restarts with what is left of its timeout; an interrupted blocking `connect` is not repeated
//! (the kernel goes on connecting) but waited for, and its outcome read from `SO_ERROR`. `close`
//! is never repeated: on Linux the descriptor is gone even when `close` reports `EINTR`, and a
//! retry could close a descriptor another thread just opened.

#[cfg(not(unix))]
compile_error!("anysock-posix supports Unix-like systems only (Linux, macOS, the BSDs)");

pub(crate) mod addr;
pub(crate) mod cmsg;
// The selector's system call: `epoll` where there is one (`kqueue` is not wrapped yet).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) mod epoll;
pub(crate) mod errno;
pub(crate) mod fd;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) mod mmsg;
pub(crate) mod msg;
pub(crate) mod os;
pub(crate) mod passed;
pub(crate) mod pod;
pub(crate) mod poll;
pub(crate) mod resolve;
pub(crate) mod rt;
pub(crate) mod socket;
pub(crate) mod sockopt;
#[cfg(any(feature = "async-io", feature = "tokio"))]
pub(crate) mod source_fd;

pub(crate) use fd::Fd;

/// A syscall's return value that signals failure with `-1`.
pub(crate) trait MinusOne: Copy {
    fn is_minus_one(self) -> bool;
}

impl MinusOne for libc::c_int {
    #[inline]
    fn is_minus_one(self) -> bool {
        self == -1
    }
}

impl MinusOne for libc::ssize_t {
    #[inline]
    fn is_minus_one(self) -> bool {
        self == -1
    }
}

/// Runs `call` until it does not fail with `EINTR`; maps any other failure to an `Error`.
#[inline(always)]
pub(crate) fn retry<T: MinusOne>(mut call: impl FnMut() -> T) -> anysock_core::Result<T> {
    loop {
        let ret = call();
        if !ret.is_minus_one() {
            return Ok(ret);
        }
        let code = errno::errno();
        if code != libc::EINTR {
            return Err(errno::from_errno(code));
        }
    }
}
