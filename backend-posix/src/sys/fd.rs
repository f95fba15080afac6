//! An owned descriptor: closed exactly once, when dropped.

use libc::c_int;

use anysock_core::Result;

/// A descriptor this process owns. Invariant: `0` holds an open descriptor that nothing else
/// closes.
#[derive(Debug)]
pub(crate) struct Fd(c_int);

impl Fd {
    /// Takes ownership of the descriptor a syscall just returned.
    ///
    /// # Safety
    /// `fd` must be open and owned by nobody else.
    pub(crate) unsafe fn from_raw(fd: c_int) -> Fd {
        debug_assert!(fd >= 0);
        Fd(fd)
    }

    /// The descriptor number, still owned by `self`.
    #[inline]
    pub(crate) fn raw(&self) -> c_int {
        self.0
    }

    /// Gives up ownership without closing.
    pub(crate) fn into_raw(self) -> c_int {
        let fd = self.0;
        core::mem::forget(self);
        fd
    }

    /// `fcntl(F_DUPFD_CLOEXEC)`: a second descriptor for the same socket.
    pub(crate) fn try_clone(&self) -> Result<Fd> {
        // SAFETY: `fcntl` with `F_DUPFD_CLOEXEC` reads no memory; `self.0` is open.
        let fd = super::retry(|| unsafe { libc::fcntl(self.0, libc::F_DUPFD_CLOEXEC, 0) })?;
        // SAFETY: `fcntl` just returned this new descriptor; nothing else owns it.
        Ok(unsafe { Fd::from_raw(fd) })
    }

    /// Sets or clears `O_NONBLOCK` with `fcntl`, skipping the write when nothing changes.
    pub(crate) fn set_nonblocking(&self, nonblocking: bool) -> Result<()> {
        // SAFETY: `F_GETFL` reads no memory; `self.0` is open.
        let flags = super::retry(|| unsafe { libc::fcntl(self.0, libc::F_GETFL) })?;
        let new = if nonblocking {
            flags | libc::O_NONBLOCK
        } else {
            flags & !libc::O_NONBLOCK
        };
        if new != flags {
            // SAFETY: `F_SETFL` with an int argument reads no memory; `self.0` is open.
            super::retry(|| unsafe { libc::fcntl(self.0, libc::F_SETFL, new) })?;
        }
        Ok(())
    }

    /// `fcntl(F_SETFD, FD_CLOEXEC)`, for platforms without atomic close-on-exec flags.
    #[allow(dead_code)]
    pub(crate) fn set_cloexec(&self) -> Result<()> {
        // SAFETY: `F_SETFD` with an int argument reads no memory; `self.0` is open.
        super::retry(|| unsafe { libc::fcntl(self.0, libc::F_SETFD, libc::FD_CLOEXEC) })?;
        Ok(())
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        // Never retried on EINTR (see the module docs of `sys`); other errors have nobody to
        // report to, and the descriptor is released either way.
        // SAFETY: `self.0` is open and owned by `self`, which is going away.
        unsafe { libc::close(self.0) };
    }
}

/// With `std`: the descriptor lent to, or handed over as, the standard library's types. Sound
/// because an `Fd` owns its descriptor.
#[cfg(feature = "std")]
mod std_fd {
    use std::os::fd::{AsFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd};

    use super::Fd;

    impl AsFd for Fd {
        fn as_fd(&self) -> BorrowedFd<'_> {
            // SAFETY: the descriptor stays open while `self` is borrowed: only dropping `self`
            // closes it.
            unsafe { BorrowedFd::borrow_raw(self.0) }
        }
    }

    impl From<Fd> for OwnedFd {
        fn from(fd: Fd) -> OwnedFd {
            // SAFETY: `into_raw` gives up an open descriptor that nothing else owns.
            unsafe { OwnedFd::from_raw_fd(fd.into_raw()) }
        }
    }

    impl From<OwnedFd> for Fd {
        fn from(owned: OwnedFd) -> Fd {
            // SAFETY: `into_raw_fd` gives up `owned`'s descriptor, open and now ours alone.
            unsafe { Fd::from_raw(owned.into_raw_fd()) }
        }
    }
}

/// `from_raw_fd` for a socket type of the layer above: the inherent `unsafe fn` and, with
/// `std`, `FromRawFd`. Taking ownership of a raw number rests on the caller's promise, which
/// only this layer may accept; `$adopt` makes the type out of the owned [`Fd`].
macro_rules! from_raw_fd {
    ($ty:ident, $adopt:expr) => {
        impl $ty {
            /// Takes ownership of `fd`, asking the kernel for its domain and type
            /// (`getsockname`, `SO_TYPE`). It is closed when the result is dropped.
            ///
            /// # Safety
            /// `fd` must be an open descriptor that nothing else owns or closes.
            pub unsafe fn from_raw_fd(fd: i32) -> Self {
                // SAFETY: the caller hands over an open descriptor it owned.
                let fd = unsafe { $crate::sys::Fd::from_raw(fd) };
                ($adopt)(fd)
            }
        }

        #[cfg(feature = "std")]
        impl std::os::fd::FromRawFd for $ty {
            /// Takes ownership of `fd`, asking the kernel for its domain and type.
            ///
            /// # Safety
            /// `fd` must be an open descriptor that nothing else owns or closes.
            unsafe fn from_raw_fd(fd: std::os::fd::RawFd) -> Self {
                // SAFETY: the caller's promise is the one `from_raw_fd` asks for.
                unsafe { $ty::from_raw_fd(fd) }
            }
        }
    };
}
pub(crate) use from_raw_fd;
