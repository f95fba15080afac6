//! A socket's descriptor as a reactor sees it (features `async-io`, `tokio`): borrowed, not
//! owned, from the socket that owns it. Here because lending a raw descriptor is `unsafe`.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use super::Fd;

/// The descriptor of a socket registered with a reactor, without its ownership.
///
/// Invariant: the socket owning the descriptor outlives every `SourceFd` of it. The only
/// maker, `asynch::Registered::new`, stores the reactor's wrapper of it in a field declared
/// before the socket, so it is dropped (and deregistered) first, and `Registered::into_inner`
/// drops it before handing the socket back.
#[derive(Debug)]
pub struct SourceFd(RawFd);

impl SourceFd {
    /// The descriptor of `fd`, which must outlive the result (see the type's invariant).
    pub(crate) fn of(fd: &Fd) -> SourceFd {
        SourceFd(fd.raw())
    }
}

impl AsRawFd for SourceFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

impl AsFd for SourceFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: by the type's invariant the descriptor stays open while `self` exists, and
        // the borrow cannot outlive `self`.
        unsafe { BorrowedFd::borrow_raw(self.0) }
    }
}

/// `AsyncFd::register_with_interest(fd, READABLE | WRITABLE)` (feature `tokio`): tokio asks
/// its caller to promise that the descriptor stays open, and the same, while registered.
#[cfg(feature = "tokio")]
pub(crate) fn register_tokio(fd: SourceFd) -> std::io::Result<tokio::io::unix::AsyncFd<SourceFd>> {
    use tokio::io::Interest;
    // SAFETY: by `SourceFd`'s invariant the descriptor stays open, and names the same socket,
    // until the `AsyncFd` is dropped; `as_raw_fd` always returns it.
    let registered = unsafe {
        tokio::io::unix::AsyncFd::register_with_interest(
            fd,
            Interest::READABLE | Interest::WRITABLE,
        )
    };
    registered.map_err(std::io::Error::from)
}
