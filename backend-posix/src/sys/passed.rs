//! Descriptors received in `SCM_RIGHTS`: from the moment `recvmsg` returns they are this
//! process's, so each one is owned by exactly one value that closes it — the decoder until the
//! record is yielded, then the record's [`ReceivedFds`], then the [`PassedFd`] taken out of it.

use core::mem::size_of;

use libc::c_int;

use super::cmsg::{decode, record_at, RawFds};
use super::Fd;
use anysock_core::cmsg::Cmsg;
use anysock_core::Result;

/// A descriptor received from another process (`SCM_RIGHTS`), owned: closed when dropped,
/// unless turned into a socket or given up with [`PassedFd::into_raw_fd`].
///
/// It arrives close-on-exec where the system allows (`MSG_CMSG_CLOEXEC`).
#[derive(Debug)]
pub struct PassedFd {
    pub(crate) fd: Fd,
}

impl PassedFd {
    /// The descriptor number, still owned by `self`.
    pub fn as_raw_fd(&self) -> i32 {
        self.fd.raw()
    }

    /// Gives up the descriptor without closing it; the caller must close it.
    pub fn into_raw_fd(self) -> i32 {
        self.fd.into_raw()
    }
}

/// Takes ownership of a number the kernel just installed; negative numbers (already closed by
/// [`close_rights`]) own nothing.
///
/// # Safety
/// `fd` must be negative, or a descriptor received in this process's control buffer and owned
/// by nobody else.
unsafe fn adopt(fd: c_int) -> Option<PassedFd> {
    if fd < 0 {
        return None;
    }
    // SAFETY: the caller vouches that a non-negative `fd` is open and unowned.
    let fd = unsafe { Fd::from_raw(fd) };
    Some(PassedFd { fd })
}

/// The descriptors of one received `SCM_RIGHTS` message: an iterator of [`PassedFd`]. Those not
/// taken are closed when it is dropped.
#[derive(Debug)]
pub struct ReceivedFds<'c> {
    raw: RawFds<'c>,
}

impl ReceivedFds<'_> {
    /// How many descriptors are left to take.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

impl Iterator for ReceivedFds<'_> {
    type Item = PassedFd;

    fn next(&mut self) -> Option<PassedFd> {
        loop {
            let fd = self.raw.next()?;
            // SAFETY: a `ReceivedFds` is made only by `ReceivedControl`, over a buffer the kernel
            // just filled, and each number is read once, here.
            if let Some(owned) = unsafe { adopt(fd) } {
                return Some(owned);
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.raw.len()))
    }
}

impl Drop for ReceivedFds<'_> {
    fn drop(&mut self) {
        self.for_each(drop);
    }
}

/// The ancillary data of one received message, decoded as it is iterated: items are
/// `Result<Cmsg<'c, ReceivedFds<'c>>>`. A malformed record is an `Err` item and ends the
/// iteration; a typed message of the wrong size is an `Err` item and iteration goes on.
///
/// Dropping it closes the descriptors of every `SCM_RIGHTS` message not yet yielded.
#[derive(Debug)]
pub struct ReceivedControl<'c> {
    buf: &'c [u8],
    pos: usize,
}

impl<'c> ReceivedControl<'c> {
    /// Takes ownership of the descriptors in `buf`, the valid part of a control buffer the
    /// kernel just filled.
    ///
    /// # Safety
    /// Every `SCM_RIGHTS` descriptor in `buf` must be open and owned by nobody else.
    pub(crate) unsafe fn new(buf: &'c [u8]) -> Self {
        ReceivedControl { buf, pos: 0 }
    }
}

impl<'c> Iterator for ReceivedControl<'c> {
    type Item = Result<Cmsg<'c, ReceivedFds<'c>>>;

    fn next(&mut self) -> Option<Self::Item> {
        let (record, next) = match record_at(self.buf, self.pos)? {
            Ok(found) => found,
            Err(e) => {
                self.pos = self.buf.len();
                return Some(Err(e));
            }
        };
        self.pos = next;
        let data = &self.buf[record.start..record.end];
        let decoded = decode(record.level, record.ty, data);
        if decoded.is_err() && record.is_rights() {
            // SAFETY: this record is being passed over, not yielded: its descriptors are still
            // owned by `self`.
            unsafe { close_all(data) };
        }
        Some(decoded.map(|msg| match msg {
            Cmsg::Rights(raw) => Cmsg::Rights(ReceivedFds { raw }),
            Cmsg::Credentials(c) => Cmsg::Credentials(c),
            Cmsg::PktInfo(p) => Cmsg::PktInfo(p),
            Cmsg::Timestamp(t) => Cmsg::Timestamp(t),
            Cmsg::TimestampNs(t) => Cmsg::TimestampNs(t),
            Cmsg::Tos(v) => Cmsg::Tos(v),
            Cmsg::TrafficClass(v) => Cmsg::TrafficClass(v),
            Cmsg::Ttl(v) => Cmsg::Ttl(v),
            Cmsg::HopLimit(v) => Cmsg::HopLimit(v),
            Cmsg::UdpSegment(v) => Cmsg::UdpSegment(v),
            Cmsg::UdpGro(v) => Cmsg::UdpGro(v),
            Cmsg::Raw { level, ty, data } => Cmsg::Raw { level, ty, data },
            // `decode` makes no other variant; should one appear, its bytes are kept.
            _ => Cmsg::Raw {
                level: record.level,
                ty: record.ty,
                data,
            },
        }))
    }
}

impl Drop for ReceivedControl<'_> {
    fn drop(&mut self) {
        // A record whose payload is not whole descriptors fails to decode; its complete
        // descriptors are still closed, so that a malformed tail cannot leak what precedes it.
        while let Some(Ok((record, next))) = record_at(self.buf, self.pos) {
            self.pos = next;
            if record.is_rights() {
                // SAFETY: this record was not yielded, so its descriptors are still owned by
                // `self` (see `new`), and `pos` moved past it: it is read once.
                unsafe { close_all(&self.buf[record.start..record.end]) };
            }
        }
    }
}

/// Closes the whole descriptors of an `SCM_RIGHTS` payload.
///
/// # Safety
/// The descriptors must be owned by the caller, which gives them up.
unsafe fn close_all(data: &[u8]) {
    for chunk in data.chunks_exact(size_of::<c_int>()) {
        let mut n = [0u8; 4];
        n.copy_from_slice(chunk);
        // SAFETY: the caller owns the descriptor and gives it up.
        drop(unsafe { adopt(c_int::from_ne_bytes(n)) });
    }
}

/// Closes every descriptor of the `SCM_RIGHTS` messages in `buf`, which the kernel just filled,
/// and overwrites its number with `-1`, so the bytes the caller sees name no descriptor.
pub(crate) fn close_rights(buf: &mut [u8]) {
    let mut pos = 0;
    while let Some(Ok((record, next))) = record_at(buf, pos) {
        pos = next;
        if !record.is_rights() {
            continue;
        }
        for chunk in buf[record.start..record.end].chunks_exact_mut(size_of::<c_int>()) {
            let mut n = [0u8; 4];
            n.copy_from_slice(chunk);
            // SAFETY: the kernel installed this descriptor for this process just now, nothing
            // else knows its number yet, and the `-1` written below keeps it from being closed
            // twice.
            drop(unsafe { adopt(c_int::from_ne_bytes(n)) });
            chunk.copy_from_slice(&(-1 as c_int).to_ne_bytes());
        }
    }
}
